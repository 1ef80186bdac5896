/// \file
/// \brief The comparison helpers of the checks: shape first, then the first differing element.
///
/// Each returns no value when the learner's answer agrees, and a Mismatch otherwise. Elements are
/// scanned row by row (as one reads a matrix); indices are 0-based, as in C++ and Armadillo. A
/// check uses them as `if (auto m = compare(...)) return Verdict::wrong(*m);`.
#pragma once

#include "exercises/checker/exercise.hpp"
#include "exercises/checker/learner.hpp"

#include <armadillo>
#include <cstddef>
#include <optional>
#include <string>

namespace cnnlab::exercises {

/// Default tolerance: \f$|g - e| \le \tau \max(1, |e|)\f$ per element.
inline constexpr double default_tolerance = 1e-9;

/// Compares a matrix answer: shapes first (reported as "R×C"), then the first element in row-major
/// order with \f$|g_{ij} - e_{ij}| > \tau \max(1, |e_{ij}|)\f$ (or NaN), reported as "(i, j)".
std::optional<Mismatch> compare(std::string quantity, const arma::mat& got, const arma::mat& expected,
                                double tolerance = default_tolerance);

/// Compares a vector answer: lengths first, then the first differing element, reported as "[i]".
std::optional<Mismatch> compare(std::string quantity, const arma::vec& got, const arma::vec& expected,
                                double tolerance = default_tolerance);

/// Compares a multi-channel answer (one slice per channel): shapes first (reported as "C×H×W",
/// channels first as in PyTorch), then the first differing element, scanned channel by channel and
/// row by row within a channel, reported as "(c, i, j)": channel c, row i, column j.
std::optional<Mismatch> compare(std::string quantity, const arma::cube& got, const arma::cube& expected,
                                double tolerance = default_tolerance);

/// Compares one real number (a ratio, a factor) with \f$|g - e| \le \tau \max(1, |e|)\f$.
std::optional<Mismatch> compare_number(std::string quantity, double got, double expected,
                                       double tolerance = default_tolerance);

/// Compares a 2-D size exactly; the differing element is "rows" or "cols".
std::optional<Mismatch> compare(std::string quantity, Size2 got, Size2 expected);

/// Compares a count exactly.
std::optional<Mismatch> compare(std::string quantity, std::size_t got, std::size_t expected);

/// Compares only the shape of a matrix answer with the expected \f$R \times C\f$.
std::optional<Mismatch> compare_shape(std::string quantity, const arma::mat& got, std::size_t rows, std::size_t cols);

/// "R×C", how the checker prints a shape.
std::string shape_of(const arma::mat& m);

/// "C×H×W" (slices × rows × columns), how the checker prints a multi-channel shape.
std::string shape_of(const arma::cube& m);

/// A number as the checker prints it (up to 10 significant digits; -0 prints as 0).
std::string number(double value);

}  // namespace cnnlab::exercises
