/// \file
/// \brief The benchmark frame: FLOP and byte counters, the thread control and the summary table
/// (GFLOP/s or GB/s, × the naive reference, fractions of the sgemm ceiling and the FMA peak, or of
/// the copy bandwidth, measured in the same run).
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>

namespace cnnlab::bench {

/// Sets GFLOP/s (as an iteration-invariant rate) from the FLOPs of one iteration.
void set_flops(benchmark::State& state, double flops_per_iteration);

/// Sets GB/s (as an iteration-invariant rate) from the bytes one iteration reads and writes: the
/// rate of the bandwidth-bound benchmarks (pooling), compared with the group "copy-ceiling".
void set_bytes(benchmark::State& state, double bytes_per_iteration);

/// Direct-convolution FLOPs of one plane: \f$2 H_o W_o K_h K_w\f$ (also counted for FFT/separable paths).
double conv_plane_flops(std::size_t out_rows, std::size_t out_cols, std::size_t kernel_rows, std::size_t kernel_cols);

/// While alive, both thread pools — OpenMP's (the direct paths, the per-sample loops) and
/// OpenBLAS's (the GEMMs) — use `threads` threads; the previous counts come back after.
class ThreadCount {
public:
    /// Sets OpenMP's and OpenBLAS's thread counts to `threads`.
    explicit ThreadCount(int threads);
    ~ThreadCount();
    ThreadCount(const ThreadCount&) = delete;
    ThreadCount& operator=(const ThreadCount&) = delete;

private:
    int previous_openmp_, previous_blas_;
};

/// Benchmarks are named "group/path[/threads]": the summary compares paths within a group with
/// the path called "reference" and with the group "sgemm-ceiling" at the same thread count. A
/// group timing several passes of one layer (Chapter 3) names its references "reference/PASS" and
/// its paths "PASS/...": a path is compared with the reference of its pass, and its time with the
/// group's "forward/automatic" at the same thread count. A benchmark counting bytes (set_bytes)
/// is compared with the group "copy-ceiling" instead of "sgemm-ceiling".
}  // namespace cnnlab::bench
