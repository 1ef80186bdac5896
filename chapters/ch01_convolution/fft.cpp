#include "chapters/ch01_convolution/paths.hpp"

namespace cnnlab::detail {
namespace {

/// The smallest 2^a 3^b 5^c >= n: sizes Armadillo's FFT factors quickly.
std::size_t smooth_size(std::size_t n) {
    for (std::size_t m = n;; ++m) {
        std::size_t r = m;
        for (std::size_t p : {2, 3, 5})
            while (r % p == 0) r /= p;
        if (r == 1) return m;
    }
}

/// The kernel with dilation−1 zeros between taps, rotated by 180° (correlation → convolution).
template <class T>
arma::Mat<T> dilated_rotated(const arma::Mat<T>& w, const Geometry2d& g) {
    arma::Mat<T> k(g.rows.effective_kernel(), g.cols.effective_kernel(), arma::fill::zeros);
    for (std::size_t v = 0; v < w.n_cols; ++v)
        for (std::size_t u = 0; u < w.n_rows; ++u)
            k(k.n_rows - 1 - u * g.rows.dilation, k.n_cols - 1 - v * g.cols.dilation) = w(u, v);
    return k;
}

/// The 2-D DFT of `x` zero-padded to rows×cols. Armadillo's fft2 mishandles a single row or
/// column (it is a vector there), so vectors go through the 1-D fft, which is the same transform.
template <class T>
arma::Mat<std::complex<T>> spectrum(const arma::Mat<T>& x, std::size_t rows, std::size_t cols) {
    if (rows > 1 && cols > 1) return arma::fft2(x, rows, cols);
    arma::Mat<T> padded(rows, cols, arma::fill::zeros);
    padded.submat(0, 0, arma::size(x)) = x;
    return arma::fft(padded);
}

/// Inverse of spectrum(), real part.
template <class T>
arma::Mat<T> real_inverse(const arma::Mat<std::complex<T>>& f) {
    if (f.n_rows > 1 && f.n_cols > 1) return arma::real(arma::ifft2(f));
    return arma::real(arma::ifft(f));
}

}  // namespace

template <class T>
arma::Mat<T> xcorr2d_fft(const arma::Mat<T>& padded, const arma::Mat<T>& w, const Geometry2d& g) {
    // Circular convolution of size >= the padded input: wrap-around only spoils the first K−1
    // outputs of each axis, which are exactly the ones a valid correlation discards.
    const std::size_t rows = smooth_size(padded.n_rows), cols = smooth_size(padded.n_cols);
    const arma::Mat<T> kernel = dilated_rotated(w, g);
    const arma::Mat<std::complex<T>> product = spectrum(padded, rows, cols) % spectrum(kernel, rows, cols);
    const arma::Mat<T> full = real_inverse(product);
    const std::size_t first_row = kernel.n_rows - 1, first_col = kernel.n_cols - 1;
    arma::Mat<T> y(g.rows.output, g.cols.output);
    for (std::size_t j = 0; j < g.cols.output; ++j)
        for (std::size_t i = 0; i < g.rows.output; ++i)
            y(i, j) = full(first_row + i * g.rows.stride, first_col + j * g.cols.stride);
    return y;
}

template arma::Mat<float> xcorr2d_fft(const arma::Mat<float>&, const arma::Mat<float>&, const Geometry2d&);
template arma::Mat<double> xcorr2d_fft(const arma::Mat<double>&, const arma::Mat<double>&, const Geometry2d&);

}  // namespace cnnlab::detail
