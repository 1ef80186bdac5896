/// \file
/// \brief The error types of cnnlab: one small hierarchy, each deriving from a standard exception.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace cnnlab {

/// Shapes that do not fit together, or geometry that yields no output
/// (e.g. a kernel larger than a valid-mode input). The message names the operation,
/// the shapes and the rule that was broken.
struct shape_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

/// An argument outside its domain that is not a shape: zero stride, zero dilation,
/// an unknown algorithm or mode name, a malformed inline matrix.
struct argument_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

/// A file or data stream that cannot be read or is corrupt (missing image, truncated case file).
struct data_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A computation whose result stopped being a number where one is needed: a training loss that
/// became NaN or ∞ (the run diverged). The ops themselves let NaN and ∞ through, as IEEE arithmetic
/// and PyTorch do; only a caller that asks for a finite result raises this.
struct numeric_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Concatenates its arguments as `operator<<` prints them; the message builder of every error.
template <class... Parts>
std::string str(const Parts&... parts) {
    std::ostringstream out;
    (out << ... << parts);
    return out.str();
}

}  // namespace cnnlab
