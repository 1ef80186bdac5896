// Chapter 4 geometry: PyTorch's output-size rule, one validation for every pooling (optimized and
// reference), the checks of the backward passes' arguments.
#include "chapters/ch04_pooling/pooling.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <cstdint>

namespace cnnlab {

namespace {

/// ⌊a / b⌋ for a possibly negative a and b > 0 (PyTorch's div_rtn).
std::int64_t floor_divide(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

std::string pair_string(const Step2& step) { return size_string(step.rows, step.cols); }

}  // namespace

Pool2dOptions as_pool2d_options(const Pool1dOptions& options) {
    Pool2dOptions o;
    o.kernel = {1, options.kernel};
    o.stride = Step2{1, options.stride.value_or(options.kernel)};
    o.padding = {0, options.padding};
    o.dilation = {1, options.dilation};
    o.ceil_mode = options.ceil_mode;
    o.count_include_pad = options.count_include_pad;
    return o;
}

std::string PoolGeometry::str() const {
    return cnnlab::str("x ", input.str(), ", kernel ", pair_string(kernel), ", stride ", pair_string(stride),
                       ", padding ", pair_string(padding), ", dilation ", pair_string(dilation),
                       ceil_mode ? ", ceil_mode" : "");
}

std::size_t pool_output_size(std::size_t input, std::size_t kernel, std::size_t stride, std::size_t padding,
                             std::size_t dilation, bool ceil_mode) {
    if (kernel == 0 || stride == 0 || dilation == 0) return 0;
    const auto n = std::int64_t(input), k = std::int64_t(kernel), s = std::int64_t(stride), p = std::int64_t(padding),
               d = std::int64_t(dilation);
    std::int64_t out = floor_divide(n + 2 * p - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0), s) + 1;
    // ceil_mode: the last window must start inside the input or the left padding.
    if (ceil_mode && out > 0 && (out - 1) * s >= n + p) --out;
    return out > 0 ? std::size_t(out) : 0;
}

PoolGeometry resolve_pool2d(std::string_view op, const Shape4& input, const Pool2dOptions& options) {
    const Step2 kernel = options.kernel;
    if (kernel.rows == 0 || kernel.cols == 0)
        throw argument_error(str(op, ": kernel ", pair_string(kernel), " has a zero size (x ", input.str(),
                                 "); each kernel size must be >= 1"));
    const Step2 stride = options.stride.value_or(kernel);
    if (stride.rows == 0 || stride.cols == 0)
        throw argument_error(str(op, ": stride ", pair_string(stride), " has a zero step (x ", input.str(), ", kernel ",
                                 pair_string(kernel), "); each stride must be >= 1"));
    if (options.dilation.rows == 0 || options.dilation.cols == 0)
        throw argument_error(str(op, ": dilation ", pair_string(options.dilation), " has a zero step (x ", input.str(),
                                 ", kernel ", pair_string(kernel), "); each dilation must be >= 1 (1 = no holes)"));
    if (options.padding.rows > kernel.rows / 2 || options.padding.cols > kernel.cols / 2)
        throw argument_error(str(op, ": padding ", pair_string(options.padding), " is more than half of kernel ",
                                 pair_string(kernel), " (x ", input.str(), "); pooling needs padding <= kernel/2 on ",
                                 "each axis, here at most ", pair_string({kernel.rows / 2, kernel.cols / 2})));
    PoolGeometry g;
    g.input = input;
    g.kernel = kernel;
    g.stride = stride;
    g.padding = options.padding;
    g.dilation = options.dilation;
    g.ceil_mode = options.ceil_mode;
    g.count_include_pad = options.count_include_pad;
    if (input.elements() == 0)
        throw shape_error(str(op, ": input ", input.str(), " is empty; pooling needs N, C, H, W >= 1"));
    const std::size_t rows = pool_output_size(input.h, kernel.rows, stride.rows, g.padding.rows, g.dilation.rows,
                                              g.ceil_mode);
    const std::size_t cols = pool_output_size(input.w, kernel.cols, stride.cols, g.padding.cols, g.dilation.cols,
                                              g.ceil_mode);
    if (rows == 0 || cols == 0)
        throw shape_error(str(op, ": ", g.str(), " gives an output of ", size_string(rows, cols),
                              "; it must be at least 1×1 (the dilated kernel d(K-1)+1 may not be longer than the ",
                              "padded input n+2p)"));
    g.output = {input.n, input.c, rows, cols};
    return g;
}

PoolGeometry resolve_avg_pool2d(std::string_view op, const Shape4& input, const Pool2dOptions& options) {
    if (options.dilation.rows != 1 || options.dilation.cols != 1)
        throw argument_error(str(op, ": dilation ", pair_string(options.dilation), " (x ", input.str(),
                                 "); average pooling has no dilation, it must be 1×1"));
    return resolve_pool2d(op, input, options);
}

void check_pool_upstream_gradient(std::string_view op, const Shape4& dy, const PoolGeometry& g) {
    if (!(dy == g.output))
        throw shape_error(str(op, ": dy ", dy.str(), " is not the forward output ", g.output.str(), " of ", g.str(),
                              "; dy must have the forward output's shape"));
}

void check_argmax(std::string_view op, const std::vector<std::uint32_t>& argmax, const PoolGeometry& g) {
    if (argmax.size() != g.output.elements())
        throw shape_error(str(op, ": argmax has ", argmax.size(), " entries but the output ", g.output.str(), " has ",
                              g.output.elements(), "; it must hold one index per output element (from ",
                              "max_pool2d_with_argmax)"));
    const std::size_t plane = g.input.h * g.input.w;
    for (std::size_t k = 0; k < argmax.size(); ++k)
        if (argmax[k] >= plane && argmax[k] != no_argmax)
            throw shape_error(str(op, ": argmax[", k, "] = ", argmax[k], " is outside the ",
                                  size_string(g.input.h, g.input.w), " input plane; indices are r + H·c < ", plane,
                                  " (or no_argmax)"));
}

}  // namespace cnnlab
