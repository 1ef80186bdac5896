// Chapter 1: single-plane image filtering, 1024×1024 float, 3×3 / 7×7 / 31×31 kernels: the naive
// reference against every optimized path, and arma::conv2 as the library comparison. The paths
// run at 1 and 2 threads (OpenMP's and OpenBLAS's pools); arma::conv2 is sequential (named /1).
// The sgemm ceiling the summary compares them with is in sgemm_ceiling.cpp, and
// oneDNN on the same image and kernels in onednn_bench.cpp.
#include "bench/bench_support.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "reference/convolution.hpp"

#include <armadillo>

namespace {

using cnnlab::Algorithm;
constexpr std::size_t side = 1024;

/// A random image and kernel; `rank_one` builds the kernel as a·bᵀ (like a Gaussian blur).
struct Problem {
    arma::fmat image, kernel;
    Problem(std::size_t k, bool rank_one) {
        arma::arma_rng::set_seed(7);
        image.randu(side, side);
        kernel = rank_one ? arma::fmat(arma::randu<arma::fvec>(k) * arma::randu<arma::frowvec>(k)) : arma::randu<arma::fmat>(k, k);
    }
    double flops() const {
        return cnnlab::bench::conv_plane_flops(side - kernel.n_rows + 1, side - kernel.n_cols + 1, kernel.n_rows, kernel.n_cols);
    }
};

void reference(benchmark::State& state, std::size_t k) {
    const Problem p(k, false);
    for (auto _ : state) benchmark::DoNotOptimize(cnnlab::ref::xcorr2d(p.image, p.kernel));
    cnnlab::bench::set_flops(state, p.flops());
}

void optimized(benchmark::State& state, std::size_t k, Algorithm algorithm) {
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    const Problem p(k, algorithm == Algorithm::separable);
    for (auto _ : state) benchmark::DoNotOptimize(cnnlab::xcorr2d(p.image, p.kernel, {}, algorithm));
    cnnlab::bench::set_flops(state, p.flops());
}

void armadillo_conv2(benchmark::State& state, std::size_t k) {
    const cnnlab::bench::ThreadCount threads(1);  // Armadillo's conv2 is sequential: say so in the name ("/1")
    const Problem p(k, false);
    // conv2 has no valid mode: "same" computes side² outputs; count those.
    for (auto _ : state) benchmark::DoNotOptimize(arma::fmat(arma::conv2(p.image, p.kernel, "same")));
    cnnlab::bench::set_flops(state, cnnlab::bench::conv_plane_flops(side, side, k, k));
}

void register_all() {
    for (std::size_t k : {3, 7, 31}) {
        const std::string group = "filter1024-k" + std::to_string(k);
        benchmark::RegisterBenchmark((group + "/reference").c_str(), reference, k)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(k == 31 ? 1 : 3);
        for (Algorithm a : {Algorithm::direct, Algorithm::im2col_gemm, Algorithm::fft, Algorithm::separable, Algorithm::automatic}) {
            if (a == Algorithm::im2col_gemm && k > 7) continue;  // a 961 × 1M float im2col matrix is 3.7 GB
            benchmark::RegisterBenchmark((group + "/" + std::string(cnnlab::algorithm_name(a))).c_str(), optimized, k, a)
                ->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
        }
        benchmark::RegisterBenchmark((group + "/arma-conv2-same").c_str(), armadillo_conv2, k)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(k == 31 ? 1 : 5);
    }
}

const bool registered = (register_all(), true);

}  // namespace
