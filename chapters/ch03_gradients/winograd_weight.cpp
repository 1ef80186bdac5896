// ∂f/∂W of a 3×3, stride-1 layer by Winograd's F(3×3, 4×4): the forward's F(4×4, 3×3) read backwards.
//
// The forward's 1-D identity y = Aᵀ[(G g) ⊙ (Bᵀ d)] holds for every g and d, so for any y′
//     Σ_i y′_i Σ_u g_u d_{i+u} = Σ_k (A y′)_k (G g)_k (Bᵀ d)_k.
// The weight gradient dw_u = Σ_i δ_i d_{i+u} is this trilinear form with y′ = δ, read as a linear
// function of g:   dw = Gᵀ [ (A δ) ⊙ (Bᵀ d) ],   and in 2-D (the tensor product)
//     dW = Gᵀ [ (A δ Aᵀ) ⊙ (Bᵀ d B) ] G
// for a 4×4 tile δ of the upstream gradient and the 6×6 input tile d its outputs read. Summed over
// the tiles t of every sample, at each point ξ of the 6×6 grid:
//     D[ξ](t, p) = (A δ_{t,p} Aᵀ)_ξ     T × C_out   the gradient transform
//     U[ξ](t, c) = (Bᵀ d_{t,c} B)_ξ     T × C_in    the forward's input transform
//     M[ξ]      += U[ξ]ᵀ · D[ξ]          C_in × C_out: 36 GEMMs per block of tiles
//     dW_{p,c}   = Gᵀ M_{c,p} G          once, at the end
// so a tile and channel pair costs 36 multiplications instead of 144, as in the forward.
// M[ξ](c, p) sits at ξ·C_in·C_out + p·C_in + c: the weight tensor's filter order (p, c), as the
// forward's filter transform V. The tile machinery (transforms, tile places, gathering) is the
// forward's: chapters/ch02_layers/winograd_tiles.hpp.
//
// Threads: with at least one block of tiles per thread, each thread takes whole blocks and sums
// into its own M (added up at the end; OpenBLAS single-threaded meanwhile); otherwise the blocks
// run one after another and OpenBLAS uses its own threads inside the GEMMs.
#include "chapters/ch03_gradients/winograd_weight.hpp"

#include "chapters/ch00_foundation/blas.hpp"
#include "chapters/ch02_layers/im2col_columns.hpp"
#include "chapters/ch02_layers/winograd_tiles.hpp"

#include <algorithm>
#include <omp.h>
#include <optional>
#include <vector>

namespace cnnlab::detail {
namespace {

template <class T>
class WinogradWeightGradient {
    using Tf = Transforms<4>;
    static constexpr std::size_t M = 4, alpha = Tf::alpha, points = alpha * alpha, L = lanes<T>;

public:
    WinogradWeightGradient(const Tensor4<T>& x, const Tensor4<T>& dy, const LayerGeometry& g, Tensor4<T>& dw)
        : x_(x), dy_(dy), g_(g), dw_(dw), c_in_(g.input.c), c_out_(g.output.c),
          tiles_h_((g.output.h + M - 1) / M), tiles_w_((g.output.w + M - 1) / M),
          tiles_(g.output.n * tiles_h_ * tiles_w_) {}

    void run() {
        place_tiles<M>(g_, tiles_h_, tiles_w_, tiles_, places_);
        const std::size_t blocks = (tiles_ + block_tiles_target - 1) / block_tiles_target;
        const std::size_t block_rows = (tiles_ + blocks - 1) / blocks;
        const int max_threads = omp_get_max_threads();
        const bool parallel = max_threads > 1 && !omp_in_parallel() && blocks >= 2 && g_.flops() > 1e6;
        const std::size_t threads = parallel ? std::min<std::size_t>(std::size_t(max_threads), blocks) : 1;
        sum_stride_ = matrix_stride<T>(c_in_ * c_out_);
        const std::size_t products = points * sum_stride_ + L;  // slack: see transform_products
        std::vector<T*> sums(threads, nullptr);  // each thread's Σ over its blocks of U[ξ]ᵀ · D[ξ]

        std::optional<SingleThreadedBlas> single;
        if (parallel) single.emplace();
#pragma omp parallel num_threads(int(threads)) if (parallel)
        {
            const Block block = buffers(block_rows);
            // Kept between calls like the blocks' buffers: a fresh 9 MB sum per call (256 → 256
            // channels) spent more time in page faults than in the GEMMs on VGG conv3 at N = 1.
            thread_local std::vector<T> sum_buffer;
            if (sum_buffer.size() < products) sum_buffer.resize(products);
            T* const sum = sum_buffer.data();
            std::fill_n(sum, products, T(0));
            sums[std::size_t(omp_get_thread_num())] = sum;
#pragma omp for schedule(dynamic, 1)
            for (std::size_t b = 0; b < blocks; ++b) {
                const std::size_t first = b * tiles_ / blocks, rows = (b + 1) * tiles_ / blocks - first;
                for (std::size_t p = 0; p < c_out_; ++p) transform_deltas(block, first, rows, p);
                for (std::size_t c = 0; c < c_in_; ++c) transform_inputs(block, first, rows, c);
                for (std::size_t xi = 0; xi < points; ++xi) accumulate(block, rows, xi, sum);
            }
        }
        for (std::size_t t = 1; t < threads; ++t)  // (OpenMP may have given the region fewer threads)
            if (sums[t] != nullptr)
                for (std::size_t i = 0; i < products; ++i) sums[0][i] += sums[t][i];
        const std::size_t filters = c_in_ * c_out_;
        for (std::size_t first = 0; first < filters; first += L) transform_products(sums[0], first);
    }

private:
    /// One thread's buffers for a block of up to `rows` tiles.
    struct Block {
        T* d = nullptr;  ///< D: α² matrices rows × C_out, d_stride apart
        T* u = nullptr;  ///< U: α² matrices rows × C_in, u_stride apart
        std::size_t d_stride = 0, u_stride = 0;
    };

    Block buffers(std::size_t rows) const {
        thread_local std::vector<T> delta_buffer, input_buffer;
        const std::size_t d_stride = matrix_stride<T>(rows * c_out_), u_stride = matrix_stride<T>(rows * c_in_);
        if (delta_buffer.size() < points * d_stride) delta_buffer.resize(points * d_stride);
        if (input_buffer.size() < points * u_stride) input_buffer.resize(points * u_stride);
        return {delta_buffer.data(), input_buffer.data(), d_stride, u_stride};
    }

    /// D[ξ](t, p) = (A δ_{t,p} Aᵀ)_ξ for output channel p and the tiles first … first + rows − 1.
    void transform_deltas(const Block& block, std::size_t first, std::size_t rows, std::size_t p) const {
        alignas(64) T delta[M * M * L];
        alignas(64) T half[alpha * M * L];
        alignas(64) T tail[points * L];
        for (std::size_t t0 = 0; t0 < rows; t0 += L) {
            const std::size_t valid = std::min(L, rows - t0);
            gather_deltas(places_.data() + first + t0, valid, p, delta);
            T* const target = block.d + p * rows + t0;
            if (valid == L) {
                transform_2d<alpha, M, L>(Tf::A, delta, L, half, target, block.d_stride);
            } else {
                transform_2d<alpha, M, L>(Tf::A, delta, L, half, tail, L);
                copy_lanes<L>(tail, points, valid, target, block.d_stride);
            }
        }
    }

    /// δ(a, b) lane vectors (4×4) of output channel p; zero past the output's edge and past `valid`.
    void gather_deltas(const TilePlace* places, std::size_t valid, std::size_t p, T* delta) const {
        const std::size_t out_h = g_.output.h, out_w = g_.output.w;
        std::fill(delta, delta + M * M * L, T(0));
        for (std::size_t l = 0; l < valid; ++l) {
            const TilePlace& place = places[l];
            const T* plane = dy_.data() + (place.n * c_out_ + p) * out_h * out_w;
            const std::size_t rows = std::min(M, out_h - place.out_row), cols = std::min(M, out_w - place.out_col);
            for (std::size_t b = 0; b < cols; ++b) {
                const T* column = plane + (place.out_col + b) * out_h + place.out_row;
                for (std::size_t a = 0; a < rows; ++a) delta[(a * M + b) * L + l] = column[a];
            }
        }
    }

    /// U[ξ](t, c) = (Bᵀ d_{t,c} B)_ξ for input channel c: the forward's input transform.
    void transform_inputs(const Block& block, std::size_t first, std::size_t rows, std::size_t c) const {
        transform_input_tiles<M>(x_, places_.data() + first, rows, c, block.u, block.u_stride);
    }

    /// M[ξ] += U[ξ]ᵀ · D[ξ]: one GEMM with β = 1 into this thread's sum.
    void accumulate(const Block& block, std::size_t rows, std::size_t xi, T* sum) const {
        const arma::Mat<T> u_xi = matrix_over(block.u + xi * block.u_stride, rows, c_in_);
        const arma::Mat<T> d_xi = matrix_over(block.d + xi * block.d_stride, rows, c_out_);
        arma::Mat<T> m_xi = matrix_over(sum + xi * sum_stride_, c_in_, c_out_);
        m_xi += u_xi.t() * d_xi;
    }

    /// dW_{p,c} = Gᵀ M_{c,p} G for the L filters q = p·C_in + c from `first` (the last chunk reads
    /// lanes past the last filter, into the buffer's slack; they are not written out).
    void transform_products(const T* m, std::size_t first) const {
        const std::size_t filters = c_in_ * c_out_, valid = std::min(L, filters - first);
        alignas(64) T half[3 * alpha * L];
        alignas(64) T out[9 * L];
        transform_2d<3, alpha, L>(Tf::GT, m + first, sum_stride_, half, out, L);
        T* w = dw_.data() + first * 9;
        for (std::size_t l = 0; l < valid; ++l)
            for (std::size_t u = 0; u < 3; ++u)
                for (std::size_t v = 0; v < 3; ++v) w[l * 9 + v * 3 + u] = out[(u * 3 + v) * L + l];  // column-major 3×3
    }

    const Tensor4<T>& x_;
    const Tensor4<T>& dy_;
    const LayerGeometry& g_;
    Tensor4<T>& dw_;
    std::size_t c_in_, c_out_, tiles_h_, tiles_w_, tiles_;
    std::vector<TilePlace> places_;
    std::size_t sum_stride_ = 0;  ///< from one of the α² summed products M[ξ] (C_in × C_out) to the next
};

}  // namespace

template <class T>
void conv2d_layer_backward_weight_winograd(const Tensor4<T>& x, const Tensor4<T>& dy, const LayerGeometry& g,
                                           Tensor4<T>& dw) {
    WinogradWeightGradient<T>(x, dy, g, dw).run();
}

template void conv2d_layer_backward_weight_winograd(const Tensor4<float>&, const Tensor4<float>&, const LayerGeometry&,
                                                    Tensor4<float>&);
template void conv2d_layer_backward_weight_winograd(const Tensor4<double>&, const Tensor4<double>&,
                                                    const LayerGeometry&, Tensor4<double>&);

}  // namespace cnnlab::detail
