// Chapter 4: pooling on float N×C×H×W tensors — the 2×2 / stride 2 and 3×3 / stride 2 windows on
// a VGG-sized activation (8×64×112×112, 25.7 MB) and on LeNet's first feature maps (256×6×28×28).
// Per (shape, window), one group holding every pass at 1 and 2 threads:
//
//   max_forward/T        max_pool2d                    bytes: x + y
//   max_argmax/T         max_pool2d_with_argmax        bytes: x + y + argmax (4 bytes per output)
//   max_backward/T       max_pool2d_backward, from the forward's kept arg-maxes   bytes: dy + argmax + dx
//   avg_forward/T        avg_pool2d                    bytes: x + y
//   avg_backward/T       avg_pool2d_backward           bytes: dy + dx
//   reference/PASS       the same pass of reference/pooling.hpp (one thread, reduced batch)
//
// Pooling does a handful of comparisons or additions per value loaded, so it is bound by memory
// traffic, not arithmetic: the rate is GB/s, the bytes the pass must read and write once (each
// tensor counted once, whatever the caches do) over the wall time. The ceiling is the copy
// bandwidth of the same run, "copy-ceiling/threads/T": std::copy of a buffer the size of the N = 8
// input, counted the same way (bytes read + bytes written).
//
// The references are naive loops (≈ 1 GB/s): they run the same window on a reduced batch, 1 sample
// instead of 8 and 32 instead of 256 (in their label); GB/s is compared, not time.
#include "bench/bench_support.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "reference/pooling.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <omp.h>
#include <random>
#include <string>
#include <vector>

namespace {

/// One pooling benchmark: a tensor shape and a square window with its stride (no padding).
struct PoolShape {
    const char* group;                   ///< benchmark group name
    std::size_t n, c, size;              ///< batch, channels, H = W
    std::size_t kernel, stride;          ///< K_h = K_w and s_h = s_w
    std::size_t reference_n;             ///< the references' reduced batch
};

// clang-format off
const PoolShape shapes[] = {
    // group               N    C   H×W  K  s   ref N
    {"ch04-n8-2x2s2",      8,   64, 112, 2, 2,  1},
    {"ch04-n8-3x3s2",      8,   64, 112, 3, 2,  1},
    {"ch04-lenet-2x2s2",   256,  6,  28, 2, 2,  32},
    {"ch04-lenet-3x3s2",   256,  6,  28, 3, 2,  32},
};
// clang-format on

/// The input size of the N = 8 shape: the copy ceiling copies a buffer this large.
constexpr std::size_t copy_floats = 8 * 64 * 112 * 112;

cnnlab::Pool2dOptions options_of(const PoolShape& s) {
    cnnlab::Pool2dOptions o;
    o.kernel = {s.kernel, s.kernel};
    o.stride = cnnlab::Step2{s.stride, s.stride};
    return o;
}

/// Uniform values in [-1, 1] from `random` (continuous: no ties in a max-pooling window).
void fill(cnnlab::Tensor4<float>& t, std::mt19937& random) {
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = uniform(random);
}

/// Random input x and upstream gradient dy (fixed seed) for a batch of `n` samples, with the
/// forward's arg-maxes for the max-pooling backward (from the optimized forward or the reference).
struct Problem {
    cnnlab::Pool2dOptions options;
    cnnlab::PoolGeometry geometry;
    cnnlab::Tensor4<float> x, dy;
    std::vector<std::uint32_t> argmax;

    Problem(const PoolShape& s, std::size_t n, bool reference)
        : options(options_of(s)), geometry(cnnlab::resolve_pool2d("ch04_bench", {n, s.c, s.size, s.size}, options)),
          x(geometry.input), dy(geometry.output) {
        std::mt19937 random(7);
        fill(x, random);
        fill(dy, random);
        argmax = reference ? cnnlab::ref::max_pool2d_with_argmax(x, options).argmax
                           : cnnlab::max_pool2d_with_argmax(x, options).argmax;
    }
};

/// The passes, in benchmark-name order; each names what it reads and writes.
enum class Pass { max_forward, max_argmax, max_backward, avg_forward, avg_backward };
const Pass passes[] = {Pass::max_forward, Pass::max_argmax, Pass::max_backward, Pass::avg_forward, Pass::avg_backward};

const char* pass_name(Pass pass) {
    switch (pass) {
        case Pass::max_forward: return "max_forward";
        case Pass::max_argmax: return "max_argmax";
        case Pass::max_backward: return "max_backward";
        case Pass::avg_forward: return "avg_forward";
        case Pass::avg_backward: return "avg_backward";
    }
    return "?";
}

/// Bytes a pass reads and writes once: float input/gradient planes and 4-byte arg-maxes.
double pass_bytes(Pass pass, const cnnlab::PoolGeometry& g) {
    const double in = 4.0 * double(g.input.elements()), out = 4.0 * double(g.output.elements());
    const double argmax = 4.0 * double(g.output.elements());
    switch (pass) {
        case Pass::max_forward: return in + out;              // x + y
        case Pass::max_argmax: return in + out + argmax;      // x + y + argmax
        case Pass::max_backward: return out + argmax + in;    // dy + argmax + dx
        case Pass::avg_forward: return in + out;              // x + y
        case Pass::avg_backward: return out + in;             // dy + dx
    }
    return 0;
}

/// Runs `pass` once on `p` with the optimized code (Optimized) or the reference; returns a pointer
/// into the result so that the call cannot be optimized away.
template <bool Optimized>
float run(Pass pass, const Problem& p) {
    namespace api = cnnlab;
    namespace ref = cnnlab::ref;
    const auto first = [](const cnnlab::Tensor4<float>& t) { return t.data()[0]; };
    switch (pass) {
        case Pass::max_forward:
            return first(Optimized ? api::max_pool2d(p.x, p.options) : ref::max_pool2d(p.x, p.options));
        case Pass::max_argmax:
            return first(Optimized ? api::max_pool2d_with_argmax(p.x, p.options).y
                                   : ref::max_pool2d_with_argmax(p.x, p.options).y);
        case Pass::max_backward:
            return first(Optimized ? api::max_pool2d_backward(p.dy, p.argmax, p.geometry.input, p.options)
                                   : ref::max_pool2d_backward(p.dy, p.argmax, p.geometry.input, p.options));
        case Pass::avg_forward:
            return first(Optimized ? api::avg_pool2d(p.x, p.options) : ref::avg_pool2d(p.x, p.options));
        case Pass::avg_backward:
            return first(Optimized ? api::avg_pool2d_backward(p.dy, p.geometry.input, p.options)
                                   : ref::avg_pool2d_backward(p.dy, p.geometry.input, p.options));
    }
    return 0;
}

/// The optimized pass at the benchmark's thread count. A pass that throws is reported and skipped.
void optimized(benchmark::State& state, const PoolShape& s, Pass pass) {
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    try {
        const Problem p(s, s.n, false);
        benchmark::DoNotOptimize(run<true>(pass, p));  // warm-up: first touch of the allocator's pages
        for (auto _ : state) benchmark::DoNotOptimize(run<true>(pass, p));
        cnnlab::bench::set_bytes(state, pass_bytes(pass, p.geometry));
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
    }
}

/// The reference pass (sequential loops) on the reduced batch.
void reference(benchmark::State& state, const PoolShape& s, Pass pass) {
    try {
        const Problem p(s, s.reference_n, true);
        for (auto _ : state) benchmark::DoNotOptimize(run<false>(pass, p));
        cnnlab::bench::set_bytes(state, pass_bytes(pass, p.geometry));
        state.SetLabel("on x " + p.geometry.input.str());
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
    }
}

/// The bandwidth ceiling: std::copy of a buffer the size of the N = 8 input, each thread copying
/// its contiguous share; bytes read + written.
void copy_ceiling(benchmark::State& state) {
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    const std::vector<float> source(copy_floats, 1.0f);
    std::vector<float> target(copy_floats, 0.0f);
    const auto copy = [&] {
#pragma omp parallel
        {
            const std::size_t parts = std::size_t(omp_get_num_threads()), part = std::size_t(omp_get_thread_num());
            const std::size_t begin = copy_floats * part / parts, end = copy_floats * (part + 1) / parts;
            std::copy(source.begin() + std::ptrdiff_t(begin), source.begin() + std::ptrdiff_t(end),
                      target.begin() + std::ptrdiff_t(begin));
        }
    };
    copy();
    for (auto _ : state) {
        copy();
        benchmark::DoNotOptimize(target.data());
        benchmark::ClobberMemory();
    }
    cnnlab::bench::set_bytes(state, 2.0 * 4.0 * double(copy_floats));
}

void register_all() {
    benchmark::RegisterBenchmark("copy-ceiling/threads", copy_ceiling)
        ->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
    for (const PoolShape& s : shapes) {
        const std::string group = std::string(s.group) + "/";
        for (Pass pass : passes) {
            benchmark::RegisterBenchmark((group + "reference/" + pass_name(pass)).c_str(), reference, s, pass)
                ->UseRealTime()->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark((group + pass_name(pass)).c_str(), optimized, s, pass)
                ->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
        }
    }
}

const bool registered = (register_all(), true);

}  // namespace
