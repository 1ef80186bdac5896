// The FMA peak, measured in the same run as the paths: every thread runs independent chains of
// fused multiply-adds on 64-byte vectors held in registers (no memory traffic), as wide as the
// build's ISA allows (-march=native in the bench preset: 512-bit on an AVX-512 machine). The
// summary's "of peak" column divides a path's GFLOP/s by this figure at the same thread count.
#include "bench/bench_support.hpp"
#include "chapters/ch00_foundation/simd.hpp"

#include <omp.h>

namespace {

using Lanes = cnnlab::simd::Vec<float, cnnlab::simd::lanes<float>>;
constexpr std::size_t chains = 16;  // more independent sums than FMA latency × pipes, so none waits
constexpr std::size_t rounds = 1 << 22;

/// `rounds` × `chains` multiply-adds per lane; returns a sum so that nothing is optimized away.
float fma_chains(float seed) {
    Lanes sum[chains];
    for (std::size_t c = 0; c < chains; ++c) sum[c] = Lanes{} + seed * float(c);
    const Lanes scale = Lanes{} + 0.999999f, shift = Lanes{} + 1e-7f;
    for (std::size_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
        for (std::size_t c = 0; c < chains; ++c) sum[c] = sum[c] * scale + shift;
    }
    float total = 0;
    for (std::size_t c = 0; c < chains; ++c)
        for (std::size_t l = 0; l < cnnlab::simd::lanes<float>; ++l) total += sum[c][l];
    return total;
}

void fma_peak(benchmark::State& state) {
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    for (auto _ : state) {
        float total = 0;
#pragma omp parallel reduction(+ : total)
        total += fma_chains(float(omp_get_thread_num() + 1));
        benchmark::DoNotOptimize(total);
    }
    cnnlab::bench::set_flops(state, 2.0 * double(rounds) * chains * cnnlab::simd::lanes<float> * state.range(0));
}

const bool registered = [] {
    benchmark::RegisterBenchmark("fma-peak/threads", fma_peak)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
    return true;
}();

}  // namespace
