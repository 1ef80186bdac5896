// Winograd F(m×m, 3×3) for the convolution layer: 3×3 kernel, stride 1, dilation 1, groups 1, any
// padding, m = 2 or 4. reference/winograd.hpp has the one-tile formula this file applies in bulk.
//
// One output tile of m×m needs an α×α input tile d (α = m + 2); for one filter g (Lavin & Gray)
//     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A.
// Summed over the input channels c, the elementwise product at each of the α² points ξ becomes a
// matrix product over channels, for all tiles t and output channels p at once:
//     V[ξ](c, p) = (G g_{p,c} Gᵀ)_ξ        C_in × C_out: the filter transform, kept for the next call
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
// Blocks: tiles go through in blocks of at most 768 (forward_block_tiles), so that each of the α²
// GEMMs per block (768 × C_in × C_out) is large enough for OpenBLAS to run near its peak and to
// spread the packing of V[ξ] over many rows; a block's U and M take α² · 768 · (C_in + C_out)
// values, 56 MB for 256 → 256 float channels.
// Threads: the filter transform splits its filters across the cores; then, with at least two
// blocks per thread, each thread takes whole blocks with its own buffers (synchronising only at the
// end), else the team shares every block phase by phase (input transform over input channels,
// GEMMs over ξ, output transform over output channels), so a small layer uses both cores too.
// OpenBLAS runs single-threaded meanwhile. Buffers are thread_local and kept between calls.
#include "chapters/ch00_foundation/blas.hpp"
#include "chapters/ch02_layers/im2col_columns.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"
#include "chapters/ch02_layers/winograd_tiles.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <omp.h>
#include <optional>
#include <vector>

namespace cnnlab::detail {
namespace {

/// Tiles per block of the forward pass. Measured on ex 5-4's and VGG conv3's layers (256 → 256
/// channels): 768 ran 1.05–1.3× faster than 192 on 1 and 2 threads, with OpenBLAS's SkylakeX and
/// its Haswell kernels alike; on the 64 → 256 bottleneck, as fast within 7 %.
constexpr std::size_t forward_block_tiles = 768;

/// The whole computation for one m and element type.
template <std::size_t M, class T>
class WinogradLayer {
    using Tf = Transforms<M>;
    static constexpr std::size_t alpha = Tf::alpha, points = alpha * alpha, L = lanes<T>;

public:
    WinogradLayer(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias, const LayerGeometry& g,
                  Tensor4<T>& y)
        : x_(x), weight_(weight), bias_(bias), g_(g), y_(y), c_in_(g.input.c), c_out_(g.output.c),
          tiles_h_((g.output.h + M - 1) / M), tiles_w_((g.output.w + M - 1) / M),
          tiles_(g.output.n * tiles_h_ * tiles_w_) {}

    /// Filter transform (split over the filters), then the tiles in blocks. With enough blocks,
    /// each thread takes whole blocks with its own buffers (no synchronisation until the end).
    /// With fewer (a small layer), the team shares each block phase by phase: input transform
    /// split over input channels, α² GEMMs split over ξ, output transform over output channels.
    void run() {
        const int max_threads = omp_get_max_threads();
        // Below ~1 MFLOP a parallel region costs more than it saves.
        const bool parallel = max_threads > 1 && !omp_in_parallel() && g_.flops() > 1e6;
        const std::size_t threads = parallel ? std::size_t(max_threads) : 1;
        std::size_t blocks = (tiles_ + forward_block_tiles - 1) / forward_block_tiles;
        const bool whole_blocks = threads > 1 && blocks >= 2 * threads;
        if (whole_blocks) blocks = (blocks + threads - 1) / threads * threads;  // equal shares
        const std::size_t block_rows = (tiles_ + blocks - 1) / blocks;

        // The calling thread's buffers, shared with the team and kept between calls: fresh
        // multi-MB buffers on every call would cost page faults on every call.
        thread_local TransformedFilters filters;
        thread_local std::vector<TilePlace> place_buffer;
        v_stride_ = matrix_stride<T>(c_in_ * c_out_);
        const bool transform = !filters.made_from(weight_);
        if (transform) filters.remember(weight_, points * v_stride_);
        place_tiles<M>(g_, tiles_h_, tiles_w_, tiles_, place_buffer);
        v_ = filters.v.data();
        places_ = place_buffer.data();

        const std::size_t filter_chunks = (c_in_ * c_out_ + L - 1) / L;
        std::optional<SingleThreadedBlas> single;
        if (parallel) single.emplace();
#pragma omp parallel if (parallel)
        {
            if (transform) {
#pragma omp for schedule(static)
                for (std::size_t chunk = 0; chunk < filter_chunks; ++chunk) transform_filters(chunk * L);
            }
            // (the implicit barrier: V is complete before any GEMM reads it)
            Block block;
            if (whole_blocks) {
                block = buffers(block_rows);  // this thread's own
#pragma omp for schedule(dynamic, 1)
                for (std::size_t b = 0; b < blocks; ++b) {
                    place_block(block, b, blocks);
                    for (std::size_t c = 0; c < c_in_; ++c) transform_inputs(block, c);
                    for (std::size_t xi = 0; xi < points; ++xi) multiply(block, xi);
                    for (std::size_t p = 0; p < c_out_; ++p) transform_outputs(block, p);
                }
            } else {
#pragma omp single copyprivate(block)
                block = buffers(block_rows);  // one set, shared by the team
                for (std::size_t b = 0; b < blocks; ++b) {  // every thread walks every block
                    place_block(block, b, blocks);
                    // Each `omp for` ends in a barrier: a phase reads what the previous one wrote.
#pragma omp for schedule(dynamic, 4)
                    for (std::size_t c = 0; c < c_in_; ++c) transform_inputs(block, c);
#pragma omp for schedule(dynamic, 1)
                    for (std::size_t xi = 0; xi < points; ++xi) multiply(block, xi);
#pragma omp for schedule(dynamic, 4)
                    for (std::size_t p = 0; p < c_out_; ++p) transform_outputs(block, p);
                }
            }
        }
    }

private:
    /// V, and a copy of the weights it was made from. A layer run again with bit-identical
    /// weights (inference, batch after batch; a benchmark) reuses V instead of transforming
    /// again: comparing the weights reads 4 bytes per float filter tap
    /// where the transform writes 16 (α² = 36 values per 9 taps), into buffers far larger than the
    /// caches. One pair per thread and element type: alternating layers simply transform each time.
    struct TransformedFilters {
        std::vector<T> weights;  ///< the weights V was made from (empty: none yet)
        std::vector<T> v;        ///< V, as run() lays it out for those weights' shape

        bool made_from(const Tensor4<T>& weight) const {
            return weights.size() == weight.size() && !weights.empty() &&
                   std::memcmp(weights.data(), weight.data(), weights.size() * sizeof(T)) == 0;
        }
        /// Records `weight` as the source of the V about to be written (`values` values). The old
        /// record goes first, so an allocation that fails cannot leave a stale V marked as current.
        void remember(const Tensor4<T>& weight, std::size_t values) {
            weights.clear();
            grow(v, values);
            weights.assign(weight.data(), weight.data() + weight.size());
        }
    };

    /// A block of consecutive tiles and the buffers its U and M live in.
    struct Block {
        std::size_t first = 0;  ///< first tile
        std::size_t rows = 0;   ///< number of tiles: the rows of U[ξ] and M[ξ]
        T* u = nullptr;         ///< U: α² matrices rows × C_in, u_stride apart
        T* m = nullptr;         ///< M: α² matrices rows × C_out, m_stride apart
        std::size_t u_stride = 0, m_stride = 0;
    };

    /// The calling thread's U and M buffers for blocks of up to `rows` tiles, grown as needed.
    Block buffers(std::size_t rows) const {
        thread_local std::vector<T> input_buffer, product_buffer;
        const std::size_t u_stride = matrix_stride<T>(rows * c_in_), m_stride = matrix_stride<T>(rows * c_out_);
        grow(input_buffer, points * u_stride);
        grow(product_buffer, points * m_stride + L);  // slack: see transform_outputs
        return {0, 0, input_buffer.data(), product_buffer.data(), u_stride, m_stride};
    }

    /// Block b of `blocks`: tiles b·tiles/blocks … (b+1)·tiles/blocks − 1.
    void place_block(Block& block, std::size_t b, std::size_t blocks) const {
        block.first = b * tiles_ / blocks;
        block.rows = (b + 1) * tiles_ / blocks - block.first;
    }

    template <class Value>
    static void grow(std::vector<Value>& buffer, std::size_t size) {
        if (buffer.size() < size) buffer.resize(size);
    }

    /// V[ξ](c, p) = (G g_{p,c} Gᵀ)_ξ for the L filters q = p·C_in + c starting at `first`.
    void transform_filters(std::size_t first) const {
        const std::size_t filters = c_in_ * c_out_, valid = std::min(L, filters - first);
        alignas(64) T g[9 * L];             // g(u, w) lane vectors, 3×3
        alignas(64) T half[alpha * 3 * L];  // G g, α×3
        alignas(64) T out[points * L];      // G g Gᵀ, α×α (a partial chunk only)
        const T* w = weight_.data() + first * 9;
        if (valid < L) std::fill(g, g + 9 * L, T(0));  // lanes past the last filter
        for (std::size_t l = 0; l < valid; ++l)
            for (std::size_t u = 0; u < 3; ++u)
                for (std::size_t col = 0; col < 3; ++col) g[(u * 3 + col) * L + l] = w[l * 9 + col * 3 + u];  // column-major 3×3
        if (valid == L) {
            transform_2d<alpha, 3, L>(Tf::G, g, L, half, v_ + first, v_stride_);
        } else {
            transform_2d<alpha, 3, L>(Tf::G, g, L, half, out, L);
            copy_lanes<L>(out, points, valid, v_ + first, v_stride_);
        }
    }

    /// U[ξ](t, c) = (Bᵀ d_{t,c} B)_ξ for input channel c and the block's tiles.
    void transform_inputs(const Block& block, std::size_t c) const {
        transform_input_tiles<M>(x_, places_ + block.first, block.rows, c, block.u, block.u_stride);
    }

    /// M[ξ] = U[ξ] · V[ξ] for the block's tiles: one GEMM written straight into M[ξ].
    void multiply(const Block& block, std::size_t xi) const {
        const std::size_t rows = block.rows;
        const arma::Mat<T> u_xi = matrix_over(block.u + xi * block.u_stride, rows, c_in_);
        const arma::Mat<T> v_xi = matrix_over(v_ + xi * v_stride_, c_in_, c_out_);
        arma::Mat<T> m_xi = matrix_over(block.m + xi * block.m_stride, rows, c_out_);
        m_xi = u_xi * v_xi;  // no alias, same size: Armadillo's GEMM writes into m_xi's memory
    }

    /// Y_{t,p} = Aᵀ M_{t,p} A for output channel p and the block's tiles, cropped into y. The last
    /// chunk reads whole lane vectors past the block's last tile (into the next column of M, or the
    /// buffer's slack); those lanes are never written out.
    void transform_outputs(const Block& block, std::size_t p) const {
        const std::size_t rows = block.rows;
        alignas(64) T half[M * alpha * L];
        alignas(64) T o[M * M * L];
        for (std::size_t t0 = 0; t0 < rows; t0 += L) {
            transform_2d<M, alpha, L>(Tf::AT, block.m + p * rows + t0, block.m_stride, half, o, L);
            scatter_tiles(places_ + block.first + t0, std::min(L, rows - t0), p, o);
        }
    }

    /// Writes the m×m output lane vectors o(i, j) of output channel p for `valid` tiles, cropped, plus
    /// the channel's bias. The tiles cover the output exactly once, so every value of y is written.
    void scatter_tiles(const TilePlace* places, std::size_t valid, std::size_t p, const T* o) const {
        const std::size_t out_h = g_.output.h, out_w = g_.output.w;
        const T b = bias_.is_empty() ? T(0) : bias_(p);
        for (std::size_t l = 0; l < valid; ++l) {
            const TilePlace& place = places[l];
            T* plane = y_.data() + (place.n * c_out_ + p) * out_h * out_w;
            const std::size_t rows = std::min(M, out_h - place.out_row), cols = std::min(M, out_w - place.out_col);
            for (std::size_t j = 0; j < cols; ++j) {
                T* column = plane + (place.out_col + j) * out_h + place.out_row;
                for (std::size_t i = 0; i < rows; ++i) column[i] = o[(i * M + j) * L + l] + b;
            }
        }
    }

    const Tensor4<T>& x_;
    const Tensor4<T>& weight_;
    const arma::Col<T>& bias_;  ///< empty: no bias
    const LayerGeometry& g_;
    Tensor4<T>& y_;
    std::size_t c_in_, c_out_, tiles_h_, tiles_w_, tiles_;
    T* v_ = nullptr;                     ///< V: α² matrices C_in × C_out, v_stride_ apart
    std::size_t v_stride_ = 0;
    const TilePlace* places_ = nullptr;  ///< every tile's place
};

}  // namespace

template <class T>
void conv2d_layer_winograd(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias,
                           const LayerGeometry& g, std::size_t m, Tensor4<T>& y) {
    if (m == 2)
        WinogradLayer<2, T>(x, weight, bias, g, y).run();
    else if (m == 4)
        WinogradLayer<4, T>(x, weight, bias, g, y).run();
    else
        throw argument_error(str("conv2d_layer: Winograd F(", m, "×", m, ", 3×3) is not available (m must be 2 or 4)"));
}

template void conv2d_layer_winograd(const Tensor4<float>&, const Tensor4<float>&, const arma::Col<float>&,
                                    const LayerGeometry&, std::size_t, Tensor4<float>&);
template void conv2d_layer_winograd(const Tensor4<double>&, const Tensor4<double>&, const arma::Col<double>&,
                                    const LayerGeometry&, std::size_t, Tensor4<double>&);

}  // namespace cnnlab::detail
