#include "chapters/ch00_foundation/cpu_clones.hpp"
#include "chapters/ch00_foundation/simd.hpp"
#include "chapters/ch01_convolution/paths.hpp"

#include <algorithm>
#include <omp.h>

namespace cnnlab::detail {
namespace {

/// One output plane: \f$y_{ij} = b + \sum_{u,v} w_{uv}\, x_{i s_h + u d_h,\; j s_w + v d_w}\f$ on an
/// input already zero-padded, column-major with `leading` rows. Output columns are cut into blocks
/// of rows whose running sums stay in registers while every tap adds its (shifted) input block:
/// the input is read once per tap, the output written once.
template <class T>
struct DirectPlane {
    const T* padded;
    std::size_t leading;
    const T* kernel;  ///< column-major, kernel_rows × kernel_cols
    std::size_t kernel_rows, kernel_cols;
    Geometry2d g;
    T bias;

    /// Output rows [first, first + Width) of output column j. `RowStride` is the row stride and
    /// `Side` the side of a square kernel when known at compile time, 0 when not (a known 3×3
    /// kernel unrolls into nine multiply-adds per vector). At row stride 1 the sums are vectors of
    /// one register each; else an array the compiler may vectorize.
    template <std::size_t Width, std::size_t RowStride, std::size_t Side>
    [[gnu::always_inline]] void block(std::size_t j, std::size_t first, T* column_out) const {
        const std::size_t row_stride = RowStride != 0 ? RowStride : g.rows.stride;
        const std::size_t rows_of_kernel = Side != 0 ? Side : kernel_rows, cols_of_kernel = Side != 0 ? Side : kernel_cols;
        if constexpr (RowStride == 1) {
            // Vectors of at most one register each: a single wider vector type is kept in memory.
            constexpr std::size_t lanes = std::min(Width, simd::lanes<T>), count = Width / lanes;
            using Lanes = simd::Vec<T, lanes>;
            Lanes sum[count];
#pragma GCC unroll 8
            for (std::size_t k = 0; k < count; ++k) sum[k] = Lanes{} + bias;
#pragma GCC unroll 8
            for (std::size_t v = 0; v < cols_of_kernel; ++v) {
                const T* in = padded + (j * g.cols.stride + v * g.cols.dilation) * leading + first;
#pragma GCC unroll 8
                for (std::size_t u = 0; u < rows_of_kernel; ++u) {
                    const T tap = kernel[v * rows_of_kernel + u];
                    const T* window = in + u * g.rows.dilation;
#pragma GCC unroll 8
                    for (std::size_t k = 0; k < count; ++k) sum[k] += tap * simd::load<T, lanes>(window + k * lanes);
                }
            }
#pragma GCC unroll 8
            for (std::size_t k = 0; k < count; ++k) simd::store<T, lanes>(column_out + first + k * lanes, sum[k]);
        } else {
            T sum[Width];
            std::fill_n(sum, Width, bias);
            for (std::size_t v = 0; v < kernel_cols; ++v) {
                const T* in = padded + (j * g.cols.stride + v * g.cols.dilation) * leading + first * row_stride;
                for (std::size_t u = 0; u < kernel_rows; ++u) {
                    const T tap = kernel[v * kernel_rows + u];
                    const T* window = in + u * g.rows.dilation;
                    for (std::size_t i = 0; i < Width; ++i) sum[i] += tap * window[i * row_stride];
                }
            }
            std::copy_n(sum, Width, column_out + first);
        }
    }

    /// The last `count` (< 2·Width) rows from `first`, in blocks of the powers of two of `count`,
    /// so that every block still has a fixed length (56 rows = 32 + 16 + 8).
    template <std::size_t Width, std::size_t RowStride, std::size_t Side>
    [[gnu::always_inline]] void remainder(std::size_t j, std::size_t first, std::size_t count, T* column_out) const {
        if constexpr (Width >= 1) {
            if (count & Width) {
                block<Width, RowStride, Side>(j, first, column_out);
                first += Width;
            }
            remainder<Width / 2, RowStride, Side>(j, first, count, column_out);
        }
    }

    /// Output columns [first_col, last_col). Inlined into compute_columns_fixed's clones, so that
    /// each is compiled for the clone's ISA.
    template <std::size_t RowStride, std::size_t Side>
    [[gnu::always_inline]] void compute(T* out, std::size_t first_col, std::size_t last_col) const {
        constexpr std::size_t width = 256 / sizeof(T);  // 256 bytes of sums: 4 AVX-512 registers
        const std::size_t rows = g.rows.output;
        for (std::size_t j = first_col; j < last_col; ++j) {
            T* column_out = out + j * rows;
            std::size_t first = 0;
            for (; first + width <= rows; first += width) block<width, RowStride, Side>(j, first, column_out);
            remainder<width / 2, RowStride, Side>(j, first, rows - first, column_out);
        }
    }
};

/// Columns of one plane with the geometry's row stride (and a 3×3 kernel's side) fixed at compile
/// time, compiled per x86-64 level (cpu_clones.hpp): the release build's vectors are then AVX-512
/// wide. The plane comes by value, so no store through `out` can change what it holds.
template <class T, std::size_t RowStride, std::size_t Side>
CNNLAB_CPU_CLONES void compute_columns_fixed(DirectPlane<T> plane, T* out, std::size_t first_col, std::size_t last_col) {
    plane.template compute<RowStride, Side>(out, first_col, last_col);
}

/// Columns [first_col, last_col) of one plane, by the kernel that fits its geometry.
template <class T>
void compute_columns(const DirectPlane<T>& plane, T* out, std::size_t first_col, std::size_t last_col) {
    const std::size_t row_stride = plane.g.rows.stride;
    if (row_stride == 1 && plane.kernel_rows == 3 && plane.kernel_cols == 3)
        compute_columns_fixed<T, 1, 3>(plane, out, first_col, last_col);
    else if (row_stride == 1)
        compute_columns_fixed<T, 1, 0>(plane, out, first_col, last_col);
    else if (row_stride == 2)
        compute_columns_fixed<T, 2, 0>(plane, out, first_col, last_col);
    else
        compute_columns_fixed<T, 0, 0>(plane, out, first_col, last_col);
}

}  // namespace


Geometry2d without_padding(const Geometry2d& geometry) {
    Geometry2d g = geometry;
    g.rows.input = geometry.rows.padded_input();
    g.cols.input = geometry.cols.padded_input();
    g.rows.pad = {};
    g.cols.pad = {};
    return g;
}

template <class T>
void xcorr2d_direct_into(const T* padded, std::size_t padded_rows, const T* kernel, std::size_t kernel_rows,
                         std::size_t kernel_cols, const Geometry2d& g, T initial, T* out) {
    compute_columns(DirectPlane<T>{padded, padded_rows, kernel, kernel_rows, kernel_cols, g, initial}, out, 0,
                    g.cols.output);
}

template <class T>
arma::Mat<T> xcorr2d_direct(const arma::Mat<T>& padded, const arma::Mat<T>& w, const Geometry2d& g) {
    arma::Mat<T> y(g.rows.output, g.cols.output);
    const DirectPlane<T> plane{padded.memptr(), padded.n_rows, w.memptr(), w.n_rows, w.n_cols, g, T(0)};
    const double work = double(g.rows.output) * double(g.cols.output) * double(w.n_elem);
    // Columns are independent: split them over the cores when the work pays for the threads.
#pragma omp parallel if (work > 2e5)
    {
        const std::size_t team = std::size_t(omp_get_num_threads()), t = std::size_t(omp_get_thread_num());
        const std::size_t cols = g.cols.output;
        compute_columns(plane, y.memptr(), cols * t / team, cols * (t + 1) / team);
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

template void xcorr2d_direct_into(const float*, std::size_t, const float*, std::size_t, std::size_t, const Geometry2d&,
                                  float, float*);
template void xcorr2d_direct_into(const double*, std::size_t, const double*, std::size_t, std::size_t,
                                  const Geometry2d&, double, double*);
template arma::Mat<float> xcorr2d_direct(const arma::Mat<float>&, const arma::Mat<float>&, const Geometry2d&);
template arma::Mat<double> xcorr2d_direct(const arma::Mat<double>&, const arma::Mat<double>&, const Geometry2d&);
template arma::Mat<float> xcorr2d_separable(const arma::Mat<float>&, const arma::Col<float>&, const arma::Col<float>&,
                                            const Geometry2d&);
template arma::Mat<double> xcorr2d_separable(const arma::Mat<double>&, const arma::Col<double>&, const arma::Col<double>&,
                                             const Geometry2d&);

}  // namespace cnnlab::detail
