/// \file
/// \brief The geometry of a convolution along one axis: padding modes, per-side padding,
/// stride, dilation and the output-size formulas (d2l's and PyTorch's).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace cnnlab {

/// How much zero padding a convolution adds, named as in nndl §5.1.3 and note 000 QA 7.
///
/// For a kernel of (dilated) size \f$K\f$:
/// - `valid` — narrow convolution 窄卷积, \f$P = 0\f$, output \f$n-K+1\f$;
/// - `same`  — equal-width convolution 等宽卷积, total padding \f$K-1\f$, output \f$n\f$ (stride 1);
/// - `full`  — wide convolution 宽卷积, \f$P = K-1\f$ on each side, output \f$n+K-1\f$.
///
/// **Even kernels in `same` mode** (cnnlab's rule, the PyTorch `padding='same'` rule): the total
/// padding \f$K-1\f$ is odd, so the side *before* gets \f$\lfloor (K-1)/2 \rfloor\f$ and the side
/// *after* (bottom/right) gets the extra zero. SciPy's `correlate2d(mode='same')` does the same;
/// SciPy's `correlate`, `convolve` (1-D) and `convolve2d` put it *before* (measured by
/// tools/golden/make.py, see data/golden/README.md). MATLAB's and Armadillo's `conv2(.., "same")`
/// equal cnnlab's `conv2d` in `same` mode (tests/ch01). Pass explicit per-side padding (Sides) to
/// reproduce SciPy's other functions.
enum class Mode { valid, same, full };

/// Parses "valid"/"narrow", "same"/"equal-width", "full"/"wide"; throws argument_error otherwise.
Mode parse_mode(std::string_view name);
/// The canonical name of a mode ("valid", "same", "full").
std::string_view mode_name(Mode mode);

/// Zeros added before and after the signal along one axis.
struct Sides {
    std::size_t before = 0;  ///< zeros before the first element (top / left)
    std::size_t after = 0;   ///< zeros after the last element (bottom / right)
    /// Equal when both sides are equal.
    bool operator==(const Sides&) const = default;
};

/// Padding of one axis: either a Mode, resolved from the kernel size, or explicit sides.
using AxisPadding = std::variant<Mode, Sides>;

/// The padding a mode implies for a kernel of dilated size `effective_kernel` (see Mode).
Sides mode_padding(Mode mode, std::size_t effective_kernel);

/// Size of a kernel of `kernel` taps with `dilation`−1 holes between taps:
/// \f$K_{\mathrm{eff}} = d\,(K-1)+1\f$.
std::size_t effective_kernel(std::size_t kernel, std::size_t dilation);

/// The resolved geometry of one axis of a convolution or cross-correlation.
///
/// Output element \f$i\f$ (0-based) reads the padded input at \f$i\,s + k\,d\f$ for taps
/// \f$k = 0,\dots,K-1\f$; the padded input is \f$x\f$ shifted by `pad.before`.
struct Axis {
    std::size_t input = 0;     ///< \f$n\f$, input length
    std::size_t kernel = 0;    ///< \f$K\f$, number of taps
    std::size_t stride = 1;    ///< \f$s \ge 1\f$
    std::size_t dilation = 1;  ///< \f$d \ge 1\f$ (1 = no holes)
    Sides pad;                 ///< zeros before/after
    std::size_t output = 0;    ///< \f$\lfloor (n + p_b + p_a - d(K-1) - 1)/s \rfloor + 1\f$

    /// \f$n + p_b + p_a\f$, the input length after padding.
    std::size_t padded_input() const { return input + pad.before + pad.after; }
    /// \f$d(K-1)+1\f$, the span of the dilated kernel.
    std::size_t effective_kernel() const { return cnnlab::effective_kernel(kernel, dilation); }
};

/// Validates and resolves one axis. `op` and `axis_name` only feed the error message.
/// Throws argument_error for a zero stride or dilation, shape_error for an empty input or kernel
/// or a dilated kernel longer than the padded input (no output).
Axis make_axis(std::string_view op, std::string_view axis_name, std::size_t input, std::size_t kernel,
               std::size_t stride, std::size_t dilation, const AxisPadding& padding);

/// d2l's output-size formula with **total** padding \f$p\f$ (both sides together):
/// \f$\lfloor (n + p - k + s)/s \rfloor\f$. Throws shape_error when it is < 1.
std::size_t output_size_d2l(std::size_t n, std::size_t k, std::size_t total_padding, std::size_t stride);

/// PyTorch's output-size formula with padding \f$p\f$ on **each** side:
/// \f$\lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1\f$. Throws shape_error when it is < 1.
std::size_t output_size_pytorch(std::size_t n, std::size_t k, std::size_t padding_each_side,
                                std::size_t stride, std::size_t dilation = 1);

/// Options of a 1-D convolution or cross-correlation on a single signal.
struct Options1d {
    AxisPadding padding = Mode::valid;  ///< a Mode or explicit Sides
    std::size_t stride = 1;             ///< \f$s \ge 1\f$
    std::size_t dilation = 1;           ///< \f$d \ge 1\f$
};

/// Explicit per-side padding of a 2-D input: rows = top/bottom, cols = left/right.
struct Sides2 {
    Sides rows;  ///< zeros above (before) and below (after)
    Sides cols;  ///< zeros left (before) and right (after)
    /// The same padding on both sides of each axis, as PyTorch's `padding=(ph, pw)`.
    static Sides2 symmetric(std::size_t rows, std::size_t cols) { return {{rows, rows}, {cols, cols}}; }
};

/// Padding of a 2-D input: a Mode applied to both axes, or explicit Sides2.
using Padding2d = std::variant<Mode, Sides2>;

/// A pair of per-axis integers (stride or dilation), rows first.
struct Step2 {
    std::size_t rows = 1;  ///< step down the rows (vertical)
    std::size_t cols = 1;  ///< step along the columns (horizontal)
};

/// Options of a 2-D convolution or cross-correlation on a single plane, e.g.
/// `{.padding = Mode::same, .stride = {2, 1}}` or `{.padding = Sides2::symmetric(1, 2)}`.
struct Options2d {
    Padding2d padding = Mode::valid;  ///< a Mode for both axes or explicit Sides2
    Step2 stride{};                   ///< \f$(s_h, s_w)\f$, each \f$\ge 1\f$
    Step2 dilation{};                 ///< \f$(d_h, d_w)\f$, each \f$\ge 1\f$ (1 = no holes)
};

/// The resolved geometry of a 2-D operation: one Axis per dimension.
struct Geometry2d {
    Axis rows;  ///< the vertical axis (height)
    Axis cols;  ///< the horizontal axis (width)
};

/// Validates and resolves the geometry of a 1-D op on an input of `input` elements and a kernel of
/// `kernel` taps. Error messages start with `op`.
Axis resolve_geometry(std::string_view op, std::size_t input, std::size_t kernel, const Options1d& options);

/// Validates and resolves the geometry of a 2-D op; error messages name `op` and both shapes.
Geometry2d resolve_geometry(std::string_view op, std::size_t input_rows, std::size_t input_cols, std::size_t kernel_rows,
                            std::size_t kernel_cols, const Options2d& options);

/// "3×4" — how cnnlab prints a 2-D size in messages.
std::string size_string(std::size_t rows, std::size_t cols);

}  // namespace cnnlab
