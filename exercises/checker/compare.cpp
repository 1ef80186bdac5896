#include "exercises/checker/compare.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cnnlab::exercises {

std::string shape_of(const arma::mat& m) { return str(m.n_rows, "×", m.n_cols); }

std::string shape_of(const arma::cube& m) { return str(m.n_slices, "×", m.n_rows, "×", m.n_cols); }

std::string number(double value) {
    if (value == 0) value = 0;  // print -0 as 0
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

namespace {

bool differs(double got, double expected, double tolerance) {
    const double bound = tolerance * std::max(1.0, std::abs(expected));
    return !(std::abs(got - expected) <= bound);  // true for NaN
}

/// The first (row-major) element that differs, as (row, col), or nothing.
std::optional<std::pair<arma::uword, arma::uword>> first_difference(const arma::mat& got, const arma::mat& expected,
                                                                      double tolerance) {
    for (arma::uword i = 0; i < expected.n_rows; ++i)
        for (arma::uword j = 0; j < expected.n_cols; ++j)
            if (differs(got(i, j), expected(i, j), tolerance)) return std::pair{i, j};
    return std::nullopt;
}

}  // namespace

std::optional<Mismatch> compare(std::string quantity, const arma::mat& got, const arma::mat& expected, double tolerance) {
    if (got.n_rows != expected.n_rows || got.n_cols != expected.n_cols)
        return Mismatch{.quantity = std::move(quantity), .expected_shape = shape_of(expected), .got_shape = shape_of(got)};
    const auto where = first_difference(got, expected, tolerance);
    if (!where) return std::nullopt;
    const auto [i, j] = *where;
    return Mismatch{.quantity = std::move(quantity),
                    .index = str("(", i, ", ", j, ")"),
                    .expected = number(expected(i, j)),
                    .got = number(got(i, j))};
}

std::optional<Mismatch> compare_shape(std::string quantity, const arma::mat& got, std::size_t rows, std::size_t cols) {
    if (got.n_rows == rows && got.n_cols == cols) return std::nullopt;
    return Mismatch{.quantity = std::move(quantity), .expected_shape = str(rows, "×", cols), .got_shape = shape_of(got)};
}

std::optional<Mismatch> compare(std::string quantity, const arma::vec& got, const arma::vec& expected, double tolerance) {
    if (got.n_elem != expected.n_elem)
        return Mismatch{.quantity = std::move(quantity),
                        .expected_shape = str("length ", expected.n_elem),
                        .got_shape = str("length ", got.n_elem)};
    for (arma::uword i = 0; i < expected.n_elem; ++i)
        if (differs(got(i), expected(i), tolerance))
            return Mismatch{.quantity = std::move(quantity),
                            .index = str("[", i, "]"),
                            .expected = number(expected(i)),
                            .got = number(got(i))};
    return std::nullopt;
}

std::optional<Mismatch> compare(std::string quantity, const arma::cube& got, const arma::cube& expected, double tolerance) {
    if (got.n_slices != expected.n_slices || got.n_rows != expected.n_rows || got.n_cols != expected.n_cols)
        return Mismatch{.quantity = std::move(quantity), .expected_shape = shape_of(expected), .got_shape = shape_of(got)};
    for (arma::uword c = 0; c < expected.n_slices; ++c) {
        const auto where = first_difference(got.slice(c), expected.slice(c), tolerance);
        if (!where) continue;
        const auto [i, j] = *where;
        return Mismatch{.quantity = std::move(quantity),
                        .index = str("(", c, ", ", i, ", ", j, ")"),
                        .expected = number(expected(i, j, c)),
                        .got = number(got(i, j, c))};
    }
    return std::nullopt;
}

std::optional<Mismatch> compare_number(std::string quantity, double got, double expected, double tolerance) {
    if (!differs(got, expected, tolerance)) return std::nullopt;
    return Mismatch{.quantity = std::move(quantity), .expected = number(expected), .got = number(got)};
}

std::optional<Mismatch> compare(std::string quantity, Size2 got, Size2 expected) {
    if (got == expected) return std::nullopt;
    const bool rows_differ = got.rows != expected.rows;
    return Mismatch{.quantity = std::move(quantity),
                    .index = rows_differ ? "rows" : "cols",
                    .expected = str(rows_differ ? expected.rows : expected.cols),
                    .got = str(rows_differ ? got.rows : got.cols),
                    .note = str("expected ", expected.rows, "×", expected.cols, ", got ", got.rows, "×", got.cols)};
}

std::optional<Mismatch> compare(std::string quantity, std::size_t got, std::size_t expected) {
    if (got == expected) return std::nullopt;
    return Mismatch{.quantity = std::move(quantity), .expected = str(expected), .got = str(got)};
}

std::string Mismatch::describe() const {
    std::string line = quantity + ": ";
    if (!expected_shape.empty())
        line += str("shape differs: expected ", expected_shape, ", got ", got_shape);
    else if (!index.empty())
        line += str("first difference at ", index, ": expected ", expected, ", got ", got);
    else
        line += str("expected ", expected, ", got ", got);
    if (!note.empty()) line += str(" (", note, ")");
    return line;
}

}  // namespace cnnlab::exercises
