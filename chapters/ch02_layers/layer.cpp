#include "chapters/ch02_layers/layer.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"

#include <array>
#include <utility>

namespace cnnlab {

double LayerGeometry::multiply_adds() const {
    return double(output.n) * double(output.c) * double(output.h) * double(output.w) * double(in_per_group()) *
           double(weight.h) * double(weight.w);
}

std::string LayerGeometry::str() const {
    return cnnlab::str("x ", input.str(), ", w ", weight.str(), ", groups ", groups);
}

Conv2dOptions as_conv2d_options(const Conv1dOptions& options, std::size_t kernel) {
    Conv2dOptions o;
    if (const auto* mode = std::get_if<Mode>(&options.padding))
        o.padding = Sides2{{}, mode_padding(*mode, effective_kernel(kernel, options.dilation))};
    else
        o.padding = Sides2{{}, std::get<Sides>(options.padding)};
    o.stride = {1, options.stride};
    o.dilation = {1, options.dilation};
    o.groups = options.groups;
    return o;
}

LayerGeometry resolve_conv2d_layer(std::string_view op, const Shape4& input, const Shape4& weight,
                                   std::size_t bias_length, const Conv2dOptions& options) {
    const std::string shapes = str("input ", input.str(), ", weight ", weight.str(), ", groups=", options.groups);
    if (options.groups == 0) throw argument_error(str(op, ": groups is 0 (", shapes, "); groups must be >= 1"));
    if (input.elements() == 0 || weight.elements() == 0)
        throw shape_error(str(op, ": empty tensor (", shapes, "); every size must be >= 1"));
    if (input.c % options.groups != 0)
        throw shape_error(str(op, ": ", input.c, " input channels are not divisible by groups=", options.groups, " (",
                              shapes, ")"));
    if (weight.n % options.groups != 0)
        throw shape_error(str(op, ": ", weight.n, " output channels (weight dim 0) are not divisible by groups=",
                              options.groups, " (", shapes, ")"));
    if (weight.c * options.groups != input.c)
        throw shape_error(str(op, ": input has ", input.c, " channels but weight expects ", weight.c * options.groups,
                              " (weight dim 1 = C_in/groups = ", weight.c, "; ", shapes, ")"));
    if (bias_length != 0 && bias_length != weight.n)
        throw shape_error(str(op, ": bias has ", bias_length, " values but the layer has ", weight.n,
                              " output channels (", shapes, "); bias must have C_out values or none"));
    Options2d plane;
    plane.padding = options.padding;
    plane.stride = options.stride;
    plane.dilation = options.dilation;
    LayerGeometry g;
    g.input = input;
    g.weight = weight;
    g.groups = options.groups;
    g.plane = resolve_geometry(op, input.h, input.w, weight.h, weight.w, plane);
    g.output = {input.n, weight.n, g.plane.rows.output, g.plane.cols.output};
    return g;
}

namespace {
constexpr std::array<std::pair<LayerAlgorithm, std::string_view>, 7> algorithm_names{{
    {LayerAlgorithm::automatic, "automatic"},
    {LayerAlgorithm::im2col_gemm, "im2col_gemm"},
    {LayerAlgorithm::gemm_1x1, "gemm_1x1"},
    {LayerAlgorithm::winograd_f2x2_3x3, "winograd_f2x2_3x3"},
    {LayerAlgorithm::winograd_f4x4_3x3, "winograd_f4x4_3x3"},
    {LayerAlgorithm::depthwise_direct, "depthwise_direct"},
    {LayerAlgorithm::direct, "direct"},
}};

bool is_unpadded(const Axis& axis) { return axis.pad.before == 0 && axis.pad.after == 0; }
}  // namespace

LayerAlgorithm parse_layer_algorithm(std::string_view name) {
    if (name == "auto") return LayerAlgorithm::automatic;
    for (const auto& [algorithm, known] : algorithm_names)
        if (name == known) return algorithm;
    throw argument_error(str("layer algorithm: unknown name '", name,
                             "' (expected automatic|im2col_gemm|gemm_1x1|winograd_f2x2_3x3|winograd_f4x4_3x3|"
                             "depthwise_direct|direct)"));
}

std::string_view layer_algorithm_name(LayerAlgorithm algorithm) {
    for (const auto& [known, name] : algorithm_names)
        if (known == algorithm) return name;
    return "?";
}

bool layer_algorithm_applies(LayerAlgorithm algorithm, const LayerGeometry& g) {
    const Axis& rows = g.plane.rows;
    const Axis& cols = g.plane.cols;
    switch (algorithm) {
        case LayerAlgorithm::automatic:
        case LayerAlgorithm::im2col_gemm: return true;
        case LayerAlgorithm::gemm_1x1:
            return g.weight.h == 1 && g.weight.w == 1 && rows.stride == 1 && cols.stride == 1 && is_unpadded(rows) &&
                   is_unpadded(cols);
        case LayerAlgorithm::winograd_f2x2_3x3:
        case LayerAlgorithm::winograd_f4x4_3x3:
            return g.weight.h == 3 && g.weight.w == 3 && g.unit_steps() && g.groups == 1;
        case LayerAlgorithm::depthwise_direct: return g.in_per_group() == 1;
        case LayerAlgorithm::direct: return detail::direct_by_channels_applies(g);
    }
    return false;
}

template <class T>
LayerAlgorithm choose_layer_algorithm(const LayerGeometry& g) {
    if (layer_algorithm_applies(LayerAlgorithm::gemm_1x1, g)) return LayerAlgorithm::gemm_1x1;
    // Depthwise proper (several groups of one channel): per-group GEMMs would be tiny. A single
    // input channel (groups = 1, e.g. LeNet's conv1) is an ordinary layer (direct or im2col below).
    if (g.groups > 1 && layer_algorithm_applies(LayerAlgorithm::depthwise_direct, g)) return LayerAlgorithm::depthwise_direct;
    // Winograd trades multiplies for transforms of every tile and channel: it pays when the
    // per-tile GEMMs are large, i.e. with many channels on both sides (measured in bench/ch02_bench).
    const bool wide = g.input.c >= 16 && g.weight.n >= 16;
    if (wide && layer_algorithm_applies(LayerAlgorithm::winograd_f4x4_3x3, g) && g.output.h >= 4 && g.output.w >= 4)
        return LayerAlgorithm::winograd_f4x4_3x3;
    // Few channels on either side, stride 1 and dilation 1: the GEMM would be thin and im2col's copy
    // as costly as the products (LeNet's convs: 1.8–3.1× faster direct, bench/results/ch02.csv). The
    // grid kernel wants at least 4 output channels to share each input load (with one its sums wait
    // on each other), a sample's output grid small enough to stay in cache, and most of the grid it
    // computes kept (a kernel nearly as tall as the plane would throw most rows away).
    const bool few_channels = g.unit_steps() && g.weight.n >= 4 && g.weight.n <= 32 && g.input.c <= 32;
    const bool small_plane = g.output.h * g.output.w <= 64 * 64;
    const std::size_t padded_rows = g.input.h + g.plane.rows.pad.before + g.plane.rows.pad.after;
    const bool mostly_kept = 4 * g.output.h * g.output.w >= g.output.w * padded_rows + 32;
    // An image's first layer (at most 4 input channels) copies each input value K_h K_w / (s_h s_w)
    // times into an im2col matrix of few rows (AlexNet's conv1: 7.6 times), which costs more than the
    // products lose to a direct kernel that keeps its output channels in the vector and reads the
    // input where it lies, or from one copy split by row phase (1.4–1.7× faster there,
    // bench/results/ch02.csv). The kernel's fixed costs per block of outputs — turning its sums
    // around in registers and storing them — weigh more as the taps get fewer: on 3 → 64 channels
    // and 224 × 224 outputs it wins from 48 taps per output (4×4 kernel: 1.14×; 5×5: 1.24×) and loses
    // at 27 (3×3: 0.85×; bench/results/first_layer_taps.csv).
    const bool image_input = g.input.c <= 4 && g.input.c * g.weight.h * g.weight.w >= 48 &&
                             detail::direct_keeps_channels_in_vector<T>(g);
    if (!wide && ((few_channels && small_plane && mostly_kept) || image_input) &&
        layer_algorithm_applies(LayerAlgorithm::direct, g))
        return LayerAlgorithm::direct;
    return LayerAlgorithm::im2col_gemm;
}

template <class T>
Tensor4<T> conv2d_layer(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias,
                        const Conv2dOptions& options, LayerAlgorithm algorithm) {
    const LayerGeometry g = resolve_conv2d_layer("conv2d_layer", x.shape(), weight.shape(), bias.n_elem, options);
    if (algorithm == LayerAlgorithm::automatic) algorithm = choose_layer_algorithm<T>(g);
    if (!layer_algorithm_applies(algorithm, g))
        throw argument_error(str("conv2d_layer: algorithm ", layer_algorithm_name(algorithm),
                                 " does not apply to this layer (", g.str(), ", stride ", g.plane.rows.stride, "×",
                                 g.plane.cols.stride, ", dilation ", g.plane.rows.dilation, "×", g.plane.cols.dilation,
                                 ")"));
    // Every path writes every output value, adding the bias as it writes: the output is not zeroed first.
    Tensor4<T> y(g.output, uninitialized);
    switch (algorithm) {
        case LayerAlgorithm::automatic:
        case LayerAlgorithm::im2col_gemm: detail::conv2d_layer_im2col(x, weight, bias, g, y); break;
        case LayerAlgorithm::gemm_1x1: detail::conv2d_layer_1x1(x, weight, bias, g, y); break;
        case LayerAlgorithm::winograd_f2x2_3x3:
        case LayerAlgorithm::winograd_f4x4_3x3:
            detail::conv2d_layer_winograd(x, weight, bias, g, algorithm == LayerAlgorithm::winograd_f2x2_3x3 ? 2 : 4, y);
            break;
        case LayerAlgorithm::depthwise_direct: detail::conv2d_layer_depthwise(x, weight, bias, g, y); break;
        case LayerAlgorithm::direct: detail::conv2d_layer_direct(x, weight, bias, g, y); break;
    }
    return y;
}

template <class T>
Tensor4<T> conv1d_layer(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias,
                        const Conv1dOptions& options, LayerAlgorithm algorithm) {
    if (x.shape().h != 1 || weight.shape().h != 1)
        throw shape_error(str("conv1d_layer: input ", x.shape().str(), " and weight ", weight.shape().str(),
                              " must be held as N×C×1×L and C_out×C_in/g×1×K (height 1)"));
    return conv2d_layer(x, weight, bias, as_conv2d_options(options, weight.shape().w), algorithm);
}

namespace detail {
template <class T>
void add_bias(const arma::Col<T>& bias, Tensor4<T>& y) {
    if (bias.is_empty()) return;
    const Shape4 s = y.shape();
    for (std::size_t n = 0; n < s.n; ++n)
        for (std::size_t p = 0; p < s.c; ++p) y.plane(n, p) += bias(p);
}
template void add_bias(const arma::Col<float>&, Tensor4<float>&);
template void add_bias(const arma::Col<double>&, Tensor4<double>&);
}  // namespace detail

#define CNNLAB_INSTANTIATE_LAYER(T)                                                                                   \
    template LayerAlgorithm choose_layer_algorithm<T>(const LayerGeometry&);                                         \
    template Tensor4<T> conv2d_layer(const Tensor4<T>&, const Tensor4<T>&, const arma::Col<T>&, const Conv2dOptions&, \
                                     LayerAlgorithm);                                                                 \
    template Tensor4<T> conv1d_layer(const Tensor4<T>&, const Tensor4<T>&, const arma::Col<T>&, const Conv1dOptions&, \
                                     LayerAlgorithm);
CNNLAB_INSTANTIATE_LAYER(float)
CNNLAB_INSTANTIATE_LAYER(double)

}  // namespace cnnlab
