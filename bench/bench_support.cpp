#include "bench/bench_support.hpp"

#include "chapters/ch00_foundation/blas.hpp"

#include <omp.h>

namespace cnnlab::bench {

void set_flops(benchmark::State& state, double flops_per_iteration) {
    state.counters["GFLOP/s"] = benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void set_bytes(benchmark::State& state, double bytes_per_iteration) {
    state.counters["GB/s"] = benchmark::Counter(bytes_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

double conv_plane_flops(std::size_t out_rows, std::size_t out_cols, std::size_t kernel_rows, std::size_t kernel_cols) {
    return 2.0 * double(out_rows) * double(out_cols) * double(kernel_rows) * double(kernel_cols);
}

ThreadCount::ThreadCount(int threads) : previous_openmp_(omp_get_max_threads()), previous_blas_(blas_threads()) {
    omp_set_num_threads(threads);
    set_blas_threads(threads);
}

ThreadCount::~ThreadCount() {
    omp_set_num_threads(previous_openmp_);
    set_blas_threads(previous_blas_);
}

}  // namespace cnnlab::bench
