#include "chapters/ch01_convolution/paths.hpp"

#include <fftw3.h>

#include <complex>
#include <mutex>

namespace cnnlab::detail {
namespace {

/// FFTW's real-to-complex API in float (fftwf_) and double (fftw_), behind one name.
template <class T>
struct Fftw;

template <>
struct Fftw<float> {
    using plan = fftwf_plan;
    using complex = fftwf_complex;
    static plan forward(int n0, int n1, float* in, complex* out) { return fftwf_plan_dft_r2c_2d(n0, n1, in, out, FFTW_ESTIMATE); }
    static plan inverse(int n0, int n1, complex* in, float* out) { return fftwf_plan_dft_c2r_2d(n0, n1, in, out, FFTW_ESTIMATE); }
    static void execute(plan p) { fftwf_execute(p); }
    static void destroy(plan p) { fftwf_destroy_plan(p); }
};

template <>
struct Fftw<double> {
    using plan = fftw_plan;
    using complex = fftw_complex;
    static plan forward(int n0, int n1, double* in, complex* out) { return fftw_plan_dft_r2c_2d(n0, n1, in, out, FFTW_ESTIMATE); }
    static plan inverse(int n0, int n1, complex* in, double* out) { return fftw_plan_dft_c2r_2d(n0, n1, in, out, FFTW_ESTIMATE); }
    static void execute(plan p) { fftw_execute(p); }
    static void destroy(plan p) { fftw_destroy_plan(p); }
};

/// FFTW's planner is not thread-safe (execution is): plans are made and destroyed under this lock.
std::mutex planner_mutex;

/// The smallest 2^a 3^b 5^c >= n: sizes FFTW factors quickly.
std::size_t smooth_size(std::size_t n) {
    for (std::size_t m = n;; ++m) {
        std::size_t r = m;
        for (std::size_t p : {2, 3, 5})
            while (r % p == 0) r /= p;
        if (r == 1) return m;
    }
}

/// The kernel with dilation−1 zeros between taps, rotated by 180° (correlation → convolution),
/// placed in the top-left corner of a rows×cols zero matrix.
template <class T>
arma::Mat<T> dilated_rotated(const arma::Mat<T>& w, const Geometry2d& g, std::size_t rows, std::size_t cols) {
    arma::Mat<T> k(rows, cols, arma::fill::zeros);
    const std::size_t last_row = g.rows.effective_kernel() - 1, last_col = g.cols.effective_kernel() - 1;
    for (std::size_t v = 0; v < w.n_cols; ++v)
        for (std::size_t u = 0; u < w.n_rows; ++u) k(last_row - u * g.rows.dilation, last_col - v * g.cols.dilation) = w(u, v);
    return k;
}

/// Real 2-D DFT of a column-major rows×cols matrix. FFTW is row-major, so it sees the matrix as
/// cols×rows; a 2-D DFT does not care which axis is which. Output: cols × (rows/2+1) complex.
template <class T>
arma::Mat<std::complex<T>> forward_dft(arma::Mat<T>& x) {
    arma::Mat<std::complex<T>> spectrum(x.n_rows / 2 + 1, x.n_cols);
    typename Fftw<T>::plan plan;
    {
        std::lock_guard<std::mutex> lock(planner_mutex);
        plan = Fftw<T>::forward(int(x.n_cols), int(x.n_rows), x.memptr(),
                                reinterpret_cast<typename Fftw<T>::complex*>(spectrum.memptr()));
    }
    Fftw<T>::execute(plan);
    std::lock_guard<std::mutex> lock(planner_mutex);
    Fftw<T>::destroy(plan);
    return spectrum;
}

/// Inverse of forward_dft (destroys `spectrum`), scaled so that inverse(forward(x)) = x.
template <class T>
arma::Mat<T> inverse_dft(arma::Mat<std::complex<T>>& spectrum, std::size_t rows, std::size_t cols) {
    arma::Mat<T> x(rows, cols);
    typename Fftw<T>::plan plan;
    {
        std::lock_guard<std::mutex> lock(planner_mutex);
        plan = Fftw<T>::inverse(int(cols), int(rows), reinterpret_cast<typename Fftw<T>::complex*>(spectrum.memptr()), x.memptr());
    }
    Fftw<T>::execute(plan);
    {
        std::lock_guard<std::mutex> lock(planner_mutex);
        Fftw<T>::destroy(plan);
    }
    x /= T(rows * cols);
    return x;
}

}  // namespace

template <class T>
arma::Mat<T> xcorr2d_fft(const arma::Mat<T>& padded, const arma::Mat<T>& w, const Geometry2d& g) {
    // Circular convolution of size >= the padded input: wrap-around only spoils the first K−1
    // outputs of each axis, which are exactly the ones a valid correlation discards.
    const std::size_t rows = smooth_size(padded.n_rows), cols = smooth_size(padded.n_cols);
    arma::Mat<T> signal(rows, cols, arma::fill::zeros);
    signal.submat(0, 0, arma::size(padded)) = padded;
    arma::Mat<T> kernel = dilated_rotated(w, g, rows, cols);
    arma::Mat<std::complex<T>> product = forward_dft(signal);
    product %= forward_dft(kernel);
    const arma::Mat<T> full = inverse_dft(product, rows, cols);
    const std::size_t first_row = g.rows.effective_kernel() - 1, first_col = g.cols.effective_kernel() - 1;
    arma::Mat<T> y(g.rows.output, g.cols.output);
    for (std::size_t j = 0; j < g.cols.output; ++j)
        for (std::size_t i = 0; i < g.rows.output; ++i)
            y(i, j) = full(first_row + i * g.rows.stride, first_col + j * g.cols.stride);
    return y;
}

template arma::Mat<float> xcorr2d_fft(const arma::Mat<float>&, const arma::Mat<float>&, const Geometry2d&);
template arma::Mat<double> xcorr2d_fft(const arma::Mat<double>&, const arma::Mat<double>&, const Geometry2d&);

}  // namespace cnnlab::detail
