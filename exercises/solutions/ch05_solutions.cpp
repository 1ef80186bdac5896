// Chapter 5 — solutions to the exercises of exercises/ch05/ch05_exercises.cpp (same functions).
// Built into the `cnnlab_check_solutions` program, which must report every exercise RIGHT. Try the
// exercise first: each statement is in ch05_exercises.cpp.
#include "exercises/ch05/ch05_exercises.hpp"

#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch01_convolution/convolution.hpp"

#include <cstddef>

namespace cnnlab::exercises::ch05 {

std::optional<std::size_t> same_padding(std::size_t kernel, std::size_t dilation) {
    // The dilated kernel spans D(K − 1) + 1 cells, so n cells become n + 2P − D(K − 1): P = D(K − 1)/2,
    // which exists only when D(K − 1) is even. Note 003's (K − 1)/2·(1 + D) counts D as the holes.
    const std::size_t shrink = dilation * (kernel - 1);
    if (shrink % 2 != 0) return std::nullopt;
    return shrink / 2;
}

std::size_t transposed_size(std::size_t n, std::size_t kernel, std::size_t stride, std::size_t padding,
                            std::size_t dilation, std::size_t output_padding) {
    // The full scatter spans (n − 1)s + d(K − 1) + 1 cells; p comes off each end, a goes on the end.
    return (n - 1) * stride + dilation * (kernel - 1) + 1 + output_padding - 2 * padding;
}

std::size_t restoring_output_padding(std::size_t input, std::size_t kernel, std::size_t stride, std::size_t padding) {
    // The conv drops the (i + 2p − K) mod s cells its last window does not reach; a puts them back.
    return (input + 2 * padding - kernel) % stride;
}

arma::mat conv_transpose_scatter(const arma::mat& z, const arma::mat& w, Size2 stride) {
    arma::mat y((z.n_rows - 1) * stride.rows + w.n_rows, (z.n_cols - 1) * stride.cols + w.n_cols, arma::fill::zeros);
    for (arma::uword i = 0; i < z.n_rows; ++i)
        for (arma::uword j = 0; j < z.n_cols; ++j)
            y.submat(i * stride.rows, j * stride.cols, i * stride.rows + w.n_rows - 1, j * stride.cols + w.n_cols - 1) += z(i, j) * w;
    return y;
}

arma::mat conv_transpose_by_zero_insertion(const arma::mat& z, const arma::mat& w, Size2 stride, Size2 padding) {
    arma::mat spread((z.n_rows - 1) * stride.rows + 1, (z.n_cols - 1) * stride.cols + 1, arma::fill::zeros);
    for (arma::uword i = 0; i < z.n_rows; ++i)
        for (arma::uword j = 0; j < z.n_cols; ++j) spread(i * stride.rows, j * stride.cols) = z(i, j);
    const Sides2 pad = Sides2::symmetric(w.n_rows - 1 - padding.rows, w.n_cols - 1 - padding.cols);
    return cnnlab::xcorr2d(cnnlab::zero_pad(spread, pad), cnnlab::rot180(w));
}

arma::mat strided_convolution_matrix(const arma::vec& w, std::size_t n, std::size_t stride, std::size_t padding) {
    const std::size_t outputs = (n + 2 * padding - w.n_elem) / stride + 1;
    arma::mat c(outputs, n, arma::fill::zeros);
    for (std::size_t i = 0; i < outputs; ++i)
        for (std::size_t k = 0; k < w.n_elem; ++k) {
            const std::ptrdiff_t cell = std::ptrdiff_t(i * stride + k) - std::ptrdiff_t(padding);
            if (cell >= 0 && cell < std::ptrdiff_t(n)) c(i, std::size_t(cell)) = w(k);  // padding has no column
        }
    return c;
}

// The conv maps 10·16·16 = 2560 numbers to 20·6·6 = 720: C is 720×2560, CᵀC has rank ≤ 720, so no
// weight makes it the identity — the transposed conv restores the shape only.
RoundTrip round_trip_values() { return RoundTrip::shape_only; }

MatmulCost matmul_cost(Size2 input, Size2 kernel) {
    const std::size_t outputs = (input.rows - kernel.rows + 1) * (input.cols - kernel.cols + 1);
    return {outputs * input.rows * input.cols, outputs * kernel.rows * kernel.cols};
}

std::size_t receptive_field(const std::vector<DilatedConv>& layers) {
    // Each stride-1 layer widens the field by its dilated kernel's span minus one: D(K − 1).
    std::size_t field = 1;
    for (const DilatedConv& layer : layers) field += layer.dilation * (layer.kernel - 1);
    return field;
}

}  // namespace cnnlab::exercises::ch05
