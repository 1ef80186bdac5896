// Chapter 2: convolution layers on N×C×H×W float tensors, in the shapes of the notes — ex 5-4's
// 100×100×256 layer and its 1×1 bottleneck, LeNet, VGG conv3, AlexNet conv1, ResNet 1×1 and a
// depthwise 3×3. Per shape, one group: the 7-loop reference, then every LayerAlgorithm that
// applies (layer_algorithm_applies), each at 1 and 2 threads ("group/path/threads").
//
// GFLOP/s always counts the direct formula's FLOPs, LayerGeometry::flops() — also for Winograd,
// which performs fewer multiplications — so the figures compare time for the same layer.
//
// The reference is slow (≈ 1 GFLOP/s) and the big layers are 1–30 GFLOP, so it runs a reduced
// problem with the same work per output value: one sample instead of N, and for the N = 1 layers
// fewer input rows (full width, all channels, same kernel, stride and padding). GFLOP/s is what
// is compared, not time; the reduced problem is in the reference's label.
#include "bench/bench_support.hpp"
#include "bench/layer_shapes.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "reference/layers.hpp"

#include <exception>
#include <random>
#include <string>
#include <utility>

namespace {

using cnnlab::LayerAlgorithm;
using cnnlab::bench::geometry_of;
using cnnlab::bench::LayerShape;
using cnnlab::bench::layer_shapes;
using cnnlab::bench::options_of;

/// Random input, weights and bias (uniform in [-1, 1], fixed seed) for a batch of `n` samples
/// with `rows` input rows.
struct Problem {
    cnnlab::LayerGeometry geometry;
    cnnlab::Tensor4<float> x, weight;
    arma::fvec bias;
    cnnlab::Conv2dOptions options;

    Problem(const LayerShape& s, std::size_t n, std::size_t rows)
        : geometry(geometry_of(s, n, rows)), x(geometry.input), weight(geometry.weight), bias(s.c_out),
          options(options_of(s)) {
        std::mt19937 random(7);
        std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
        for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = uniform(random);
        for (std::size_t i = 0; i < weight.size(); ++i) weight.data()[i] = uniform(random);
        for (float& b : bias) b = uniform(random);
    }
};

void reference(benchmark::State& state, const LayerShape& s) {
    const Problem p(s, s.reference_n, s.reference_rows);
    for (auto _ : state) benchmark::DoNotOptimize(cnnlab::ref::conv2d_layer(p.x, p.weight, p.bias, p.options));
    cnnlab::bench::set_flops(state, p.geometry.flops());
    state.SetLabel("on x " + p.geometry.input.str());
}

void layer(benchmark::State& state, const LayerShape& s, LayerAlgorithm algorithm) {
    const Problem p(s, s.n, s.size);
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    // A path that throws (a shape it refuses, a path not written yet) is reported and skipped,
    // so the other benchmarks still run. The first call outside the timing loop also warms the
    // paths' reused buffers.
    try {
        benchmark::DoNotOptimize(cnnlab::conv2d_layer(p.x, p.weight, p.bias, p.options, algorithm));
        for (auto _ : state) benchmark::DoNotOptimize(cnnlab::conv2d_layer(p.x, p.weight, p.bias, p.options, algorithm));
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
        return;
    }
    cnnlab::bench::set_flops(state, p.geometry.flops());
    if (algorithm == LayerAlgorithm::automatic)
        state.SetLabel("chose " + std::string(cnnlab::layer_algorithm_name(cnnlab::choose_layer_algorithm<float>(p.geometry))));
}

void register_all() {
    const LayerAlgorithm algorithms[] = {LayerAlgorithm::im2col_gemm,       LayerAlgorithm::gemm_1x1,
                                         LayerAlgorithm::winograd_f2x2_3x3, LayerAlgorithm::winograd_f4x4_3x3,
                                         LayerAlgorithm::depthwise_direct,  LayerAlgorithm::direct,
                                         LayerAlgorithm::automatic};
    for (const LayerShape& s : layer_shapes) {
        const std::string group = s.group;
        benchmark::RegisterBenchmark((group + "/reference").c_str(), reference, s)->UseRealTime()->Unit(benchmark::kMillisecond);
        const cnnlab::LayerGeometry g = geometry_of(s, s.n, s.size);
        for (LayerAlgorithm a : algorithms) {
            if (!cnnlab::layer_algorithm_applies(a, g)) continue;
            const std::string name = group + "/" + std::string(cnnlab::layer_algorithm_name(a));
            benchmark::RegisterBenchmark(name.c_str(), layer, s, a)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
        }
    }
}

// Image first layers, 8 samples of C_in channels → 64, K × K kernels, with a growing number of taps
// per output, C_in·K²: where the channels-in-vector `direct` kernel starts beating im2col + GEMM (the
// 48-tap rule of choose_layer_algorithm). Each keeps 224 × 224 outputs: padding (K − 1)/2, and one
// more input row and column for an even K. Not in layer_shapes: oneDNN and PyTorch are not timed on them.
void register_first_layers() {
    const std::pair<std::size_t, std::size_t> channels_and_kernels[] = {{3, 3}, {3, 4}, {1, 7}, {2, 5}, {3, 5}, {3, 7}};
    for (const auto& [c_in, k] : channels_and_kernels) {
        const std::size_t pad = (k - 1) / 2;
        const LayerShape s{"first-layer", 8, c_in, 64, 224 + k - 1 - 2 * pad, k, 1, pad, 1, 1, 8};
        const std::string group = "first-layer-taps-" + std::to_string(c_in * k * k) + "-" + std::to_string(c_in) + "x" +
                                  std::to_string(k) + "x" + std::to_string(k);
        for (LayerAlgorithm a : {LayerAlgorithm::im2col_gemm, LayerAlgorithm::direct, LayerAlgorithm::automatic}) {
            const std::string name = group + "/" + std::string(cnnlab::layer_algorithm_name(a));
            benchmark::RegisterBenchmark(name.c_str(), layer, s, a)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);
        }
    }
}

const bool registered = (register_all(), register_first_layers(), true);

}  // namespace
