/// \file
/// \brief The one comparison helper of the test suites: shape first, then the worst element,
/// reported with its (row, col) so a failure says where.
#pragma once

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <sstream>
#include <string>

namespace cnnlab::testing {

/// Checks that `actual` has the shape of `expected`, that its non-finite elements are those of
/// `expected` (the same NaN or infinity), and that every other element is within
/// `tolerance * max(1, max|expected|)` (the maximum over the finite ones); on failure reports the
/// worst element and `context`.
template <class A, class B>
void check_close(const A& actual, const B& expected, double tolerance, const std::string& context = {}) {
    BOOST_TEST_CONTEXT(context) {
        BOOST_TEST_REQUIRE(actual.n_rows == expected.n_rows, "rows: " << actual.n_rows << " vs expected " << expected.n_rows);
        BOOST_TEST_REQUIRE(actual.n_cols == expected.n_cols, "cols: " << actual.n_cols << " vs expected " << expected.n_cols);
        if (expected.n_elem == 0) return;
        const arma::mat a = arma::conv_to<arma::mat>::from(actual), e = arma::conv_to<arma::mat>::from(expected);
        arma::mat diff = arma::abs(a - e);
        // A NaN compares false with everything, so it would never be the worst element nor fail the
        // bound: non-finite values must match one for one (NaN for NaN, the same infinity), and are
        // then left out of the differences.
        for (arma::uword i = 0; i < a.n_elem; ++i) {
            if (std::isfinite(a(i)) && std::isfinite(e(i))) continue;
            const bool alike = a(i) == e(i) || (std::isnan(a(i)) && std::isnan(e(i)));
            BOOST_TEST_REQUIRE(alike, "element (" << i % a.n_rows << ", " << i / a.n_rows << "): " << a(i)
                                                  << " vs expected " << e(i) << " (not finite alike)");
            diff(i) = 0;
        }
        const arma::uword worst = diff.index_max();
        const arma::vec finite = e.elem(arma::find_finite(e));
        const double scale = finite.is_empty() ? 1.0 : std::max(1.0, arma::abs(finite).max());
        const arma::uword row = worst % diff.n_rows, col = worst / diff.n_rows;
        BOOST_TEST(diff(worst) <= tolerance * scale, "worst element (" << row << ", " << col << "): " << a(worst)
                                                                      << " vs expected " << e(worst) << ", |Δ| = " << diff(worst)
                                                                      << " > " << tolerance << " × " << scale);
    }
}

}  // namespace cnnlab::testing
