#include "chapters/ch01_convolution/paths.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cassert>
#include <cmath>
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

/// One FFT size's buffers and FFTW plans: a real column-major rows×cols `signal`, its half
/// `spectrum` and the real `result` of the inverse. FFTW is row-major, so it sees the matrices as
/// cols×rows; a 2-D DFT does not care which axis is which. The plans are made once (FFTW_ESTIMATE
/// plans without touching the arrays) and run on the same arrays for every tile; the kernel's
/// transform, only ever forward, makes no inverse plan.
template <class T>
class Transform {
public:
    enum class Directions { forward_only, both };

    Transform(std::size_t rows, std::size_t cols, Directions directions = Directions::both)
        : signal(rows, cols), spectrum(rows / 2 + 1, cols), result(rows, cols) {
        auto* frequencies = reinterpret_cast<typename Fftw<T>::complex*>(spectrum.memptr());
        std::lock_guard<std::mutex> lock(planner_mutex);
        forward_ = Fftw<T>::forward(int(cols), int(rows), signal.memptr(), frequencies);
        if (directions == Directions::both) inverse_ = Fftw<T>::inverse(int(cols), int(rows), frequencies, result.memptr());
    }
    ~Transform() {
        std::lock_guard<std::mutex> lock(planner_mutex);
        Fftw<T>::destroy(forward_);
        if (inverse_) Fftw<T>::destroy(inverse_);
    }
    Transform(const Transform&) = delete;
    Transform& operator=(const Transform&) = delete;

    /// spectrum = DFT(signal).
    void forward() { Fftw<T>::execute(forward_); }
    /// result = rows·cols · inverse DFT(spectrum) (unscaled); destroys `spectrum`. Only for a
    /// transform made with Directions::both.
    void inverse() {
        assert(inverse_ != nullptr);
        Fftw<T>::execute(inverse_);
    }

    // Written in place only (element access, submat, fill): the plans hold their addresses, and
    // assigning a whole matrix may hand over another matrix's memory.
    arma::Mat<T> signal;
    arma::Mat<std::complex<T>> spectrum;
    arma::Mat<T> result;

private:
    typename Fftw<T>::plan forward_ = nullptr, inverse_ = nullptr;
};

}  // namespace

/// The FFT length of the tiles along one axis of `padded` input samples and an `effective_kernel`
/// (dilated) kernel. A tile of length n yields n − K + 1 valid outputs, so short tiles waste the
/// K − 1 samples they overlap: of the smooth lengths from 2K up to the whole axis, the one of least
/// estimated cost, tiles × n·log n. (Counting lengths past 256, whose tiles leave a core's L2, at
/// twice their cost was measured no faster on 1024² images: bench/ch01_bench.cpp.)
std::size_t fft_tile_length(std::size_t padded, std::size_t effective_kernel) {
    const std::size_t outputs = padded - effective_kernel + 1, whole = smooth_size(padded);
    std::size_t best = whole;
    double best_cost = 0;
    for (std::size_t n = smooth_size(2 * effective_kernel); n <= whole; n = smooth_size(n + 1)) {
        const std::size_t tiles = (outputs + (n - effective_kernel)) / (n - effective_kernel + 1);
        const double cost = double(tiles) * double(n) * std::log2(double(n));
        if (best_cost == 0 || cost < best_cost) best = n, best_cost = cost;
    }
    return best;
}

template <class T>
arma::Mat<T> xcorr2d_fft(const arma::Mat<T>& padded, const arma::Mat<T>& w, const Geometry2d& g) {
    // Overlap-save: the stride-1 valid output is cut into tiles; each tile's input block (the tile
    // plus K − 1 samples of halo) is transformed at the tile's FFT size. The circular convolution's
    // wrap-around only spoils the first K − 1 outputs of each axis, exactly the halo a valid
    // correlation discards. The kernel is transformed once; tiles are spread over the cores.
    const std::size_t kernel_rows = g.rows.effective_kernel(), kernel_cols = g.cols.effective_kernel();
    const std::size_t full_rows = padded.n_rows - kernel_rows + 1, full_cols = padded.n_cols - kernel_cols + 1;
    const std::size_t rows = fft_tile_length(padded.n_rows, kernel_rows),
                      cols = fft_tile_length(padded.n_cols, kernel_cols);
    const std::size_t tile_rows = rows - kernel_rows + 1, tile_cols = cols - kernel_cols + 1;
    const std::size_t row_tiles = (full_rows + tile_rows - 1) / tile_rows, col_tiles = (full_cols + tile_cols - 1) / tile_cols;

    arma::Mat<std::complex<T>> kernel_spectrum;
    {
        Transform<T> kernel(rows, cols, Transform<T>::Directions::forward_only);
        const arma::Mat<T> rotated = dilated_rotated(w, g, rows, cols);
        std::copy(rotated.begin(), rotated.end(), kernel.signal.begin());  // in place: the plans hold its address
        kernel.forward();
        kernel_spectrum = kernel.spectrum / T(rows * cols);  // the inverse's scale, applied once
    }
    arma::Mat<T> full(full_rows, full_cols);
    const std::size_t tiles = row_tiles * col_tiles;
#pragma omp parallel if (tiles > 1)
    {
        Transform<T> tile(rows, cols);
#pragma omp for schedule(dynamic)
        for (std::size_t t = 0; t < tiles; ++t) {
            const std::size_t first_row = (t % row_tiles) * tile_rows, first_col = (t / row_tiles) * tile_cols;
            const std::size_t in_rows = std::min<std::size_t>(rows, padded.n_rows - first_row),
                              in_cols = std::min<std::size_t>(cols, padded.n_cols - first_col);
            tile.signal.zeros();
            tile.signal.submat(0, 0, in_rows - 1, in_cols - 1) =
                padded.submat(first_row, first_col, first_row + in_rows - 1, first_col + in_cols - 1);
            tile.forward();
            tile.spectrum %= kernel_spectrum;
            tile.inverse();
            const std::size_t out_rows = std::min(tile_rows, full_rows - first_row), out_cols = std::min(tile_cols, full_cols - first_col);
            full.submat(first_row, first_col, first_row + out_rows - 1, first_col + out_cols - 1) =
                tile.result.submat(kernel_rows - 1, kernel_cols - 1, kernel_rows + out_rows - 2, kernel_cols + out_cols - 2);
        }
    }
    if (g.rows.stride == 1 && g.cols.stride == 1) return full;
    arma::Mat<T> y(g.rows.output, g.cols.output);
    for (std::size_t j = 0; j < g.cols.output; ++j)
        for (std::size_t i = 0; i < g.rows.output; ++i) y(i, j) = full(i * g.rows.stride, j * g.cols.stride);
    return y;
}

template arma::Mat<float> xcorr2d_fft(const arma::Mat<float>&, const arma::Mat<float>&, const Geometry2d&);
template arma::Mat<double> xcorr2d_fft(const arma::Mat<double>&, const arma::Mat<double>&, const Geometry2d&);

}  // namespace cnnlab::detail
