// The weight gradient of the direct small-channel path (BackwardWeightAlgorithm::direct), on the
// flattened padded grid of chapters/ch02_layers/direct_layout.hpp:
//
//   ∂f/∂W[p][t] = Σ_n Σ_q δ_n[p][q] · x_n[q + offset_t]
//
// with δ placed on the grid (zeros on the discarded rows), so that every (channel, tap) pair is one
// dot product of two contiguous runs. Blocks of 4 channels × 4 taps keep 16 vector sums in
// registers: each step loads 4 δ vectors and 4 input vectors for 16 FMAs. Samples are spread over
// the threads, each adding into its own vector sums per weight (no atomics), added up at the end.
#include "chapters/ch00_foundation/cpu_clones.hpp"
#include "chapters/ch02_layers/direct_layout.hpp"
#include "chapters/ch03_gradients/backward.hpp"

#include <algorithm>
#include <cstring>
#include <omp.h>

namespace cnnlab::detail {
namespace {

/// Values per vector step: one 64-byte vector.
template <class T>
constexpr std::size_t lanes = 64 / sizeof(T);

/// The running vector sums of (channel p, tap t), `lanes` values each, kept across the samples of
/// a thread and added up once at the end (a horizontal sum per block and sample would cost as much as
/// the products on small planes).
template <class T>
T* sums_of(T* sums, const DirectGrid& d, std::size_t p, std::size_t t) {
    return sums + (p * d.tap_offsets.size() + t) * lanes<T>;
}

/// One 64-byte vector of T as a value (GCC/Clang vector extension): the compiler keeps it in a
/// register and reuses it, where an element loop re-reads memory for every product.
template <class T>
struct VectorOf;
template <>
struct VectorOf<float> {
    typedef float type __attribute__((vector_size(64)));
};
template <>
struct VectorOf<double> {
    typedef double type __attribute__((vector_size(64)));
};
template <class T>
using Vector = typename VectorOf<T>::type;

template <class T>
Vector<T> load(const T* from) {
    Vector<T> v;
    static_assert(sizeof v == lanes<T> * sizeof(T));
    std::memcpy(&v, from, sizeof v);  // an unaligned vector load
    return v;
}

template <class T>
void store(const Vector<T>& v, T* to) {
    std::memcpy(to, &v, sizeof v);
}

/// The grids of a few samples side by side: sample b's input grid at `padded + b · padded_stride`,
/// its δ grid at `delta + b · delta_stride`. A block's sums stay in registers across all of them.
template <class T>
struct Chunk {
    std::size_t samples = 0;
    const T* padded = nullptr;
    const T* delta = nullptr;
    std::size_t padded_stride = 0, delta_stride = 0;
};

/// sums[p][t] += delta[p][q] · padded[q + offset_t] over the grids of a chunk, p in
/// [first, first + Channels), t in [tap, tap + Taps): per step Channels + Taps vector loads feed
/// Channels × Taps FMAs.
template <class T, std::size_t Channels, std::size_t Taps>
CNNLAB_CPU_CLONES void dot_block(const Chunk<T>& chunk, const DirectGrid& d, std::size_t first, std::size_t tap, T* sums) {
    constexpr std::size_t v = lanes<T>;
    Vector<T> sum[Channels][Taps];
    for (std::size_t c = 0; c < Channels; ++c)
        for (std::size_t k = 0; k < Taps; ++k) sum[c][k] = load(sums_of(sums, d, first + c, tap + k));
    for (std::size_t b = 0; b < chunk.samples; ++b) {
        const T* in[Taps];
        const T* dc[Channels];
        for (std::size_t k = 0; k < Taps; ++k) in[k] = chunk.padded + b * chunk.padded_stride + d.tap_offsets[tap + k];
        for (std::size_t c = 0; c < Channels; ++c) dc[c] = chunk.delta + b * chunk.delta_stride + (first + c) * d.outputs;
        for (std::size_t q = 0; q < d.outputs; q += v) {
            Vector<T> dv[Channels], xv[Taps];
            for (std::size_t c = 0; c < Channels; ++c) dv[c] = load(dc[c] + q);
            for (std::size_t k = 0; k < Taps; ++k) xv[k] = load(in[k] + q);
            for (std::size_t c = 0; c < Channels; ++c)
                for (std::size_t k = 0; k < Taps; ++k) sum[c][k] += dv[c] * xv[k];
        }
    }
    for (std::size_t c = 0; c < Channels; ++c)
        for (std::size_t k = 0; k < Taps; ++k) store(sum[c][k], sums_of(sums, d, first + c, tap + k));
}

/// All taps of output channels [first, first + Channels).
template <class T, std::size_t Channels>
void dot_channels(const Chunk<T>& chunk, const DirectGrid& d, std::size_t first, T* sums) {
    const std::size_t taps = d.tap_offsets.size();
    std::size_t t = 0;
    for (; t + 4 <= taps; t += 4) dot_block<T, Channels, 4>(chunk, d, first, t, sums);
    for (; t < taps; ++t) dot_block<T, Channels, 1>(chunk, d, first, t, sums);
}

/// Samples [first, first + count): δ and x onto their grids, then every (channel, tap) dot product.
template <class T>
void weight_chunk(const Tensor4<T>& x, const Tensor4<T>& dy, const LayerGeometry& g, const DirectGrid& d,
                  std::size_t first, std::size_t count, T* padded, T* delta, T* sums) {
    const std::size_t channels = g.output.c, h = g.output.h;
    const Chunk<T> chunk{count, padded, delta, g.input.c * d.plane, channels * d.outputs};
    std::fill(delta, delta + count * chunk.delta_stride, T(0));
    for (std::size_t b = 0; b < count; ++b) {
        fill_direct_grid(x, g, d, first + b, padded + b * chunk.padded_stride);
        for (std::size_t p = 0; p < channels; ++p)
            copy_columns(dy.data() + ((first + b) * channels + p) * h * g.output.w, h,
                         delta + b * chunk.delta_stride + p * d.outputs, d.rows, h, g.output.w);
    }
    std::size_t p = 0;
    for (; p + 4 <= channels; p += 4) dot_channels<T, 4>(chunk, d, p, sums);
    for (; p + 2 <= channels; p += 2) dot_channels<T, 2>(chunk, d, p, sums);
    for (; p < channels; ++p) dot_channels<T, 1>(chunk, d, p, sums);
}

}  // namespace

template <class T>
void backward_weight_direct(const Tensor4<T>& x, const Tensor4<T>& dy, const LayerGeometry& g, Tensor4<T>& dw) {
    const DirectGrid d = direct_grid(g, lanes<T>);
    // Samples per chunk: as many as fit in about 256 KB of grids (at least one).
    const std::size_t per_sample = g.input.c * d.plane + g.output.c * d.outputs;
    const std::size_t chunk = std::clamp<std::size_t>((std::size_t(1) << 16) / per_sample, 1, 16);
    const std::size_t chunks = (g.input.n + chunk - 1) / chunk;
    const int threads = omp_in_parallel() || chunks < 2 ? 1 : std::min(omp_get_max_threads(), int(chunks));
    // Per thread: `lanes` running sums per weight (dW's size × 16 floats: 154 KB for LeNet's conv2).
    std::vector<std::vector<T>> partial(std::size_t(threads), std::vector<T>(dw.size() * lanes<T>, T(0)));
#pragma omp parallel num_threads(threads)
    {
        std::vector<T> padded(chunk * g.input.c * d.plane), delta(chunk * g.output.c * d.outputs);
        T* mine = partial[std::size_t(omp_get_thread_num())].data();
#pragma omp for schedule(dynamic, 1)
        for (std::size_t c = 0; c < chunks; ++c) {
            const std::size_t first = c * chunk, count = std::min(chunk, g.input.n - first);
            weight_chunk(x, dy, g, d, first, count, padded.data(), delta.data(), mine);
        }
    }
    for (const std::vector<T>& sums : partial)
        for (std::size_t i = 0; i < dw.size(); ++i)
            for (std::size_t l = 0; l < lanes<T>; ++l) dw.data()[i] += sums[i * lanes<T> + l];
}

template void backward_weight_direct(const Tensor4<float>&, const Tensor4<float>&, const LayerGeometry&, Tensor4<float>&);
template void backward_weight_direct(const Tensor4<double>&, const Tensor4<double>&, const LayerGeometry&,
                                     Tensor4<double>&);

}  // namespace cnnlab::detail
