/// \file
/// \brief Chapter 1, optimized: 1-D/2-D convolution and cross-correlation on a single signal or
/// plane, with padding modes, explicit per-side padding, stride and dilation, and four algorithms
/// chosen automatically per shape.
///
/// Every function here equals its twin in reference/convolution.hpp (tests/ch01 holds them equal).
/// Padding follows cnnlab's rule (see Mode): in `same` mode an even kernel's extra zero goes
/// after (bottom/right), as PyTorch's `padding='same'` does.
#pragma once

#include "chapters/ch00_foundation/geometry.hpp"

#include <armadillo>
#include <string_view>

/// \brief cnnlab: the optimized operations a user calls (the naive twins live in cnnlab::ref).
namespace cnnlab {

/// The ways cnnlab can compute a cross-correlation. `automatic` picks one per shape (see
/// choose_algorithm); the others force a path so tests and benchmarks can reach each.
enum class Algorithm {
    automatic,    ///< pick per shape (choose_algorithm)
    direct,       ///< tap-by-tap multiply-add over output columns; vectorized, both cores
    im2col_gemm,  ///< unfold windows into a matrix (im2col), then one BLAS product
    fft,          ///< pointwise product of 2-D FFTs (stride 1 computed, then subsampled)
    separable,    ///< rank-1 kernel \f$W = a b^\top\f$ (by SVD): a column pass then a row pass
};

/// Parses "auto"/"automatic", "direct", "im2col"/"im2col_gemm", "fft", "separable".
Algorithm parse_algorithm(std::string_view name);
/// The canonical name of an algorithm.
std::string_view algorithm_name(Algorithm algorithm);

/// The factors \f$a, b\f$ of a rank-1 kernel \f$W = a\,b^\top\f$, or empty vectors when \f$W\f$ is
/// not rank 1 within a relative tolerance \f$\sigma_2 \le 10^{-6}\sigma_1\f$ of its singular values.
template <class T>
struct RankOneFactors {
    arma::Col<T> column;  ///< \f$a\f$ (U taps, applied down the rows)
    arma::Col<T> row;     ///< \f$b\f$ (V taps, applied along the columns)
    /// True when the kernel is rank 1 and the factors are set.
    bool found() const { return !column.is_empty(); }
};
/// Factors a kernel as \f$W = a\,b^\top\f$ through its SVD (see RankOneFactors for the tolerance).
template <class T>
RankOneFactors<T> rank_one_factors(const arma::Mat<T>& w);

/// The algorithm `automatic` uses for this geometry and kernel: `separable` for a rank-1 kernel of
/// at least separable_min_taps taps (both sides >= 3), `fft` at stride 1 for kernels of at least fft_min_taps taps, else `direct`.
/// (`im2col_gemm` is never picked for one plane: with one input and one output channel its GEMM is
/// a matrix-vector product, slower than `direct`; it pays off in multi-channel layers.)
template <class T>
Algorithm choose_algorithm(const Geometry2d& geometry, const arma::Mat<T>& w);

/// Rank-1 kernels with at least this many taps go to `separable` (measured crossover, see bench/).
inline constexpr std::size_t separable_min_taps = 25;
/// Kernels with at least this many taps go to `fft` at stride 1 (measured crossover on 1024×1024
/// float images, 1 and 2 threads: `direct` is faster up to 19×19, `fft` from 21×21 on).
inline constexpr std::size_t fft_min_taps = 400;

/// 180° rotation \f$\mathrm{rot180}(W)_{uv} = w_{U-1-u,V-1-v}\f$ (flip both axes).
template <class T>
arma::Mat<T> rot180(const arma::Mat<T>& w);
/// 1-D reversal (the 1-D rot180).
template <class T>
arma::Col<T> rot180(const arma::Col<T>& w);

/// 2-D cross-correlation \f$Y = W \otimes X\f$, \f$y_{ij} = \sum_{u,v} w_{uv}\,
/// x_{i s_h + u d_h - p_t,\, j s_w + v d_w - p_l}\f$ (reference: ref::xcorr2d).
/// Example: `xcorr2d(arma::mat{{0,1,2},{3,4,5},{6,7,8}}, arma::mat{{0,1},{2,3}})` is `{{19,25},{37,43}}`.
template <class T>
arma::Mat<T> xcorr2d(const arma::Mat<T>& x, const arma::Mat<T>& w, const Options2d& options = {},
                     Algorithm algorithm = Algorithm::automatic);

/// 2-D convolution \f$Y = W * X = \mathrm{rot180}(W) \otimes X\f$ (reference: ref::conv2d). The
/// padding is placed as for xcorr2d with the rotated kernel.
template <class T>
arma::Mat<T> conv2d(const arma::Mat<T>& x, const arma::Mat<T>& w, const Options2d& options = {},
                    Algorithm algorithm = Algorithm::automatic);

/// 1-D cross-correlation (reference: ref::xcorr1d); runs the 2-D paths on an n×1 plane.
template <class T>
arma::Col<T> xcorr1d(const arma::Col<T>& x, const arma::Col<T>& w, const Options1d& options = {},
                     Algorithm algorithm = Algorithm::automatic);

/// 1-D convolution \f$y_t = \sum_k w_k x_{t-k+1}\f$ = xcorr1d with the reversed kernel (reference: ref::conv1d).
template <class T>
arma::Col<T> conv1d(const arma::Col<T>& x, const arma::Col<T>& w, const Options1d& options = {},
                    Algorithm algorithm = Algorithm::automatic);

/// im2col: the \f$UV \times H_o W_o\f$ matrix whose column \f$i + H_o j\f$ is the window read by
/// output \f$(i, j)\f$, flattened column-major (tap \f$(u, v)\f$ in row \f$u + U v\f$), so that
/// \f$\mathrm{vec}(Y) = \mathrm{vec}(W)^\top \cdot \mathrm{im2col}(X)\f$. Column-major on both sides
/// because Armadillo is: this is cnnlab's one im2col convention.
template <class T>
arma::Mat<T> im2col(const arma::Mat<T>& x, const Geometry2d& geometry);

/// The sparse matrix \f$C\f$ with \f$\mathrm{vec}_r(Y) = C\,\mathrm{vec}_r(X)\f$ (row-by-row
/// vectorization, as exercise 5-5 writes it) for xcorr2d with these options (reference: ref::conv_matrix2d).
template <class T>
arma::SpMat<T> conv_matrix2d(const arma::Mat<T>& w, std::size_t input_rows, std::size_t input_cols,
                             const Options2d& options = {});
/// The sparse matrix \f$C\f$ with \f$y = C x\f$ for xcorr1d (nndl §5.5.1's 3×5 example; reference: ref::conv_matrix1d).
template <class T>
arma::SpMat<T> conv_matrix1d(const arma::Col<T>& w, std::size_t input, const Options1d& options = {});

/// Row-by-row vectorization \f$\mathrm{vec}_r(X) = (x_{11}, x_{12}, \dots, x_{1N}, x_{21}, \dots)^\top\f$.
template <class T>
arma::Col<T> vec_rows(const arma::Mat<T>& x) {
    return arma::vectorise(x, 1).t();
}

/// Zero padding: `x` with `pad.rows.before` zero rows above, `pad.rows.after` below, and so on.
template <class T>
arma::Mat<T> zero_pad(const arma::Mat<T>& x, const Sides2& pad);

}  // namespace cnnlab
