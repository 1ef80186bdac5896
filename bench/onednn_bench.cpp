// oneDNN on Chapter 1's image filtering and Chapter 2's layer shapes (bench/layer_shapes.hpp), in
// the same run as cnnlab's paths:
// built only when Debian's libdnnl-dev is installed (CMake finds the `dnnl` package). Each shape's
// group gets, at 1 and 2 threads (oneDNN runs on OpenMP, as cnnlab's direct paths):
//
//   onednn-direct/T      oneDNN's direct convolution, primitive only: tensors already in the blocked
//                        layouts it chose (format_tag::any), the weights reordered once outside the loop
//   onednn-winograd/T    the same with algorithm::convolution_winograd, where oneDNN implements it
//   onednn-direct+reorders/T  the direct primitive with the input reordered from, and the output to,
//                        cnnlab's plain layout on every call (a layer fed plain tensors pays this)
//
// and the layers Chapter 3 times (its groups ch03-*) get oneDNN's backward passes, primitive only:
//
//   input/onednn-direct/T, input/onednn-winograd/T      backward-data (∂X), direct and Winograd
//   weight/onednn-direct/T, weight/onednn-winograd/T    backward-weights (∂W, no bias: cnnlab's pass
//                                                       computes ∂W alone)
//
// each created with the hint of a forward_training primitive of the same algorithm, as a training
// framework creates them; the Winograd rows only where oneDNN implements the pass.
//
// cnnlab's planes are column-major, so its plain layout is NCWH in row-major terms: the user memory
// is described by strides {C·H·W, H·W, 1, H} on dims {N, C, H, W} — the same bytes cnnlab reads.
// The summary's "× oneDNN" column divides a row's rate by the best oneDNN primitive rate (direct
// or Winograd) of its group at the same thread count: above 1, cnnlab is faster.
#include "bench/bench_support.hpp"
#include "bench/layer_shapes.hpp"

#include <dnnl.hpp>

#include <algorithm>
#include <exception>
#include <iterator>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using cnnlab::bench::LayerShape;
using dnnl::memory;

dnnl::engine& cpu_engine() {
    static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

/// The four dimensions of a shape, as oneDNN wants them.
memory::dims dims_of(const cnnlab::Shape4& t) {
    return memory::dims{memory::dim(t.n), memory::dim(t.c), memory::dim(t.h), memory::dim(t.w)};
}

/// The memory descriptors and geometry every pass of one shape is created from, layouts left to
/// oneDNN (format_tag::any).
struct Descriptors {
    memory::desc src, weights, bias, dst;
    memory::dims strides, padding_before, padding_after;
};

Descriptors descriptors_of(const LayerShape& s) {
    const cnnlab::LayerGeometry g = cnnlab::bench::geometry_of(s, s.n, s.size);
    const memory::dims weight_dims =
        s.groups == 1 ? memory::dims{memory::dim(s.c_out), memory::dim(s.c_in), memory::dim(s.kernel), memory::dim(s.kernel)}
                      : memory::dims{memory::dim(s.groups), memory::dim(s.c_out / s.groups), memory::dim(s.c_in / s.groups),
                                     memory::dim(s.kernel), memory::dim(s.kernel)};
    const memory::dim stride = memory::dim(s.stride), pad = memory::dim(s.pad);
    // The right/bottom padding that gives cnnlab's output size (floor division drops the rest).
    const memory::dim pad_after = memory::dim((g.output.h - 1) * s.stride + s.kernel) - memory::dim(s.size) - pad;
    const auto any = memory::format_tag::any;
    const memory::desc src_any(dims_of(g.input), memory::data_type::f32, any);
    const memory::desc dst_any(dims_of(g.output), memory::data_type::f32, any);
    const memory::desc weights_any(weight_dims, memory::data_type::f32, any);
    const memory::desc bias_desc({memory::dim(s.c_out)}, memory::data_type::f32, memory::format_tag::x);
    return {src_any, weights_any, bias_desc, dst_any, {stride, stride}, {pad, pad}, {pad_after, pad_after}};
}

/// oneDNN's forward convolution of one shape with `algorithm` (`kind`: inference, or training as the
/// hint of the backward passes).
/// \throws dnnl::error when oneDNN does not implement the algorithm for the shape
dnnl::convolution_forward::primitive_desc forward_descriptor(const LayerShape& s, dnnl::algorithm algorithm,
                                                              dnnl::prop_kind kind = dnnl::prop_kind::forward_inference) {
    const Descriptors d = descriptors_of(s);
    const dnnl::convolution_forward::desc operation(kind, algorithm, d.src, d.weights, d.bias, d.dst, d.strides,
                                                    d.padding_before, d.padding_after);
    return dnnl::convolution_forward::primitive_desc(operation, cpu_engine());
}

/// A oneDNN forward convolution of one shape with its memories, ready to execute.
struct OneDnnLayer {
    dnnl::convolution_forward::primitive_desc descriptor;
    dnnl::convolution_forward convolution;
    memory src, weights, bias, dst;           // in the layouts the primitive chose
    memory plain_src, plain_dst;              // cnnlab's layout (column-major planes)
    dnnl::reorder to_blocked, to_plain;       // plain → chosen input layout, chosen output → plain

    OneDnnLayer(const LayerShape& s, dnnl::algorithm algorithm) : descriptor(forward_descriptor(s, algorithm)) {
        const cnnlab::LayerGeometry g = cnnlab::bench::geometry_of(s, s.n, s.size);
        const auto plain = [&](const cnnlab::Shape4& t) {
            const memory::dim c = memory::dim(t.c), h = memory::dim(t.h), w = memory::dim(t.w);
            return memory::desc(dims_of(t), memory::data_type::f32, memory::dims{c * h * w, h * w, 1, h});
        };
        convolution = dnnl::convolution_forward(descriptor);
        src = memory(descriptor.src_desc(), cpu_engine());
        weights = memory(descriptor.weights_desc(), cpu_engine());
        bias = memory(descriptor.bias_desc(), cpu_engine());
        dst = memory(descriptor.dst_desc(), cpu_engine());
        plain_src = memory(plain(g.input), cpu_engine());
        plain_dst = memory(plain(g.output), cpu_engine());
        to_blocked = dnnl::reorder(plain_src, src);
        to_plain = dnnl::reorder(dst, plain_dst);
        fill(plain_src);
        fill(weights);
        fill(bias);
        dnnl::stream stream(cpu_engine());
        to_blocked.execute(stream, plain_src, src);
        stream.wait();
    }

    static void fill(const memory& m) {
        std::mt19937 random(7);
        std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
        auto* values = static_cast<float*>(m.get_data_handle());
        const std::size_t count = m.get_desc().get_size() / sizeof(float);
        for (std::size_t i = 0; i < count; ++i) values[i] = uniform(random);
    }

    void run(dnnl::stream& stream, bool reorders) {
        if (reorders) to_blocked.execute(stream, plain_src, src);
        convolution.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}});
        if (reorders) to_plain.execute(stream, dst, plain_dst);
        stream.wait();
    }
};

void onednn_forward(benchmark::State& state, const LayerShape& s, dnnl::algorithm algorithm, bool reorders) {
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    try {
        OneDnnLayer layer(s, algorithm);
        dnnl::stream stream(cpu_engine());
        layer.run(stream, reorders);  // the first call creates oneDNN's scratch and JIT state
        for (auto _ : state) layer.run(stream, reorders);
        cnnlab::bench::set_flops(state, cnnlab::bench::geometry_of(s, s.n, s.size).flops());
        state.SetLabel(layer.descriptor.impl_info_str());
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
    }
}

/// oneDNN's backward pass `Pass` (convolution_backward_data or _weights) of one shape with `algorithm`,
/// created with the hint of a forward_training primitive, as a training framework creates it. Both
/// passes are described alike: algorithm, (diff) source, (diff) weights, diff destination, geometry.
/// \throws dnnl::error when oneDNN does not implement the pass for the shape
template <class Pass>
typename Pass::primitive_desc backward_descriptor(const LayerShape& s, dnnl::algorithm algorithm) {
    const Descriptors d = descriptors_of(s);
    const typename Pass::desc operation(algorithm, d.src, d.weights, d.dst, d.strides, d.padding_before, d.padding_after);
    return typename Pass::primitive_desc(operation, cpu_engine(),
                                         forward_descriptor(s, algorithm, dnnl::prop_kind::forward_training));
}

/// One oneDNN backward pass of a shape with its memories: backward-data (`input`) or backward-weights.
struct OneDnnBackward {
    dnnl::primitive pass;
    std::string implementation;
    std::unordered_map<int, memory> arguments;

    OneDnnBackward(const LayerShape& s, dnnl::algorithm algorithm, bool input) {
        if (input) {
            const auto pd = backward_descriptor<dnnl::convolution_backward_data>(s, algorithm);
            create<dnnl::convolution_backward_data>(pd, {{DNNL_ARG_DIFF_DST, pd.diff_dst_desc()}, {DNNL_ARG_WEIGHTS, pd.weights_desc()},
                        {DNNL_ARG_DIFF_SRC, pd.diff_src_desc()}});
        } else {
            const auto pd = backward_descriptor<dnnl::convolution_backward_weights>(s, algorithm);
            create<dnnl::convolution_backward_weights>(pd, {{DNNL_ARG_SRC, pd.src_desc()}, {DNNL_ARG_DIFF_DST, pd.diff_dst_desc()},
                        {DNNL_ARG_DIFF_WEIGHTS, pd.diff_weights_desc()}});
        }
    }

    /// The primitive `Pass` of `pd` and one filled memory per (argument, descriptor).
    template <class Pass>
    void create(const typename Pass::primitive_desc& pd, const std::vector<std::pair<int, memory::desc>>& memories) {
        for (const auto& [argument, desc] : memories) {
            arguments.emplace(argument, memory(desc, cpu_engine()));
            OneDnnLayer::fill(arguments.at(argument));
        }
        pass = Pass(pd);
        implementation = pd.impl_info_str();
    }

    void run(dnnl::stream& stream) {
        pass.execute(stream, arguments);
        stream.wait();
    }
};

void onednn_backward(benchmark::State& state, const LayerShape& s, dnnl::algorithm algorithm, bool input) {
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    try {
        OneDnnBackward pass(s, algorithm, input);
        dnnl::stream stream(cpu_engine());
        pass.run(stream);
        for (auto _ : state) pass.run(stream);
        cnnlab::bench::set_flops(state, cnnlab::bench::geometry_of(s, s.n, s.size).flops());
        state.SetLabel(pass.implementation);
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
    }
}

/// True when oneDNN implements the backward pass (`input`: data, else weights) with `algorithm`: the
/// descriptor alone, no memory allocated at registration.
bool backward_implemented(const LayerShape& s, dnnl::algorithm algorithm, bool input) {
    try {
        if (input)
            backward_descriptor<dnnl::convolution_backward_data>(s, algorithm);
        else
            backward_descriptor<dnnl::convolution_backward_weights>(s, algorithm);
        return true;
    } catch (const dnnl::error&) {
        return false;
    }
}

/// The layers whose backward passes bench/ch03_bench.cpp times: their oneDNN rows join its groups.
const std::string chapter3_layers[] = {"ex5-4", "vgg-conv3-n1", "vgg-conv3-n8", "lenet-conv1", "lenet-conv2"};

/// True when oneDNN implements `algorithm` for the shape (Winograd: 3×3, stride 1, and its own
/// limits): the descriptor alone, no memory allocated at registration.
bool implemented(const LayerShape& s, dnnl::algorithm algorithm) {
    try {
        forward_descriptor(s, algorithm);
        return true;
    } catch (const dnnl::error&) {
        return false;
    }
}

/// Chapter 1's image filtering (bench/ch01_bench.cpp): one 1024×1024 plane, one filter, valid
/// mode, as a layer of one channel in and out (oneDNN has no FFT path: its direct convolution
/// is what it offers for a 31×31 kernel).
// clang-format off
const LayerShape image_shapes[] = {
    // group            N  C_in C_out  H×W   K   s  p  g   ref N, ref rows (unused)
    {"filter1024-k3",   1, 1,   1,     1024, 3,  1, 0, 1,  1, 1024},
    {"filter1024-k7",   1, 1,   1,     1024, 7,  1, 0, 1,  1, 1024},
    {"filter1024-k31",  1, 1,   1,     1024, 31, 1, 0, 1,  1, 1024},
};
// clang-format on

void both_thread_counts(benchmark::internal::Benchmark* b) {
    b->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
}

/// The forward rows of one shape: direct, Winograd where oneDNN implements it, direct + reorders.
void register_forward(const LayerShape& s) {
    const std::string group = std::string(s.group) + "/";
    both_thread_counts(benchmark::RegisterBenchmark((group + "onednn-direct").c_str(), onednn_forward, s,
                                                    dnnl::algorithm::convolution_direct, false));
    if (s.kernel == 3 && s.stride == 1 && s.groups == 1 && implemented(s, dnnl::algorithm::convolution_winograd))
        both_thread_counts(benchmark::RegisterBenchmark((group + "onednn-winograd").c_str(), onednn_forward, s,
                                                        dnnl::algorithm::convolution_winograd, false));
    both_thread_counts(benchmark::RegisterBenchmark((group + "onednn-direct+reorders").c_str(), onednn_forward, s,
                                                    dnnl::algorithm::convolution_direct, true));
}

void register_all() {
    for (const LayerShape& s : image_shapes) register_forward(s);
    for (const LayerShape& s : cnnlab::bench::layer_shapes) {
        register_forward(s);
        const std::string name = std::string(s.group).substr(std::string("ch02-").size());
        if (std::find(std::begin(chapter3_layers), std::end(chapter3_layers), name) == std::end(chapter3_layers)) continue;
        for (const bool input : {true, false}) {
            const std::string pass = "ch03-" + name + (input ? "/input/" : "/weight/");
            both_thread_counts(benchmark::RegisterBenchmark((pass + "onednn-direct").c_str(), onednn_backward, s,
                                                            dnnl::algorithm::convolution_direct, input));
            if (s.kernel == 3 && backward_implemented(s, dnnl::algorithm::convolution_winograd, input))
                both_thread_counts(benchmark::RegisterBenchmark((pass + "onednn-winograd").c_str(), onednn_backward, s,
                                                                dnnl::algorithm::convolution_winograd, input));
        }
    }
}

const bool registered = (register_all(), true);

}  // namespace
