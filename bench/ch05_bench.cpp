// Chapter 5: transposed and dilated convolution in float, each next to the ordinary conv of equal
// FLOPs, same run, same thread count (the summary's "t / fwd" column is the time over that conv's).
//
// ch05-decoder-up: a decoder's up-sampling layer, conv_transpose2d N=8, 256 → 128 channels, 4×4
// kernel, stride 2, padding 1: 28×28 → 56×56 (6.6 GFLOP).
//   forward/automatic/T     conv2d_layer of the conv it transposes (8×128×56×56 → 8×256×28×28,
//                           same weight tensor, stride and padding): exactly the same multiply-adds
//   transposed/automatic/T  conv_transpose2d (with bias)
//   input/automatic/T       conv_transpose2d_backward_input
//   weight/automatic/T      conv_transpose2d_backward_weight
//   reference               ref::conv_transpose2d (the scatter-add definition; one sample, 4 input rows)
//
// ch05-dilated-d{2,4}: VGG conv3 (N=1, 256 → 256, 56×56, 3×3) with dilation D and padding D (the
// size kept), against the same layer undilated (padding 1) — equal FLOPs:
//   forward/automatic/T, forward/im2col_gemm/T   the undilated layer (automatic: Winograd F(4×4, 3×3))
//   dilated/automatic/T                           conv2d_layer with dilation D (im2col + GEMM: Winograd
//                                                 does not apply to holes)
//   input/automatic/T, weight/automatic/T         its backward passes (Chapter 3)
//   reference                                     ref::conv2d_layer, dilated (8 input rows)
//
// T = 1 and 2 threads (both pools, bench::ThreadCount). Every row counts the direct formula's
// FLOPs of the layer (LayerGeometry::flops / TransposedGeometry::flops), whatever the path does.
#include "bench/bench_support.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "chapters/ch05_transposed/transposed.hpp"
#include "reference/layers.hpp"
#include "reference/transposed.hpp"

#include <exception>
#include <random>
#include <string>

namespace {

using cnnlab::Tensor4;

/// Uniform values in [-1, 1] from `random`.
void fill(Tensor4<float>& t, std::mt19937& random) {
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = uniform(random);
}

/// Times `pass` at the benchmark's thread count, counting `flops`; a pass that throws is reported.
template <class Pass>
void time_pass(benchmark::State& state, double flops, Pass pass) {
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    try {
        benchmark::DoNotOptimize(pass());  // warms the paths' reused buffers
        for (auto _ : state) benchmark::DoNotOptimize(pass());
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
        return;
    }
    cnnlab::bench::set_flops(state, flops);
}

// ---- the decoder's transposed conv ----

/// z: N × 256 × rows × 28, weight 256 × 128 × 4 × 4, stride 2, padding 1.
struct Decoder {
    cnnlab::ConvTranspose2dOptions options;
    cnnlab::TransposedGeometry geometry;
    Tensor4<float> z, weight, dy, conv_input;
    arma::fvec bias;

    Decoder(std::size_t n, std::size_t rows)
        : options{.stride = {2, 2}, .padding = {1, 1}},
          geometry(cnnlab::resolve_conv_transpose2d("ch05_bench", {n, 256, rows, 28}, {256, 128, 4, 4}, 128, options)),
          z(geometry.input), weight(geometry.weight), dy(geometry.output), conv_input(geometry.output), bias(128) {
        std::mt19937 random(7);
        fill(z, random);
        fill(weight, random);
        fill(dy, random);
        fill(conv_input, random);
        bias.randu();
    }
};

enum class DecoderPass { conv, transposed, input, weight };

void decoder(benchmark::State& state, DecoderPass pass) {
    const Decoder d(8, 28);
    time_pass(state, d.geometry.flops(), [&] {
        switch (pass) {
            case DecoderPass::conv: return cnnlab::conv2d_layer(d.conv_input, d.weight, arma::fvec{}, cnnlab::adjoint_conv_options(d.options));
            case DecoderPass::transposed: return cnnlab::conv_transpose2d(d.z, d.weight, d.bias, d.options);
            case DecoderPass::input:
                return cnnlab::conv_transpose2d_backward_input(d.weight, d.dy, d.geometry.input, d.options);
            case DecoderPass::weight:
                return cnnlab::conv_transpose2d_backward_weight(d.z, d.dy, d.geometry.weight, d.options);
        }
        return Tensor4<float>{};
    });
}

void decoder_reference(benchmark::State& state) {
    const Decoder d(1, 4);
    for (auto _ : state) benchmark::DoNotOptimize(cnnlab::ref::conv_transpose2d(d.z, d.weight, d.bias, d.options));
    cnnlab::bench::set_flops(state, d.geometry.flops());
    state.SetLabel("on z " + d.geometry.input.str());
}

// ---- dilated 3×3 on VGG conv3 ----

/// x: 1 × 256 × rows × 56, weight 256 × 256 × 3 × 3, dilation D and padding D.
struct Dilated {
    cnnlab::Conv2dOptions options;
    cnnlab::LayerGeometry geometry;
    Tensor4<float> x, weight, dy;
    arma::fvec bias;

    Dilated(std::size_t dilation, std::size_t rows)
        : options{.padding = cnnlab::Sides2::symmetric(dilation, dilation), .dilation = {dilation, dilation}},
          geometry(cnnlab::resolve_conv2d_layer("ch05_bench", {1, 256, rows, 56}, {256, 256, 3, 3}, 256, options)),
          x(geometry.input), weight(geometry.weight), dy(geometry.output), bias(256) {
        std::mt19937 random(7);
        fill(x, random);
        fill(weight, random);
        fill(dy, random);
        bias.randu();
    }
};

enum class DilatedPass { undilated, undilated_im2col, dilated, input, weight };

void dilated(benchmark::State& state, std::size_t rate, DilatedPass pass) {
    const Dilated d(rate, 56);
    const Dilated plain(1, 56);  // the same layer without holes: equal FLOPs
    time_pass(state, d.geometry.flops(), [&] {
        switch (pass) {
            case DilatedPass::undilated: return cnnlab::conv2d_layer(plain.x, plain.weight, plain.bias, plain.options);
            case DilatedPass::undilated_im2col:
                return cnnlab::conv2d_layer(plain.x, plain.weight, plain.bias, plain.options,
                                            cnnlab::LayerAlgorithm::im2col_gemm);
            case DilatedPass::dilated: return cnnlab::conv2d_layer(d.x, d.weight, d.bias, d.options);
            case DilatedPass::input:
                return cnnlab::conv2d_layer_backward_input(d.weight, d.dy, d.geometry.input, d.options);
            case DilatedPass::weight:
                return cnnlab::conv2d_layer_backward_weight(d.x, d.dy, d.geometry.weight, d.options);
        }
        return Tensor4<float>{};
    });
}

void dilated_reference(benchmark::State& state, std::size_t rate) {
    const Dilated d(rate, 8);
    for (auto _ : state) benchmark::DoNotOptimize(cnnlab::ref::conv2d_layer(d.x, d.weight, d.bias, d.options));
    cnnlab::bench::set_flops(state, d.geometry.flops());
    state.SetLabel("on x " + d.geometry.input.str());
}

void register_all() {
    const auto both_thread_counts = [](benchmark::internal::Benchmark* b) {
        b->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
    };
    const std::string up = "ch05-decoder-up/";
    benchmark::RegisterBenchmark((up + "reference").c_str(), decoder_reference)->UseRealTime()->Unit(benchmark::kMillisecond);
    both_thread_counts(benchmark::RegisterBenchmark((up + "forward/automatic").c_str(), decoder, DecoderPass::conv));
    both_thread_counts(benchmark::RegisterBenchmark((up + "transposed/automatic").c_str(), decoder, DecoderPass::transposed));
    both_thread_counts(benchmark::RegisterBenchmark((up + "input/automatic").c_str(), decoder, DecoderPass::input));
    both_thread_counts(benchmark::RegisterBenchmark((up + "weight/automatic").c_str(), decoder, DecoderPass::weight));
    for (std::size_t rate : {2, 4}) {
        const std::string group = "ch05-dilated-d" + std::to_string(rate) + "/";
        benchmark::RegisterBenchmark((group + "reference").c_str(), dilated_reference, rate)
            ->UseRealTime()->Unit(benchmark::kMillisecond);
        const std::pair<const char*, DilatedPass> paths[] = {
            {"forward/automatic", DilatedPass::undilated}, {"forward/im2col_gemm", DilatedPass::undilated_im2col},
            {"dilated/automatic", DilatedPass::dilated},   {"input/automatic", DilatedPass::input},
            {"weight/automatic", DilatedPass::weight}};
        for (const auto& [path, pass] : paths)
            both_thread_counts(benchmark::RegisterBenchmark((group + path).c_str(), dilated, rate, pass));
    }
}

const bool registered = (register_all(), true);

}  // namespace
