#include "chapters/ch00_foundation/geometry.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/tensor_memory.hpp"


namespace cnnlab {
namespace {
/// Longest padded axis cnnlab accepts (2^40): far beyond any memory, far below where sizes wrap.
constexpr std::size_t max_padded_input = std::size_t{1} << 40;
}  // namespace

Mode parse_mode(std::string_view name) {
    if (name == "valid" || name == "narrow") return Mode::valid;
    if (name == "same" || name == "equal-width") return Mode::same;
    if (name == "full" || name == "wide") return Mode::full;
    throw argument_error(str("mode: unknown mode '", name, "' (expected valid|same|full, or narrow|equal-width|wide)"));
}

std::string_view mode_name(Mode mode) {
    switch (mode) {
        case Mode::valid: return "valid";
        case Mode::same: return "same";
        case Mode::full: return "full";
    }
    return "?";
}

Sides mode_padding(Mode mode, std::size_t effective_kernel) {
    const std::size_t total_same = effective_kernel - 1;
    switch (mode) {
        case Mode::valid: return {0, 0};
        case Mode::same: return {total_same / 2, total_same - total_same / 2};  // extra zero after
        case Mode::full: return {effective_kernel - 1, effective_kernel - 1};
    }
    return {0, 0};
}

std::size_t effective_kernel(std::size_t kernel, std::size_t dilation) { return dilation * (kernel - 1) + 1; }

Axis make_axis(std::string_view op, std::string_view axis_name, std::size_t input, std::size_t kernel,
               std::size_t stride, std::size_t dilation, const AxisPadding& padding) {
    if (stride == 0) throw argument_error(str(op, ": stride along ", axis_name, " is 0; stride must be >= 1"));
    if (dilation == 0)
        throw argument_error(str(op, ": dilation along ", axis_name, " is 0; dilation must be >= 1 (1 = no holes)"));
    if (input == 0) throw shape_error(str(op, ": input is empty along ", axis_name, "; it needs at least one element"));
    if (kernel == 0) throw shape_error(str(op, ": kernel is empty along ", axis_name, "; it needs at least one tap"));
    Axis axis{input, kernel, stride, dilation, {}, 0};
    // Sizes typed by a user can be anything: refuse the ones whose arithmetic would wrap around.
    std::size_t span = 0;  // the message is built only on failure: make_axis runs on every op call
    if (__builtin_mul_overflow(dilation, kernel - 1, &span))
        throw shape_error(str(op, " along ", axis_name, ": dilation × (kernel − 1) ", dilation, " × ", kernel - 1,
                              " does not fit in a 64-bit size"));
    const std::size_t k_eff = span + 1;
    axis.pad = std::holds_alternative<Mode>(padding) ? mode_padding(std::get<Mode>(padding), k_eff) : std::get<Sides>(padding);
    if (input > max_padded_input || axis.pad.before > max_padded_input - input || axis.pad.after > max_padded_input - input - axis.pad.before)
        throw shape_error(str(op, ": padding ", axis.pad.before, "+", axis.pad.after, " along ", axis_name,
                              " makes the padded input longer than ", max_padded_input, " elements; refused as absurd"));
    if (k_eff > axis.padded_input())
        throw shape_error(str(op, ": dilated kernel of ", k_eff, " along ", axis_name, " (K=", kernel, ", dilation=", dilation, ") is longer than the padded input of ", axis.padded_input(), " (", input, " + padding ", axis.pad.before, "+", axis.pad.after, "); a valid position needs kernel <= padded input"));
    axis.output = (axis.padded_input() - k_eff) / stride + 1;
    return axis;
}

Axis resolve_geometry(std::string_view op, std::size_t input, std::size_t kernel, const Options1d& options) {
    const std::string context = str(op, " (input ", input, ", kernel ", kernel, ")");
    return make_axis(context, "the signal", input, kernel, options.stride, options.dilation, options.padding);
}

Geometry2d resolve_geometry(std::string_view op, std::size_t input_rows, std::size_t input_cols, std::size_t kernel_rows,
                            std::size_t kernel_cols, const Options2d& options) {
    const std::string context =
        str(op, " (input ", size_string(input_rows, input_cols), ", kernel ", size_string(kernel_rows, kernel_cols), ")");
    AxisPadding row_padding = Mode::valid, col_padding = Mode::valid;
    if (const Mode* mode = std::get_if<Mode>(&options.padding)) {
        row_padding = *mode;
        col_padding = *mode;
    } else {
        row_padding = std::get<Sides2>(options.padding).rows;
        col_padding = std::get<Sides2>(options.padding).cols;
    }
    Geometry2d geometry{
        make_axis(context, "rows", input_rows, kernel_rows, options.stride.rows, options.dilation.rows, row_padding),
        make_axis(context, "columns", input_cols, kernel_cols, options.stride.cols, options.dilation.cols, col_padding)};
    check_allocation(context.c_str(), [&] { return str("output ", size_string(geometry.rows.output, geometry.cols.output)); },
                     checked_product(context.c_str(), "output rows × columns", geometry.rows.output, geometry.cols.output),
                     sizeof(float));
    return geometry;
}

std::size_t output_size_d2l(std::size_t n, std::size_t k, std::size_t total_padding, std::size_t stride) {
    if (stride == 0) throw argument_error("output_size_d2l: stride is 0; stride must be >= 1");
    if (n + total_padding < k)
        throw shape_error(str("output_size_d2l: kernel ", k, " is longer than the padded input ", n, " + ", total_padding));
    return (n + total_padding - k + stride) / stride;
}

std::size_t output_size_pytorch(std::size_t n, std::size_t k, std::size_t padding_each_side, std::size_t stride,
                                std::size_t dilation) {
    if (stride == 0 || dilation == 0) throw argument_error("output_size_pytorch: stride and dilation must be >= 1");
    const std::size_t k_eff = effective_kernel(k, dilation);
    if (n + 2 * padding_each_side < k_eff)
        throw shape_error(str("output_size_pytorch: dilated kernel ", k_eff, " is longer than the padded input ", n, " + 2*", padding_each_side));
    return (n + 2 * padding_each_side - k_eff) / stride + 1;
}

std::string size_string(std::size_t rows, std::size_t cols) { return str(rows, "×", cols); }

}  // namespace cnnlab
