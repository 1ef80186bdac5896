// Chapter 2 — solutions to the exercises of exercises/ch02/ch02_exercises.cpp (same functions).
// Built into the `cnnlab_check_solutions` program, which must report every exercise RIGHT. Try the
// exercise first: each statement is in ch02_exercises.cpp.
#include "exercises/ch02/ch02_exercises.hpp"

namespace cnnlab::exercises::ch02 {

arma::cube conv1x1_matmul(const arma::cube& X, const arma::mat& W) {
    const std::size_t h = X.n_rows, w = X.n_cols, pixels = h * w;
    // A cube is stored slice after slice, each column-major: its memory read as a pixels × c_i
    // matrix has channel c in column c, pixel (i, j) in row i + h·j. That is the transpose of the
    // c_i × hw layout, so Yᵀ = Xᵀ Wᵀ.
    const arma::mat x_t(const_cast<double*>(X.memptr()), pixels, X.n_slices, /*copy_aux_mem=*/false, /*strict=*/true);
    const arma::mat y_t = x_t * W.t();  // pixels × c_o
    return arma::cube(y_t.memptr(), h, w, W.n_rows);
}

namespace {
/// One layer a → b, k×k, "same" padding, stride 1, bias, on an h×w plane.
LayerCost same_layer(std::size_t a, std::size_t b, std::size_t k, std::size_t h, std::size_t w) {
    return {.multiply_adds = b * h * w * a * k * k, .parameters = b * a * k * k + b, .activations = a * h * w + b * h * w};
}
}  // namespace

BottleneckCost bottleneck_cost(std::size_t in_channels, std::size_t reduced, std::size_t out_channels,
                               std::size_t kernel, std::size_t height, std::size_t width) {
    const LayerCost direct = same_layer(in_channels, out_channels, kernel, height, width);
    const LayerCost reduce = same_layer(in_channels, reduced, 1, height, width);
    const LayerCost spatial = same_layer(reduced, out_channels, kernel, height, width);
    const std::size_t plane = height * width;
    return {direct,
            {.multiply_adds = reduce.multiply_adds + spatial.multiply_adds,
             .parameters = reduce.parameters + spatial.parameters,
             .activations = (in_channels + reduced + out_channels) * plane}};
}

arma::mat corr2d_multi_in(const arma::cube& X, const arma::cube& K) {
    const std::size_t U = K.n_rows, V = K.n_cols;
    arma::mat Y(X.n_rows - U + 1, X.n_cols - V + 1, arma::fill::zeros);
    for (std::size_t c = 0; c < X.n_slices; ++c)
        for (std::size_t j = 0; j < Y.n_cols; ++j)
            for (std::size_t i = 0; i < Y.n_rows; ++i)
                for (std::size_t v = 0; v < V; ++v)
                    for (std::size_t u = 0; u < U; ++u) Y(i, j) += K(u, v, c) * X(i + u, j + v, c);
    return Y;
}

arma::cube corr2d_multi_in_out(const arma::cube& X, const LayerWeights& K) {
    arma::cube Y(X.n_rows - K.front().n_rows + 1, X.n_cols - K.front().n_cols + 1, K.size());
    for (std::size_t o = 0; o < K.size(); ++o) Y.slice(o) = corr2d_multi_in(X, K[o]);
    return Y;
}

arma::mat equivalent_kernel(const arma::mat& K1, const arma::mat& K2) {
    // y(i, j) = Σ_{a,b} K2(a, b) Σ_{u,v} K1(u, v) x(i+a+u, j+b+v): the term reading x(i+m, j+n)
    // collects K1(u, v)·K2(a, b) over u + a = m, v + b = n — the full convolution of the kernels.
    arma::mat K(K1.n_rows + K2.n_rows - 1, K1.n_cols + K2.n_cols - 1, arma::fill::zeros);
    for (std::size_t u = 0; u < K1.n_rows; ++u)
        for (std::size_t v = 0; v < K1.n_cols; ++v)
            for (std::size_t a = 0; a < K2.n_rows; ++a)
                for (std::size_t b = 0; b < K2.n_cols; ++b) K(u + a, v + b) += K1(u, v) * K2(a, b);
    return K;
}

LayerCost layer_cost(std::size_t in_channels, std::size_t out_channels, Size2 kernel, Size2 input, Size2 stride,
                     Size2 padding) {
    const std::size_t out_rows = (input.rows + 2 * padding.rows - kernel.rows) / stride.rows + 1;
    const std::size_t out_cols = (input.cols + 2 * padding.cols - kernel.cols) / stride.cols + 1;
    const std::size_t taps = in_channels * kernel.rows * kernel.cols;  // multiply-adds per output value
    return {.multiply_adds = out_channels * out_rows * out_cols * taps,
            .parameters = out_channels * taps + out_channels,
            .activations = in_channels * input.rows * input.cols + out_channels * out_rows * out_cols};
}

ScalingFactors doubling_factors() {
    // Multiply-adds and weights ∝ c_i·c_o: ×4; the input holds c_i planes, the output c_o: ×2 each.
    // Padding 1 → 2 on 32×32 with a 3×3 kernel: the output grows from 32×32 to 34×34.
    return {.multiply_adds = 4,
            .weights = 4,
            .input_values = 2,
            .output_values = 2,
            .padding_doubled_multiply_adds = (34.0 * 34.0) / (32.0 * 32.0)};
}

arma::mat im2col_layer(const arma::cube& X, Size2 kernel, Size2 stride, Size2 padding) {
    const std::size_t C = X.n_slices, U = kernel.rows, V = kernel.cols;
    arma::cube padded(X.n_rows + 2 * padding.rows, X.n_cols + 2 * padding.cols, C, arma::fill::zeros);
    padded.tube(padding.rows, padding.cols, padding.rows + X.n_rows - 1, padding.cols + X.n_cols - 1) = X;
    const std::size_t Ho = (padded.n_rows - U) / stride.rows + 1, Wo = (padded.n_cols - V) / stride.cols + 1;
    arma::mat columns(C * U * V, Ho * Wo);
    for (std::size_t j = 0; j < Wo; ++j)
        for (std::size_t i = 0; i < Ho; ++i)
            for (std::size_t c = 0; c < C; ++c)
                for (std::size_t v = 0; v < V; ++v)
                    for (std::size_t u = 0; u < U; ++u)
                        columns(u + U * v + U * V * c, i + Ho * j) = padded(i * stride.rows + u, j * stride.cols + v, c);
    return columns;
}

}  // namespace cnnlab::exercises::ch02
