/// \file
/// \brief Internal: the algorithm paths behind xcorr2d. Each takes an input that is already
/// zero-padded, so only stride and dilation remain, and returns the output of `geometry`.
#pragma once

#include "chapters/ch00_foundation/geometry.hpp"

#include <armadillo>

/// \brief Implementation details of the optimized operations; not part of the API.
namespace cnnlab::detail {

/// Direct: for each output column, accumulate \f$w_{uv}\f$ times a (strided) input column, a
/// block of output rows at a time in vector registers; the columns are split over the cores.
template <class T>
arma::Mat<T> xcorr2d_direct(const arma::Mat<T>& padded, const arma::Mat<T>& w, const Geometry2d& geometry);

/// The direct path's kernel on raw memory, one thread: `out` (column-major, the geometry's output
/// size) = `initial` + the cross-correlation of `padded` (column-major, `padded_rows` rows, already
/// zero-padded) with `kernel` (column-major, kernel_rows × kernel_cols). Chapter 2's depthwise
/// layers run it once per plane, `initial` being the plane's bias.
template <class T>
void xcorr2d_direct_into(const T* padded, std::size_t padded_rows, const T* kernel, std::size_t kernel_rows,
                         std::size_t kernel_cols, const Geometry2d& geometry, T initial, T* out);

/// im2col + GEMM: \f$\mathrm{vec}(Y)^\top = \mathrm{vec}(W)^\top\,\mathrm{im2col}(X)\f$ through BLAS.
template <class T>
arma::Mat<T> xcorr2d_im2col(const arma::Mat<T>& padded, const arma::Mat<T>& w, const Geometry2d& geometry);

/// FFT: correlation = convolution with the rotated (dilated) kernel = pointwise product in the
/// frequency domain; computed at stride 1 by overlap-save on tiles of a smooth (2^a 3^b 5^c) size
/// (fft_tile_length), spread over the cores, then subsampled.
template <class T>
arma::Mat<T> xcorr2d_fft(const arma::Mat<T>& padded, const arma::Mat<T>& w, const Geometry2d& geometry);

/// The FFT length of xcorr2d_fft's tiles along an axis of `padded` samples for a kernel spanning
/// `effective_kernel` samples (dilation included); the whole axis (rounded up to a smooth length)
/// when one tile is cheapest.
std::size_t fft_tile_length(std::size_t padded, std::size_t effective_kernel);

/// Separable: \f$W = a b^\top\f$, so \f$W \otimes X = b^\top \otimes (a \otimes X)\f$: a column pass
/// then a row pass, \f$U + V\f$ instead of \f$UV\f$ multiply-adds per output.
template <class T>
arma::Mat<T> xcorr2d_separable(const arma::Mat<T>& padded, const arma::Col<T>& column, const arma::Col<T>& row,
                               const Geometry2d& geometry);

/// The geometry of the same operation applied to the already padded input (padding 0).
Geometry2d without_padding(const Geometry2d& geometry);

}  // namespace cnnlab::detail
