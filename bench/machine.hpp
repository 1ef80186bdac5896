/// \file
/// \brief What the benchmarks know of the machine they were measured on: its FMA peak. A header of its
/// own, without Google Benchmark, so the site's performance page (docs/examples/site_performance.cpp)
/// reads the same value as the benchmark summary.
#pragma once

namespace cnnlab::bench {

/// Nominal FP32 FMA peak of one core of the benchmark machine, in GFLOP/s (2 cores: 232): the
/// one place to change for another machine. It is the 256-bit (AVX2) rate, 2 FMA pipes × 8 floats ×
/// 2 FLOPs per cycle at ≈ 3.5 GHz (111 measured with independent register-only FMAs), i.e. the
/// width of the OpenBLAS kernels this machine runs (OPENBLAS_CORETYPE=Haswell). The same cores
/// execute 512-bit FMAs at the same instruction rate (222 GFLOP/s per core measured with AVX-512),
/// so code built with -march=native, and any path counted in direct FLOPs (Winograd), can exceed it.
/// The summary's "of peak" column is a path's GFLOP/s over threads × this value.
inline constexpr double fma_peak_gflops_per_core = 116.0;

}  // namespace cnnlab::bench
