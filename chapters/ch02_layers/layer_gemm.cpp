// The GEMM paths of conv2d_layer: im2col + GEMM, and the 1×1 layer that needs no im2col.
//
// Both compute one sample and group as the product  Y^T = A · W^T (+ bias)  on column-major memory:
//   A    P × K     row = output pixel (p = j·H_out + i, the order of an output plane),
//                  column = tap k = (c·K_w + v)·K_h + u (the order of a weight's memory)
//   W^T  K × C_out the weight tensor itself, read as a matrix: no copy, no transpose
//   Y^T  P × C_out the output planes of the sample, written in place by the GEMM.
// Building A column by column copies whole shifted input columns (one tap at a time), so
// im2col streams memory instead of gathering windows.
#include "chapters/ch00_foundation/blas.hpp"
#include "chapters/ch02_layers/im2col_columns.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"

#include <algorithm>
#include <omp.h>
#include <vector>

namespace cnnlab::detail {
namespace {

/// Rows [first, first + count) of Y^T = A · W^T for (sample n, group): output pixels of all the
/// group's output channels, written straight into y's memory. With a bias, y's rows start as the
/// bias and the GEMM adds to them (β = 1): no separate pass over the output adds it afterwards.
template <class T>
void multiply_group(const T* a, std::size_t inner, const Tensor4<T>& weight, const arma::Col<T>& bias,
                    const LayerGeometry& g, std::size_t n, std::size_t group, std::size_t first, std::size_t count,
                    Tensor4<T>& y) {
    if (count == 0) return;
    const std::size_t pixels = g.output.h * g.output.w, channels = g.out_per_group(), channel = group * channels;
    T* const y_rows = y.data() + (n * g.output.c + channel) * pixels + first;
    if (!bias.is_empty())
        for (std::size_t p = 0; p < channels; ++p) std::fill_n(y_rows + p * pixels, count, bias(channel + p));
    gemm_block(count, channels, inner, a + first, pixels, weight.data() + channel * inner, inner,
               T(bias.is_empty() ? 0 : 1), y_rows, pixels);
}

/// The GEMM paths' threading: every (sample, group) is a job whose A matrix `prepare_a` provides.
/// With at least as many jobs as threads, each thread takes whole jobs. With fewer (one image),
/// all threads share each job: `prepare_a` runs cooperatively (it may use `omp for`), then each
/// thread multiplies its share of the output pixels (rows of A and Y^T; a share of the output
/// channels instead would have every thread pack all of A, the large operand, for BLAS). Either
/// way BLAS runs single-threaded inside the OpenMP threads, so the two thread pools never compete
/// for the cores — and no OpenMP thread sits spinning after a parallel loop while threaded BLAS
/// wants its core.
template <class T, class PrepareA>
void run_gemm_jobs(const Tensor4<T>& weight, const arma::Col<T>& bias, const LayerGeometry& g, std::size_t inner,
                   Tensor4<T>& y, PrepareA&& prepare_a) {
    const std::size_t jobs = g.output.n * g.groups, pixels = g.output.h * g.output.w;
    const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    if (threads == 1) {  // OpenBLAS may still use its own threads here
        for (std::size_t job = 0; job < jobs; ++job) {
            const T* a = prepare_a(job / g.groups, job % g.groups, /*shared=*/false);
            multiply_group(a, inner, weight, bias, g, job / g.groups, job % g.groups, 0, pixels, y);
        }
        return;
    }
    const SingleThreadedBlas single;
    if (jobs >= std::size_t(threads)) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (std::size_t job = 0; job < jobs; ++job) {
            const T* a = prepare_a(job / g.groups, job % g.groups, false);
            multiply_group(a, inner, weight, bias, g, job / g.groups, job % g.groups, 0, pixels, y);
        }
        return;
    }
    for (std::size_t job = 0; job < jobs; ++job) {
        const std::size_t n = job / g.groups, group = job % g.groups;
        const T* a = nullptr;
#pragma omp parallel num_threads(threads)
        {
            const T* mine = prepare_a(n, group, true);  // every thread gets the same A
#pragma omp single
            a = mine;  // implicit barrier: A is complete before anyone multiplies
            // Shares in multiples of 64 bytes of each column (whole vectors for BLAS's stores).
            constexpr std::size_t line = 64 / sizeof(T);
            const std::size_t t = std::size_t(omp_get_thread_num()), team = std::size_t(omp_get_num_threads());
            const std::size_t first = pixels * t / team / line * line;
            const std::size_t last = t + 1 == team ? pixels : pixels * (t + 1) / team / line * line;
            multiply_group(a, inner, weight, bias, g, n, group, first, last - first, y);
        }
    }
}

}  // namespace

template <class T>
void conv2d_layer_im2col(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias, const LayerGeometry& g,
                         Tensor4<T>& y) {
    const std::size_t pixels = g.output.h * g.output.w;
    const std::size_t inner = g.in_per_group() * g.weight.h * g.weight.w;
    // The calling thread's buffer, kept between calls: a layer is usually run many times, and a
    // fresh 100 MB allocation per call costs page faults the GEMM then waits on. Whole jobs use
    // their own thread's buffer; a shared job uses the caller's (`team_buffer`).
    thread_local std::vector<T> buffer;
    std::vector<T>* team_buffer = &buffer;
    auto ensure = [&](std::vector<T>& b) {
        if (b.size() < pixels * inner) b.resize(pixels * inner);
    };
    ensure(buffer);
    run_gemm_jobs(weight, bias, g, inner, y, [&](std::size_t n, std::size_t group, bool shared) -> const T* {
        if (!shared) {
            ensure(buffer);
            for (std::size_t k = 0; k < inner; ++k) fill_im2col_column(x, g, n, group, k, buffer.data());
            return buffer.data();
        }
        T* a = team_buffer->data();
#pragma omp for schedule(static)
        for (std::size_t k = 0; k < inner; ++k) fill_im2col_column(x, g, n, group, k, a);
        return a;
    });
}

template <class T>
void conv2d_layer_1x1(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias, const LayerGeometry& g,
                      Tensor4<T>& y) {
    const std::size_t pixels = g.input.h * g.input.w, inner = g.in_per_group();
    run_gemm_jobs(weight, bias, g, inner, y, [&](std::size_t n, std::size_t group, bool) -> const T* {
        // The input planes of the group, one after another, already are A (P × C_in/g).
        return x.data() + (n * g.input.c + group * inner) * pixels;
    });
}

#define CNNLAB_INSTANTIATE_GEMM_PATHS(T)                                                                            \
    template void conv2d_layer_im2col(const Tensor4<T>&, const Tensor4<T>&, const arma::Col<T>&, const LayerGeometry&, \
                                      Tensor4<T>&);                                                                  \
    template void conv2d_layer_1x1(const Tensor4<T>&, const Tensor4<T>&, const arma::Col<T>&, const LayerGeometry&,    \
                                   Tensor4<T>&);
CNNLAB_INSTANTIATE_GEMM_PATHS(float)
CNNLAB_INSTANTIATE_GEMM_PATHS(double)

}  // namespace cnnlab::detail
