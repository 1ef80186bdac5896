// Winograd F(m×m, 3×3) for the convolution layer: 3×3 kernel, stride 1, dilation 1, groups 1, any
// padding, m = 2 or 4. reference/winograd.hpp has the one-tile formula this file applies in bulk.
//
// One output tile of m×m needs an α×α input tile d (α = m + 2); for one filter g (Lavin & Gray)
//     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A.
// Summed over the input channels c, the elementwise product at each of the α² points ξ becomes a
// matrix product over channels, for all tiles t and output channels p at once:
//     V[ξ](c, p) = (G g_{p,c} Gᵀ)_ξ        C_in × C_out, once per call (the filter transform)
//     U[ξ](t, c) = (Bᵀ d_{t,c} B)_ξ        T × C_in, per block of T tiles (the input transform)
//     M[ξ]       = U[ξ] · V[ξ]             T × C_out: α² GEMMs through Armadillo/OpenBLAS
//     Y_{t,p}    = Aᵀ M_{t,p} A            cropped at the output's bottom/right edge
// so the multiplications per tile and channel pair drop from 9m² to α² (144 → 36 for m = 4).
//
// The matrices (Lavin & Gray; interpolation points 0, ±1, ∞ for m = 2 and 0, ±1, ±2, ∞ for m = 4):
//
//   F(2×2,3×3)  Bᵀ = [ 1  0 -1  0 ]   G = [ 1    0    0  ]   Aᵀ = [ 1  1  1  0 ]
//                    [ 0  1  1  0 ]       [ 1/2  1/2  1/2]        [ 0  1 -1 -1 ]
//                    [ 0 -1  1  0 ]       [ 1/2 -1/2  1/2]
//                    [ 0  1  0 -1 ]       [ 0    0    1  ]
//
//   F(4×4,3×3)  Bᵀ = [ 4  0 -5  0  1  0 ]   G = [ 1/4    0     0  ]   Aᵀ = [ 1  1  1  1  1  0 ]
//                    [ 0 -4 -4  1  1  0 ]       [-1/6  -1/6  -1/6 ]        [ 0  1 -1  2 -2  0 ]
//                    [ 0  4 -4 -1  1  0 ]       [-1/6   1/6  -1/6 ]        [ 0  1  1  4  4  0 ]
//                    [ 0 -2 -1  2  1  0 ]       [ 1/24  1/12  1/6 ]        [ 0  1 -1  8 -8  1 ]
//                    [ 0  2 -1 -2  1  0 ]       [ 1/24 -1/12  1/6 ]
//                    [ 0  4  0 -5  0  1 ]       [ 0      0     1  ]
//
// Memory: every buffer is column-major with the tile (or filter) index fastest, so each transform
// is a short sum of lane vectors — L tiles side by side — that the compiler vectorises:
//   V   α² matrices C_in × C_out; element (c, p) of V[ξ] at ξ·C_in·C_out + p·C_in + c, which is
//       the weight tensor's filter order (p, c): the filter transform writes it contiguously
//   U   α² matrices T × C_in  (per block);  M  α² matrices T × C_out (per block)
// Tiles are numbered over the batch in the output planes' order: t = (n·tiles_w + tj)·tiles_h + ti.
// Partial tiles at the bottom/right read zeros past the input (the same zeros as the padding) and
// their extra outputs are dropped, so any padding and output size work.
//
// Threads: the filter transform splits its filters, then blocks of tiles go to the cores, each
// with its own (thread_local, reused) buffers; OpenBLAS runs single-threaded meanwhile.
#include "chapters/ch00_foundation/blas.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"

#include <algorithm>
#include <cstddef>
#include <omp.h>
#include <optional>
#include <vector>

namespace cnnlab::detail {
namespace {

/// The transform matrices of F(m×m, 3×3), as written in the file comment.
template <std::size_t M>
struct Transforms;

template <>
struct Transforms<2> {
    static constexpr std::size_t alpha = 4;
    static constexpr double BT[4][4] = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
    static constexpr double G[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
    static constexpr double AT[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};
};

template <>
struct Transforms<4> {
    static constexpr std::size_t alpha = 6;
    static constexpr double BT[6][6] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                                        {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
    static constexpr double G[6][3] = {{1.0 / 4, 0, 0},
                                       {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                       {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                       {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                       {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                       {0, 0, 1}};
    static constexpr double AT[4][6] = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};
};

/// Tiles (or filters) transformed side by side: two 64-byte vectors of T.
template <class T>
constexpr std::size_t lanes = 128 / sizeof(T);

/// Tiles per block aimed at: the GEMMs of a block are T × C_in × C_out, large enough for OpenBLAS
/// to run near its peak, while a block's U and M stay a few MB (measured: 128–256 are equally fast).
constexpr std::size_t block_tiles_target = 192;

/// out(r, k) = Σ_j c[r][j] · in(j, k): the left product C·X of an R×J constant matrix and a J×K
/// grid of lane vectors. Grid element (j, k) starts at in + (j·K + k)·in_stride; out likewise.
template <std::size_t R, std::size_t J, std::size_t K, std::size_t L, class T>
inline void multiply_left(const double (&c)[R][J], const T* __restrict in, std::size_t in_stride, T* __restrict out,
                          std::size_t out_stride) {
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t k = 0; k < K; ++k) {
            T sum[L] = {};
            for (std::size_t j = 0; j < J; ++j) {
                if (c[r][j] == 0) continue;
                const T coef = T(c[r][j]);
                const T* v = in + (j * K + k) * in_stride;
                for (std::size_t l = 0; l < L; ++l) sum[l] += coef * v[l];
            }
            T* o = out + (r * K + k) * out_stride;
            for (std::size_t l = 0; l < L; ++l) o[l] = sum[l];
        }
}

/// out(k, r) = Σ_j in(k, j) · c[r][j]: the right product X·Cᵀ of a K×J grid of lane vectors and the
/// transpose of an R×J constant matrix. Grid element (k, j) starts at in + (k·J + j)·in_stride.
template <std::size_t R, std::size_t J, std::size_t K, std::size_t L, class T>
inline void multiply_right_transposed(const double (&c)[R][J], const T* __restrict in, std::size_t in_stride,
                                      T* __restrict out, std::size_t out_stride) {
    for (std::size_t k = 0; k < K; ++k)
        for (std::size_t r = 0; r < R; ++r) {
            T sum[L] = {};
            for (std::size_t j = 0; j < J; ++j) {
                if (c[r][j] == 0) continue;
                const T coef = T(c[r][j]);
                const T* v = in + (k * J + j) * in_stride;
                for (std::size_t l = 0; l < L; ++l) sum[l] += coef * v[l];
            }
            T* o = out + (k * R + r) * out_stride;
            for (std::size_t l = 0; l < L; ++l) o[l] = sum[l];
        }
}

/// Copies the first `valid` lanes of each of `vectors` lane vectors (spaced L apart in `from`,
/// `to_stride` apart in `to`): the tail of a chunk that does not fill all L lanes.
template <std::size_t L, class T>
void copy_lanes(const T* from, std::size_t vectors, std::size_t valid, T* to, std::size_t to_stride) {
    for (std::size_t v = 0; v < vectors; ++v) std::copy(from + v * L, from + v * L + valid, to + v * to_stride);
}

/// Zero-copy matrix over `rows × cols` values at `data` (Armadillo's auxiliary-memory constructor).
template <class T>
arma::Mat<T> matrix_over(const T* data, std::size_t rows, std::size_t cols) {
    return arma::Mat<T>(const_cast<T*>(data), rows, cols, /*copy_aux_mem=*/false, /*strict=*/true);
}

/// Where one tile sits: its sample, the top-left of its α×α input patch (may lie in the padding or
/// past the input) and of its m×m output patch.
struct TilePlace {
    std::size_t n = 0;
    std::ptrdiff_t in_row = 0, in_col = 0;
    std::size_t out_row = 0, out_col = 0;
    bool inside = false;  ///< the whole input patch lies inside the input: no bounds checks
};

/// The whole computation for one m and element type.
template <std::size_t M, class T>
class WinogradLayer {
    using Tf = Transforms<M>;
    static constexpr std::size_t alpha = Tf::alpha, points = alpha * alpha, L = lanes<T>;

public:
    WinogradLayer(const Tensor4<T>& x, const Tensor4<T>& weight, const LayerGeometry& g, Tensor4<T>& y)
        : x_(x), weight_(weight), g_(g), y_(y), c_in_(g.input.c), c_out_(g.output.c),
          tiles_h_((g.output.h + M - 1) / M), tiles_w_((g.output.w + M - 1) / M),
          tiles_(g.output.n * tiles_h_ * tiles_w_) {}

    void run() {
        const int max_threads = omp_get_max_threads();
        // Below ~1 MFLOP a parallel region costs more than it saves.
        const bool parallel = max_threads > 1 && !omp_in_parallel() && g_.flops() > 1e6;
        const std::size_t threads = parallel ? std::size_t(max_threads) : 1;
        std::size_t blocks = (tiles_ + block_tiles_target - 1) / block_tiles_target;
        if (tiles_ >= threads * L) blocks = (blocks + threads - 1) / threads * threads;  // equal shares
        blocks = std::min(blocks, tiles_);

        // V belongs to the calling thread and is shared with the team; kept between calls, as a
        // fresh multi-MB buffer per call would cost page faults on every call.
        thread_local std::vector<T> filter_buffer;
        if (filter_buffer.size() < points * c_in_ * c_out_) filter_buffer.resize(points * c_in_ * c_out_);
        T* const v = filter_buffer.data();
        const std::size_t filters = filter_count();
        const std::size_t filter_chunks = (filters + L - 1) / L;

        std::optional<SingleThreadedBlas> single;
        if (parallel) single.emplace();
#pragma omp parallel if (parallel)
        {
#pragma omp for schedule(static)
            for (std::size_t chunk = 0; chunk < filter_chunks; ++chunk) transform_filters(chunk * L, v);
            // (implicit barrier: V is complete before any block uses it)
#pragma omp for schedule(dynamic, 1)
            for (std::size_t b = 0; b < blocks; ++b) {
                const std::size_t first = b * tiles_ / blocks, last = (b + 1) * tiles_ / blocks;
                process_block(first, last - first, v);
            }
        }
    }

private:
    /// C_in·C_out 3×3 filters, one per (output, input) channel pair.
    std::size_t filter_count() const { return c_in_ * c_out_; }

    /// V[ξ](c, p) = (G g_{p,c} Gᵀ)_ξ for the L filters q = p·C_in + c starting at `first`.
    void transform_filters(std::size_t first, T* v) const {
        const std::size_t filters = filter_count(), valid = std::min(L, filters - first);
        alignas(64) T g[9 * L] = {};       // g(u, w) lane vectors, 3×3
        alignas(64) T half[alpha * 3 * L];  // G g, α×3
        alignas(64) T out[points * L];      // G g Gᵀ, α×α
        const T* w = weight_.data() + first * 9;
        for (std::size_t l = 0; l < valid; ++l)
            for (std::size_t u = 0; u < 3; ++u)
                for (std::size_t col = 0; col < 3; ++col) g[(u * 3 + col) * L + l] = w[l * 9 + col * 3 + u];  // plane is column-major
        multiply_left<alpha, 3, 3, L>(Tf::G, g, L, half, L);
        multiply_right_transposed<alpha, 3, alpha, L>(Tf::G, half, L, out, L);
        copy_lanes<L>(out, points, valid, v + first, filters);
    }

    /// Places of tiles first … first+count−1.
    void place_tiles(std::size_t first, std::size_t count, std::vector<TilePlace>& places) const {
        places.resize(count);
        const auto pad_top = std::ptrdiff_t(g_.plane.rows.pad.before), pad_left = std::ptrdiff_t(g_.plane.cols.pad.before);
        const auto height = std::ptrdiff_t(g_.input.h), width = std::ptrdiff_t(g_.input.w);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t t = first + k;
            TilePlace& p = places[k];
            p.out_row = (t % tiles_h_) * M;
            p.out_col = (t / tiles_h_ % tiles_w_) * M;
            p.n = t / (tiles_h_ * tiles_w_);
            p.in_row = std::ptrdiff_t(p.out_row) - pad_top;
            p.in_col = std::ptrdiff_t(p.out_col) - pad_left;
            p.inside = p.in_row >= 0 && p.in_col >= 0 && p.in_row + std::ptrdiff_t(alpha) <= height &&
                       p.in_col + std::ptrdiff_t(alpha) <= width;
        }
    }

    /// d(a, b) lane vectors (α×α) of input channel c for the `valid` tiles at `places`; lanes past
    /// `valid` and entries outside the input are zero.
    void gather_tiles(const TilePlace* places, std::size_t valid, std::size_t c, T* d) const {
        const std::size_t height = g_.input.h, width = g_.input.w;
        for (std::size_t l = 0; l < L; ++l) {
            if (l >= valid) {
                for (std::size_t e = 0; e < points; ++e) d[e * L + l] = T(0);
                continue;
            }
            const TilePlace& p = places[l];
            const T* plane = x_.data() + (p.n * c_in_ + c) * height * width;
            if (p.inside) {
                for (std::size_t b = 0; b < alpha; ++b) {
                    const T* column = plane + (std::size_t(p.in_col) + b) * height + std::size_t(p.in_row);
                    for (std::size_t a = 0; a < alpha; ++a) d[(a * alpha + b) * L + l] = column[a];
                }
            } else {
                for (std::size_t b = 0; b < alpha; ++b) {
                    const std::ptrdiff_t col = p.in_col + std::ptrdiff_t(b);
                    const bool col_inside = col >= 0 && col < std::ptrdiff_t(width);
                    for (std::size_t a = 0; a < alpha; ++a) {
                        const std::ptrdiff_t row = p.in_row + std::ptrdiff_t(a);
                        const bool inside = col_inside && row >= 0 && row < std::ptrdiff_t(height);
                        d[(a * alpha + b) * L + l] = inside ? plane[std::size_t(col) * height + std::size_t(row)] : T(0);
                    }
                }
            }
        }
    }

    /// Writes the m×m output lane vectors o(i, j) of output channel p for `valid` tiles, cropped.
    void scatter_tiles(const TilePlace* places, std::size_t valid, std::size_t p, const T* o) const {
        const std::size_t out_h = g_.output.h, out_w = g_.output.w;
        for (std::size_t l = 0; l < valid; ++l) {
            const TilePlace& place = places[l];
            T* plane = y_.data() + (place.n * c_out_ + p) * out_h * out_w;
            const std::size_t rows = std::min(M, out_h - place.out_row), cols = std::min(M, out_w - place.out_col);
            for (std::size_t j = 0; j < cols; ++j) {
                T* column = plane + (place.out_col + j) * out_h + place.out_row;
                for (std::size_t i = 0; i < rows; ++i) column[i] = o[(i * M + j) * L + l];
            }
        }
    }

    /// Input transform, α² GEMMs and output transform for tiles first … first+count−1.
    void process_block(std::size_t first, std::size_t count, const T* v) const {
        // Per-thread buffers, reused by every block and call on this thread.
        thread_local std::vector<TilePlace> places;
        thread_local std::vector<T> u_buffer, m_buffer;
        place_tiles(first, count, places);
        const std::size_t rows = count;
        if (u_buffer.size() < points * rows * c_in_) u_buffer.resize(points * rows * c_in_);
        // L values of slack: the output transform reads whole lane vectors past the last tile.
        if (m_buffer.size() < points * rows * c_out_ + L) m_buffer.resize(points * rows * c_out_ + L);
        T* const u = u_buffer.data();
        T* const mm = m_buffer.data();

        alignas(64) T d[points * L];
        alignas(64) T half[points * L];
        alignas(64) T tail[points * L];
        for (std::size_t c = 0; c < c_in_; ++c)
            for (std::size_t t0 = 0; t0 < rows; t0 += L) {
                const std::size_t valid = std::min(L, rows - t0);
                gather_tiles(places.data() + t0, valid, c, d);
                multiply_left<alpha, alpha, alpha, L>(Tf::BT, d, L, half, L);  // Bᵀ d
                T* const target = u + c * rows + t0;
                const std::size_t xi_stride = rows * c_in_;
                if (valid == L) {
                    multiply_right_transposed<alpha, alpha, alpha, L>(Tf::BT, half, L, target, xi_stride);  // (Bᵀ d) B
                } else {
                    multiply_right_transposed<alpha, alpha, alpha, L>(Tf::BT, half, L, tail, L);
                    copy_lanes<L>(tail, points, valid, target, xi_stride);
                }
            }

        for (std::size_t xi = 0; xi < points; ++xi) {
            const arma::Mat<T> u_xi = matrix_over(u + xi * rows * c_in_, rows, c_in_);
            const arma::Mat<T> v_xi = matrix_over(v + xi * c_in_ * c_out_, c_in_, c_out_);
            arma::Mat<T> m_xi = matrix_over(mm + xi * rows * c_out_, rows, c_out_);
            m_xi = u_xi * v_xi;  // one GEMM, written into the block's M[ξ]
        }

        alignas(64) T o[M * M * L];
        for (std::size_t p = 0; p < c_out_; ++p)
            for (std::size_t t0 = 0; t0 < rows; t0 += L) {
                const std::size_t valid = std::min(L, rows - t0);
                multiply_left<M, alpha, alpha, L>(Tf::AT, mm + p * rows + t0, rows * c_out_, half, L);  // Aᵀ M
                multiply_right_transposed<M, alpha, M, L>(Tf::AT, half, L, o, L);                  // (Aᵀ M) A
                scatter_tiles(places.data() + t0, valid, p, o);
            }
    }

    const Tensor4<T>& x_;
    const Tensor4<T>& weight_;
    const LayerGeometry& g_;
    Tensor4<T>& y_;
    std::size_t c_in_, c_out_, tiles_h_, tiles_w_, tiles_;
};

}  // namespace

template <class T>
void conv2d_layer_winograd(const Tensor4<T>& x, const Tensor4<T>& weight, const LayerGeometry& g, std::size_t m,
                           Tensor4<T>& y) {
    if (m == 2)
        WinogradLayer<2, T>(x, weight, g, y).run();
    else if (m == 4)
        WinogradLayer<4, T>(x, weight, g, y).run();
    else
        throw argument_error(str("conv2d_layer: Winograd F(", m, "×", m, ", 3×3) is not available (m must be 2 or 4)"));
}

template void conv2d_layer_winograd(const Tensor4<float>&, const Tensor4<float>&, const LayerGeometry&, std::size_t,
                                    Tensor4<float>&);
template void conv2d_layer_winograd(const Tensor4<double>&, const Tensor4<double>&, const LayerGeometry&, std::size_t,
                                    Tensor4<double>&);

}  // namespace cnnlab::detail
