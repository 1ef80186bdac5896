#include "chapters/ch02_layers/arithmetic.hpp"

#include "chapters/ch00_foundation/errors.hpp"

namespace cnnlab {

LayerCounts conv2d_layer_counts(const Shape4& input, const Shape4& weight, bool bias, const Conv2dOptions& options) {
    const LayerGeometry g = resolve_conv2d_layer("conv2d_layer_counts", input, weight, bias ? weight.n : 0, options);
    LayerCounts counts;
    counts.output = g.output;
    counts.weight = g.weight;
    counts.bias = bias ? g.weight.n : 0;
    counts.parameters = g.weight.elements() + counts.bias;
    counts.multiply_adds = g.multiply_adds();
    return counts;
}

std::size_t conv_layer_parameters(std::size_t in_channels, std::size_t out_channels, std::size_t kernel_h,
                                  std::size_t kernel_w, std::size_t groups, bool bias) {
    if (groups == 0 || in_channels % groups != 0 || out_channels % groups != 0)
        throw argument_error(str("conv_layer_parameters: groups=", groups, " must be >= 1 and divide C_in=",
                                 in_channels, " and C_out=", out_channels));
    return out_channels * (in_channels / groups) * kernel_h * kernel_w + (bias ? out_channels : 0);
}

double fully_connected_parameters(std::size_t c1, std::size_t h1, std::size_t w1, std::size_t c2, std::size_t h2,
                                  std::size_t w2) {
    return double(c1) * double(h1) * double(w1) * double(c2) * double(h2) * double(w2);
}

std::size_t depthwise_separable_parameters(std::size_t kernel, std::size_t in_channels, std::size_t out_channels) {
    return kernel * kernel * in_channels + in_channels * out_channels;
}

ReceptiveField receptive_field(const std::vector<StackedLayer>& stack) {
    ReceptiveField field;
    for (std::size_t l = 0; l < stack.size(); ++l) {
        const StackedLayer& layer = stack[l];
        if (layer.kernel == 0 || layer.stride == 0 || layer.dilation == 0)
            throw argument_error(str("receptive_field: layer ", l + 1, " has kernel ", layer.kernel, ", stride ",
                                     layer.stride, ", dilation ", layer.dilation, "; each must be >= 1"));
        field.size += layer.dilation * (layer.kernel - 1) * field.jump;
        field.jump *= layer.stride;
    }
    return field;
}

}  // namespace cnnlab
