/// \file
/// \brief Chapter 4: pooling 汇聚/池化 on N×C×H×W tensors — max, average, adaptive and global
/// average pooling, 2-D and 1-D, forward and backward, with PyTorch's semantics.
///
/// Every channel of every sample is pooled on its own. Output \f$(i, j)\f$ reads the window
/// \f$R_{ij} = \{(i s_h + u d_h - p_h,\; j s_w + v d_w - p_w) : 0 \le u < K_h,\ 0 \le v < K_w\}\f$
/// (dilation for max pooling only) and computes (nndl §5.2.3)
/// \f[ y_{ij} = \max_{r \in R_{ij}} x_r \quad\text{(max pooling 最大汇聚)}, \qquad
///     y_{ij} = \frac{1}{|R_{ij}|_{\text{divisor}}} \sum_{r \in R_{ij}} x_r \quad\text{(average pooling 平均汇聚)}. \f]
/// Padded cells are \f$-\infty\f$ for max (they never win) and 0 for mean; the divisor counts them
/// or not (`count_include_pad`). The output size per axis is PyTorch's
/// \f[ n_{out} = \left\lfloor \frac{n + 2p - d(K-1) - 1}{s} \right\rfloor + 1 \f]
/// (⌈·⌉ with `ceil_mode`, minus one when the last window would start in the right padding or beyond).
/// Backward: max routes \f$\delta_{ij}\f$ to the arg-max of its window (summing where windows
/// overlap); mean spreads \f$\delta_{ij} / \text{divisor}\f$ evenly over its window.
/// The references are in reference/pooling.hpp (namespace cnnlab::ref), with the same signatures.
///
/// \par PyTorch's rules, followed exactly (checked against PyTorch 1.13's CPU kernels)
/// - **Window order** is row-major: \f$u\f$ (rows) outer, \f$v\f$ (columns) inner. Max pooling
///   takes a cell when it is greater than the best so far *or NaN*, so on ties the **first** cell
///   in that order wins, and a window holding NaN gives NaN with the **last** NaN as its arg-max.
///   A window whose cells are all \f$-\infty\f$ reports its first input cell.
/// - **Padded cells** are absent, not values: they never win a max, and count in an average's
///   divisor only with `count_include_pad`.
/// - **ceil_mode** keeps a last, cut window when it starts inside the input or the left padding;
///   it may even keep a single window longer than the padded input when the overhang is below the
///   stride (PyTorch's ⌈·⌉ formula allows it).
/// - **Average divisor**: with `count_include_pad`, the window clipped to the padded input
///   \f$[-p, n+p)\f$ (so a ceil_mode window cut at the end counts fewer cells); without, the
///   window clipped to the input \f$[0, n)\f$.
/// - With dilation, a window can hold padded cells only (e.g. \f$n = 2, K = 2, d = 3, p = 1\f$):
///   its maximum is \f$-\infty\f$, its arg-max is no_argmax and its gradient is dropped. (PyTorch
///   reports an index that is not in the window there, sometimes outside the plane, and routes
///   the gradient to it.)
#pragma once

#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch00_foundation/tensor.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cnnlab {

/// Options of a 2-D pooling (PyTorch's `MaxPool2d` / `AvgPool2d` arguments).
struct Pool2dOptions {
    Step2 kernel{};                     ///< \f$(K_h, K_w)\f$, each \f$\ge 1\f$
    std::optional<Step2> stride{};      ///< \f$(s_h, s_w)\f$, each \f$\ge 1\f$; default (empty) = the kernel, as PyTorch
    Step2 padding{0, 0};                ///< \f$(p_h, p_w)\f$ on both sides of each axis; at most half the kernel
    Step2 dilation{};                   ///< \f$(d_h, d_w)\f$: max pooling only (average pooling refuses \f$\ne 1\f$)
    bool ceil_mode = false;             ///< ⌈·⌉ instead of ⌊·⌋ in the output size
    bool count_include_pad = true;      ///< average pooling: the divisor counts padded cells
};

/// Options of a 1-D pooling on N×C×1×L tensors (PyTorch's `MaxPool1d` / `AvgPool1d`).
struct Pool1dOptions {
    std::size_t kernel = 1;                ///< \f$K \ge 1\f$
    std::optional<std::size_t> stride{};   ///< default (empty) = the kernel
    std::size_t padding = 0;               ///< on both sides, at most \f$K/2\f$
    std::size_t dilation = 1;              ///< max pooling only
    bool ceil_mode = false;                ///< ⌈·⌉ in the output size
    bool count_include_pad = true;         ///< average pooling: the divisor counts padded cells
};

/// The 2-D options of a 1-D pooling held as N×C×1×L (kernel 1 along the rows).
Pool2dOptions as_pool2d_options(const Pool1dOptions& options);

/// Everything a pooling's shapes determine, checked once by resolve_pool2d.
struct PoolGeometry {
    Shape4 input;   ///< \f$N \times C \times H \times W\f$
    Shape4 output;  ///< \f$N \times C \times H_{out} \times W_{out}\f$
    Step2 kernel;                   ///< \f$(K_h, K_w)\f$
    Step2 stride;                   ///< \f$(s_h, s_w)\f$ (the kernel when the options left it empty)
    Step2 padding;                  ///< \f$(p_h, p_w)\f$ on both sides
    Step2 dilation;                 ///< \f$(d_h, d_w)\f$
    bool ceil_mode = false;         ///< ⌈·⌉ in the output size
    bool count_include_pad = true;  ///< average pooling's divisor counts padded cells
    /// "x 1×3×4×4, kernel 2×2, stride 2×2, padding 0×0, dilation 1×1" for error messages.
    std::string str() const;
};

/// Output size of one axis, PyTorch's rule (see the file comment); 0 when no window fits.
std::size_t pool_output_size(std::size_t input, std::size_t kernel, std::size_t stride, std::size_t padding,
                             std::size_t dilation, bool ceil_mode);

/// Validates and resolves a pooling. `op` names the operation in messages.
/// \throws argument_error for a zero kernel, stride or dilation, or padding above half the kernel
/// (PyTorch's rule, \f$p \le \lfloor K/2 \rfloor\f$, with the undilated \f$K\f$); shape_error for
/// an empty input or an output size below 1. Each message names the operation, the shapes and the rule.
PoolGeometry resolve_pool2d(std::string_view op, const Shape4& input, const Pool2dOptions& options);

/// resolve_pool2d for average pooling, which also refuses a dilation other than 1×1
/// (argument_error: PyTorch's `AvgPool2d` has no dilation).
PoolGeometry resolve_avg_pool2d(std::string_view op, const Shape4& input, const Pool2dOptions& options);

/// Checks an upstream gradient against the forward's output shape.
/// \throws shape_error naming `op`, dy's shape and the geometry when `dy` is not `g.output`
void check_pool_upstream_gradient(std::string_view op, const Shape4& dy, const PoolGeometry& g);

/// The arg-max of a window that holds padded cells only (possible with dilation): no input cell.
inline constexpr std::uint32_t no_argmax = 0xFFFFFFFFu;

/// Checks arg-maxes for a max-pooling backward: one per element of the output `g.output`, each
/// inside the \f$H \times W\f$ plane (\f$< HW\f$) or no_argmax.
/// \throws shape_error naming `op` when the count or an index is wrong
void check_argmax(std::string_view op, const std::vector<std::uint32_t>& argmax, const PoolGeometry& g);

/// Max pooling's forward result with the arg-max of every window, kept for the backward pass:
/// `argmax[k]` is the index inside the input plane (column-major, \f$r + H c\f$) of the value
/// output element k (in the output tensor's memory order) took. (PyTorch's indices are row-major,
/// \f$W r + c\f$: the same cell, numbered the other way.)
template <class T>
struct MaxPoolResult {
    Tensor4<T> y;                        ///< the pooled tensor
    /// One per element of y: ties → the first cell in row-major window order, NaN → the last NaN
    /// (as PyTorch); no_argmax for a window of padding only.
    std::vector<std::uint32_t> argmax;
};

/// 2-D max pooling (PyTorch `max_pool2d`); NaN propagates (a NaN in a window wins, as in PyTorch).
template <class T>
Tensor4<T> max_pool2d(const Tensor4<T>& x, const Pool2dOptions& options);

/// max_pool2d that also returns the arg-maxes for max_pool2d_backward.
/// \throws shape_error also when a plane has \f$HW \ge 2^{32} - 1\f$ cells (the indices are 32-bit)
template <class T>
MaxPoolResult<T> max_pool2d_with_argmax(const Tensor4<T>& x, const Pool2dOptions& options);

/// \f$\partial f/\partial X\f$ of max pooling: \f$\delta_{ij}\f$ added at the arg-max of window
/// \f$(i, j)\f$, zero elsewhere.
/// \throws shape_error when dy's or argmax's size is not the forward output's, or an arg-max lies
/// outside the input plane (see check_argmax); the option errors of resolve_pool2d
template <class T>
Tensor4<T> max_pool2d_backward(const Tensor4<T>& dy, const std::vector<std::uint32_t>& argmax, const Shape4& input_shape,
                               const Pool2dOptions& options);

/// 2-D average pooling (PyTorch `avg_pool2d`, no divisor_override); the divisor as in the file
/// comment. \throws argument_error for a dilation other than 1×1, and resolve_pool2d's errors
template <class T>
Tensor4<T> avg_pool2d(const Tensor4<T>& x, const Pool2dOptions& options);

/// \f$\partial f/\partial X\f$ of average pooling: \f$\delta_{ij}/\text{divisor}_{ij}\f$ added to
/// every input cell of window \f$(i, j)\f$.
/// \throws shape_error when dy's shape is not the forward output's; the errors of avg_pool2d
template <class T>
Tensor4<T> avg_pool2d_backward(const Tensor4<T>& dy, const Shape4& input_shape, const Pool2dOptions& options);

/// Adaptive average pooling to \f$H_{out} \times W_{out}\f$ (PyTorch `adaptive_avg_pool2d`): window
/// \f$i\f$ spans rows \f$\lfloor iH/H_{out} \rfloor \dots \lceil (i+1)H/H_{out} \rceil - 1\f$
/// (likewise the columns); windows may overlap, and \f$H_{out} > H\f$ repeats rows.
/// \throws argument_error for an output size of 0; shape_error for an empty input
template <class T>
Tensor4<T> adaptive_avg_pool2d(const Tensor4<T>& x, std::size_t out_rows, std::size_t out_cols);

/// \f$\partial f/\partial X\f$ of adaptive_avg_pool2d: \f$\delta_{ij}\f$ divided by the window's
/// area, added to every cell of window \f$(i, j)\f$; the output size is dy's \f$H \times W\f$.
/// \throws shape_error when dy's N or C differ from `input_shape`'s, or either is empty
template <class T>
Tensor4<T> adaptive_avg_pool2d_backward(const Tensor4<T>& dy, const Shape4& input_shape);

/// Global average pooling 全局平均汇聚 (NiN, GoogLeNet, ResNet): adaptive_avg_pool2d to 1×1.
template <class T>
Tensor4<T> global_avg_pool2d(const Tensor4<T>& x);

/// 1-D max pooling on N×C×1×L (text CNNs; max-over-time when the kernel is the whole length).
/// \throws shape_error when the input's height is not 1; the errors of max_pool2d
template <class T>
Tensor4<T> max_pool1d(const Tensor4<T>& x, const Pool1dOptions& options);

/// 1-D average pooling on N×C×1×L.
/// \throws shape_error when the input's height is not 1; the errors of avg_pool2d
template <class T>
Tensor4<T> avg_pool1d(const Tensor4<T>& x, const Pool1dOptions& options);

}  // namespace cnnlab
