// The sgemm ceiling: OpenBLAS's single-precision GEMM on the product im2col + GEMM performs for
// ex 5-4's layer (1×256×100×100 input, 256 filters 3×3, padding 1):
//     A (10000 × 2304: output pixels × taps)  ·  W (2304 × 256: taps × output channels),
// in that orientation, the one chapter 2's layer_gemm.cpp hands to BLAS. The summary divides each
// path's GFLOP/s by this figure at the same thread count: the share of what BLAS reaches on this
// machine for the same amount of arithmetic.
#include "bench/bench_support.hpp"

#include <armadillo>

namespace {

constexpr std::size_t pixels = 100 * 100, taps = 256 * 3 * 3, channels = 256;

void sgemm_ceiling(benchmark::State& state) {
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    arma::arma_rng::set_seed(7);
    const arma::fmat a(pixels, taps, arma::fill::randu), w(taps, channels, arma::fill::randu);
    arma::fmat y(pixels, channels);
    for (auto _ : state) {
        y = a * w;
        benchmark::DoNotOptimize(y.memptr());
    }
    cnnlab::bench::set_flops(state, 2.0 * double(pixels) * double(taps) * double(channels));
}

const bool registered = [] {
    benchmark::RegisterBenchmark("sgemm-ceiling/threads", sgemm_ceiling)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
    return true;
}();

}  // namespace
