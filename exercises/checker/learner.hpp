/// \file
/// \brief What every exercise file needs: the `not_attempted` signal of a stub and the small
/// value types exercises return.
#pragma once

#include <cstddef>
#include <stdexcept>

/// \brief cnnlab's exercises: the learner's functions (one namespace per chapter) and the checker.
namespace cnnlab::exercises {

/// Thrown by an exercise stub that has not been written yet. The checker reports the exercise as
/// *not attempted* (not as an error): delete the `throw` and write the answer.
struct not_attempted : std::logic_error {
    not_attempted() : std::logic_error("not attempted yet") {}
};

/// A 2-D size or a pair of per-axis integers (kernel size, padding, stride), rows first.
struct Size2 {
    std::size_t rows = 0;  ///< along the height (rows)
    std::size_t cols = 0;  ///< along the width (columns)
    bool operator==(const Size2&) const = default;  ///< both sizes equal
};

}  // namespace cnnlab::exercises
