/// \file
/// \brief The benchmark frame: FLOP counters, the BLAS-thread control and the summary table
/// (GFLOP/s, × the naive reference, fraction of the sgemm ceiling measured in the same run).
#pragma once

#include <benchmark/benchmark.h>

#include <string>

namespace cnnlab::bench {

/// Sets GFLOP/s (as an iteration-invariant rate) from the FLOPs of one iteration.
void set_flops(benchmark::State& state, double flops_per_iteration);

/// Direct-convolution FLOPs of one plane: \f$2 H_o W_o K_h K_w\f$ (also counted for FFT/separable paths).
double conv_plane_flops(std::size_t out_rows, std::size_t out_cols, std::size_t kernel_rows, std::size_t kernel_cols);

/// Benchmarks are named "group/path[/threads]": the summary compares paths within a group with
/// the path called "reference" and with the group "sgemm-ceiling".
}  // namespace cnnlab::bench
