#include "bench/bench_support.hpp"

namespace cnnlab::bench {

void set_flops(benchmark::State& state, double flops_per_iteration) {
    state.counters["GFLOP/s"] = benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

double conv_plane_flops(std::size_t out_rows, std::size_t out_cols, std::size_t kernel_rows, std::size_t kernel_cols) {
    return 2.0 * double(out_rows) * double(out_cols) * double(kernel_rows) * double(kernel_cols);
}

}  // namespace cnnlab::bench
