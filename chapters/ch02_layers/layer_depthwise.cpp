// Depthwise layers (one input channel per group, output channel p reads input channel p / M for
// a channel multiplier M): every output plane is one single-channel cross-correlation plus its
// bias. The planes are spread over the cores; each is computed column by column, with the sums of
// a block of output rows held in registers while every tap adds its shifted input block.
#include "chapters/ch00_foundation/cpu_clones.hpp"
#include "chapters/ch00_foundation/simd.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"

#include <algorithm>
#include <vector>

namespace cnnlab::detail {
namespace {

/// One output plane: \f$y_{ij} = b + \sum_{u,v} w_{uv}\, x_{i s_h + u d_h,\; j s_w + v d_w}\f$ on an
/// input already zero-padded, column-major with `leading` rows.
template <class T>
struct DepthwisePlane {
    const T* padded;
    std::size_t leading;
    const T* kernel;  ///< column-major, kernel_rows × kernel_cols
    std::size_t kernel_rows, kernel_cols;
    Geometry2d g;  // by value, like every member: no store through `out` can change them
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

    // Inlined into compute_plane's clones, so that each is compiled for the clone's ISA.
    template <std::size_t RowStride, std::size_t Side>
    [[gnu::always_inline]] void compute(T* out) const {
        constexpr std::size_t width = 256 / sizeof(T);  // 256 bytes of sums: 4 AVX-512 registers
        const std::size_t rows = g.rows.output;
        for (std::size_t j = 0; j < g.cols.output; ++j) {
            T* column_out = out + j * rows;
            std::size_t first = 0;
            for (; first + width <= rows; first += width) block<width, RowStride, Side>(j, first, column_out);
            remainder<width / 2, RowStride, Side>(j, first, rows - first, column_out);
        }
    }
};

/// One plane with the geometry's row stride (and a 3×3 kernel's side) fixed at compile time,
/// compiled per x86-64 level (cpu_clones.hpp): the release build's vectors are then AVX-512 wide.
template <class T, std::size_t RowStride, std::size_t Side>
CNNLAB_CPU_CLONES void compute_plane(DepthwisePlane<T> plane, T* out) {
    plane.template compute<RowStride, Side>(out);
}

template <class T>
void compute_plane(const DepthwisePlane<T>& plane, T* out) {
    const std::size_t row_stride = plane.g.rows.stride;
    if (row_stride == 1 && plane.kernel_rows == 3 && plane.kernel_cols == 3)
        compute_plane<T, 1, 3>(plane, out);
    else if (row_stride == 1)
        compute_plane<T, 1, 0>(plane, out);
    else if (row_stride == 2)
        compute_plane<T, 2, 0>(plane, out);
    else
        compute_plane<T, 0, 0>(plane, out);
}

}  // namespace

template <class T>
void conv2d_layer_depthwise(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias,
                            const LayerGeometry& g, Tensor4<T>& y) {
    const std::size_t multiplier = g.out_per_group(), planes = g.output.n * g.output.c;
    const std::size_t in_rows = g.input.h, in_cols = g.input.w, pad_top = g.plane.rows.pad.before,
                      pad_left = g.plane.cols.pad.before;
    const std::size_t padded_rows = g.plane.rows.padded_input(), padded_cols = g.plane.cols.padded_input();
    const bool padded = padded_rows != in_rows || padded_cols != in_cols;
    const std::size_t kernel_size = g.weight.h * g.weight.w, in_plane = in_rows * in_cols, out_plane = g.output.h * g.output.w;
#pragma omp parallel if (planes > 1)
    {
        std::vector<T> scratch(padded ? padded_rows * padded_cols : 0, T(0));  // this thread's padded plane
#pragma omp for schedule(static)
        for (std::size_t job = 0; job < planes; ++job) {
            const std::size_t n = job / g.output.c, p = job % g.output.c;
            const T* plane = x.data() + (n * g.input.c + p / multiplier) * in_plane;
            if (padded) {  // the border of `scratch` stays zero: only the interior is written
                for (std::size_t c = 0; c < in_cols; ++c)
                    std::copy_n(plane + c * in_rows, in_rows, scratch.data() + (c + pad_left) * padded_rows + pad_top);
                plane = scratch.data();
            }
            const DepthwisePlane<T> layer{plane, padded_rows, weight.data() + p * kernel_size, g.weight.h, g.weight.w,
                                          g.plane, bias.is_empty() ? T(0) : bias(p)};
            compute_plane(layer, y.data() + job * out_plane);
        }
    }
}

template void conv2d_layer_depthwise(const Tensor4<float>&, const Tensor4<float>&, const arma::Col<float>&,
                                     const LayerGeometry&, Tensor4<float>&);
template void conv2d_layer_depthwise(const Tensor4<double>&, const Tensor4<double>&, const arma::Col<double>&,
                                     const LayerGeometry&, Tensor4<double>&);

}  // namespace cnnlab::detail
