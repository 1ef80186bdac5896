// Chapter 2 — convolution layers 卷积层: your answers.
//
// Each function below is an exercise. It starts as a stub that throws not_attempted; replace the
// `throw` with your answer, rebuild and check:
//
//     cmake --build build/release --target cnnlab_cli
//     build/release/bin/cnnlab check 2        # the whole chapter
//     build/release/bin/cnnlab check 5-3      # one exercise (5-3.1 and 5-3.2)
//
// Multi-channel images are arma::cube, one slice per channel: X.slice(c) is the h×w plane of
// channel c (PyTorch's X[c]; a cube's shape is printed C×H×W). A layer's weights are a
// LayerWeights = std::vector<arma::cube>: K[o].slice(c) is the kernel from input channel c to output
// channel o. The checker's messages name an element of a cube as (c, i, j): channel c, row i,
// column j, all 0-based. You may call cnnlab::xcorr2d (chapters/ch01_convolution/convolution.hpp)
// for a single plane.
#include "exercises/ch02/ch02_exercises.hpp"

#include "chapters/ch01_convolution/convolution.hpp"  // cnnlab::xcorr2d, which you may call

namespace cnnlab::exercises::ch02 {

/// **5-3.1** (nndl ex 5-3: what a 1×1 kernel does). A 1×1 convolution layer looks at one pixel
/// at a time: output channel \f$o\f$ at pixel \f$(i, j)\f$ is
/// \f$Y_{o,ij} = \sum_{c} W_{oc}\, X_{c,ij}\f$ — a fully connected layer from the \f$c_i\f$ input
/// channels to the \f$c_o\f$ output channels, applied at every pixel with the same weights (note
/// 001: take the channels as the features and the pixels as the samples). `X` is
/// \f$c_i \times h \times w\f$, `W` is \f$c_o \times c_i\f$ (no bias). Compute the layer as **one**
/// matrix product: lay `X` out as a \f$c_i \times hw\f$ matrix (row \f$c\f$ = channel \f$c\f$,
/// pixel \f$(i, j)\f$ in column \f$i + h j\f$), multiply by `W`, and fold the \f$c_o \times hw\f$
/// product back into a \f$c_o \times h \times w\f$ cube.
arma::cube conv1x1_matmul(const arma::cube& X, const arma::mat& W) {
    throw not_attempted{};
}

/// **5-3.2** (nndl ex 5-3: why 1×1 kernels make networks cheaper). A \f$k \times k\f$ layer
/// \f$c_{in} \to c_{out}\f$ (odd \f$k\f$, stride 1, "same" padding so the output stays
/// \f$h \times w\f$, one bias per output channel) is expensive when both channel counts are large.
/// GoogLeNet (note 001, Inception) first reduces the channels with a 1×1 layer
/// \f$c_{in} \to m\f$ (m = `reduced`, with bias) and lets the \f$k \times k\f$ layer read those
/// \f$m\f$ channels. For one sample, return the cost of both designs:
/// - `multiply_adds`: one per weight per output pixel, summed over the layers;
/// - `parameters`: weights plus biases, summed over the layers;
/// - `activations`: the values of every feature map — the input, the output, and for the
///   bottleneck also the \f$m \times h \times w\f$ map between its two layers.
BottleneckCost bottleneck_cost(std::size_t in_channels, std::size_t reduced, std::size_t out_channels,
                               std::size_t kernel, std::size_t height, std::size_t width) {
    throw not_attempted{};
}

/// **d2l-multi-in** (d2l, Multiple Input and Multiple Output Channels). Write d2l's
/// `corr2d_multi_in`: `X` has \f$c\f$ channels of \f$h \times w\f$ and `K` one
/// \f$k_h \times k_w\f$ kernel per input channel. Cross-correlate each channel with its own kernel
/// (valid, no flip) and add the \f$c\f$ results: \f$Y = \sum_c K_c \otimes X_c\f$, an
/// \f$(h-k_h+1)\times(w-k_w+1)\f$ matrix. d2l's example: X = [[0,1,2],[3,4,5],[6,7,8]] and
/// [[1,2,3],[4,5,6],[7,8,9]], K = [[0,1],[2,3]] and [[1,2],[3,4]] give [[56,72],[104,120]].
arma::mat corr2d_multi_in(const arma::cube& X, const arma::cube& K) {
    throw not_attempted{};
}

/// **d2l-multi-in-out** (d2l, Multiple Input and Multiple Output Channels). Write d2l's
/// `corr2d_multi_in_out`: `K` holds \f$c_o\f$ kernels of \f$c_i\f$ channels each (`K[o]`, a cube
/// like `X`). Output channel \f$o\f$ is `corr2d_multi_in(X, K[o])`: the result is a
/// \f$c_o \times (h-k_h+1) \times (w-k_w+1)\f$ cube. d2l stacks K, K+1, K+2 (K of the previous
/// exercise) into three output channels and gets [[56,72],[104,120]], [[76,100],[148,172]] and
/// [[96,128],[192,224]].
arma::cube corr2d_multi_in_out(const arma::cube& X, const LayerWeights& K) {
    throw not_attempted{};
}

/// **d2l-stacked-kernels** (d2l, Multiple Input and Multiple Output Channels, ex 1). Two
/// cross-correlation layers with no nonlinearity between them, \f$Z = K_1 \otimes X\f$ then
/// \f$Y = K_2 \otimes Z\f$ (single channel, valid, no flip), are one layer: \f$Y = K \otimes X\f$.
/// Return \f$K\f$. Derive it: write \f$y_{ij} = \sum_{a,b} K_2(a,b)\, z_{i+a,\,j+b}\f$, expand
/// \f$z\f$, and collect the terms that read \f$x_{i+m,\,j+n}\f$. What size is \f$K\f$ (for
/// \f$k_1 \times k_1\f$ and \f$k_2 \times k_2\f$ kernels)? The kernels need not be square. The
/// checker compares your \f$K\f$ with the response of the two stacked layers to a single 1, and
/// \f$K \otimes X\f$ with \f$K_2 \otimes (K_1 \otimes X)\f$ on random inputs.
arma::mat equivalent_kernel(const arma::mat& K1, const arma::mat& K2) {
    throw not_attempted{};
}

/// **d2l-layer-cost** (d2l, Multiple Input and Multiple Output Channels, ex 2). A layer reads a
/// \f$c_i \times h \times w\f$ input (`input` = \f$h \times w\f$) with a
/// \f$c_o \times c_i \times k_h \times k_w\f$ kernel, a bias, `padding` \f$(p_h, p_w)\f$ zeros on
/// each side and `stride` \f$(s_h, s_w)\f$. For one sample, what does the forward pass cost?
/// - `multiply_adds`: the multiplications (each comes with one addition, counting the bias);
/// - `parameters`: the weights and biases;
/// - `activations`: the values of the input and of the output.
/// You may assume the kernel fits in the padded input.
LayerCost layer_cost(std::size_t in_channels, std::size_t out_channels, Size2 kernel, Size2 input, Size2 stride,
                     Size2 padding) {
    throw not_attempted{};
}

/// **d2l-doubling** (d2l, Multiple Input and Multiple Output Channels, ex 3). By what factor
/// (new / old) does each cost of a layer change when the numbers of input channels \f$c_i\f$ and
/// output channels \f$c_o\f$ are both doubled? Fill in `multiply_adds`, `weights` (no biases),
/// `input_values` and `output_values`. Then d2l's second question, "what happens if we double the
/// padding?": the answer depends on the layer, so give it for a 3×3 kernel, stride 1, on a
/// 32×32 input, when the padding goes from 1 to 2 on each side (`padding_doubled_multiply_adds`).
ScalingFactors doubling_factors() {
    throw not_attempted{};
}

/// **impl-im2col-layer** (implementation). Write im2col for a multi-channel layer input, so that a
/// whole layer becomes one matrix product. `X` is \f$c \times h \times w\f$, padded with
/// `padding` \f$(p_h, p_w)\f$ zeros on each side into \f$\tilde X\f$; a \f$k_h \times k_w\f$ kernel
/// (`kernel`) moves with `stride` \f$(s_h, s_w)\f$, giving \f$h_o = \lfloor (h + 2p_h - k_h)/s_h
/// \rfloor + 1\f$ rows and \f$w_o\f$ (likewise) columns of output. Return the
/// \f$c\,k_h k_w \times h_o w_o\f$ matrix laid out as follows:
/// - column \f$i + h_o j\f$ holds the window read by output \f$(i, j)\f$;
/// - within a column, channel 0's \f$k_h \times k_w\f$ window comes first, read column by column as
///   in Chapter 1's impl-im2col, then channel 1's, and so on: tap \f$(c, u, v)\f$ — element
///   \f$\tilde X_c(i s_h + u,\; j s_w + v)\f$ — is in row \f$u + k_h v + k_h k_w c\f$.
///
/// This is the order in which Armadillo vectorises a cube (slice by slice, each column-major), so
/// with the weight matrix whose row \f$o\f$ is `arma::vectorise(K[o]).t()`, the product
/// \f$W_{mat} \cdot \mathrm{im2col}(X)\f$ is the layer's output: row \f$o\f$ is output channel
/// \f$o\f$, its pixel \f$(i, j)\f$ in column \f$i + h_o j\f$.
arma::mat im2col_layer(const arma::cube& X, Size2 kernel, Size2 stride, Size2 padding) {
    throw not_attempted{};
}

}  // namespace cnnlab::exercises::ch02
