// Chapter 1 — solutions to the exercises of exercises/ch01/ch01_exercises.cpp (same functions).
// Built into the `cnnlab_check_solutions` program, which must report every exercise RIGHT. Try the
// exercise first: each statement is in ch01_exercises.cpp.
#include "exercises/ch01/ch01_exercises.hpp"

namespace cnnlab::exercises::ch01 {

arma::vec second_difference_kernel() {
    // x''(t) ≈ [x(t) − x(t−1)] − [x(t−1) − x(t−2)] = x(t) − 2x(t−1) + x(t−2): with
    // y_t = w_1 x_t + w_2 x_{t−1} + w_3 x_{t−2}, w = [1, −2, 1].
    return {1.0, -2.0, 1.0};
}

arma::mat laplacian_kernel() {
    // f(x+1, y) + f(x−1, y) + f(x, y+1) + f(x, y−1) − 4 f(x, y); symmetric, so convolution and
    // cross-correlation agree. (Note 003's L0 is the negative of this.)
    return {{0, 1, 0}, {1, -4, 1}, {0, 1, 0}};
}

arma::mat wide_xcorr(const arma::mat& W, const arma::mat& X) {
    const std::ptrdiff_t U = W.n_rows, V = W.n_cols, M = X.n_rows, N = X.n_cols;
    arma::mat Y(M + U - 1, N + V - 1, arma::fill::zeros);
    for (std::ptrdiff_t i = 0; i < M + U - 1; ++i)
        for (std::ptrdiff_t j = 0; j < N + V - 1; ++j)
            for (std::ptrdiff_t u = 0; u < U; ++u)
                for (std::ptrdiff_t v = 0; v < V; ++v) {
                    const std::ptrdiff_t r = i + u - (U - 1), c = j + v - (V - 1);  // index into X
                    if (r >= 0 && r < M && c >= 0 && c < N) Y(i, j) += W(u, v) * X(r, c);
                }
    return Y;
}

arma::mat conv_matrix_3x3(const arma::mat& W) {
    arma::mat C(4, 9, arma::fill::zeros);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 2; ++j)
            for (std::size_t u = 0; u < 2; ++u)
                for (std::size_t v = 0; v < 2; ++v) C(2 * i + j, 3 * (i + u) + (j + v)) = W(u, v);
    return C;
}

arma::mat corr2d(const arma::mat& X, const arma::mat& K) {
    arma::mat Y(X.n_rows - K.n_rows + 1, X.n_cols - K.n_cols + 1, arma::fill::zeros);
    for (std::size_t i = 0; i < Y.n_rows; ++i)
        for (std::size_t j = 0; j < Y.n_cols; ++j)
            for (std::size_t u = 0; u < K.n_rows; ++u)
                for (std::size_t v = 0; v < K.n_cols; ++v) Y(i, j) += K(u, v) * X(i + u, j + v);
    return Y;
}

namespace {
arma::mat d2l_image() {
    arma::mat X(6, 8, arma::fill::ones);
    X.cols(2, 5).zeros();
    return X;
}
const arma::mat d2l_kernel{{1, -1}};
}  // namespace

arma::mat edge_output() { return corr2d(d2l_image(), d2l_kernel); }

TransposedEdges transposed_edge_outputs() {
    const arma::mat X = d2l_image(), Xt = X.t(), Kt = d2l_kernel.t();
    return {corr2d(Xt, d2l_kernel), corr2d(X, Kt), corr2d(Xt, Kt)};
}

Size2 output_shape(Size2 input, Size2 kernel, Size2 padding, Size2 stride) {
    return {(input.rows + 2 * padding.rows - kernel.rows) / stride.rows + 1,
            (input.cols + 2 * padding.cols - kernel.cols) / stride.cols + 1};
}

Size2 strided_example_shape() { return output_shape({8, 8}, {3, 5}, {0, 1}, {3, 4}); }

arma::mat im2col(const arma::mat& X, Size2 kernel, Size2 stride) {
    const std::size_t U = kernel.rows, V = kernel.cols;
    const std::size_t Ho = (X.n_rows - U) / stride.rows + 1, Wo = (X.n_cols - V) / stride.cols + 1;
    arma::mat columns(U * V, Ho * Wo);
    for (std::size_t j = 0; j < Wo; ++j)
        for (std::size_t i = 0; i < Ho; ++i)
            for (std::size_t v = 0; v < V; ++v)
                for (std::size_t u = 0; u < U; ++u) columns(u + U * v, i + Ho * j) = X(i * stride.rows + u, j * stride.cols + v);
    return columns;
}

std::size_t output_size(std::size_t n, std::size_t k, std::size_t padding, std::size_t stride, std::size_t dilation) {
    const std::size_t span = dilation * (k - 1) + 1;  // the dilated kernel
    return (n + 2 * padding - span) / stride + 1;
}

}  // namespace cnnlab::exercises::ch01
