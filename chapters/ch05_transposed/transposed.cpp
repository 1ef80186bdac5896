// Transposed convolution as the backward-data pass of the conv it transposes.
//
// A transposed layer (z: N×C_in×H×W, weight C_in×C_out/g×K_h×K_w) is the adjoint of the conv
// layer that maps N×C_out×H_out×W_out to N×C_in×H×W with the same weight tensor, stride, padding
// (both sides), dilation and groups. So, with that conv's geometry (TransposedGeometry::adjoint):
//   forward          y   = conv's ∂f/∂X with δ = z        (Chapter 3: GEMM + col2im, or for
//                                                          stride 1 a forward conv with rot180 W)
//   ∂f/∂z            = conv's forward on δ_y               (Chapter 2: any of its paths)
//   ∂f/∂W            = conv's ∂f/∂W with input δ_y and upstream gradient z
// No loop of the transposed conv is written here: each pass is a call into Chapters 2–3.
//
// One case needs the geometry itself rather than the public functions: output_padding a ≥ s
// (allowed when the dilation d > a). Then the conv over H_out rows gives ⌊a/s⌋ more output rows
// than z has; the adjoint geometry keeps z's size, and the extra conv outputs — which no cell of z
// feeds — are simply not computed (the col2im / im2col loops run over the geometry's output).
#include "chapters/ch05_transposed/transposed.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"
#include "chapters/ch03_gradients/backward.hpp"

#include <string>

namespace cnnlab {

namespace {

/// True when the adjoint conv, resolved from the output shape alone, lands on z's size — every
/// case but output_padding ≥ stride — so that the public Chapter 2–3 functions (with their own
/// choice of path) apply as they are.
bool adjoint_is_exact(const TransposedGeometry& g) {
    return g.options.output_padding.rows < g.options.stride.rows && g.options.output_padding.cols < g.options.stride.cols;
}

void check_upstream(std::string_view op, const Shape4& dy, const TransposedGeometry& g) {
    if (!(dy == g.output))
        throw shape_error(str(op, ": dY is ", dy.str(), " but the forward's output is ", g.output.str(), " (", g.str(),
                              "): dY must have the shape of the forward's output"));
}

void check_height_one(std::string_view op, const Shape4& a, const Shape4& b, const Shape4& c) {
    if (a.h != 1 || b.h != 1 || c.h != 1)
        throw shape_error(str(op, ": shapes ", a.str(), ", ", b.str(), " and ", c.str(),
                              " must be held as N×C×1×L, C_in×C_out/g×1×K (height 1)"));
}

}  // namespace

ConvTranspose2dOptions as_conv_transpose2d_options(const ConvTranspose1dOptions& o) {
    ConvTranspose2dOptions t;
    t.stride = {1, o.stride};
    t.padding = {0, o.padding};
    t.output_padding = {0, o.output_padding};
    t.dilation = {1, o.dilation};
    t.groups = o.groups;
    return t;
}

std::size_t transposed_output_size(std::string_view op, std::size_t input, std::size_t kernel, std::size_t stride,
                                   std::size_t padding, std::size_t dilation, std::size_t output_padding) {
    const std::string given = str("input ", input, ", kernel ", kernel, ", stride ", stride, ", padding ", padding,
                                  ", output_padding ", output_padding, ", dilation ", dilation);
    if (stride == 0 || dilation == 0)
        throw argument_error(str(op, ": ", stride == 0 ? "stride" : "dilation", " is 0 (", given, "); it must be >= 1"));
    if (input == 0 || kernel == 0) throw shape_error(str(op, ": empty input or kernel (", given, ")"));
    if (output_padding >= stride && output_padding >= dilation)
        throw argument_error(str(op, ": output_padding ", output_padding, " is not smaller than the stride ", stride,
                                 " or the dilation ", dilation, " (", given,
                                 "); output padding must be smaller than either stride or dilation"));
    const long long size = (long long)(input - 1) * (long long)stride - 2 * (long long)padding +
                           (long long)dilation * (long long)(kernel - 1) + (long long)output_padding + 1;
    if (size < 1)
        throw shape_error(str(op, ": output size (n-1)s - 2p + d(K-1) + a + 1 = ", size, " is below 1 (", given,
                              "); the padding removes more than the scatter produces"));
    return std::size_t(size);
}

std::string TransposedGeometry::str() const {
    const ConvTranspose2dOptions& o = options;
    return cnnlab::str("z ", input.str(), ", w ", weight.str(), ", stride ", o.stride.rows, "×", o.stride.cols,
                       ", padding ", o.padding.rows, "×", o.padding.cols, ", output_padding ", o.output_padding.rows,
                       "×", o.output_padding.cols, ", dilation ", o.dilation.rows, "×", o.dilation.cols, ", groups ",
                       o.groups);
}

TransposedGeometry resolve_conv_transpose2d(std::string_view op, const Shape4& input, const Shape4& weight,
                                            std::size_t bias_length, const ConvTranspose2dOptions& options) {
    const std::string shapes = str("input ", input.str(), ", weight ", weight.str(), ", groups=", options.groups);
    if (options.groups == 0) throw argument_error(str(op, ": groups is 0 (", shapes, "); groups must be >= 1"));
    if (input.elements() == 0 || weight.elements() == 0)
        throw shape_error(str(op, ": empty tensor (", shapes, "); every size must be >= 1"));
    if (weight.n != input.c)
        throw shape_error(str(op, ": input has ", input.c, " channels but the weight's first size is ", weight.n, " (",
                              shapes, "); a transposed conv's weight is C_in×C_out/g×K_h×K_w"));
    if (input.c % options.groups != 0)
        throw shape_error(str(op, ": ", input.c, " input channels are not divisible by groups=", options.groups, " (",
                              shapes, ")"));
    const std::size_t out_channels = weight.c * options.groups;
    if (bias_length != 0 && bias_length != out_channels)
        throw shape_error(str(op, ": bias has ", bias_length, " values but the layer has ", out_channels,
                              " output channels (", shapes, "); bias must have C_out values or none"));
    const ConvTranspose2dOptions& o = options;
    TransposedGeometry g;
    g.input = input;
    g.weight = weight;
    g.options = options;
    g.output = {input.n, out_channels,
                transposed_output_size(op, input.h, weight.h, o.stride.rows, o.padding.rows, o.dilation.rows,
                                       o.output_padding.rows),
                transposed_output_size(op, input.w, weight.w, o.stride.cols, o.padding.cols, o.dilation.cols,
                                       o.output_padding.cols)};
    g.adjoint = resolve_conv2d_layer(op, g.output, weight, 0, adjoint_conv_options(options));
    // ⌊a/s⌋ extra conv outputs when a ≥ s: cut to z's size (see the file comment).
    g.adjoint.plane.rows.output = input.h;
    g.adjoint.plane.cols.output = input.w;
    g.adjoint.output = input;
    return g;
}

template <class T>
Tensor4<T> conv_transpose2d(const Tensor4<T>& z, const Tensor4<T>& weight, const arma::Col<T>& bias,
                            const ConvTranspose2dOptions& options) {
    const TransposedGeometry g = resolve_conv_transpose2d("conv_transpose2d", z.shape(), weight.shape(), bias.n_elem, options);
    Tensor4<T> y = adjoint_is_exact(g)
                       ? conv2d_layer_backward_input(weight, z, g.output, adjoint_conv_options(options))
                       : detail::backward_input_gemm_col2im(weight, z, g.adjoint);
    detail::add_bias(bias, y);
    return y;
}

template <class T>
Tensor4<T> conv_transpose2d_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                           const ConvTranspose2dOptions& options) {
    constexpr std::string_view op = "conv_transpose2d_backward_input";
    const TransposedGeometry g = resolve_conv_transpose2d(op, input_shape, weight.shape(), 0, options);
    check_upstream(op, dy.shape(), g);
    if (adjoint_is_exact(g)) return conv2d_layer(dy, weight, arma::Col<T>{}, adjoint_conv_options(options));
    Tensor4<T> dz(g.input, uninitialized);  // the GEMM writes every value
    detail::conv2d_layer_im2col(dy, weight, arma::Col<T>(), g.adjoint, dz);
    return dz;
}

template <class T>
Tensor4<T> conv_transpose2d_backward_weight(const Tensor4<T>& z, const Tensor4<T>& dy, const Shape4& weight_shape,
                                            const ConvTranspose2dOptions& options) {
    constexpr std::string_view op = "conv_transpose2d_backward_weight";
    const TransposedGeometry g = resolve_conv_transpose2d(op, z.shape(), weight_shape, 0, options);
    check_upstream(op, dy.shape(), g);
    if (adjoint_is_exact(g)) return conv2d_layer_backward_weight(dy, z, weight_shape, adjoint_conv_options(options));
    return detail::backward_weight_im2col_gemm(dy, z, g.adjoint);
}

template <class T>
arma::Col<T> conv_transpose2d_backward_bias(const Tensor4<T>& dy) {
    return conv2d_layer_backward_bias(dy);
}

template <class T>
Tensor4<T> conv_transpose1d(const Tensor4<T>& z, const Tensor4<T>& weight, const arma::Col<T>& bias,
                            const ConvTranspose1dOptions& options) {
    check_height_one("conv_transpose1d", z.shape(), weight.shape(), z.shape());
    return conv_transpose2d(z, weight, bias, as_conv_transpose2d_options(options));
}

template <class T>
Tensor4<T> conv_transpose1d_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                           const ConvTranspose1dOptions& options) {
    check_height_one("conv_transpose1d_backward_input", weight.shape(), dy.shape(), input_shape);
    return conv_transpose2d_backward_input(weight, dy, input_shape, as_conv_transpose2d_options(options));
}

template <class T>
Tensor4<T> conv_transpose1d_backward_weight(const Tensor4<T>& z, const Tensor4<T>& dy, const Shape4& weight_shape,
                                            const ConvTranspose1dOptions& options) {
    check_height_one("conv_transpose1d_backward_weight", z.shape(), dy.shape(), weight_shape);
    return conv_transpose2d_backward_weight(z, dy, weight_shape, as_conv_transpose2d_options(options));
}

template <class T>
arma::Mat<T> conv_transpose2d(const arma::Mat<T>& z, const arma::Mat<T>& w, const ConvTranspose2dOptions& options) {
    if (options.groups != 1)
        throw argument_error(str("conv_transpose2d: a single plane has one channel, but groups=", options.groups));
    Tensor4<T> z4({1, 1, z.n_rows, z.n_cols}), w4({1, 1, w.n_rows, w.n_cols});
    z4.plane(0, 0) = z;
    w4.plane(0, 0) = w;
    const Tensor4<T> y = conv_transpose2d(z4, w4, arma::Col<T>{}, options);
    return y.plane_copy(0, 0);
}

#define CNNLAB_INSTANTIATE_TRANSPOSED(T)                                                                              \
    template Tensor4<T> conv_transpose2d(const Tensor4<T>&, const Tensor4<T>&, const arma::Col<T>&,                   \
                                         const ConvTranspose2dOptions&);                                              \
    template Tensor4<T> conv_transpose2d_backward_input(const Tensor4<T>&, const Tensor4<T>&, const Shape4&,          \
                                                        const ConvTranspose2dOptions&);                               \
    template Tensor4<T> conv_transpose2d_backward_weight(const Tensor4<T>&, const Tensor4<T>&, const Shape4&,         \
                                                         const ConvTranspose2dOptions&);                              \
    template arma::Col<T> conv_transpose2d_backward_bias(const Tensor4<T>&);                                          \
    template Tensor4<T> conv_transpose1d(const Tensor4<T>&, const Tensor4<T>&, const arma::Col<T>&,                   \
                                         const ConvTranspose1dOptions&);                                              \
    template Tensor4<T> conv_transpose1d_backward_input(const Tensor4<T>&, const Tensor4<T>&, const Shape4&,          \
                                                        const ConvTranspose1dOptions&);                               \
    template Tensor4<T> conv_transpose1d_backward_weight(const Tensor4<T>&, const Tensor4<T>&, const Shape4&,         \
                                                         const ConvTranspose1dOptions&);                              \
    template arma::Mat<T> conv_transpose2d(const arma::Mat<T>&, const arma::Mat<T>&, const ConvTranspose2dOptions&);
CNNLAB_INSTANTIATE_TRANSPOSED(float)
CNNLAB_INSTANTIATE_TRANSPOSED(double)

}  // namespace cnnlab
