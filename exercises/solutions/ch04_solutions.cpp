// Chapter 4 — solutions to the exercises of exercises/ch04/ch04_exercises.cpp (same functions).
// Built into the `cnnlab_check_solutions` program, which must report every exercise RIGHT. Try the
// exercise first: each statement is in ch04_exercises.cpp.
#include "exercises/ch04/ch04_exercises.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace cnnlab::exercises::ch04 {

namespace {

/// The cells of window i along one axis: [i s − p, i s − p + K) clipped to [0, n), as [first, last).
std::pair<std::size_t, std::size_t> clipped(std::size_t i, std::size_t n, std::size_t kernel, std::size_t stride, std::size_t padding) {
    const std::ptrdiff_t start = std::ptrdiff_t(i * stride) - std::ptrdiff_t(padding);
    const std::ptrdiff_t first = std::max<std::ptrdiff_t>(start, 0);
    const std::ptrdiff_t last = std::min<std::ptrdiff_t>(start + std::ptrdiff_t(kernel), std::ptrdiff_t(n));
    return {std::size_t(first), std::size_t(std::max(first, last))};
}

std::size_t output_size(std::size_t n, std::size_t kernel, std::size_t stride, std::size_t padding) {
    return (n + 2 * padding - kernel) / stride + 1;
}

}  // namespace

arma::mat max_gradient(const arma::mat& window) {
    // The first maximum row by row (PyTorch's choice at a tie): scan the transpose column by column.
    const arma::uword k = arma::mat(window.t()).index_max();
    arma::mat g(arma::size(window), arma::fill::zeros);
    g(k / window.n_cols, k % window.n_cols) = 1;
    return g;
}

// argmax is piecewise constant: flat (gradient 0) where the maximum is unique, a jump at a tie.
ArgmaxGradient argmax_gradient_unique() { return ArgmaxGradient::zero; }

ArgmaxGradient argmax_gradient_at_tie() { return ArgmaxGradient::undefined; }

PoolAsConv avg_pool_as_conv(std::size_t channels, Size2 kernel) {
    Tensor4<double> weight({channels, 1, kernel.rows, kernel.cols});
    for (std::size_t c = 0; c < channels; ++c) weight.plane(c, 0).fill(1.0 / double(kernel.rows * kernel.cols));
    return {weight, {.padding = Mode::valid, .stride = {kernel.rows, kernel.cols}, .groups = channels}};
}

std::pair<arma::mat, arma::mat> max_pool_counterexample() {
    // Maxima at different positions: max(a + b) = 1, max(a) + max(b) = 2.
    return {arma::mat{{1, 0}, {0, 0}}, arma::mat{{0, 0}, {0, 1}}};
}

Real max_by_relu(Real a, Real b) { return b + relu(a - b); }

Real window_max_by_relu(Real x00, Real x01, Real x10, Real x11) {
    return max_by_relu(max_by_relu(x00, x01), max_by_relu(x10, x11));
}

PoolCost pooling_cost(std::size_t batch, std::size_t channels, Size2 input, Size2 kernel, Size2 stride, Size2 padding) {
    const std::size_t ho = output_size(input.rows, kernel.rows, stride.rows, padding.rows);
    const std::size_t wo = output_size(input.cols, kernel.cols, stride.cols, padding.cols);
    // A window is a product of a row range and a column range: the cells read per plane are (Σ r_i)(Σ c_j).
    std::size_t rows = 0, cols = 0;
    for (std::size_t i = 0; i < ho; ++i) {
        const auto [first, last] = clipped(i, input.rows, kernel.rows, stride.rows, padding.rows);
        rows += last - first;
    }
    for (std::size_t j = 0; j < wo; ++j) {
        const auto [first, last] = clipped(j, input.cols, kernel.cols, stride.cols, padding.cols);
        cols += last - first;
    }
    const std::size_t planes = batch * channels, outputs = planes * ho * wo;
    const std::size_t operations = planes * rows * cols - outputs;  // r − 1 per window of r cells
    return {outputs, operations, operations};
}

arma::mat max_pool_backward(const arma::mat& x, const arma::mat& dy, Size2 kernel, Size2 stride) {
    arma::mat dx(arma::size(x), arma::fill::zeros);
    for (arma::uword i = 0; i < dy.n_rows; ++i)
        for (arma::uword j = 0; j < dy.n_cols; ++j) {
            arma::uword best_r = i * stride.rows, best_c = j * stride.cols;
            for (arma::uword u = 0; u < kernel.rows; ++u)  // row by row; the first strict maximum wins
                for (arma::uword v = 0; v < kernel.cols; ++v) {
                    const arma::uword r = i * stride.rows + u, c = j * stride.cols + v;
                    if (x(r, c) > x(best_r, best_c)) best_r = r, best_c = c;
                }
            dx(best_r, best_c) += dy(i, j);  // overlapping windows may share a maximum
        }
    return dx;
}

arma::mat avg_pool(const arma::mat& x, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad) {
    const std::size_t ho = output_size(x.n_rows, kernel.rows, stride.rows, padding.rows);
    const std::size_t wo = output_size(x.n_cols, kernel.cols, stride.cols, padding.cols);
    arma::mat y(ho, wo);
    for (std::size_t i = 0; i < ho; ++i)
        for (std::size_t j = 0; j < wo; ++j) {
            const auto [r0, r1] = clipped(i, x.n_rows, kernel.rows, stride.rows, padding.rows);
            const auto [c0, c1] = clipped(j, x.n_cols, kernel.cols, stride.cols, padding.cols);
            const double sum = r1 > r0 && c1 > c0 ? arma::accu(x.submat(r0, c0, r1 - 1, c1 - 1)) : 0.0;
            // Without ceil_mode no window reaches past the padding, so the padded window is K_h·K_w.
            const double divisor = count_include_pad ? double(kernel.rows * kernel.cols) : double((r1 - r0) * (c1 - c0));
            y(i, j) = sum / divisor;
        }
    return y;
}

}  // namespace cnnlab::exercises::ch04
