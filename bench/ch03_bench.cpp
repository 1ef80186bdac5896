// Chapter 3: the backward passes of the convolution layer on Chapter 2's shapes — ex 5-4's
// 100×100×256 layer, VGG conv3 (one sample and eight) and LeNet's two layers — in float. Per
// shape, one group holding the forward and both backward passes, so the summary can put each
// backward next to the forward of the same layer, same run, same thread count:
//
//   forward/automatic/T, forward/im2col_gemm/T        conv2d_layer (with bias)
//   input/automatic/T, input/gemm_col2im/T,
//   input/rotated_forward/T                           conv2d_layer_backward_input, each BackwardInputAlgorithm
//   weight/automatic/T, weight/im2col_gemm/T,
//   weight/winograd_f4x4_3x3/T, weight/direct/T       conv2d_layer_backward_weight, each BackwardWeightAlgorithm
//   reference/input, reference/weight                 ref::conv2d_layer_backward_input/_weight (one thread)
//
// with T = 1 and 2 threads (both pools, bench::ThreadCount). Every benchmark counts the forward's
// direct-formula FLOPs, LayerGeometry::flops(): each backward pass performs exactly as many
// multiply-adds as the forward (one per (output value, tap) pair), so a GFLOP/s ratio is the
// inverse time ratio. The summary's "× naive" compares input/* with reference/input and weight/*
// with reference/weight; its "t / fwd" column is the time over forward/automatic's.
//
// The references run a reduced problem with the same work per value, as in ch02_bench.cpp: one
// sample (32 for LeNet) instead of N, and for the single-sample layers 8 input rows (full width,
// all channels, same kernel, stride and padding); the problem is in their label.
#include "bench/bench_support.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "reference/gradients.hpp"

#include <exception>
#include <random>
#include <string>

namespace {

using cnnlab::BackwardInputAlgorithm;
using cnnlab::BackwardWeightAlgorithm;
using cnnlab::LayerAlgorithm;

/// One layer of the notes: square input and kernel, stride 1, symmetric padding, groups 1.
struct LayerShape {
    const char* group;                        ///< benchmark group name
    std::size_t n, c_in, c_out;               ///< batch, input and output channels
    std::size_t size, kernel, pad;            ///< input H = W, kernel K_h = K_w, padding on every side
    std::size_t reference_n, reference_rows;  ///< the references' reduced batch and input height
};

// clang-format off
const LayerShape shapes[] = {
    // group                N    C_in C_out  H×W  K  p    ref N, ref rows
    {"ch03-ex5-4",          1,   256, 256,   100, 3, 1,   1,  8},    // nndl ex 5-4: 11.8 GFLOP per pass
    {"ch03-vgg-conv3-n1",   1,   256, 256,    56, 3, 1,   1,  8},
    {"ch03-vgg-conv3-n8",   8,   256, 256,    56, 3, 1,   1,  8},
    {"ch03-lenet-conv1",    256,   1,   6,    28, 5, 2,   32, 28},
    {"ch03-lenet-conv2",    256,   6,  16,    14, 5, 0,   32, 14},
};
// clang-format on

cnnlab::Conv2dOptions options_of(const LayerShape& s) {
    cnnlab::Conv2dOptions o;
    o.padding = cnnlab::Sides2::symmetric(s.pad, s.pad);
    return o;
}

/// The layer's forward geometry for a batch of `n` samples with `rows` input rows.
cnnlab::LayerGeometry geometry_of(const LayerShape& s, std::size_t n, std::size_t rows) {
    return cnnlab::resolve_conv2d_layer("ch03_bench", {n, s.c_in, rows, s.size}, {s.c_out, s.c_in, s.kernel, s.kernel},
                                        s.c_out, options_of(s));
}

/// Uniform values in [-1, 1] from `random`.
void fill(cnnlab::Tensor4<float>& t, std::mt19937& random) {
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = uniform(random);
}

/// Random input, weights, bias and upstream gradient dY (uniform in [-1, 1], fixed seed) for a
/// batch of `n` samples with `rows` input rows.
struct Problem {
    cnnlab::LayerGeometry geometry;
    cnnlab::Tensor4<float> x, weight, dy;
    arma::fvec bias;
    cnnlab::Conv2dOptions options;

    Problem(const LayerShape& s, std::size_t n, std::size_t rows)
        : geometry(geometry_of(s, n, rows)), x(geometry.input), weight(geometry.weight), dy(geometry.output),
          bias(s.c_out), options(options_of(s)) {
        std::mt19937 random(7);
        fill(x, random);
        fill(weight, random);
        fill(dy, random);
        std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
        for (float& b : bias) b = uniform(random);
    }
};

/// Chapter 2's path for the rotated forward layer of `g` (what BackwardInputAlgorithm::rotated_forward runs).
std::string rotated_forward_path(const cnnlab::LayerGeometry& g) {
    const cnnlab::LayerGeometry forward = cnnlab::rotated_forward_geometry(g, cnnlab::rotated_forward_of(g));
    return std::string(cnnlab::layer_algorithm_name(cnnlab::choose_layer_algorithm<float>(forward)));
}

/// What BackwardInputAlgorithm::automatic runs for geometry `g`, with the forward path of the rotated forward.
std::string backward_input_choice(const cnnlab::LayerGeometry& g) {
    if (cnnlab::choose_backward_input_algorithm<float>(g) == BackwardInputAlgorithm::gemm_col2im) return "gemm_col2im";
    return "rotated_forward (" + rotated_forward_path(g) + ")";
}

/// Times `pass` (one call per iteration) at the benchmark's thread count, counting `flops`. A
/// pass that throws is reported and skipped, so the other benchmarks still run. The first call
/// outside the timing loop also warms the paths' reused buffers.
template <class Pass>
void time_pass(benchmark::State& state, double flops, Pass pass) {
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    try {
        benchmark::DoNotOptimize(pass());
        for (auto _ : state) benchmark::DoNotOptimize(pass());
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
        return;
    }
    cnnlab::bench::set_flops(state, flops);
}

void forward(benchmark::State& state, const LayerShape& s, LayerAlgorithm algorithm) {
    const Problem p(s, s.n, s.size);
    time_pass(state, p.geometry.flops(), [&] { return cnnlab::conv2d_layer(p.x, p.weight, p.bias, p.options, algorithm); });
    if (algorithm == LayerAlgorithm::automatic)
        state.SetLabel("chose " + std::string(cnnlab::layer_algorithm_name(cnnlab::choose_layer_algorithm<float>(p.geometry))));
}

void backward_input(benchmark::State& state, const LayerShape& s, BackwardInputAlgorithm algorithm) {
    const Problem p(s, s.n, s.size);
    time_pass(state, p.geometry.flops(), [&] {
        return cnnlab::conv2d_layer_backward_input(p.weight, p.dy, p.geometry.input, p.options, algorithm);
    });
    if (algorithm == BackwardInputAlgorithm::automatic)
        state.SetLabel("chose " + backward_input_choice(p.geometry));
    else if (algorithm == BackwardInputAlgorithm::rotated_forward)
        state.SetLabel("forward path " + rotated_forward_path(p.geometry));
}

void backward_weight(benchmark::State& state, const LayerShape& s, BackwardWeightAlgorithm algorithm) {
    const Problem p(s, s.n, s.size);
    time_pass(state, p.geometry.flops(),
              [&] { return cnnlab::conv2d_layer_backward_weight(p.x, p.dy, p.geometry.weight, p.options, algorithm); });
    if (algorithm == BackwardWeightAlgorithm::automatic)
        state.SetLabel("chose " + std::string(cnnlab::backward_weight_algorithm_name(
                                      cnnlab::choose_backward_weight_algorithm<float>(p.geometry))));
}

/// The naive loops of one backward pass on the reduced problem (`input`: ∂X, else ∂W).
void reference_pass(benchmark::State& state, const LayerShape& s, bool input) {
    const Problem p(s, s.reference_n, s.reference_rows);
    for (auto _ : state)
        benchmark::DoNotOptimize(input ? cnnlab::ref::conv2d_layer_backward_input(p.weight, p.dy, p.geometry.input, p.options)
                                       : cnnlab::ref::conv2d_layer_backward_weight(p.x, p.dy, p.geometry.weight, p.options));
    cnnlab::bench::set_flops(state, p.geometry.flops());
    state.SetLabel("on x " + p.geometry.input.str());
}

void register_all() {
    for (const LayerShape& s : shapes) {
        const std::string group = std::string(s.group) + "/";
        const auto both_thread_counts = [](benchmark::internal::Benchmark* b) {
            b->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
        };
        benchmark::RegisterBenchmark((group + "reference/input").c_str(), reference_pass, s, true)
            ->UseRealTime()->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark((group + "reference/weight").c_str(), reference_pass, s, false)
            ->UseRealTime()->Unit(benchmark::kMillisecond);
        for (LayerAlgorithm a : {LayerAlgorithm::automatic, LayerAlgorithm::im2col_gemm})
            both_thread_counts(benchmark::RegisterBenchmark(
                (group + "forward/" + std::string(cnnlab::layer_algorithm_name(a))).c_str(), forward, s, a));
        const cnnlab::LayerGeometry g = geometry_of(s, s.n, s.size);
        const bool rotated_applies = cnnlab::rotated_forward_of(g).applies;
        for (BackwardInputAlgorithm a : {BackwardInputAlgorithm::automatic, BackwardInputAlgorithm::gemm_col2im,
                                         BackwardInputAlgorithm::rotated_forward}) {
            if (a == BackwardInputAlgorithm::rotated_forward && !rotated_applies) continue;
            both_thread_counts(benchmark::RegisterBenchmark(
                (group + "input/" + std::string(cnnlab::backward_input_algorithm_name(a))).c_str(), backward_input, s, a));
        }
        for (BackwardWeightAlgorithm a : {BackwardWeightAlgorithm::automatic, BackwardWeightAlgorithm::im2col_gemm,
                                          BackwardWeightAlgorithm::winograd_f4x4_3x3, BackwardWeightAlgorithm::direct}) {
            if (a == BackwardWeightAlgorithm::winograd_f4x4_3x3 &&
                !cnnlab::layer_algorithm_applies(LayerAlgorithm::winograd_f4x4_3x3, g))
                continue;
            // The direct weight path only where the forward takes direct (few channels): on ex 5-4's
            // 256-channel layers its per-thread sums alone would be 38 MB.
            if (a == BackwardWeightAlgorithm::direct && (cnnlab::choose_layer_algorithm<float>(g) != LayerAlgorithm::direct ||
                                                         !cnnlab::backward_weight_algorithm_applies(a, g)))
                continue;
            both_thread_counts(benchmark::RegisterBenchmark(
                (group + "weight/" + std::string(cnnlab::backward_weight_algorithm_name(a))).c_str(), backward_weight, s, a));
        }
    }
}

const bool registered = (register_all(), true);

}  // namespace
