// `cnnlab shape conv2d --input 4,2,3,5 --out-channels 3 --kernel 3,5 --padding 1,2`: the shapes and
// counts a layer's sizes determine, without computing it (conv1d: --input N,C,L, --kernel K).
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch02_layers/arithmetic.hpp"
#include "cli/commands.hpp"
#include "cli/geometry_options.hpp"

#include <iostream>
#include <vector>

namespace cnnlab::cli {
namespace {

struct ShapeOptions {
    std::string layer = "conv2d", mode = "valid";
    std::vector<std::size_t> input, kernel, padding, stride{1}, dilation{1};
    std::size_t out_channels = 0, groups = 1;
    bool no_bias = false;
};

std::string tuple(const std::vector<std::size_t>& sizes) {
    std::string out = "(";
    for (std::size_t i = 0; i < sizes.size(); ++i) out += (i ? ", " : "") + std::to_string(sizes[i]);
    return out + ")";
}

void run(const ShapeOptions& o) {
    const bool one_d = o.layer == "conv1d";
    const std::string op = "shape " + o.layer;
    const std::size_t input_rank = one_d ? 3 : 4, kernel_rank = one_d ? 1 : 2;
    if (o.input.size() != input_rank)
        throw argument_error(str(op, ": --input takes ", input_rank, " sizes (", one_d ? "N,C,L" : "N,C,H,W", "), got ",
                                 o.input.size()));
    if (o.kernel.size() != kernel_rank && !(kernel_rank == 2 && o.kernel.size() == 1))
        throw argument_error(str(op, ": --kernel takes ", one_d ? "K" : "K or Kh,Kw", ", got ", o.kernel.size(), " sizes"));
    if (o.out_channels == 0) throw argument_error(str(op, ": --out-channels must be >= 1"));
    const Shape4 input = one_d ? Shape4{o.input[0], o.input[1], 1, o.input[2]} : Shape4{o.input[0], o.input[1], o.input[2], o.input[3]};
    const std::size_t kh = one_d ? 1 : o.kernel[0], kw = o.kernel.back();
    if (o.groups == 0 || input.c % o.groups != 0)
        throw shape_error(str(op, ": ", input.c, " input channels are not divisible by groups=", o.groups));
    const Shape4 weight{o.out_channels, input.c / o.groups, kh, kw};
    Conv2dOptions options;
    if (one_d) {
        if (o.padding.size() > 2) throw argument_error(str(op, ": --padding takes p or before,after for conv1d"));
        Conv1dOptions one;
        one.padding = o.padding.empty() ? AxisPadding(parse_mode(o.mode)) : AxisPadding(Sides{o.padding.front(), o.padding.back()});
        one.stride = o.stride.back();
        one.dilation = o.dilation.back();
        options = as_conv2d_options(one, kw);
    } else {
        options = {padding_option(o.padding, o.mode), pair_option(o.stride, "stride"), pair_option(o.dilation, "dilation")};
    }
    options.groups = o.groups;
    const LayerCounts c = conv2d_layer_counts(input, weight, !o.no_bias, options);
    const auto drop_height = [&](const Shape4& s) {
        return one_d ? std::vector<std::size_t>{s.n, s.c, s.w} : std::vector<std::size_t>{s.n, s.c, s.h, s.w};
    };
    std::cout << o.layer << ": input " << tuple(drop_height(input)) << ", groups " << o.groups << '\n';
    std::cout << "  output shape   " << tuple(drop_height(c.output)) << '\n';
    std::cout << "  weight shape   " << tuple(one_d ? std::vector<std::size_t>{weight.n, weight.c, weight.w}
                                                    : std::vector<std::size_t>{weight.n, weight.c, weight.h, weight.w})
              << '\n';
    std::cout << "  bias shape     " << (o.no_bias ? "none" : tuple({c.bias})) << '\n';
    std::cout << "  parameters     " << c.parameters << " = " << weight.n << "·" << weight.c << "·"
              << (one_d ? "" : std::to_string(kh) + "·") << kw
              << (o.no_bias ? "" : " + " + std::to_string(c.bias)) << '\n';
    std::cout << "  multiply-adds  " << c.multiply_adds << " (" << 2 * c.multiply_adds << " FLOPs)\n";
    std::cout << "  fully connected equivalent: "
              << fully_connected_parameters(input.c, input.h, input.w, c.output.c, c.output.h, c.output.w)
              << " weights (c1·c2·h1·w1·h2·w2)\n";
}

}  // namespace

void add_shape_command(CLI::App& app) {
    auto o = std::make_shared<ShapeOptions>();
    CLI::App* cmd = app.add_subcommand("shape", "output/weight/bias shapes and parameter count of a conv layer");
    cmd->footer("Example: cnnlab shape conv2d --input 4,2,3,5 --out-channels 3 --kernel 3,5 --padding 1,2");
    cmd->add_option("LAYER", o->layer, "conv2d or conv1d")->check(CLI::IsMember({"conv2d", "conv1d"}));
    cmd->add_option("--input", o->input, "input sizes N,C,H,W (conv1d: N,C,L)")->delimiter(',')->required()->check(non_negative);
    cmd->add_option("--out-channels", o->out_channels, "C_out")->required()->check(non_negative);
    cmd->add_option("--kernel", o->kernel, "K or Kh,Kw")->delimiter(',')->required()->check(non_negative);
    cmd->add_option("--mode", o->mode, "valid|same|full, when --padding is not given");
    cmd->add_option("--padding", o->padding, "p, ph,pw or top,bottom,left,right (conv1d: p or before,after)")->delimiter(',')->check(non_negative);
    cmd->add_option("--stride", o->stride, "s or sh,sw")->delimiter(',')->check(non_negative);
    cmd->add_option("--dilation", o->dilation, "d or dh,dw")->delimiter(',')->check(non_negative);
    cmd->add_option("--groups", o->groups, "groups (C_in for depthwise)")->check(non_negative);
    cmd->add_flag("--no-bias", o->no_bias, "a layer without bias");
    cmd->callback([o] { run(*o); });
}

}  // namespace cnnlab::cli
