// The channels-in-vector kernel of the direct path (LayerAlgorithm::direct), for one group at any
// stride and dilation, except a row dilation with a row stride (see the phase planes below).
//
// Each of up to 14 outputs (i, j) of one output column keeps one or two vectors of sums, a lane per
// output channel. A tap adds X[c, i·s_h + u·d_h, j·s_w + v·d_w] (one value, broadcast from memory)
// times the tap's weights for those channels (one vector load): per tap, one or two loads of
// weights feed up to 28 FMAs. Nothing but kept outputs is computed, and no im2col matrix is
// written — what costs im2col + GEMM most on layers with few input channels (AlexNet's conv1 copies
// each input value ~7.6 times into its im2col matrix) or few output channels (LeNet's conv2).
//
// The taps of one output must be consecutive values for the FMAs' broadcasts to walk a column. With
// row stride s > 1 they are not: the sample is first split into s phase planes by row (row r goes
// to plane r mod s, row r div s), and tap u = φ + k·s of output row i reads row i + k of phase
// plane φ. The kernel walks the taps in one loop, through a list of where each tap's inputs start,
// the weights stored in the same order.
#include "chapters/ch00_foundation/cpu_clones.hpp"
#include "chapters/ch00_foundation/simd.hpp"
#include "chapters/ch02_layers/im2col_columns.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"

#include <omp.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace cnnlab::detail {
namespace {

/// A sample's phase planes, and where each tap's inputs lie in them.
struct TapWalk {
    std::size_t phases = 1;  ///< \f$s_h\f$ phase planes per input channel
    std::size_t rows = 0;    ///< rows of a phase plane: \f$\lceil H_p / s_h \rceil\f$
    std::size_t plane = 0;   ///< values of a phase plane: rows · \f$W_p\f$
    /// Tap t's first input from the output's own place in the phase planes, the taps in the order
    /// of for_each_tap (that of the weights, weights_by_tap).
    std::vector<std::size_t> offsets;
};

/// Calls visit(c, u, v, offset) for every tap (input channel c, kernel row u, column v) in the
/// walk's order: by channel, phase φ, column, then row taps u = φ, φ + s_h, …, the k-th of which
/// reads row i + k·d_h of phase plane φ for output row i (d_h = 1 when s_h > 1).
template <class Visit>
void for_each_tap(const LayerGeometry& g, const TapWalk& walk, Visit&& visit) {
    const std::size_t col_step = g.plane.cols.dilation * walk.rows, row_step = g.plane.rows.dilation;
    for (std::size_t c = 0; c < g.input.c; ++c)
        for (std::size_t phase = 0; phase < walk.phases; ++phase)
            for (std::size_t v = 0; v < g.weight.w; ++v)
                for (std::size_t u = phase, k = 0; u < g.weight.h; u += walk.phases, ++k)
                    visit(c, u, v, (c * walk.phases + phase) * walk.plane + v * col_step + k * row_step);
}

TapWalk tap_walk(const LayerGeometry& g) {
    const Geometry2d& p = g.plane;
    TapWalk walk;
    walk.phases = p.rows.stride;
    walk.rows = (g.input.h + p.rows.pad.before + p.rows.pad.after + walk.phases - 1) / walk.phases;
    walk.plane = walk.rows * (g.input.w + p.cols.pad.before + p.cols.pad.after);
    walk.offsets.reserve(g.input.c * g.weight.h * g.weight.w);
    for_each_tap(g, walk, [&](std::size_t, std::size_t, std::size_t, std::size_t offset) { walk.offsets.push_back(offset); });
    return walk;
}

/// Rows l < kept of rows[0 .. Lanes) to out + l·step, the first `Count` values of each (an
/// unrolled loop, so that each row stays in its register).
template <std::size_t Count, class T, std::size_t Lanes, std::size_t... L>
[[gnu::always_inline]] inline void store_rows(const simd::Vec<T, Lanes> (&rows)[Lanes], T* out, std::size_t step,
                                              std::size_t kept, std::index_sequence<L...>) {
    ((L < kept ? simd::store_first<Count, T, Lanes>(out + L * step, rows[L]) : void()), ...);
}

/// Outputs P0 .. Pixels − 1 of channel vector q: sum[p][q] + bias, written to the first `kept`
/// output planes from `out` (`out_plane` apart). The sums hold a pixel per register and a channel
/// per lane, where the planes want a channel's pixels side by side: a transpose in registers
/// turns `lanes` pixels around at once.
template <class T, std::size_t Pixels, std::size_t Vectors, std::size_t P0 = 0>
[[gnu::always_inline]] inline void store_by_channel(const simd::Vec<T, channel_lanes<T>> (&sum)[Pixels][Vectors],
                                                    std::size_t q, const simd::Vec<T, channel_lanes<T>>& bias, T* out,
                                                    std::size_t out_plane, std::size_t kept) {
    constexpr std::size_t lanes = channel_lanes<T>, count = std::min(lanes, Pixels - P0);
    simd::Vec<T, lanes> by_channel[lanes] = {};
    for (std::size_t p = 0; p < count; ++p) by_channel[p] = sum[P0 + p][q] + bias;
    simd::transpose<T, lanes>(by_channel);
    store_rows<count>(by_channel, out + P0, out_plane, kept, std::make_index_sequence<lanes>{});
    if constexpr (P0 + lanes < Pixels) store_by_channel<T, Pixels, Vectors, P0 + lanes>(sum, q, bias, out, out_plane, kept);
}

/// Outputs (i .. i + Pixels − 1, j) of output channels [first, first + Vectors·lanes), plus the bias
/// (zeros up to whole vectors, like the weights):
/// sum[p][l] = bias[first + l] + Σ_taps w[tap][first + l] · in[tap's position + p],
/// where `in` is the phase planes at output (i, j) and w the weights by tap (`channels` per tap,
/// output channel fastest). `out` points at output channel `first`, pixel (i, j); its planes are
/// `out_plane` values apart, and only the block's first `kept` channels are written.
template <class T, std::size_t Pixels, std::size_t Vectors>
CNNLAB_CPU_CLONES void channels_column_block(const T* in, const T* tap_weights, const TapWalk& walk, std::size_t channels,
                                             std::size_t first, const T* bias, T* out, std::size_t out_plane,
                                             std::size_t kept) {
    constexpr std::size_t lanes = channel_lanes<T>;
    using Vector = simd::Vec<T, lanes>;
    Vector sum[Pixels][Vectors];
    for (auto& pixel : sum)  // not `= {}`, which GCC zeroes through a memset call of the whole array
        for (Vector& vector : pixel) vector = Vector{};
    const T* w = tap_weights + first;
    for (const std::size_t offset : walk.offsets) {
        const T* column = in + offset;
        Vector weights[Vectors];
        for (std::size_t q = 0; q < Vectors; ++q) weights[q] = simd::load<T, lanes>(w + q * lanes);
        w += channels;
        for (std::size_t p = 0; p < Pixels; ++p) {
            const T value = column[p];
            for (std::size_t q = 0; q < Vectors; ++q) sum[p][q] += value * weights[q];
        }
    }
    for (std::size_t q = 0; q < Vectors && q * lanes < kept; ++q)
        store_by_channel<T>(sum, q, simd::load<T, lanes>(bias + first + q * lanes), out + q * lanes * out_plane, out_plane,
                            kept - q * lanes);
}

/// Most outputs of one column a block of `vectors` channel vectors keeps sums for: at most 28 of
/// AVX-512's 32 vector registers.
constexpr std::size_t max_column_block(std::size_t vectors) { return vectors == 1 ? 14 : 28 / vectors; }

/// channels_column_block for a run of `pixels` (1 .. max_column_block(Vectors)) outputs: the
/// template whose Pixels is that count.
template <class T, std::size_t Vectors, std::size_t Pixels = max_column_block(Vectors), class... Args>
void channels_column_run(std::size_t pixels, const Args&... args) {
    if constexpr (Pixels > 1)
        if (pixels < Pixels) return channels_column_run<T, Vectors, Pixels - 1>(pixels, args...);
    channels_column_block<T, Pixels, Vectors>(args...);
}

/// The weights by tap, in for_each_tap's order: w[tap][p] = W[p][c][u][v] for p < C_out, zeros up
/// to whole vectors of channels; `channels` is that padded count.
template <class T>
std::vector<T> weights_by_tap(const Tensor4<T>& weight, const LayerGeometry& g, const TapWalk& walk, std::size_t channels) {
    std::vector<T> by_tap(channels * walk.offsets.size(), T(0));
    T* tap = by_tap.data();
    for_each_tap(g, walk, [&](std::size_t c, std::size_t u, std::size_t v, std::size_t) {
        for (std::size_t p = 0; p < g.output.c; ++p) tap[p] = weight(p, c, u, v);
        tap += channels;
    });
    return by_tap;
}

/// Sample n of x into its phase planes: padded row r of column j, channel c, at
/// (c·s + r mod s)·plane + j·rows + r div s; zeros for the padding. Each input column is read once
/// for all its phases, strides 2 and 4 a vector at a time (copy_strided).
template <class T>
void fill_phase_planes(const Tensor4<T>& x, const LayerGeometry& g, const TapWalk& walk, std::size_t n, T* planes) {
    const std::size_t h = g.input.h, w = g.input.w, s = walk.phases, rows = walk.rows;
    const std::size_t top = g.plane.rows.pad.before, left = g.plane.cols.pad.before;
    for (std::size_t c = 0; c < g.input.c; ++c) {
        T* const channel = planes + c * s * walk.plane;
        for (std::size_t phase = 0; phase < s; ++phase) {  // the padding columns
            T* plane = channel + phase * walk.plane;
            std::fill(plane, plane + left * rows, T(0));
            std::fill(plane + (left + w) * rows, plane + walk.plane, T(0));
        }
        for (std::size_t j = 0; j < w; ++j) {
            const T* from = x.data() + ((n * g.input.c + c) * w + j) * h;
            for (std::size_t phase = 0; phase < s; ++phase) {
                // Input rows y = first, first + s, … are the padded rows of this phase, from row `start` of the plane.
                const std::size_t first = (phase + s - top % s) % s;
                const std::size_t count = first < h ? (h - first + s - 1) / s : 0, start = (first + top) / s;
                T* to = channel + phase * walk.plane + (j + left) * rows;
                std::fill(to, to + start, T(0));
                if (s == 1)
                    std::copy(from, from + h, to + start);
                else if (count > 0)  // a phase no input row falls in (h < s) copies nothing
                    copy_strided(from + first, s, h - first, 0, count, to + start);
                std::fill(to + start + count, to + rows, T(0));
            }
        }
    }
}

/// Output channels [first, first + Vectors·lanes) of output columns [j0, j1) of one sample, each
/// column in runs of at most max_column_block(Vectors) outputs, as even as they come.
template <class T, std::size_t Vectors>
void channel_group(const T* in, const std::vector<T>& tap_weights, std::size_t channels, const T* bias,
                   const LayerGeometry& g, const TapWalk& walk, std::size_t first, std::size_t j0, std::size_t j1, T* out) {
    const std::size_t h = g.output.h, plane = h * g.output.w;
    const std::size_t column_step = g.plane.cols.stride * walk.rows;
    const std::size_t runs = (h + max_column_block(Vectors) - 1) / max_column_block(Vectors);
    for (std::size_t j = j0; j < j1; ++j)
        for (std::size_t r = 0; r < runs; ++r) {
            const std::size_t i = r * h / runs, pixels = (r + 1) * h / runs - i;
            channels_column_run<T, Vectors>(pixels, in + j * column_step + i, tap_weights.data(), walk, channels, first,
                                            bias, out + first * plane + j * h + i, plane, g.output.c - first);
        }
}

/// Every output channel of output columns [j0, j1) of one sample: channel vectors two at a time
/// (over several columns, each pair's weights stay in cache), an odd one alone.
template <class T>
void sample_columns(const T* in, const std::vector<T>& tap_weights, std::size_t channels, const T* bias,
                    const LayerGeometry& g, const TapWalk& walk, std::size_t j0, std::size_t j1, T* out) {
    constexpr std::size_t lanes = channel_lanes<T>;
    std::size_t first = 0;
    for (; first + 2 * lanes <= channels; first += 2 * lanes)
        channel_group<T, 2>(in, tap_weights, channels, bias, g, walk, first, j0, j1, out);
    for (; first < channels; first += lanes) channel_group<T, 1>(in, tap_weights, channels, bias, g, walk, first, j0, j1, out);
}

}  // namespace

bool direct_by_channels_applies(const LayerGeometry& g) {
    return g.groups == 1 && (g.plane.rows.stride == 1 || g.plane.rows.dilation == 1);
}

template <class T>
void conv2d_layer_direct_by_channels(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias,
                                     const LayerGeometry& g, Tensor4<T>& y) {
    constexpr std::size_t lanes = channel_lanes<T>;
    const TapWalk walk = tap_walk(g);
    const std::size_t channels = (g.output.c + lanes - 1) / lanes * lanes;
    const std::vector<T> tap_weights = weights_by_tap(weight, g, walk, channels);
    std::vector<T> padded_bias(channels, T(0));
    std::copy(bias.begin(), bias.end(), padded_bias.begin());
    const T* b = padded_bias.data();
    // An unpadded stride-1 sample already is its one phase plane per channel.
    const bool in_place = walk.phases == 1 && walk.plane == g.input.h * g.input.w;
    const std::size_t planes_size = in_place ? 0 : g.input.c * walk.phases * walk.plane;
    const std::size_t out_size = g.output.c * g.output.h * g.output.w;
    // Sample n as the kernel reads it: in place, or copied into `planes`.
    const auto sample_input = [&](std::size_t n, std::vector<T>& planes) -> const T* {
        if (in_place) return x.data() + n * g.input.c * g.input.h * g.input.w;
        fill_phase_planes(x, g, walk, n, planes.data());
        return planes.data();
    };
    const std::size_t threads = omp_in_parallel() ? 1 : std::size_t(omp_get_max_threads());
    if (g.output.n >= threads) {  // a sample per thread at a time
#pragma omp parallel if (threads > 1)
        {
            std::vector<T> planes(planes_size);
#pragma omp for schedule(dynamic, 1)
            for (std::size_t n = 0; n < g.output.n; ++n)
                sample_columns(sample_input(n, planes), tap_weights, channels, b, g, walk, 0, g.output.w,
                               y.data() + n * out_size);
        }
        return;
    }
    std::vector<T> planes(planes_size);  // fewer samples than threads: the threads share each sample's columns
    for (std::size_t n = 0; n < g.output.n; ++n) {
        const T* in = sample_input(n, planes);
#pragma omp parallel for schedule(static)
        for (std::size_t j = 0; j < g.output.w; ++j)
            sample_columns(in, tap_weights, channels, b, g, walk, j, j + 1, y.data() + n * out_size);
    }
}

template void conv2d_layer_direct_by_channels(const Tensor4<float>&, const Tensor4<float>&, const arma::Col<float>&,
                                              const LayerGeometry&, Tensor4<float>&);
template void conv2d_layer_direct_by_channels(const Tensor4<double>&, const Tensor4<double>&, const arma::Col<double>&,
                                              const LayerGeometry&, Tensor4<double>&);

}  // namespace cnnlab::detail
