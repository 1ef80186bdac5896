// Chapter 1 — convolution and cross-correlation 卷积与互相关: your answers.
//
// Each function below is an exercise. It starts as a stub that throws not_attempted; replace the
// `throw` with your answer, rebuild and check:
//
//     cmake --build build/release --target cnnlab_cli
//     build/release/bin/cnnlab check 1        # the whole chapter
//     build/release/bin/cnnlab check 5-1      # one exercise (5-1.1 and 5-1.2)
//
// The checker reports each exercise as RIGHT, WRONG (with the first element that differs and a
// hint), ERROR (your code threw) or not attempted. Indices in its messages are 0-based, as in C++.
// You may call cnnlab's library (chapters/ch01_convolution/convolution.hpp) where an exercise does
// not ask you to write the loops yourself.
#include "exercises/ch01/ch01_exercises.hpp"

namespace cnnlab::exercises::ch01 {

/// **5-1.1** (nndl ex 5-1 (1)). nndl (5.6) says the kernel \f$w = [w_1, w_2, w_3]\f$ of the 1-D
/// convolution \f$y_t = \sum_{k=1}^{3} w_k x_{t-k+1}\f$ approximates the second derivative
/// \f$x''(t)\f$ of a signal sampled at unit spacing. Return that kernel.
/// Derive it: \f$x'(t) \approx x(t) - x(t-1)\f$, then apply the same difference once more.
arma::vec second_difference_kernel() {
    throw not_attempted{};
}

/// **5-1.2** (nndl ex 5-1 (2)). Design a 3×3 kernel whose 2-D convolution approximates the
/// Laplacian \f$\nabla^2 f = f_{xx} + f_{yy}\f$ of an image sampled on a unit grid (the checker
/// applies it with cnnlab::conv2d to \f$x^2 + y^2\f$, whose Laplacian is 4, and to a cubic).
arma::mat laplacian_kernel() {
    throw not_attempted{};
}

/// **5-2** (nndl ex 5-2). Write the wide cross-correlation 宽互相关 \f$Y = W \tilde\otimes X\f$ with
/// loops (no cnnlab call): pad the \f$M \times N\f$ input `X` with \f$U-1\f$ zero rows above and
/// below and \f$V-1\f$ zero columns left and right (W is \f$U \times V\f$), then
/// \f$y_{ij} = \sum_{u,v} w_{uv}\,\tilde x_{i+u,\,j+v}\f$, an \f$(M+U-1)\times(N+V-1)\f$ output.
/// W may be larger than X. The checker then uses your function to test nndl (5.13), the
/// commutativity of wide convolution: \f$\mathrm{rot180}(W) \tilde\otimes X = \mathrm{rot180}(X) \tilde\otimes W\f$.
arma::mat wide_xcorr(const arma::mat& W, const arma::mat& X) {
    throw not_attempted{};
}

/// **5-5** (nndl ex 5-5). For a 3×3 input \f$X\f$ and a 2×2 kernel \f$W\f$, the valid
/// cross-correlation \f$Y = W \otimes X\f$ (2×2) is linear in \f$X\f$: \f$\mathrm{vec}_r(Y) =
/// C\,\mathrm{vec}_r(X)\f$, where \f$\mathrm{vec}_r\f$ reads a matrix row by row
/// (\f$x_{11}, x_{12}, x_{13}, x_{21}, \dots\f$; cnnlab::vec_rows). Return the 4×9 matrix \f$C\f$.
arma::mat conv_matrix_3x3(const arma::mat& W) {
    throw not_attempted{};
}

/// **d2l-corr2d** (d2l, Convolutions for Images). Write d2l's `corr2d`: the valid 2-D
/// cross-correlation \f$y_{ij} = \sum_{u,v} k_{uv}\, x_{i+u,\,j+v}\f$ of `X` (\f$M \times N\f$) with
/// `K` (\f$U \times V\f$), an \f$(M-U+1)\times(N-V+1)\f$ output, with loops (no cnnlab call).
/// Example: corr2d([[0,1,2],[3,4,5],[6,7,8]], [[0,1],[2,3]]) = [[19,25],[37,43]].
arma::mat corr2d(const arma::mat& X, const arma::mat& K) {
    throw not_attempted{};
}

/// **d2l-edge** (d2l, Convolutions for Images: object edge detection). Build d2l's image: X is
/// 6×8, all ones except columns 2, 3, 4, 5 (0-based), which are 0. The kernel is K = [1, −1]
/// (1 row, 2 columns). Return corr2d(X, K) — compute it with your corr2d, then make sure you can
/// predict every element by hand.
arma::mat edge_output() {
    throw not_attempted{};
}

/// **d2l-edge-transposed** (d2l, Convolutions for Images, after exercise 1). With X and K of
/// edge_output(), what does the detector give when the image is transposed, the kernel is
/// transposed, or both? Fill in corr2d(Xᵀ, K), corr2d(X, Kᵀ) and corr2d(Xᵀ, Kᵀ).
TransposedEdges transposed_edge_outputs() {
    throw not_attempted{};
}

/// **d2l-output-shape** (d2l, Padding and Stride). The output shape of a 2-D cross-correlation
/// of an `input` of size \f$n_h \times n_w\f$ with a kernel \f$k_h \times k_w\f$, `padding`
/// \f$p_h, p_w\f$ zeros on **each** side (PyTorch's `padding=(ph, pw)`; d2l's total padding is
/// \f$2p\f$) and `stride` \f$s_h, s_w\f$. You may assume the kernel fits in the padded input.
Size2 output_shape(Size2 input, Size2 kernel, Size2 padding, Size2 stride) {
    throw not_attempted{};
}

/// **d2l-stride-question** (d2l, Padding and Stride, exercise 1). d2l's last example applies
/// `nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))` to an 8×8 input. What is
/// the output shape? Work it out by hand, then return it.
Size2 strided_example_shape() {
    throw not_attempted{};
}

/// **impl-im2col** (implementation). Write im2col for one plane, valid padding, with `stride`:
/// for a kernel of \f$U \times V\f$ taps and an output of \f$H_o \times W_o\f$, return the
/// \f$UV \times H_o W_o\f$ matrix whose column \f$i + H_o j\f$ is the window read by output
/// \f$(i, j)\f$, with tap \f$(u, v)\f$ — input element \f$(i s_h + u,\; j s_w + v)\f$ — in row
/// \f$u + U v\f$. This is cnnlab's convention (column-major, like Armadillo), so that
/// \f$\mathrm{vec}(Y) = \mathrm{vec}(K)^\top\,\mathrm{im2col}(X)\f$ turns correlation into one product.
arma::mat im2col(const arma::mat& X, Size2 kernel, Size2 stride) {
    throw not_attempted{};
}

/// **impl-output-size** (implementation). PyTorch's output length along one axis: input length
/// `n`, a kernel of `k` taps with `dilation` \f$d\f$ (\f$d-1\f$ holes between taps), `padding`
/// zeros on each side and `stride`. You may assume the dilated kernel fits in the padded input.
std::size_t output_size(std::size_t n, std::size_t k, std::size_t padding, std::size_t stride, std::size_t dilation) {
    throw not_attempted{};
}

}  // namespace cnnlab::exercises::ch01
