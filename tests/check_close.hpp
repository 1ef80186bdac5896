/// \file
/// \brief The one comparison helper of the test suites: shape first, then the worst element,
/// reported with its (row, col) so a failure says where.
#pragma once

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <sstream>
#include <string>

namespace cnnlab::testing {

/// Checks that `actual` has the shape of `expected` and that every element is within
/// `tolerance * max(1, max|expected|)`; on failure reports the worst element and `context`.
template <class A, class B>
void check_close(const A& actual, const B& expected, double tolerance, const std::string& context = {}) {
    BOOST_TEST_CONTEXT(context) {
        BOOST_TEST_REQUIRE(actual.n_rows == expected.n_rows, "rows: " << actual.n_rows << " vs expected " << expected.n_rows);
        BOOST_TEST_REQUIRE(actual.n_cols == expected.n_cols, "cols: " << actual.n_cols << " vs expected " << expected.n_cols);
        if (expected.n_elem == 0) return;
        const arma::mat a = arma::conv_to<arma::mat>::from(actual), e = arma::conv_to<arma::mat>::from(expected);
        const arma::mat diff = arma::abs(a - e);
        const arma::uword worst = diff.index_max();
        const double scale = std::max(1.0, arma::abs(e).max());
        const arma::uword row = worst % diff.n_rows, col = worst / diff.n_rows;
        BOOST_TEST(diff(worst) <= tolerance * scale, "worst element (" << row << ", " << col << "): " << a(worst)
                                                                      << " vs expected " << e(worst) << ", |Δ| = " << diff(worst)
                                                                      << " > " << tolerance << " × " << scale);
    }
}

}  // namespace cnnlab::testing
