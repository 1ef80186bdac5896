#include "chapters/ch01_convolution/paths.hpp"

#include <algorithm>

namespace cnnlab::detail {

Geometry2d without_padding(const Geometry2d& geometry) {
    Geometry2d g = geometry;
    g.rows.input = geometry.rows.padded_input();
    g.cols.input = geometry.cols.padded_input();
    g.rows.pad = {};
    g.cols.pad = {};
    return g;
}

template <class T>
arma::Mat<T> xcorr2d_direct(const arma::Mat<T>& padded, const arma::Mat<T>& w, const Geometry2d& g) {
    // Output columns are cut into blocks of `block` rows whose running sums stay in registers
    // while every tap adds its (shifted) input block: the input is read once per tap, the output
    // written once. 256 bytes of accumulators = 4 AVX-512 / 8 AVX2 registers.
    constexpr std::size_t block = 256 / sizeof(T);
    const std::size_t out_rows = g.rows.output, out_cols = g.cols.output;
    const std::size_t row_stride = g.rows.stride, row_dilation = g.rows.dilation;
    arma::Mat<T> y(out_rows, out_cols);
    const double work = double(out_rows) * double(out_cols) * double(w.n_elem);
    // Columns are independent: split them over the cores when the work pays for the threads.
#pragma omp parallel for schedule(static) if (work > 2e5)
    for (std::size_t j = 0; j < out_cols; ++j) {
        for (std::size_t first = 0; first < out_rows; first += block) {
            const std::size_t length = std::min(block, out_rows - first);
            T sum[block] = {};
            for (std::size_t v = 0; v < w.n_cols; ++v) {
                const T* in = padded.colptr(j * g.cols.stride + v * g.cols.dilation) + first * row_stride;
                for (std::size_t u = 0; u < w.n_rows; ++u) {
                    const T tap = w.at(u, v);
                    const T* window = in + u * row_dilation;
                    if (row_stride == 1 && length == block) {
                        for (std::size_t i = 0; i < block; ++i) sum[i] += tap * window[i];  // fixed count: vectorized
                    } else {
                        for (std::size_t i = 0; i < length; ++i) sum[i] += tap * window[i * row_stride];
                    }
                }
            }
            std::copy(sum, sum + length, y.colptr(j) + first);
        }
    }
    return y;
}

template <class T>
arma::Mat<T> xcorr2d_separable(const arma::Mat<T>& padded, const arma::Col<T>& column, const arma::Col<T>& row,
                               const Geometry2d& g) {
    // Column pass: rows get stride and dilation, every padded column is kept.
    Geometry2d down = g;
    down.cols = {g.cols.input, 1, 1, 1, {}, g.cols.input};
    const arma::Mat<T> partial = xcorr2d_direct<T>(padded, arma::Mat<T>(column), down);
    // Row pass on the result: columns get stride and dilation.
    Geometry2d across = g;
    across.rows = {g.rows.output, 1, 1, 1, {}, g.rows.output};
    return xcorr2d_direct<T>(partial, arma::Mat<T>(row.t()), across);
}

template arma::Mat<float> xcorr2d_direct(const arma::Mat<float>&, const arma::Mat<float>&, const Geometry2d&);
template arma::Mat<double> xcorr2d_direct(const arma::Mat<double>&, const arma::Mat<double>&, const Geometry2d&);
template arma::Mat<float> xcorr2d_separable(const arma::Mat<float>&, const arma::Col<float>&, const arma::Col<float>&,
                                            const Geometry2d&);
template arma::Mat<double> xcorr2d_separable(const arma::Mat<double>&, const arma::Col<double>&, const arma::Col<double>&,
                                             const Geometry2d&);

}  // namespace cnnlab::detail
