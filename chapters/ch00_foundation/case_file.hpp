/// \file
/// \brief Case files: test vectors exchanged with PyTorch and SciPy (`cnnlab replay`).
///
/// A case file is a sequence of blocks, tokens separated by white space:
/// \verbatim
/// case <id>                       unique id, e.g. xcorr2d-017
/// op <name>
/// param <key> <values...>         integers, except `mode`: valid|same|full
/// tensor <name> <ndim> <dims...>
/// <prod(dims) values, row-major (last index fastest), printed with %.17g>
/// error <message to the end of the line>     (results files only)
/// end
/// \endverbatim
/// Inputs are `x`, `w`, `b` (with `param bias 1`) and, for the layer, transposed and pooling ops,
/// optionally `gy`; outputs `y` and, for a layer or transposed case with `gy`, `gx`, `gw` and (with a
/// bias) `gb`, for a pooling case with `gy`, `gx`.
/// A results file repeats `case`, `op` and the outputs, or an `error` line. `data/golden/README.md`
/// describes the format and the golden files, which `tools/golden/make.py` makes with SciPy and PyTorch.
///
/// Memory order: tensors are stored row-major, as in the file (last index fastest), while
/// `arma::Mat` is column-major; to_matrix() and from_matrix() convert between the two.
#pragma once

#include "chapters/ch00_foundation/errors.hpp"

#include <armadillo>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// \brief Case files (test vectors in the format of `cnnlab replay`): reading, writing, running.
namespace cnnlab::cases {

/// An n-dimensional array of doubles as a case file holds it: dimensions and row-major values.
struct Tensor {
    std::vector<std::size_t> dims;  ///< sizes, outermost first (e.g. rows, cols)
    std::vector<double> values;     ///< \f$\prod_i \mathrm{dims}_i\f$ values, last index fastest
    /// The number of elements the dimensions imply (1 for a 0-dimensional tensor).
    std::size_t element_count() const;
    /// Equal dimensions and bit-for-bit equal values (so NaN equals NaN and -0 differs from +0).
    bool bitwise_equal(const Tensor& other) const;
};

/// One case: what to run and, in a results file, what came out.
struct Case {
    std::string id;    ///< unique within a file
    std::string op;    ///< operation name, e.g. "xcorr2d"
    std::string mode;  ///< `param mode` (valid|same|full), empty when absent
    std::map<std::string, std::vector<long long>> params;  ///< every other `param` line
    std::map<std::string, Tensor> tensors;                 ///< inputs and outputs by name
    std::string error;      ///< the `error` line of a results file (empty: none)
    std::size_t line = 0;   ///< line of the `case` keyword in the file it was read from (0: not read)
};

/// One block read from a file: the case as far as it could be read, and what was wrong with it.
struct ReadEntry {
    Case value;                         ///< the case (partial when `problem` is set)
    std::optional<data_error> problem;  ///< "FILE:LINE: case 'ID': what is wrong"; empty when well formed
    /// True when the case was read without a problem.
    bool ok() const { return !problem; }
};

/// Reads every case of a stream. Never throws on malformed content: a case with a problem becomes
/// an entry with `problem` set, and reading resumes at the next `case` keyword. Problems found:
/// truncated input (no `end`), a wrong number of tensor values, a token that is not a number, an
/// unknown keyword, a duplicate id, a missing `op`, an invalid `mode`, text outside any case.
/// `source` names the stream in messages.
std::vector<ReadEntry> read_cases(std::istream& in, std::string_view source = "<stream>");

/// Reads a case file; throws data_error when the file cannot be opened (per-case problems as read_cases).
std::vector<ReadEntry> read_case_file(const std::filesystem::path& path);

/// Writes one case: `case`, `op`, params (`mode` first), an `error` line if any, then tensors
/// (inputs x, w, b, gy, then outputs y, gx, gw, gb, then any other, by name), values with `%.17g`
/// so that they read back exactly, one line per last-axis row.
void write_case(std::ostream& out, const Case& c);

/// Writes cases one after another (see write_case).
void write_cases(std::ostream& out, const std::vector<Case>& cases);

/// How run_case computes a case, where an op family offers several paths.
struct RunOptions {
    /// The path of the layer ops (conv1d, conv2d, conv1d_same, conv2d_same): a name
    /// parse_layer_algorithm accepts; empty means `automatic`. A case whose geometry the named path
    /// cannot compute reports the argument_error of cnnlab::conv2d_layer ("... does not apply ...").
    std::string layer_algorithm;
};

/// The tensors an op produces from a case's params and input tensors. Throws (shape_error,
/// argument_error, data_error) for invalid params or inputs; the message becomes the case's error.
using OpFunction = std::function<std::map<std::string, Tensor>(const Case&, const RunOptions&)>;

/// Adds or replaces an op that run_case can execute. The chapters' ops are registered on first use
/// of the table (xcorr1d, convolve1d, xcorr2d, convolve2d from Chapter 1; conv1d, conv2d,
/// conv1d_same, conv2d_same from Chapter 2; max_pool2d, avg_pool2d, adaptive_avg_pool2d from Chapter 4;
/// conv_transpose1d, conv_transpose2d from Chapter 5).
void register_op(const std::string& name, OpFunction function);

/// The names of the ops run_case can execute, sorted.
std::vector<std::string> supported_ops();

/// Runs one case with cnnlab's optimized functions in double precision and returns the results case:
/// same id and op, the output tensors, or `error` set to `unsupported op <name>` or to the message of
/// the exception the op threw. Never throws for bad case content.
///
/// Single-channel ops (Chapter 1): `xcorr1d`, `convolve1d` (→ cnnlab::xcorr1d, cnnlab::conv1d) on 1-D
/// tensors and `xcorr2d`, `convolve2d` (→ cnnlab::xcorr2d, cnnlab::conv2d) on 2-D tensors, with
/// `pad_before`/`pad_after` applied as explicit per-side padding when present (they reproduce
/// SciPy's centring), else `mode` with cnnlab's rule (even kernel in `same`: extra zero after).
///
/// Layer ops (Chapter 2, PyTorch `F.conv1d`/`F.conv2d`, → cnnlab::conv1d_layer, cnnlab::conv2d_layer):
/// `x` is N×C×L (1-D) or N×C×H×W (2-D), `w` is \f$C_{out} \times C_{in}/g \times\f$ the kernel,
/// `b` (\f$C_{out}\f$ values) is given exactly when `param bias 1`; the output is `y`. Params, one
/// integer per axis (h w for 2-D), all optional: `stride` (default 1), `dilation` (1), `groups` (1),
/// `bias` (0 or 1, default 0), and for `conv1d`/`conv2d` PyTorch's symmetric `padding` (0).
/// `conv1d_same`/`conv2d_same` are PyTorch's `padding='same'`: `mode` may only be `same`, and
/// `pad_before`/`pad_after`, when present, are applied as explicit per-side padding; without them
/// the even-kernel extra zero goes after (bottom/right), PyTorch's rule and cnnlab's.
///
/// Gradients (Chapter 3): a layer case that has `gy` (the upstream gradient, of `y`'s shape) also
/// gets `gx`, `gw` and, with a bias, `gb`: the gradients of \f$\sum gy \odot y\f$ with respect to
/// `x`, `w`, `b`, from cnnlab::conv2d_layer_backward_input, cnnlab::conv2d_layer_backward_weight and
/// cnnlab::conv2d_layer_backward_bias (their conv1d_layer counterparts for the 1-D ops) on their
/// automatic paths (RunOptions::layer_algorithm applies to the forward only). A `gy` of another
/// shape makes the case's error the shape_error of cnnlab::check_upstream_gradient, naming the op
/// and both shapes.
///
/// Pooling ops (Chapter 4, PyTorch `F.max_pool2d`, `F.avg_pool2d`, `F.adaptive_avg_pool2d`): `x` is
/// N×C×H×W and the output `y`, from cnnlab::max_pool2d, cnnlab::avg_pool2d and
/// cnnlab::adaptive_avg_pool2d. Params, two integers (h w) each: `kernel` (required), `stride`
/// (default: the kernel), `padding` (0) and, for max pooling only, `dilation` (1); one integer 0 or 1:
/// `ceil_mode` (0) and, for average pooling only, `count_include_pad` (1). adaptive_avg_pool2d takes
/// only `output_size` (h w, required). With a `gy` of `y`'s shape the case also gets `gx`, the
/// gradient of \f$\sum gy \odot y\f$ with respect to `x`: through cnnlab::max_pool2d_with_argmax and
/// cnnlab::max_pool2d_backward, cnnlab::avg_pool2d_backward, cnnlab::adaptive_avg_pool2d_backward.
/// An argument PyTorch refuses (a zero kernel or stride, padding above half the kernel, an output
/// size below 1) becomes the case's error, as the library words it; a `gy` of another shape, a
/// shape_error naming the op and both shapes.
///
/// Transposed convolutions (Chapter 5, PyTorch `F.conv_transpose1d`/`F.conv_transpose2d`, →
/// cnnlab::conv_transpose1d, cnnlab::conv_transpose2d): `x` is N×C_in×L or N×C_in×H×W, `w` is
/// \f$C_{in} \times C_{out}/g \times\f$ the kernel, `b` (\f$C_{out}\f$ values) given exactly when
/// `param bias 1`. Params, one integer per axis (h w for 2-D), all optional: `stride` (1), `padding`
/// (0), `output_padding` (0), `dilation` (1), `groups` (1), `bias` (0). With a `gy` of `y`'s shape the
/// case also gets `gx`, `gw` and, with a bias, `gb`, from cnnlab::conv_transpose2d_backward_input,
/// cnnlab::conv_transpose2d_backward_weight, cnnlab::conv_transpose2d_backward_bias (the
/// conv_transpose1d ones for 1-D). An output padding PyTorch refuses (not below the stride or the
/// dilation), groups not dividing the channels or an output size below 1 become the case's error,
/// as resolve_conv_transpose2d words it; a `gy` of another shape, a shape_error naming the op and
/// both shapes.
Case run_case(const Case& c, const RunOptions& options = {});

/// A 2-D tensor as a matrix (row-major values → column-major `arma::mat`). Throws data_error unless
/// the tensor has 2 dimensions and as many values as they imply; `what` names it in the message.
arma::mat to_matrix(const Tensor& t, std::string_view what = "tensor");
/// A 1-D tensor as a column vector. Throws data_error unless the tensor has 1 dimension.
arma::vec to_vector(const Tensor& t, std::string_view what = "tensor");
/// A matrix as a 2-D tensor (rows, cols), row-major.
Tensor from_matrix(const arma::mat& m);
/// A vector as a 1-D tensor.
Tensor from_vector(const arma::vec& v);

/// `%.17g`: the shortest printf format that reads back every double exactly.
std::string format_value(double value);

}  // namespace cnnlab::cases
