// The direct small-channel path of conv2d_layer (LayerAlgorithm::direct). It has two kernels:
//
// - Channels in the vector (layer_direct_channels.cpp): any stride, and the only one for strides
//   above 1 and dilations; taken too at stride 1 when the output channels fill whole 64-byte
//   vectors (LeNet's conv2: 16 float channels), where it computes only kept outputs.
// - Grid outputs in the vector (here): stride 1, dilation 1, computed on the flattened padded grid
//   of direct_layout.hpp. Per sample, each block of `Channels` output channels × `Block` grid outputs
//   keeps its sums in registers while the taps go by: one load of Block input values feeds Channels
//   FMAs, the weights are broadcast. It suits a few output channels (LeNet's conv1: 6), which would
//   leave most lanes of a channel vector empty, at the cost of the grid's discarded rows.
//
// No im2col matrix is written, which is what costs im2col + GEMM most on layers with few channels
// (LeNet's conv1 has one input and six output channels: its GEMM is 784×25×6 per sample and the
// im2col copy as expensive as the products).
#include "chapters/ch00_foundation/cpu_clones.hpp"
#include "chapters/ch02_layers/direct_layout.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"

#include <omp.h>

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
    if (direct_keeps_channels_in_vector<T>(g)) return conv2d_layer_direct_by_channels(x, weight, bias, g, y);
    const DirectGrid d = direct_grid(g, direct_block<T>);
    const bool parallel = !omp_in_parallel() && g.output.n > 1;
#pragma omp parallel if (parallel)
    {
        // Per thread: one padded sample and its grid outputs (a few tens of kilobytes for small layers).
        std::vector<T> padded(g.input.c * d.plane), grid_out(g.output.c * d.outputs);
#pragma omp for schedule(dynamic, 1)
        for (std::size_t n = 0; n < g.output.n; ++n) direct_sample(x, weight, bias, g, d, n, padded.data(), grid_out.data(), y);
    }
}

template void conv2d_layer_direct(const Tensor4<float>&, const Tensor4<float>&, const arma::Col<float>&,
                                  const LayerGeometry&, Tensor4<float>&);
template void conv2d_layer_direct(const Tensor4<double>&, const Tensor4<double>&, const arma::Col<double>&,
                                  const LayerGeometry&, Tensor4<double>&);

}  // namespace cnnlab::detail
