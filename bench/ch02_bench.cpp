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
#include "chapters/ch02_layers/layer.hpp"
#include "reference/layers.hpp"

#include <exception>
#include <random>
#include <string>

namespace {

using cnnlab::LayerAlgorithm;

/// One layer of the notes: square input and kernel, symmetric padding.
struct LayerShape {
    const char* group;                 ///< benchmark group name
    std::size_t n, c_in, c_out;        ///< batch, input and output channels
    std::size_t size, kernel;          ///< input H = W, kernel K_h = K_w
    std::size_t stride, pad, groups;   ///< stride, padding on every side, groups
    std::size_t reference_n, reference_rows;  ///< the reference's reduced batch and input height
};

// clang-format off
const LayerShape shapes[] = {
    // group                   N    C_in C_out  H×W  K  s  p  g     ref N, ref rows
    {"ch02-ex5-4",             1,   256, 256,   100, 3, 1, 1, 1,    1, 8},    // nndl ex 5-4: 11.8 GFLOP
    {"ch02-ex5-4-reduce1x1",   1,   256,  64,   100, 1, 1, 0, 1,    1, 25},   // bottleneck, step 1
    {"ch02-ex5-4-expand3x3",   1,    64, 256,   100, 3, 1, 1, 1,    1, 25},   // bottleneck, step 2
    {"ch02-lenet-conv1",       256,   1,   6,    28, 5, 1, 2, 1,    32, 28},
    {"ch02-lenet-conv2",       256,   6,  16,    14, 5, 1, 0, 1,    32, 14},
    {"ch02-vgg-conv3-n1",      1,   256, 256,    56, 3, 1, 1, 1,    1, 8},
    {"ch02-vgg-conv3-n8",      8,   256, 256,    56, 3, 1, 1, 1,    1, 8},
    {"ch02-alexnet-conv1",     8,     3,  64,   224, 11, 4, 2, 1,   1, 224},
    {"ch02-resnet-1x1",        8,   256,  64,    56, 1, 1, 0, 1,    1, 56},
    {"ch02-depthwise-3x3",     8,   256, 256,    56, 3, 1, 1, 256,  1, 56},
};
// clang-format on

cnnlab::Conv2dOptions options_of(const LayerShape& s) {
    cnnlab::Conv2dOptions o;
    o.padding = cnnlab::Sides2::symmetric(s.pad, s.pad);
    o.stride = {s.stride, s.stride};
    o.groups = s.groups;
    return o;
}

/// The layer's geometry for a batch of `n` samples with `rows` input rows.
cnnlab::LayerGeometry geometry_of(const LayerShape& s, std::size_t n, std::size_t rows) {
    return cnnlab::resolve_conv2d_layer("ch02_bench", {n, s.c_in, rows, s.size},
                                        {s.c_out, s.c_in / s.groups, s.kernel, s.kernel}, s.c_out, options_of(s));
}

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
    for (const LayerShape& s : shapes) {
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

const bool registered = (register_all(), true);

}  // namespace
