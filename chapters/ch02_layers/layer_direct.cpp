// The direct small-channel path of conv2d_layer (LayerAlgorithm::direct): stride 1, dilation 1,
// one group, reading the padded input grid of direct_layout.hpp. It has two kernels:
//
// - Channels in the vector, when the output channels fill whole 64-byte vectors (LeNet's conv2: 16
//   float channels). Each of Pixels outputs of one output column keeps a vector of sums, one lane per
//   output channel; per tap one load of the tap's weights feeds Pixels FMAs, each with one input value
//   broadcast. Only kept outputs are computed.
// - Grid outputs in the vector otherwise (LeNet's conv1: 6 channels). Each block of `Channels` output
//   channels × `Block` grid outputs keeps its sums in registers while the taps go by: one load of
//   Block input values feeds Channels FMAs, the weights are broadcast. The grid's discarded rows are
//   computed too.
//
// No im2col matrix is written, which is what costs im2col + GEMM most on layers with few channels
// (LeNet's conv1 has one input and six output channels: its GEMM is 784×25×6 per sample and the
// im2col copy as expensive as the products).
#include "chapters/ch00_foundation/cpu_clones.hpp"
#include "chapters/ch02_layers/direct_layout.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"

#include <omp.h>

#include <vector>

namespace cnnlab::detail {
namespace {

/// Grid outputs per block: two 64-byte vectors.
template <class T>
constexpr std::size_t direct_block = 128 / sizeof(T);

/// Output channels [first, first + Channels) of one sample on the grid: out[c][q] = Σ_t w[c][t] · in[q + offset_t].
template <class T, std::size_t Channels>
CNNLAB_CPU_CLONES void direct_channels(const T* padded, const T* weight, const DirectGrid& d, std::size_t first, T* out) {
    constexpr std::size_t block = direct_block<T>;
    const std::size_t taps = d.tap_offsets.size();
    const T* w = weight + first * taps;
    for (std::size_t q0 = 0; q0 < d.outputs; q0 += block) {
        T sum[Channels][block] = {};
        for (std::size_t t = 0; t < taps; ++t) {
            const T* in = padded + d.tap_offsets[t] + q0;
            for (std::size_t c = 0; c < Channels; ++c) {
                const T wt = w[c * taps + t];
#pragma omp simd
                for (std::size_t l = 0; l < block; ++l) sum[c][l] += wt * in[l];
            }
        }
        for (std::size_t c = 0; c < Channels; ++c)
            std::copy(sum[c], sum[c] + block, out + (first + c) * d.outputs + q0);
    }
}

/// Output channels per vector of the channels-in-vector kernel: one 64-byte vector of sums.
template <class T>
constexpr std::size_t channel_lanes = 64 / sizeof(T);

/// Most outputs of one column a channels-in-vector block keeps sums for (one vector register each,
/// with AVX-512's 32).
constexpr std::size_t max_column_block = 14;

/// Where the taps of one sample are in its padded input: input channel c, kernel column v, kernel
/// row u at c·plane + v·rows + u from the output pixel's position.
struct TapWalk {
    std::size_t channels = 0, kernel_cols = 0, kernel_rows = 0;
    std::size_t rows = 0;   ///< \f$H_p\f$
    std::size_t plane = 0;  ///< \f$H_p W_p\f$
};

/// Outputs (i .. i + Pixels − 1, j) of output channels [first, first + lanes), with the bias (null:
/// none): sum[p][l] = Σ_t w[t][first + l] · in[p + offset_t], where `in` is the padded input at
/// (i, j) and w the weights by tap (output channel fastest). `out` points at output channel
/// `first`, pixel (i, j); its planes are `out_plane` values apart. The taps go by in nested loops,
/// so their positions are computed, not loaded.
template <class T, std::size_t Pixels>
CNNLAB_CPU_CLONES void direct_column_block(const T* in, const T* tap_weights, const TapWalk& walk, std::size_t channels,
                                           std::size_t first, const T* bias, T* out, std::size_t out_plane) {
    constexpr std::size_t lanes = channel_lanes<T>;
    T sum[Pixels][lanes] = {};
    const T* w = tap_weights + first;
    for (std::size_t c = 0; c < walk.channels; ++c)
        for (std::size_t v = 0; v < walk.kernel_cols; ++v) {
            const T* column = in + c * walk.plane + v * walk.rows;
            for (std::size_t u = 0; u < walk.kernel_rows; ++u, w += channels)
                for (std::size_t p = 0; p < Pixels; ++p) {
                    const T value = column[u + p];
#pragma omp simd
                    for (std::size_t l = 0; l < lanes; ++l) sum[p][l] += value * w[l];
                }
        }
    for (std::size_t l = 0; l < lanes; ++l) {
        const T b = bias ? bias[first + l] : T(0);
        for (std::size_t p = 0; p < Pixels; ++p) out[l * out_plane + p] = sum[p][l] + b;
    }
}

/// direct_column_block for a run of `pixels` (1 .. max_column_block) outputs: the template whose
/// Pixels is that count.
template <class T, std::size_t Pixels = max_column_block, class... Args>
void direct_column_run(std::size_t pixels, const Args&... args) {
    if constexpr (Pixels > 1)
        if (pixels < Pixels) return direct_column_run<T, Pixels - 1>(pixels, args...);
    direct_column_block<T, Pixels>(args...);
}

/// The weights by tap: w[t][p] = weight[p][t], t = (c, v, u) in memory order, so that one vector
/// load gives a tap's weights for consecutive output channels.
template <class T>
std::vector<T> weights_by_tap(const Tensor4<T>& weight) {
    const std::size_t channels = weight.shape().n, taps = weight.size() / channels;
    std::vector<T> by_tap(weight.size());
    for (std::size_t p = 0; p < channels; ++p)
        for (std::size_t t = 0; t < taps; ++t) by_tap[t * channels + p] = weight.data()[p * taps + t];
    return by_tap;
}

/// Sample n with the channels in the vector (C_out a multiple of channel_lanes): each output column
/// in runs of at most max_column_block outputs, as even as they come. An unpadded input is read
/// where it is; a padded one is copied into `padded` (planes of d.rows × d.cols, no margin).
template <class T>
void direct_sample_by_channels(const Tensor4<T>& x, const std::vector<T>& tap_weights, const arma::Col<T>& bias,
                               const LayerGeometry& g, const DirectGrid& d, std::size_t n, T* padded, Tensor4<T>& y) {
    const TapWalk walk{g.input.c, g.weight.w, g.weight.h, d.rows, d.rows * d.cols};
    const bool unpadded = walk.plane == g.input.h * g.input.w;
    const T* in = x.data() + n * g.input.c * walk.plane;
    if (!unpadded) {
        DirectGrid tight = d;
        tight.plane = walk.plane;
        fill_direct_grid(x, g, tight, n, padded);
        in = padded;
    }
    const std::size_t h = g.output.h, w = g.output.w, channels = g.output.c, plane = h * w;
    const std::size_t runs = (h + max_column_block - 1) / max_column_block;
    const T* b = bias.is_empty() ? nullptr : bias.memptr();
    T* out = y.data() + n * channels * plane;
    for (std::size_t j = 0; j < w; ++j)
        for (std::size_t r = 0; r < runs; ++r) {
            const std::size_t i = r * h / runs, pixels = (r + 1) * h / runs - i;
            for (std::size_t first = 0; first < channels; first += channel_lanes<T>)
                direct_column_run<T>(pixels, in + j * d.rows + i, tap_weights.data(), walk, channels, first, b,
                                     out + first * plane + j * h + i, plane);
        }
}

/// All output channels of sample n into `grid_out` (C_out × d.outputs), then the valid rows into y,
/// plus the bias (empty: none).
template <class T>
void direct_sample(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias, const LayerGeometry& g,
                   const DirectGrid& d, std::size_t n, T* padded, T* grid_out, Tensor4<T>& y) {
    fill_direct_grid(x, g, d, n, padded);
    const std::size_t channels = g.output.c;
    std::size_t c = 0;
    for (; c + 8 <= channels; c += 8) direct_channels<T, 8>(padded, weight.data(), d, c, grid_out);
    for (; c + 4 <= channels; c += 4) direct_channels<T, 4>(padded, weight.data(), d, c, grid_out);
    for (; c + 2 <= channels; c += 2) direct_channels<T, 2>(padded, weight.data(), d, c, grid_out);
    for (; c < channels; ++c) direct_channels<T, 1>(padded, weight.data(), d, c, grid_out);
    const std::size_t h = g.output.h, w = g.output.w;
    for (std::size_t p = 0; p < channels; ++p) {  // the kept rows of the grid into the output planes
        const T b = bias.is_empty() ? T(0) : bias(p);
        const T* from = grid_out + p * d.outputs;
        T* to = y.data() + (n * channels + p) * h * w;
        for (std::size_t j = 0; j < w; ++j)
            for (std::size_t i = 0; i < h; ++i) to[j * h + i] = from[j * d.rows + i] + b;
    }
}

}  // namespace

template <class T>
void conv2d_layer_direct(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias, const LayerGeometry& g,
                         Tensor4<T>& y) {
    const DirectGrid d = direct_grid(g, direct_block<T>);
    const bool by_channels = g.output.c % channel_lanes<T> == 0;
    const std::vector<T> tap_weights = by_channels ? weights_by_tap(weight) : std::vector<T>();
    const bool parallel = !omp_in_parallel() && g.output.n > 1;
#pragma omp parallel if (parallel)
    {
        // Per thread: one padded sample and its grid outputs (a few tens of kilobytes for small layers).
        std::vector<T> padded(g.input.c * d.plane), grid_out(by_channels ? 0 : g.output.c * d.outputs);
#pragma omp for schedule(dynamic, 1)
        for (std::size_t n = 0; n < g.output.n; ++n) {
            if (by_channels)
                direct_sample_by_channels(x, tap_weights, bias, g, d, n, padded.data(), y);
            else
                direct_sample(x, weight, bias, g, d, n, padded.data(), grid_out.data(), y);
        }
    }
}

template void conv2d_layer_direct(const Tensor4<float>&, const Tensor4<float>&, const arma::Col<float>&,
                                  const LayerGeometry&, Tensor4<float>&);
template void conv2d_layer_direct(const Tensor4<double>&, const Tensor4<double>&, const arma::Col<double>&,
                                  const LayerGeometry&, Tensor4<double>&);

}  // namespace cnnlab::detail
