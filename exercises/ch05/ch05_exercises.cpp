// Chapter 5 — transposed and dilated convolution 转置卷积/空洞卷积: your answers.
//
// Each function below is an exercise. It starts as a stub that throws not_attempted; replace the
// `throw` with your answer, rebuild and check:
//
//     cmake --build build/release --target cnnlab_cli
//     build/release/bin/cnnlab check 5        # the whole chapter
//     build/release/bin/cnnlab check 5-8      # one exercise
//
// Along one axis a transposed convolution with stride s, padding p, dilation d and output padding a
// sends input cell i through tap u to output cell i·s − p + u·d (PyTorch's ConvTranspose2d); cells
// that land below 0 or past the end are dropped. A dilation rate D puts D − 1 holes between
// neighbouring taps of a kernel (PyTorch's dilation = D). Indices are 0-based. You may call
// cnnlab::xcorr2d, xcorr1d, rot180 and zero_pad (chapters/ch01_convolution/convolution.hpp) where
// an exercise does not ask you to write them, or write loops; the exercises that ask for a
// transposed convolution want it written, not cnnlab::conv_transpose2d called.
#include "exercises/ch05/ch05_exercises.hpp"

#include "chapters/ch01_convolution/convolution.hpp"  // cnnlab::xcorr2d, xcorr1d, rot180, zero_pad, which you may call

#include <algorithm>
#include <cmath>

namespace cnnlab::exercises::ch05 {

/// **5-8** (nndl ex 5-8: "in a dilated convolution with kernel size K and dilation rate D, how do
/// you set the zero padding P so that the convolution is an equal-width convolution 等宽卷积?").
/// Stride 1, P zeros on each side; equal width means the output has as many cells as the input,
/// for every input length. Return P — or std::nullopt when no P keeps the size (try K = 2, D = 1).
/// Count the cells a dilated kernel spans first. Note 003 answers P = (K − 1)/2·(1 + D): try it on
/// K = 3, D = 2 before you trust it.
std::optional<std::size_t> same_padding(std::size_t kernel, std::size_t dilation) {
    throw not_attempted{};
}

/// **impl-tconv-size** (implementation). The output length of a transposed convolution along one
/// axis: n input cells, K taps, stride s, padding p, dilation d, output padding a. Think of the
/// full scatter first (the last input cell, n − 1, lands at (n − 1)·s and its last tap reaches
/// d·(K − 1) further), then p removes p cells at each end and a adds a cells at the end (PyTorch's
/// rule, which cnnlab follows). Write the formula; don't call cnnlab::transposed_output_size.
std::size_t transposed_size(std::size_t n, std::size_t kernel, std::size_t stride, std::size_t padding,
                            std::size_t dilation, std::size_t output_padding) {
    throw not_attempted{};
}

/// **impl-output-padding** (implementation). A convolution with K taps, stride s and padding p maps
/// i cells to o = ⌊(i + 2p − K)/s⌋ + 1 — for s > 1 several input sizes give the same o: d2l's
/// Conv2d(kernel_size=5, padding=2, stride=3) maps 16, 17 and 18 cells to 6. The transposed
/// convolution with the same K, s and p maps o back to (o − 1)·s − 2p + K + a, and its output
/// padding a ∈ [0, s) picks which of those sizes it restores (PyTorch's ConvTranspose2d refuses
/// a ≥ s). Return the a that gives back i.
std::size_t restoring_output_padding(std::size_t input, std::size_t kernel, std::size_t stride, std::size_t padding) {
    throw not_attempted{};
}

/// **impl-tconv-scatter** (implementation; d2l Transposed Convolution's trans_conv, with a stride).
/// The transposed convolution of the plane z (H×W) with the kernel w (K_h×K_w), stride (s_h, s_w),
/// no padding: the output starts as zeros of ((H − 1)·s_h + K_h) × ((W − 1)·s_w + K_w), and each
/// input cell z(i, j) adds z(i, j)·w into the K_h×K_w block whose top-left corner is
/// (i·s_h, j·s_w). The blocks overlap when s < K: add, don't assign. d2l's example, z = w =
/// [[0,1],[2,3]]: stride 1 gives [[0,0,1],[0,4,6],[4,12,9]], stride 2 gives
/// [[0,0,0,1],[0,0,2,3],[0,2,0,3],[4,6,6,9]]. Write the loops (Armadillo's `Y.submat(…) += …`
/// helps); don't call cnnlab::conv_transpose2d.
arma::mat conv_transpose_scatter(const arma::mat& z, const arma::mat& w, Size2 stride) {
    throw not_attempted{};
}

/// **impl-tconv-as-conv** (implementation; nndl §5.5.1: the fractionally strided
/// convolution 微步卷积). A transposed convolution is also an ordinary convolution, on a stretched
/// input:
/// 1. insert s − 1 zeros between neighbouring cells of z along each axis: a plane of
///    ((H − 1)·s_h + 1) × ((W − 1)·s_w + 1) with z(i, j) at (i·s_h, j·s_w) and zeros elsewhere;
/// 2. pad it with K_h − 1 − p_h zero rows above and below, K_w − 1 − p_w zero columns left and right
///    (the checker keeps p ≤ K − 1);
/// 3. cross-correlate it (valid, stride 1) with the kernel turned by 180°, rot180(w).
///
/// With stride 1 and no padding that is nndl's x = rot180(w) ⊗̃ z, a wide cross-correlation. The
/// result equals the scatter of impl-tconv-scatter with `padding` rows and columns cut from each
/// side. You may call cnnlab::zero_pad, cnnlab::xcorr2d and cnnlab::rot180, not cnnlab::conv_transpose2d.
arma::mat conv_transpose_by_zero_insertion(const arma::mat& z, const arma::mat& w, Size2 stride, Size2 padding) {
    throw not_attempted{};
}

/// **impl-tconv-matrix** (implementation; nndl §5.5.1, note 003's 3×5 C). The valid
/// cross-correlation z = w ⊗ x of a 5-cell input with the kernel (w₁, w₂, w₃) is z = Cx with
/// C = [[w₁,w₂,w₃,0,0],[0,w₁,w₂,w₃,0],[0,0,w₁,w₂,w₃]], and the transposed convolution is x = Cᵀz.
/// Chapter 3's 5-7.1 built C for stride 1; now add a stride s and p zeros of padding on each side:
/// output i reads the cells i·s − p + k (k = 0 … K − 1) with weight w(k), and a cell outside
/// [0, n) is a padding zero, which contributes nothing (it has no column in C). Return the o×n
/// matrix with o = ⌊(n + 2p − K)/s⌋ + 1. The checker also multiplies Cᵀ with a z and compares with
/// the transposed convolution of stride s and padding p: for s > 1, a fractionally strided
/// convolution 微步卷积.
arma::mat strided_convolution_matrix(const arma::vec& w, std::size_t n, std::size_t stride, std::size_t padding) {
    throw not_attempted{};
}

/// **d2l-round-trip** (d2l Transposed Convolution, ex 1: "the convolution input X and the
/// transposed convolution output Z have the same shape. Do they have the same value? Why?").
/// d2l's example: X of 1×10×16×16, conv = Conv2d(10, 20, kernel_size=5, padding=2, stride=3),
/// tconv = ConvTranspose2d(20, 10, kernel_size=5, padding=2, stride=3), Z = tconv(conv(X)) has X's
/// shape. Return one of the RoundTrip choices (ch05_exercises.hpp lists them, (a)–(d)). Hint: count
/// the rows and the columns of the conv's matrix C for this layer.
RoundTrip round_trip_values() {
    throw not_attempted{};
}

/// **d2l-matmul-cost** (d2l Transposed Convolution, ex 2: "is it efficient to use matrix
/// multiplications to implement convolutions? Why?"). d2l writes the 2×2 kernel's convolution of a
/// 3×3 input as one product with a 4×9 matrix C, vec(Y) = C·vec(X). For an H×W input and a K_h×K_w
/// kernel (valid, stride 1) return
/// - `entries`: the entries of C — what a dense matrix-vector product multiplies and adds;
/// - `nonzeros`: the entries of C that hold a weight (a kernel without zero taps) — what the
///   convolution itself multiplies and adds.
///
/// Then compare them for a 224×224 image and a 3×3 kernel: that is the answer to d2l's question.
MatmulCost matmul_cost(Size2 input, Size2 kernel) {
    throw not_attempted{};
}

/// **impl-dilated-field** (implementation; nndl §5.5.2: "dilated convolution enlarges the receptive
/// field of an output without adding parameters"). `layers` is a stack of stride-1, valid
/// convolutions, from the input upwards, layer l with K_l taps and dilation rate D_l. Return the
/// receptive field 感受野 of one output of the last layer along one axis: the number of consecutive
/// input cells from the first that can influence it to the last, holes included. Start with one
/// layer (its dilated kernel's span), then ask how much each further layer adds. WaveNet-style
/// doubling rates {{3, 1}, {3, 2}, {3, 4}} see 15 cells.
std::size_t receptive_field(const std::vector<DilatedConv>& layers) {
    throw not_attempted{};
}

}  // namespace cnnlab::exercises::ch05
