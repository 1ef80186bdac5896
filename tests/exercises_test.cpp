// The exercise checker, tested: the solutions pass every check; each check rejects a deliberately
// wrong answer and names the first element that differs; the comparison helper reports shapes
// before elements; the frame turns not_attempted and foreign exceptions into verdicts.
// (The shipped stubs are checked end to end by the CTest entries exercises.stubs-*.)
#define BOOST_TEST_MODULE exercises
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "chapters/ch03_gradients/gradient_check.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "chapters/ch05_transposed/transposed.hpp"
#include "exercises/ch01/ch01_checks.hpp"
#include "exercises/ch02/ch02_checks.hpp"
#include "exercises/ch03/ch03_checks.hpp"
#include "exercises/ch04/ch04_checks.hpp"
#include "exercises/ch05/ch05_checks.hpp"
#include "exercises/ch06/ch06_checks.hpp"
#include "exercises/checker/compare.hpp"
#include "exercises/checker/report.hpp"
#include "reference/convolution.hpp"
#include "reference/gradients.hpp"
#include "reference/pooling.hpp"
#include "reference/transposed.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace ex = cnnlab::exercises;
namespace ch01 = cnnlab::exercises::ch01;
namespace ch02 = cnnlab::exercises::ch02;
namespace ch03 = cnnlab::exercises::ch03;
namespace ch04 = cnnlab::exercises::ch04;
namespace ch05 = cnnlab::exercises::ch05;
namespace ch06 = cnnlab::exercises::ch06;

namespace {

/// A verdict's mismatch, or a test failure when there is none.
const ex::Mismatch& mismatch_of(const ex::Verdict& v) {
    BOOST_TEST_REQUIRE((v.status == ex::Status::wrong), "expected WRONG, got " << ex::status_name(v.status) << ": " << v.detail);
    BOOST_TEST_REQUIRE(v.mismatch.has_value());
    return *v.mismatch;
}

void check_first_difference(const ex::Verdict& v, const std::string& index, const std::string& expected, const std::string& got) {
    const ex::Mismatch& m = mismatch_of(v);
    BOOST_TEST(m.index == index, m.describe());
    BOOST_TEST(m.expected == expected, m.describe());
    BOOST_TEST(m.got == got, m.describe());
}

/// A registry with chapter 1 and one exercise whose check is `check`.
ex::Registry one_exercise(std::function<ex::Verdict()> check) {
    ex::Registry r;
    r.add_chapter({1, "test chapter", "exercises/ch01/ch01_exercises.cpp"});
    r.add({"t-1", 1, "test exercise", "test", "f()", "a hint", std::move(check)});
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(solutions)

BOOST_AUTO_TEST_CASE(every_exercise_is_right_with_the_solutions) {
    const ex::Registry& registry = ex::all_exercises();
    BOOST_TEST(registry.exercises().size() == 60u);  // 11 in Chapter 1, 8 in Chapter 2, 9 in Chapter 3, 10 in Chapter 4, 9 in Chapter 5, 7 in Chapter 6, 6 in Chapter 7
    for (const ex::Result& r : ex::run_exercises(registry.select("")))
        BOOST_TEST((r.verdict.status == ex::Status::right), r.exercise->id << ": " << ex::status_name(r.verdict.status) << " — " << r.verdict.detail);
}

BOOST_AUTO_TEST_CASE(every_exercise_has_a_hint_a_function_and_a_unique_id) {
    std::set<std::string> ids;
    for (const ex::Exercise& e : ex::all_exercises().exercises()) {
        BOOST_TEST(!e.hint.empty(), e.id);
        BOOST_TEST(!e.function.empty(), e.id);
        BOOST_TEST(ids.insert(e.id).second, e.id);
    }
}

BOOST_AUTO_TEST_CASE(solutions_report_exits_zero) {
    std::ostringstream out;
    BOOST_TEST(ex::run_check(out, "", /*require_all=*/true) == 0);
    BOOST_TEST(out.str().find("60 exercises: 60 right, 0 wrong, 0 errors, 0 not attempted") != std::string::npos, out.str());
}

// The site's exercises page is exercises/README.md: its index (one table per chapter, the id in the
// first cell) must list exactly the registered exercises, each under its own chapter's heading.
BOOST_AUTO_TEST_CASE(the_readme_index_lists_exactly_the_registered_exercises) {
    std::ifstream readme(CNNLAB_SOURCE_DIR "/exercises/README.md");
    BOOST_TEST_REQUIRE(readme.good());
    std::set<std::pair<int, std::string>> listed;
    bool in_index = false;
    int chapter = 0;
    for (std::string line; std::getline(readme, line);) {
        if (line.starts_with("## ")) in_index = line == "## Index";
        if (!in_index) continue;
        if (line.starts_with("### Chapter ")) chapter = std::stoi(line.substr(12));
        if (line.starts_with("| `")) {
            const std::string id = line.substr(3, line.find('`', 3) - 3);
            BOOST_TEST(listed.insert({chapter, id}).second, "listed twice: " << id);
        }
    }
    std::set<std::pair<int, std::string>> registered;
    for (const ex::Exercise& e : ex::all_exercises().exercises()) registered.insert({e.chapter, e.id});
    for (const auto& [c, id] : registered) BOOST_TEST(listed.count({c, id}) == 1u, "Chapter " << c << "'s " << id << " is missing from the README's index");
    for (const auto& [c, id] : listed) BOOST_TEST(registered.count({c, id}) == 1u, "the README lists " << id << " under Chapter " << c << ", which registers no such exercise");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(comparison_helper)

BOOST_AUTO_TEST_CASE(shape_mismatch_reports_both_shapes) {
    const auto m = ex::compare("C", arma::mat(9, 4, arma::fill::zeros), arma::mat(4, 9, arma::fill::zeros));
    BOOST_TEST_REQUIRE(m.has_value());
    BOOST_TEST(m->expected_shape == "4×9");
    BOOST_TEST(m->got_shape == "9×4");
    BOOST_TEST(m->index.empty());
    BOOST_TEST(m->describe() == "C: shape differs: expected 4×9, got 9×4");
}

BOOST_AUTO_TEST_CASE(same_number_of_elements_is_still_a_shape_mismatch) {
    // vectorised equal, shapes not: a per-element comparison alone would miss this.
    const arma::mat expected = arma::reshape(arma::regspace(0.0, 5.0), 2, 3);
    const auto m = ex::compare("Y", arma::mat(arma::reshape(expected, 3, 2)), expected);
    BOOST_TEST_REQUIRE(m.has_value());
    BOOST_TEST(m->describe() == "Y: shape differs: expected 2×3, got 3×2");
}

BOOST_AUTO_TEST_CASE(vector_length_mismatch) {
    const auto m = ex::compare("w", arma::vec{1, -2, 1, 0}, arma::vec{1, -2, 1});
    BOOST_TEST_REQUIRE(m.has_value());
    BOOST_TEST(m->describe() == "w: shape differs: expected length 3, got length 4");
}

BOOST_AUTO_TEST_CASE(first_difference_is_row_major) {
    arma::mat got(2, 3, arma::fill::zeros);
    got(1, 0) = 5;    // first in memory (column-major) ...
    got(0, 2) = 7.5;  // ... but first when read row by row
    const auto m = ex::compare("Y", got, arma::mat(2, 3, arma::fill::zeros));
    BOOST_TEST_REQUIRE(m.has_value());
    BOOST_TEST(m->describe() == "Y: first difference at (0, 2): expected 0, got 7.5");
}

BOOST_AUTO_TEST_CASE(tolerance_and_nan) {
    BOOST_TEST(!ex::compare("y", arma::vec{1000.0 + 1e-7}, arma::vec{1000.0}).has_value());  // relative 1e-10
    BOOST_TEST(ex::compare("y", arma::vec{1.0 + 1e-6}, arma::vec{1.0}).has_value());
    const auto m = ex::compare("y", arma::vec{1, arma::datum::nan}, arma::vec{1, 2});
    BOOST_TEST_REQUIRE(m.has_value());
    BOOST_TEST(m->index == "[1]");
    BOOST_TEST(m->got == "nan");
}

BOOST_AUTO_TEST_CASE(cubes_shape_then_channel_row_column) {
    const arma::cube expected(2, 3, 4, arma::fill::zeros);
    const auto shape = ex::compare("Y", arma::cube(3, 2, 4, arma::fill::zeros), expected);
    BOOST_TEST_REQUIRE(shape.has_value());
    BOOST_TEST(shape->describe() == "Y: shape differs: expected 4×2×3, got 4×3×2");  // channels first
    arma::cube got = expected;
    got(0, 1, 3) = 1;  // later channel ...
    got(1, 2, 2) = -2;  // ... but this channel comes first
    BOOST_TEST(ex::compare("Y", got, expected)->describe() == "Y: first difference at (2, 1, 2): expected 0, got -2");
    BOOST_TEST(!ex::compare("Y", expected, expected).has_value());
}

BOOST_AUTO_TEST_CASE(numbers) {
    BOOST_TEST(!ex::compare_number("factor", 1.12890625, 34.0 * 34.0 / (32.0 * 32.0)).has_value());
    BOOST_TEST(ex::compare_number("factor", 2.0, 4.0)->describe() == "factor: expected 4, got 2");
}

BOOST_AUTO_TEST_CASE(sizes_and_counts) {
    const auto m = ex::compare("shape", ex::Size2{2, 3}, ex::Size2{2, 2});
    BOOST_TEST_REQUIRE(m.has_value());
    BOOST_TEST(m->describe() == "shape: first difference at cols: expected 2, got 3 (expected 2×2, got 2×3)");
    BOOST_TEST(!ex::compare("shape", ex::Size2{2, 2}, ex::Size2{2, 2}).has_value());
    BOOST_TEST(ex::compare("n", std::size_t{4}, std::size_t{5})->describe() == "n: expected 5, got 4");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(frame)

BOOST_AUTO_TEST_CASE(not_attempted_and_exceptions_become_verdicts) {
    const ex::Registry stub = one_exercise([]() -> ex::Verdict { throw ex::not_attempted{}; });
    BOOST_TEST((ex::run_exercise(stub.exercises()[0]).verdict.status == ex::Status::not_attempted));

    const ex::Registry throws = one_exercise([]() -> ex::Verdict { throw cnnlab::shape_error("corr2d: kernel larger than input"); });
    const ex::Result r = ex::run_exercise(throws.exercises()[0]);
    BOOST_TEST((r.verdict.status == ex::Status::error));
    BOOST_TEST(r.verdict.detail == "your code threw: corr2d: kernel larger than input");

    const ex::Registry throws_int = one_exercise([]() -> ex::Verdict { throw 42; });
    BOOST_TEST((ex::run_exercise(throws_int.exercises()[0]).verdict.status == ex::Status::error));
}

#ifndef ARMA_NO_DEBUG  // Armadillo's bounds checks are what turn the bad read into an exception
BOOST_AUTO_TEST_CASE(out_of_bounds_read_in_learner_code_is_an_error_not_a_crash) {
    // A corr2d that reads one column too far: Armadillo's bounds check throws, the frame reports it.
    const ex::Registry r = one_exercise([] {
        return ch01::check_corr2d([](const arma::mat& x, const arma::mat& k) {
            arma::mat y(x.n_rows - k.n_rows + 1, x.n_cols - k.n_cols + 1, arma::fill::zeros);
            for (std::size_t i = 0; i < y.n_rows; ++i)
                for (std::size_t j = 0; j < y.n_cols; ++j)
                    for (std::size_t u = 0; u < k.n_rows; ++u)
                        for (std::size_t v = 0; v < k.n_cols; ++v) y(i, j) += k(u, v) * x(i + u, j + v + 1);
            return y;
        });
    });
    const ex::Result result = ex::run_exercise(r.exercises()[0]);
    BOOST_TEST((result.verdict.status == ex::Status::error), result.verdict.detail);
    BOOST_TEST(result.verdict.detail.find("out of bounds") != std::string::npos, result.verdict.detail);
}

#endif

BOOST_AUTO_TEST_CASE(a_wrong_lambda_is_reported_wrong_with_its_first_difference) {
    // corr2d off by one in output (1, 0): d2l's 37 becomes 38.
    const ex::Registry r = one_exercise([] {
        return ch01::check_corr2d([](const arma::mat& x, const arma::mat& k) {
            arma::mat y = cnnlab::xcorr2d(x, k);
            y(1, 0) += 1;
            return y;
        });
    });
    const std::vector<ex::Result> results = ex::run_exercises(r.select(""));
    check_first_difference(results[0].verdict, "(1, 0)", "37", "38");
    std::ostringstream out;
    ex::print_report(out, r, results);
    BOOST_TEST(out.str().find("WRONG") != std::string::npos, out.str());
    BOOST_TEST(out.str().find("first difference at (1, 0): expected 37, got 38") != std::string::npos, out.str());
    BOOST_TEST(out.str().find("hint: a hint") != std::string::npos, out.str());
    BOOST_TEST(out.str().find("1 exercise: 0 right, 1 wrong, 0 errors") != std::string::npos, out.str());
    BOOST_TEST(ex::exit_code(ex::summarize(results)) == 1);
}

BOOST_AUTO_TEST_CASE(exit_codes) {
    BOOST_TEST(ex::exit_code({.right = 2, .not_attempted = 3}) == 0);
    BOOST_TEST(ex::exit_code({.right = 2, .not_attempted = 3}, /*require_all=*/true) == 1);
    BOOST_TEST(ex::exit_code({.right = 2, .error = 1}) == 1);
    BOOST_TEST(ex::exit_code({.right = 5}, true) == 0);
}

BOOST_AUTO_TEST_CASE(selection) {
    const ex::Registry& r = ex::all_exercises();
    BOOST_TEST(r.select("").size() == 60u);
    BOOST_TEST(r.select("1").size() == 11u);
    BOOST_TEST(r.select("2").size() == 8u);
    BOOST_TEST(r.select("3").size() == 9u);
    BOOST_TEST(r.select("4").size() == 10u);
    BOOST_TEST(r.select("5").size() == 9u);
    BOOST_TEST(r.select("6").size() == 7u);
    BOOST_TEST(r.select("5-4").size() == 2u);
    BOOST_TEST(r.select("5-8").size() == 1u);
    BOOST_TEST(r.select("impl-tconv-size").size() == 1u);
    BOOST_CHECK_THROW(r.select("impl-tconv"), cnnlab::argument_error);  // a prefix without '.' names no group
    BOOST_TEST(r.select("5-6").size() == 3u);           // 5-6.1, 5-6.2 and 5-6.3
    BOOST_TEST(r.select("d2l-max-relu").size() == 2u);  // .1 and .2
    BOOST_TEST(r.select("d2l-max-not-conv").size() == 1u);
    BOOST_TEST(r.select("5-7").size() == 2u);            // 5-7.1 and 5-7.2
    BOOST_TEST(r.select("impl-grad-check").size() == 2u);  // .1 and .2
    BOOST_TEST(r.select("impl-grad-input").size() == 1u);
    BOOST_TEST(r.select("5-3").size() == 2u);   // 5-3.1 and 5-3.2
    BOOST_TEST(r.select("d2l-multi-in").size() == 1u);  // not d2l-multi-in-out
    BOOST_TEST(r.select("5-1").size() == 2u);   // 5-1.1 and 5-1.2
    BOOST_TEST(r.select("5-1.2").size() == 1u);
    BOOST_TEST(r.select("d2l-edge").size() == 1u);  // not d2l-edge-transposed
    BOOST_CHECK_THROW(r.select("8"), cnnlab::argument_error);
    BOOST_CHECK_THROW(r.select("5-"), cnnlab::argument_error);
}

BOOST_AUTO_TEST_CASE(duplicate_ids_are_refused) {
    ex::Registry r = one_exercise([] { return ex::Verdict::right(""); });
    BOOST_CHECK_THROW(r.add({"t-1", 1, "again", "test", "f()", "h", [] { return ex::Verdict::right(""); }}), std::logic_error);
    BOOST_CHECK_THROW(r.add({"t-2", 3, "no chapter 3", "test", "f()", "h", [] { return ex::Verdict::right(""); }}), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()

// Each chapter-1 check, fed a plausible wrong answer, must say WRONG and where.
BOOST_AUTO_TEST_SUITE(chapter1_checks_reject_wrong_answers)

BOOST_AUTO_TEST_CASE(second_difference) {
    // [1, -2, 2] on t²: y_i = (i+2)² − 2(i+1)² + 2i² = i² + 2 — right at i = 0, wrong from i = 1.
    check_first_difference(ch01::check_second_difference_kernel([] { return arma::vec{1, -2, 2}; }), "[1]", "2", "3");
    check_first_difference(ch01::check_second_difference_kernel([] { return arma::vec{2, -4, 2}; }), "[0]", "2", "4");
    BOOST_TEST(mismatch_of(ch01::check_second_difference_kernel([] { return arma::vec{1, -1}; })).got_shape == "length 2");
    // A 5-tap fourth-order kernel is also a second derivative: accepted.
    const ex::Verdict five = ch01::check_second_difference_kernel([] { return arma::vec{-1.0 / 12, 16.0 / 12, -30.0 / 12, 16.0 / 12, -1.0 / 12}; });
    BOOST_TEST((five.status == ex::Status::right), five.detail);
}

BOOST_AUTO_TEST_CASE(laplacian) {
    // Note 003's L0 is −∇²: −4 instead of 4, and the verdict says so.
    const ex::Verdict l0 = ch01::check_laplacian_kernel([] { return arma::mat{{0, -1, 0}, {-1, 4, -1}, {0, -1, 0}}; });
    check_first_difference(l0, "(0, 0)", "4", "-4");
    BOOST_TEST(mismatch_of(l0).note.find("L0") != std::string::npos, l0.detail);
    // 2·∂²/∂x² gives 4 on x² + y² too; the cubic (∇² = 8x + 6y, here at x = y = −2) catches it.
    check_first_difference(ch01::check_laplacian_kernel([] { return arma::mat{{0, 0, 0}, {2, -4, 2}, {0, 0, 0}}; }), "(0, 0)", "-28", "0");
    BOOST_TEST(mismatch_of(ch01::check_laplacian_kernel([] { return arma::mat{{1, -2, 1}}; })).got_shape == "1×3");
    // The isotropic 9-point stencil is another right answer.
    const ex::Verdict nine = ch01::check_laplacian_kernel([]() -> arma::mat { return arma::mat{{1, 4, 1}, {4, -20, 4}, {1, 4, 1}} / 6.0; });
    BOOST_TEST((nine.status == ex::Status::right), nine.detail);
}

BOOST_AUTO_TEST_CASE(wide_xcorr) {
    // Valid instead of full: the shape is wrong.
    const ex::Verdict valid = ch01::check_wide_xcorr([](const arma::mat& w, const arma::mat& x) { return cnnlab::xcorr2d(x, w); });
    BOOST_TEST(mismatch_of(valid).expected_shape == "5×7");
    BOOST_TEST(mismatch_of(valid).got_shape == "3×3");
    // Full convolution instead of full cross-correlation: right shape, wrong values.
    const ex::Verdict flipped = ch01::check_wide_xcorr(
        [](const arma::mat& w, const arma::mat& x) { return cnnlab::conv2d(x, w, {.padding = cnnlab::Mode::full}); });
    BOOST_TEST(!mismatch_of(flipped).index.empty(), flipped.detail);
}

BOOST_AUTO_TEST_CASE(conv_matrix) {
    // Column-major vec instead of row-major: the same zero pattern, but column 1 of C holds w(1, 0) = 3
    // where nndl's holds w(0, 1) = 2, so the unit input at (0, 1) gives y(0, 0) = 3 instead of 2.
    const ex::Verdict column_major = ch01::check_conv_matrix_3x3([](const arma::mat& w) {
        arma::mat c(4, 9, arma::fill::zeros);
        for (std::size_t i = 0; i < 2; ++i)
            for (std::size_t j = 0; j < 2; ++j)
                for (std::size_t u = 0; u < 2; ++u)
                    for (std::size_t v = 0; v < 2; ++v) c(i + 2 * j, (i + u) + 3 * (j + v)) = w(u, v);
        return c;
    });
    check_first_difference(column_major, "[0]", "2", "3");
    BOOST_TEST(mismatch_of(column_major).quantity.find("column 1 of C") != std::string::npos, column_major.detail);
    // Transposed (9×4).
    BOOST_TEST(mismatch_of(ch01::check_conv_matrix_3x3([](const arma::mat& w) {
                   return arma::mat(cnnlab::ref::conv_matrix2d(w, 3, 3).t());
               })).got_shape == "9×4");
    // One misplaced tap: the zero pattern names the cell.
    check_first_difference(ch01::check_conv_matrix_3x3([](const arma::mat& w) {
                               arma::mat c = cnnlab::ref::conv_matrix2d(w, 3, 3);
                               c(3, 8) = 0;
                               c(3, 6) = w(1, 1);
                               return c;
                           }),
                           "(3, 6)", "0", "1");
}

BOOST_AUTO_TEST_CASE(corr2d_that_convolves) {
    const ex::Verdict v = ch01::check_corr2d([](const arma::mat& x, const arma::mat& k) { return cnnlab::conv2d(x, k); });
    check_first_difference(v, "(0, 0)", "19", "5");
    BOOST_TEST(mismatch_of(v).note.find("convolution") != std::string::npos, v.detail);
}

BOOST_AUTO_TEST_CASE(edges) {
    // The check's hand-written output agrees with cnnlab on d2l's image.
    arma::mat image(6, 8, arma::fill::ones);
    image.cols(2, 5).zeros();
    const arma::mat k{{1, -1}};
    BOOST_TEST((ch01::check_edge_output([&] { return cnnlab::xcorr2d(image, k); }).status == ex::Status::right));
    const ex::Verdict library = ch01::check_transposed_edge_outputs([&] {
        return ch01::TransposedEdges{cnnlab::xcorr2d(arma::mat(image.t()), k), cnnlab::xcorr2d(image, arma::mat(k.t())),
                                     cnnlab::xcorr2d(arma::mat(image.t()), arma::mat(k.t()))};
    });
    BOOST_TEST((library.status == ex::Status::right), library.detail);
    check_first_difference(ch01::check_edge_output([] { return arma::mat(-ch01::edge_output()); }), "(0, 1)", "1", "-1");
    const ex::Verdict swapped = ch01::check_transposed_edge_outputs([] {
        ch01::TransposedEdges e = ch01::transposed_edge_outputs();
        std::swap(e.image_transposed, e.kernel_transposed);
        return e;
    });
    BOOST_TEST(mismatch_of(swapped).describe() == "corr2d(Xᵀ, K): shape differs: expected 8×5, got 5×8");
}

BOOST_AUTO_TEST_CASE(shapes) {
    // d2l's total-padding formula fed per-side padding: right on d2l's example, wrong on the grid.
    const ex::Verdict total = ch01::check_output_shape([](ex::Size2 n, ex::Size2 k, ex::Size2 p, ex::Size2 s) {
        return ex::Size2{(n.rows + p.rows - k.rows + s.rows) / s.rows, (n.cols + p.cols - k.cols + s.cols) / s.cols};
    });
    BOOST_TEST((total.status == ex::Status::wrong), total.detail);
    BOOST_TEST(total.detail.find("d2l's example") == std::string::npos, total.detail);
    check_first_difference(ch01::check_strided_example_shape([] { return ex::Size2{3, 2}; }), "rows", "2", "3");
}

BOOST_AUTO_TEST_CASE(im2col_row_major_taps) {
    // Taps in row u·V + v (row-major) instead of u + U·v: the literal's (1, 0) is 1 instead of 3.
    const ex::Verdict v = ch01::check_im2col([](const arma::mat& x, ex::Size2 k, ex::Size2 s) {
        arma::mat c = ch01::im2col(x, k, s);
        arma::mat swapped(c.n_rows, c.n_cols);
        for (std::size_t u = 0; u < k.rows; ++u)
            for (std::size_t w = 0; w < k.cols; ++w) swapped.row(u * k.cols + w) = c.row(u + k.rows * w);
        return swapped;
    });
    check_first_difference(v, "(1, 0)", "3", "1");
}

BOOST_AUTO_TEST_CASE(output_size_without_dilation) {
    const ex::Verdict v = ch01::check_output_size(
        [](std::size_t n, std::size_t k, std::size_t p, std::size_t s, std::size_t) { return (n + 2 * p - k) / s + 1; });
    const ex::Mismatch& m = mismatch_of(v);
    BOOST_TEST(m.quantity.find("d=2") != std::string::npos, m.describe());
    BOOST_TEST(m.expected == "3");
    BOOST_TEST(m.got == "5");
}

BOOST_AUTO_TEST_SUITE_END()

// Each chapter-2 check, fed a plausible wrong answer, must say WRONG and where.
BOOST_AUTO_TEST_SUITE(chapter2_checks_reject_wrong_answers)

BOOST_AUTO_TEST_CASE(conv1x1_folded_back_in_the_wrong_order) {
    // Pixels flattened row by row (j + w·i) but folded back column by column: channel 0's
    // [[6,8],[10,12]] comes out transposed.
    const ex::Verdict v = ch02::check_conv1x1_matmul([](const arma::cube& x, const arma::mat& w) {
        arma::mat rows(x.n_slices, x.n_rows * x.n_cols);
        for (std::size_t c = 0; c < x.n_slices; ++c) rows.row(c) = arma::vectorise(x.slice(c), 1);  // row-major
        const arma::mat product = w * rows;
        arma::cube y(x.n_rows, x.n_cols, w.n_rows);
        for (std::size_t o = 0; o < w.n_rows; ++o) y.slice(o) = arma::reshape(product.row(o), x.n_rows, x.n_cols);
        return y;
    });
    check_first_difference(v, "(0, 0, 1)", "8", "10");
}

BOOST_AUTO_TEST_CASE(bottleneck_with_a_bias_per_channel_pair) {
    // Note 003's way of counting biases in ex 5-4, (k² + 1)·a·b: 26·192·32 = 159744 for the direct 5×5.
    const auto note_style = [](std::size_t a, std::size_t b, std::size_t k, std::size_t plane) {
        return ch02::LayerCost{b * plane * a * k * k, (k * k + 1) * a * b, (a + b) * plane};
    };
    const ex::Verdict v = ch02::check_bottleneck_cost([&](std::size_t in, std::size_t m, std::size_t out, std::size_t k, std::size_t h, std::size_t w) {
        const ch02::LayerCost reduce = note_style(in, m, 1, h * w), spatial = note_style(m, out, k, h * w);
        return ch02::BottleneckCost{note_style(in, out, k, h * w),
                                    {reduce.multiply_adds + spatial.multiply_adds, reduce.parameters + spatial.parameters, (in + m + out) * h * w}};
    });
    const ex::Mismatch& m = mismatch_of(v);
    BOOST_TEST(m.quantity.find(".direct.parameters") != std::string::npos, m.describe());
    BOOST_TEST(m.expected == "153632");
    BOOST_TEST(m.got == "159744");
    // Forgetting the map between the two layers: only the bottleneck's activations are off, by 16·784.
    const ex::Verdict no_middle = ch02::check_bottleneck_cost([](std::size_t in, std::size_t m, std::size_t out, std::size_t k, std::size_t h, std::size_t w) {
        ch02::BottleneckCost cost = ch02::bottleneck_cost(in, m, out, k, h, w);
        cost.bottleneck.activations -= m * h * w;
        return cost;
    });
    BOOST_TEST(mismatch_of(no_middle).describe().find(".bottleneck.activations, GoogLeNet Inception (3a): expected 188160, got 175616") != std::string::npos,
               no_middle.detail);
}

BOOST_AUTO_TEST_CASE(multi_in_that_convolves) {
    // Σ conv2d at (0, 0): (0·4 + 1·3 + 2·1 + 3·0) + (1·5 + 2·4 + 3·2 + 4·1) = 5 + 23.
    const ex::Verdict v = ch02::check_corr2d_multi_in([](const arma::cube& x, const arma::cube& k) {
        arma::mat y = cnnlab::conv2d(arma::mat(x.slice(0)), arma::mat(k.slice(0)));
        for (std::size_t c = 1; c < x.n_slices; ++c) y += cnnlab::conv2d(arma::mat(x.slice(c)), arma::mat(k.slice(c)));
        return y;
    });
    check_first_difference(v, "(0, 0)", "56", "28");
    BOOST_TEST(mismatch_of(v).note.find("convolutions") != std::string::npos, v.detail);
}

BOOST_AUTO_TEST_CASE(multi_in_out_reading_one_input_channel) {
    // Only channel 0 of X and of each kernel: d2l's 56 becomes corr2d's 19.
    const ex::Verdict v = ch02::check_corr2d_multi_in_out([](const arma::cube& x, const ch02::LayerWeights& k) {
        arma::cube y(x.n_rows - k[0].n_rows + 1, x.n_cols - k[0].n_cols + 1, k.size());
        for (std::size_t o = 0; o < k.size(); ++o) y.slice(o) = cnnlab::xcorr2d(arma::mat(x.slice(0)), arma::mat(k[o].slice(0)));
        return y;
    });
    check_first_difference(v, "(0, 0, 0)", "56", "19");
    // Output channels in reverse order: the first channel already differs.
    const ex::Verdict reversed = ch02::check_corr2d_multi_in_out([](const arma::cube& x, const ch02::LayerWeights& k) {
        const arma::cube y = ch02::corr2d_multi_in_out(x, k);
        arma::cube r(arma::size(y));
        for (std::size_t o = 0; o < y.n_slices; ++o) r.slice(o) = y.slice(y.n_slices - 1 - o);
        return r;
    });
    check_first_difference(reversed, "(0, 0, 0)", "56", "96");
}

BOOST_AUTO_TEST_CASE(equivalent_kernel_by_cross_correlation) {
    // The full cross-correlation of the kernels has the right size but not the right values, and
    // the verdict names the slip. On the literal: xcorr2d(K2, K1, full)(0, 0) = K1(1,1)·K2(0,0) = 3.
    const ex::Verdict v = ch02::check_equivalent_kernel([](const arma::mat& k1, const arma::mat& k2) {
        return cnnlab::xcorr2d(k2, k1, {.padding = cnnlab::Mode::full});
    });
    check_first_difference(v, "(0, 0)", "0", "3");
    BOOST_TEST(mismatch_of(v).note.find("cross-correlation") != std::string::npos, v.detail);
    // k1 + k2 instead of k1 + k2 − 1.
    BOOST_TEST(mismatch_of(ch02::check_equivalent_kernel([](const arma::mat& k1, const arma::mat& k2) {
                   return arma::mat(k1.n_rows + k2.n_rows, k1.n_cols + k2.n_cols, arma::fill::zeros);
               })).got_shape == "4×4");
    // Armadillo's own full convolution is another right answer.
    const ex::Verdict conv2 = ch02::check_equivalent_kernel([](const arma::mat& k1, const arma::mat& k2) { return arma::mat(arma::conv2(k1, k2)); });
    BOOST_TEST((conv2.status == ex::Status::right), conv2.detail);
}

BOOST_AUTO_TEST_CASE(layer_cost_without_padding) {
    // Padding ignored: AlexNet (padding 0) passes, note 001's example (padding 1×2) gives a 1×1 output.
    const ex::Verdict v = ch02::check_layer_cost([](std::size_t in, std::size_t out, ex::Size2 k, ex::Size2 n, ex::Size2 s, ex::Size2 p) {
        return ch02::layer_cost(in, out, k, n, s, {0 * p.rows, 0 * p.cols});
    });
    const ex::Mismatch& m = mismatch_of(v);
    BOOST_TEST(m.quantity.find("note 001") != std::string::npos, m.describe());
    BOOST_TEST(m.expected == "1350");
    BOOST_TEST(m.got == "90");
}

BOOST_AUTO_TEST_CASE(doubling) {
    const ex::Verdict twice = ch02::check_doubling_factors([] {
        ch02::ScalingFactors f = ch02::doubling_factors();
        f.multiply_adds = 2;
        return f;
    });
    BOOST_TEST(mismatch_of(twice).expected == "4");
    BOOST_TEST(mismatch_of(twice).got == "2");
    const ex::Verdict unchanged = ch02::check_doubling_factors([] {
        ch02::ScalingFactors f = ch02::doubling_factors();
        f.padding_doubled_multiply_adds = 1;
        return f;
    });
    BOOST_TEST(mismatch_of(unchanged).expected == "1.12890625");
    BOOST_TEST(mismatch_of(unchanged).note.find("34×34") != std::string::npos, unchanged.detail);
}

BOOST_AUTO_TEST_CASE(im2col_layer_with_the_channel_innermost) {
    // Tap (c, u, v) in row c + C·(u + U·v): row 1 holds channel 1's first tap, X₁(0, 0) = 1, where
    // the layout puts channel 0's tap (1, 0), X₀(1, 0) = 3.
    const ex::Verdict v = ch02::check_im2col_layer([](const arma::cube& x, ex::Size2 k, ex::Size2 s, ex::Size2 p) {
        const arma::mat c = ch02::im2col_layer(x, k, s, p);
        const std::size_t taps = k.rows * k.cols;
        arma::mat swapped(c.n_rows, c.n_cols);
        for (std::size_t ch = 0; ch < x.n_slices; ++ch)
            for (std::size_t t = 0; t < taps; ++t) swapped.row(ch + x.n_slices * t) = c.row(t + taps * ch);
        return swapped;
    });
    check_first_difference(v, "(1, 0)", "3", "1");
    // Padding ignored: the literal (padding 0) passes, the first padded case has the wrong shape.
    const ex::Verdict unpadded = ch02::check_im2col_layer(
        [](const arma::cube& x, ex::Size2 k, ex::Size2 s, ex::Size2) { return ch02::im2col_layer(x, k, s, {0, 0}); });
    BOOST_TEST(!mismatch_of(unpadded).expected_shape.empty(), unpadded.detail);
}

BOOST_AUTO_TEST_SUITE_END()

// Each chapter-3 check, fed a plausible wrong answer, must say WRONG, where, and name the slip.
BOOST_AUTO_TEST_SUITE(chapter3_checks_reject_wrong_answers)

namespace {

bool note_has(const ex::Verdict& v, const std::string& words) { return mismatch_of(v).note.find(words) != std::string::npos; }

/// σ'(z) written as e^{−z}/(1 + e^{−z})²: right for moderate z, NaN at z = −800.
double overflowing_sigmoid_derivative(double z) {
    const double e = std::exp(-z);
    return e / ((1 + e) * (1 + e));
}

}  // namespace

BOOST_AUTO_TEST_CASE(convolution_matrix_of_the_convolution_or_transposed) {
    // The kernel reversed in each row: nndl's C starts 1, 2, 3; this one 3, 2, 1.
    const ex::Verdict reversed = ch03::check_convolution_matrix([](const arma::vec& w, std::size_t n) {
        return arma::mat(ch03::convolution_matrix(arma::vec(arma::reverse(w)), n));
    });
    check_first_difference(reversed, "(0, 0)", "1", "3");
    BOOST_TEST(note_has(reversed, "convolution w ∗ x"), reversed.detail);
    const ex::Verdict transposed = ch03::check_convolution_matrix(
        [](const arma::vec& w, std::size_t n) { return arma::mat(ch03::convolution_matrix(w, n).t()); });
    BOOST_TEST(mismatch_of(transposed).got_shape == "5×3");
    BOOST_TEST(note_has(transposed, "Cᵀ"), transposed.detail);
    // cnnlab's own sparse C (ex 5-5's library function in 1-D) is a right answer.
    const ex::Verdict library = ch03::check_convolution_matrix(
        [](const arma::vec& w, std::size_t n) { return arma::mat(cnnlab::conv_matrix1d(w, n)); });
    BOOST_TEST((library.status == ex::Status::right), library.detail);
}

BOOST_AUTO_TEST_CASE(backward_by_transpose_unrotated_or_transposed) {
    // W ⊗̃ δ for δ = e(0, 0): x(0, 0) gets w(1, 1) = 4 instead of w(0, 0) = 1.
    const ex::Verdict unrotated = ch03::check_backward_by_transpose(
        [](const arma::mat& w, const arma::mat& d) { return cnnlab::xcorr2d(d, w, {.padding = cnnlab::Mode::full}); });
    check_first_difference(unrotated, "(0, 0)", "1", "4");
    BOOST_TEST(note_has(unrotated, "unrotated"), unrotated.detail);
    // Folded back column by column: the 3×3 answer comes out transposed.
    const ex::Verdict swapped = ch03::check_backward_by_transpose(
        [](const arma::mat& w, const arma::mat& d) { return arma::mat(ch03::backward_by_transpose(w, d).t()); });
    check_first_difference(swapped, "(0, 1)", "2", "3");
    BOOST_TEST(note_has(swapped, "row by row"), swapped.detail);
    // A gradient that is right on unit δ but scaled on random ones fails the adjoint identity first.
    const ex::Verdict scaled = ch03::check_backward_by_transpose([](const arma::mat& w, const arma::mat& d) {
        const arma::mat g = ch03::backward_by_transpose(w, d);
        return arma::accu(arma::abs(d)) == 1 ? g : arma::mat(2 * g);
    });
    BOOST_TEST(mismatch_of(scaled).quantity.find("⟨W ⊗ X, δ⟩") != std::string::npos, scaled.detail);
}

BOOST_AUTO_TEST_CASE(input_gradient_common_mistakes) {
    // Forgot rot180: on the unit δ at (1, 2), x(1, 2) gets w(1, 1) = 4 instead of w(0, 0) = 1.
    const ex::Verdict unrotated = ch03::check_input_gradient(
        [](const arma::mat& w, const arma::mat& d) { return cnnlab::xcorr2d(d, w, {.padding = cnnlab::Mode::full}); });
    check_first_difference(unrotated, "(1, 2)", "1", "4");
    BOOST_TEST(note_has(unrotated, "unrotated"), unrotated.detail);
    // Valid instead of full: 2×3 instead of the 4×5 input.
    const ex::Verdict valid = ch03::check_input_gradient(
        [](const arma::mat& w, const arma::mat& d) { return cnnlab::xcorr2d(d, cnnlab::rot180(w)); });
    BOOST_TEST(mismatch_of(valid).expected_shape == "4×5");
    BOOST_TEST(mismatch_of(valid).got_shape == "2×3");
    BOOST_TEST(note_has(valid, "valid (narrow)"), valid.detail);
    // Same instead of full: δ's size.
    const ex::Verdict same = ch03::check_input_gradient(
        [](const arma::mat& w, const arma::mat& d) { return cnnlab::xcorr2d(d, cnnlab::rot180(w), {.padding = cnnlab::Mode::same}); });
    BOOST_TEST(mismatch_of(same).got_shape == "3×4");
    BOOST_TEST(note_has(same, "same padding"), same.detail);
    // Right answers of other forms: the full convolution W ∗̃ δ, and cnnlab's conv2d_backward_input of rot180(W).
    const ex::Verdict convolved = ch03::check_input_gradient(
        [](const arma::mat& w, const arma::mat& d) { return cnnlab::conv2d(d, w, {.padding = cnnlab::Mode::full}); });
    BOOST_TEST((convolved.status == ex::Status::right), convolved.detail);
}

BOOST_AUTO_TEST_CASE(weight_gradient_common_mistakes) {
    // rot180(δ ⊗ X): [[7,6],[4,3]] instead of [[3,4],[6,7]].
    const ex::Verdict rotated = ch03::check_weight_gradient(
        [](const arma::mat& x, const arma::mat& d) { return cnnlab::rot180(cnnlab::xcorr2d(x, d)); });
    check_first_difference(rotated, "(0, 0)", "3", "7");
    BOOST_TEST(note_has(rotated, "rot180(δ ⊗ X)"), rotated.detail);
    // rot180(δ) ⊗ X: the window at (0, 1), [[1,2],[4,5]].
    const ex::Verdict convolved = ch03::check_weight_gradient([](const arma::mat& x, const arma::mat& d) { return cnnlab::conv2d(x, d); });
    check_first_difference(convolved, "(0, 0)", "3", "1");
    BOOST_TEST(note_has(convolved, "rot180(δ)"), convolved.detail);
    // X sliding over δ (full): 4×4 instead of 2×2.
    const ex::Verdict swapped = ch03::check_weight_gradient(
        [](const arma::mat& x, const arma::mat& d) { return cnnlab::xcorr2d(d, x, {.padding = cnnlab::Mode::full}); });
    BOOST_TEST(mismatch_of(swapped).got_shape == "4×4");
    BOOST_TEST(note_has(swapped, "X sliding over δ"), swapped.detail);
    // cnnlab's optimized backward is a right answer.
    const ex::Verdict library = ch03::check_weight_gradient([](const arma::mat& x, const arma::mat& d) {
        return cnnlab::xcorr2d_backward_weight(x, d, x.n_rows - d.n_rows + 1, x.n_cols - d.n_cols + 1);
    });
    BOOST_TEST((library.status == ex::Status::right), library.detail);
}

BOOST_AUTO_TEST_CASE(central_differences_one_sided_or_halved) {
    // (f(x + h) − f(x))/h with h = 1e-5: off by h·sin(x)/2 ≈ 1.5e-6 at x = 0.3.
    const ex::Verdict forward = ch03::check_central_difference_gradient([](const ch03::ScalarFunction& f, const arma::vec& x) {
        arma::vec g(x.n_elem), p = x;
        const double h = 1e-5, f0 = f(x);
        for (arma::uword i = 0; i < x.n_elem; ++i) {
            p(i) = x(i) + h;
            g(i) = (f(p) - f0) / h;
            p(i) = x(i);
        }
        return g;
    });
    BOOST_TEST(mismatch_of(forward).quantity.find("Σ sin") != std::string::npos, forward.detail);
    BOOST_TEST(note_has(forward, "one-sided"), forward.detail);
    // Divided by h instead of 2h.
    const ex::Verdict doubled = ch03::check_central_difference_gradient(
        [](const ch03::ScalarFunction& f, const arma::vec& x) { return arma::vec(2 * ch03::central_difference_gradient(f, x)); });
    BOOST_TEST(note_has(doubled, "factor 2"), doubled.detail);
    // Calling f with a wrong vector is an error with a message, not a crash.
    const ex::Registry r = one_exercise([] {
        return ch03::check_central_difference_gradient([](const ch03::ScalarFunction& f, const arma::vec& x) {
            f(arma::vec(x.n_elem + 1, arma::fill::zeros));
            return x;
        });
    });
    const ex::Result result = ex::run_exercise(r.exercises()[0]);
    BOOST_TEST((result.verdict.status == ex::Status::error), result.verdict.detail);
    BOOST_TEST(result.verdict.detail.find("f was called with a vector of 8 elements") != std::string::npos, result.verdict.detail);
}

BOOST_AUTO_TEST_CASE(gradient_checkers_that_are_fooled) {
    const auto numeric = [](const ch03::ScalarFunction& f, const arma::vec& x) { return ch03::central_difference_gradient(f, x); };
    // An absolute tolerance accepts a 100 % wrong gradient of a tiny function.
    const ex::Verdict absolute = ch03::check_gradient_agrees([&](const ch03::ScalarFunction& f, const arma::vec& x, const arma::vec& a) {
        return arma::abs(a - numeric(f, x)).max() <= 1e-6;
    });
    const ex::Mismatch& m = mismatch_of(absolute);
    BOOST_TEST(m.quantity.find("10⁻⁹ (cos x + 1)") != std::string::npos, m.describe());
    BOOST_TEST(m.expected == "false");
    BOOST_TEST(m.got == "true");
    // A relative error taken element by element (guarded against 0/0) rejects the right gradient at π/2.
    const ex::Verdict per_element = ch03::check_gradient_agrees([&](const ch03::ScalarFunction& f, const arma::vec& x, const arma::vec& a) {
        const arma::vec b = numeric(f, x);
        for (arma::uword i = 0; i < a.n_elem; ++i)
            if (std::abs(a(i) - b(i)) > 1e-6 * std::max({std::abs(a(i)), std::abs(b(i)), std::numeric_limits<double>::min()})) return false;
        return true;
    });
    BOOST_TEST(mismatch_of(per_element).quantity.find("π/2") != std::string::npos, per_element.detail);
    BOOST_TEST(note_has(per_element, "element by element"), per_element.detail);
    // Always true: the sign flip is the first case it gets wrong.
    const ex::Verdict yes = ch03::check_gradient_agrees([](const ch03::ScalarFunction&, const arma::vec&, const arma::vec&) { return true; });
    BOOST_TEST(note_has(yes, "sign flip"), yes.detail);
    // cnnlab's own checker, with the same threshold, is a right answer.
    const ex::Verdict library = ch03::check_gradient_agrees([](const ch03::ScalarFunction& f, const arma::vec& x, const arma::vec& a) {
        arma::vec point = x;
        const auto g = cnnlab::check_gradient([&] { return f(point); }, std::span<double>(point.memptr(), point.n_elem),
                                              std::span<const double>(a.memptr(), a.n_elem));
        return g.passed(1e-6);
    });
    BOOST_TEST((library.status == ex::Status::right), library.detail);
}

BOOST_AUTO_TEST_CASE(autograd_choices) {
    // The answer the brief's premise suggests for PyTorch — an in-place error on a leaf — is wrong there.
    const ex::Verdict leaf = ch03::check_autograd_outcome_pytorch([] { return ch03::AutogradOutcome::leaf_inplace; });
    BOOST_TEST(mismatch_of(leaf).expected == ch03::choice_text(ch03::AutogradOutcome::no_error));
    BOOST_TEST(mismatch_of(leaf).got == ch03::choice_text(ch03::AutogradOutcome::leaf_inplace));
    BOOST_TEST(note_has(leaf, "requires_grad=True"), leaf.detail);
    const ex::Verdict mxnet = ch03::check_autograd_outcome_mxnet([] { return ch03::AutogradOutcome::no_error; });
    BOOST_TEST(mismatch_of(mxnet).expected.find("(b) Inplace operations") == 0u, mxnet.detail);
    // A value outside the enum is reported, not a crash.
    const ex::Verdict bogus = ch03::check_autograd_outcome_mxnet([] { return static_cast<ch03::AutogradOutcome>(42); });
    BOOST_TEST(mismatch_of(bogus).got.find("not one of the choices") != std::string::npos, bogus.detail);
}

BOOST_AUTO_TEST_CASE(activation_delta_common_mistakes) {
    // Every activation right but one: the reference's derivative elsewhere.
    const auto except = [](cnnlab::Activation wrong, std::function<double(double)> derivative) {
        return [wrong, derivative](const arma::mat& z, const arma::mat& da, cnnlab::Activation a, double slope) {
            arma::mat d(arma::size(z));
            for (arma::uword k = 0; k < z.n_elem; ++k)
                d(k) = (a == wrong ? derivative(z(k)) : cnnlab::ref::activation_derivative(z(k), a, slope)) * da(k);
            return d;
        };
    };
    // ReLU'(0) = 1: z = 0 first appears at (1, 0) of the grid.
    const ex::Verdict kink = ch03::check_activation_delta(except(cnnlab::Activation::relu, [](double z) { return z >= 0 ? 1.0 : 0.0; }));
    BOOST_TEST(mismatch_of(kink).index == "(1, 0)");
    BOOST_TEST(mismatch_of(kink).expected == "0");
    BOOST_TEST(note_has(kink, "z = 0"), kink.detail);
    // σ' evaluated as if z were the output: z(1 − z).
    const ex::Verdict at_output = ch03::check_activation_delta(except(cnnlab::Activation::sigmoid, [](double z) { return z * (1 - z); }));
    BOOST_TEST(note_has(at_output, "the output a = σ(z)"), at_output.detail);
    // tanh' as 1 − z².
    const ex::Verdict tanh_output = ch03::check_activation_delta(except(cnnlab::Activation::tanh, [](double z) { return 1 - z * z; }));
    BOOST_TEST(note_has(tanh_output, "a = tanh z"), tanh_output.detail);
    // e^{−z}/(1 + e^{−z})² overflows at z = −800 (the grid's (0, 0)).
    const ex::Verdict overflow = ch03::check_activation_delta(except(cnnlab::Activation::sigmoid, overflowing_sigmoid_derivative));
    BOOST_TEST(mismatch_of(overflow).index == "(0, 0)");
    BOOST_TEST(mismatch_of(overflow).got.find("nan") != std::string::npos, overflow.detail);  // "nan" or "-nan"
    BOOST_TEST(note_has(overflow, "overflows"), overflow.detail);
    // f'(Z) without ⊙ dA: already wrong for the identity.
    const ex::Verdict no_upstream = ch03::check_activation_delta([](const arma::mat& z, const arma::mat&, cnnlab::Activation a, double slope) {
        arma::mat d(arma::size(z));
        for (arma::uword k = 0; k < z.n_elem; ++k) d(k) = cnnlab::ref::activation_derivative(z(k), a, slope);
        return d;
    });
    BOOST_TEST(mismatch_of(no_upstream).quantity.find("identity") != std::string::npos, no_upstream.detail);
    BOOST_TEST(note_has(no_upstream, "f'(Z) alone"), no_upstream.detail);
    // The reference's derivative is a right answer.
    const ex::Verdict reference = ch03::check_activation_delta(except(cnnlab::Activation::identity, [](double) { return 1.0; }));
    BOOST_TEST((reference.status == ex::Status::right), reference.detail);
}

BOOST_AUTO_TEST_SUITE_END()

// Each chapter-4 check, fed a plausible wrong answer, must say WRONG, where, and name the slip.
BOOST_AUTO_TEST_SUITE(chapter4_checks_reject_wrong_answers)

namespace {

using ch04::Real;

bool note_has(const ex::Verdict& v, const std::string& words) { return mismatch_of(v).note.find(words) != std::string::npos; }

bool is_right(const ex::Verdict& v) { return v.status == ex::Status::right; }

/// A plane as a 1×1×H×W tensor, and the options of a pooling on it.
cnnlab::Tensor4<double> plane_tensor(const arma::mat& x) {
    cnnlab::Tensor4<double> t({1, 1, x.n_rows, x.n_cols});
    t.plane(0, 0) = x;
    return t;
}

cnnlab::Pool2dOptions pool(ex::Size2 kernel, ex::Size2 stride, ex::Size2 padding = {0, 0}, bool count_include_pad = true) {
    return {.kernel = {kernel.rows, kernel.cols},
            .stride = cnnlab::Step2{stride.rows, stride.cols},
            .padding = {padding.rows, padding.cols},
            .count_include_pad = count_include_pad};
}

/// Routes δ with Armadillo's index_max, which scans column by column: right without ties.
arma::mat column_major_backward(const arma::mat& x, const arma::mat& dy, ex::Size2 k, ex::Size2 s) {
    arma::mat dx(arma::size(x), arma::fill::zeros);
    for (arma::uword i = 0; i < dy.n_rows; ++i)
        for (arma::uword j = 0; j < dy.n_cols; ++j) {
            const arma::mat w = x.submat(i * s.rows, j * s.cols, i * s.rows + k.rows - 1, j * s.cols + k.cols - 1);
            const arma::uword m = w.index_max();
            dx(i * s.rows + m % k.rows, j * s.cols + m / k.rows) += dy(i, j);
        }
    return dx;
}

}  // namespace

BOOST_AUTO_TEST_CASE(max_gradient_common_mistakes) {
    // The mean's gradient: 1/4 everywhere instead of the one-hot at (0, 1), first seen at (0, 0).
    const ex::Verdict mean = ch04::check_max_gradient([](const arma::mat& w) { return arma::mat(arma::size(w), arma::fill::value(1.0 / double(w.n_elem))); });
    check_first_difference(mean, "(0, 0)", "0", "0.25");
    BOOST_TEST(note_has(mean, "gradient of the mean"), mean.detail);
    // The maximum's value instead of 1.
    const ex::Verdict value = ch04::check_max_gradient([](const arma::mat& w) { return arma::mat(ch04::max_gradient(w) * w.max()); });
    check_first_difference(value, "(0, 1)", "1", "5");
    BOOST_TEST(note_has(value, "maximum's value"), value.detail);
    // A 1 at every maximum: right without ties, sums to 2 at [[3,7],[7,1]].
    const ex::Verdict every = ch04::check_max_gradient([](const arma::mat& w) { return arma::conv_to<arma::mat>::from(w == w.max()); });
    BOOST_TEST(mismatch_of(every).quantity.find("[[3,7],[7,1]]") != std::string::npos, every.detail);
    BOOST_TEST(mismatch_of(every).expected == "1");
    BOOST_TEST(mismatch_of(every).got == "2");
    BOOST_TEST(note_has(every, "tied maxima"), every.detail);
    // Splitting the 1 over the tied maxima is a subgradient too: accepted.
    const ex::Verdict split = ch04::check_max_gradient([](const arma::mat& w) {
        const arma::mat mask = arma::conv_to<arma::mat>::from(w == w.max());
        return arma::mat(mask / arma::accu(mask));
    });
    BOOST_TEST(is_right(split), split.detail);
}

BOOST_AUTO_TEST_CASE(argmax_choices) {
    const ex::Verdict undefined = ch04::check_argmax_gradient_unique([] { return ch04::ArgmaxGradient::undefined; });
    BOOST_TEST(mismatch_of(undefined).expected == ch04::choice_text(ch04::ArgmaxGradient::zero));
    BOOST_TEST(note_has(undefined, "constant"), undefined.detail);
    const ex::Verdict one_hot = ch04::check_argmax_gradient_unique([] { return ch04::ArgmaxGradient::one_hot; });
    BOOST_TEST(note_has(one_hot, "gradient of max"), one_hot.detail);
    const ex::Verdict zero_at_tie = ch04::check_argmax_gradient_at_tie([] { return ch04::ArgmaxGradient::zero; });
    BOOST_TEST(mismatch_of(zero_at_tie).expected == ch04::choice_text(ch04::ArgmaxGradient::undefined));
    BOOST_TEST(note_has(zero_at_tie, "1/(2h)"), zero_at_tie.detail);
    // The right answer reports the measured quotients.
    const ex::Verdict right = ch04::check_argmax_gradient_at_tie([] { return ch04::ArgmaxGradient::undefined; });
    BOOST_TEST(right.detail.find("5, 500, 500000") != std::string::npos, right.detail);
    const ex::Verdict bogus = ch04::check_argmax_gradient_unique([] { return static_cast<ch04::ArgmaxGradient>(42); });
    BOOST_TEST(mismatch_of(bogus).got.find("not one of the choices") != std::string::npos, bogus.detail);
}

BOOST_AUTO_TEST_CASE(avg_pool_as_conv_common_mistakes) {
    // A kernel of ones: sum pooling, 0 + 1 + 4 + 5 = 10 instead of 2.5.
    const ex::Verdict sum = ch04::check_avg_pool_as_conv([](std::size_t c, ex::Size2 k) {
        ch04::PoolAsConv p = ch04::avg_pool_as_conv(c, k);
        for (std::size_t o = 0; o < c; ++o) p.weight.plane(o, 0).ones();
        return p;
    });
    check_first_difference(sum, "(0, 0, 0)", "2.5", "10");
    BOOST_TEST(note_has(sum, "sum pooling"), sum.detail);
    // Stride 1: every window, 3×3 instead of 2×2.
    const ex::Verdict blur = ch04::check_avg_pool_as_conv([](std::size_t c, ex::Size2 k) {
        ch04::PoolAsConv p = ch04::avg_pool_as_conv(c, k);
        p.options.stride = {1, 1};
        return p;
    });
    BOOST_TEST(mismatch_of(blur).expected_shape == "1×1×2×2");
    BOOST_TEST(mismatch_of(blur).got_shape == "1×1×3×3");
    BOOST_TEST(note_has(blur, "stride"), blur.detail);
    // groups = 1 with every tap 1/(K_h·K_w) in a C×C weight: right for one channel, sums channels for three.
    const auto all_channels = [](std::size_t c, ex::Size2 k) {
        cnnlab::Tensor4<double> w({c, c, k.rows, k.cols});
        for (std::size_t o = 0; o < c; ++o)
            for (std::size_t i = 0; i < c; ++i) w.plane(o, i).fill(1.0 / double(k.rows * k.cols));
        return ch04::PoolAsConv{w, {.stride = {k.rows, k.cols}}};
    };
    const ex::Verdict mixed = ch04::check_avg_pool_as_conv(all_channels);
    BOOST_TEST(mismatch_of(mixed).quantity.find("C = 3") != std::string::npos, mixed.detail);
    BOOST_TEST(note_has(mixed, "groups = 1"), mixed.detail);
    // The same C×C weight with zero kernels off the diagonal is a (non-depthwise) right answer.
    const ex::Verdict diagonal = ch04::check_avg_pool_as_conv([](std::size_t c, ex::Size2 k) {
        cnnlab::Tensor4<double> w({c, c, k.rows, k.cols});
        for (std::size_t o = 0; o < c; ++o) w.plane(o, o).fill(1.0 / double(k.rows * k.cols));
        return ch04::PoolAsConv{w, {.stride = {k.rows, k.cols}}};
    });
    BOOST_TEST(is_right(diagonal), diagonal.detail);
    // A depthwise weight without groups = C: conv2d_layer refuses it, and the verdict carries its message.
    const ex::Verdict ungrouped = ch04::check_avg_pool_as_conv([](std::size_t c, ex::Size2 k) {
        ch04::PoolAsConv p = ch04::avg_pool_as_conv(c, k);
        p.options.groups = 1;
        return p;
    });
    BOOST_TEST(mismatch_of(ungrouped).got.find("an error: ") == 0u, ungrouped.detail);
}

BOOST_AUTO_TEST_CASE(counterexamples_that_are_not) {
    // Maxima at the same position: max is additive there.
    const ex::Verdict aligned = ch04::check_max_pool_counterexample([] {
        return std::pair{arma::mat{{1, 0}, {0, 0}}, arma::mat{{2, 0}, {0, 1}}};
    });
    BOOST_TEST(mismatch_of(aligned).got == "equal in every element");
    BOOST_TEST(note_has(aligned, "same position"), aligned.detail);
    const ex::Verdict shapes = ch04::check_max_pool_counterexample([] { return std::pair{arma::mat(2, 2, arma::fill::zeros), arma::mat(2, 3, arma::fill::zeros)}; });
    BOOST_TEST(mismatch_of(shapes).got_shape == "2×3");
    const ex::Verdict small = ch04::check_max_pool_counterexample([] { return std::pair{arma::mat{{1, 2}}, arma::mat{{2, 1}}}; });
    BOOST_TEST(mismatch_of(small).expected_shape == "at least 2×2");
    // Another pair: a positive and a negative value at the same place.
    const ex::Verdict other = ch04::check_max_pool_counterexample([] { return std::pair{arma::mat{{2, 0}, {0, 0}}, arma::mat{{-1, 0}, {0, 0}}}; });
    BOOST_TEST(is_right(other), other.detail);
}

BOOST_AUTO_TEST_CASE(max_by_relu_common_mistakes) {
    // ReLU(a − b) + ReLU(b − a) = |a − b|: 2 instead of 3 at (3, 1).
    const ex::Verdict distance = ch04::check_max_by_relu([](Real a, Real b) { return relu(a - b) + relu(b - a); });
    BOOST_TEST(mismatch_of(distance).quantity.find("(3, 1)") != std::string::npos, distance.detail);
    BOOST_TEST(mismatch_of(distance).expected == "3");
    BOOST_TEST(mismatch_of(distance).got == "2");
    BOOST_TEST(note_has(distance, "|a − b|"), distance.detail);
    // b − ReLU(b − a) is the minimum.
    const ex::Verdict minimum = ch04::check_max_by_relu([](Real a, Real b) { return b - relu(b - a); });
    BOOST_TEST(note_has(minimum, "min(a, b)"), minimum.detail);
    // ReLU around the whole formula: right until both numbers are negative.
    const ex::Verdict clipped = ch04::check_max_by_relu([](Real a, Real b) { return relu(b + relu(a - b)); });
    BOOST_TEST(mismatch_of(clipped).quantity.find("(-1, -4)") != std::string::npos, clipped.detail);
    BOOST_TEST(note_has(clipped, "negative"), clipped.detail);
    // The mirrored formula a + ReLU(b − a) is right too.
    BOOST_TEST(is_right(ch04::check_max_by_relu([](Real a, Real b) { return a + relu(b - a); })));
}

BOOST_AUTO_TEST_CASE(window_max_by_relu_that_leaves_a_cell_out) {
    // x10 forgotten: [[1,2],[9,3]] gives 3 instead of 9.
    const ex::Verdict forgot = ch04::check_window_max_by_relu([](Real x00, Real x01, Real, Real x11) {
        return ch04::max_by_relu(ch04::max_by_relu(x00, x01), x11);
    });
    BOOST_TEST(mismatch_of(forgot).quantity.find("[[1,2],[9,3]]") != std::string::npos, forgot.detail);
    BOOST_TEST(mismatch_of(forgot).expected == "9");
    BOOST_TEST(mismatch_of(forgot).got == "3");
    BOOST_TEST(note_has(forgot, "x10 never enters"), forgot.detail);
    // A chain max(max(max(x00, x01), x10), x11) is three ReLU layers deep, and right.
    const ex::Verdict chain = ch04::check_window_max_by_relu([](Real x00, Real x01, Real x10, Real x11) {
        return ch04::max_by_relu(ch04::max_by_relu(ch04::max_by_relu(x00, x01), x10), x11);
    });
    BOOST_TEST(is_right(chain), chain.detail);
}

BOOST_AUTO_TEST_CASE(pooling_cost_common_mistakes) {
    const auto outputs = [](std::size_t n, std::size_t c, ex::Size2 in, ex::Size2 k, ex::Size2 s, ex::Size2 p) {
        return n * c * ((in.rows + 2 * p.rows - k.rows) / s.rows + 1) * ((in.cols + 2 * p.cols - k.cols) / s.cols + 1);
    };
    // K_h·K_w per window: 16 instead of 12 on the first literal.
    const ex::Verdict taps = ch04::check_pooling_cost([&](std::size_t n, std::size_t c, ex::Size2 in, ex::Size2 k, ex::Size2 s, ex::Size2 p) {
        const std::size_t o = outputs(n, c, in, k, s, p);
        return ch04::PoolCost{o, o * k.rows * k.cols, o * k.rows * k.cols};
    });
    BOOST_TEST(mismatch_of(taps).quantity.find("comparisons") != std::string::npos, taps.detail);
    BOOST_TEST(mismatch_of(taps).expected == "12");
    BOOST_TEST(mismatch_of(taps).got == "16");
    BOOST_TEST(note_has(taps, "r − 1"), taps.detail);
    // K_h·K_w − 1 per window, padded cells included: right without padding, 32 instead of 21 on d2l's padded case.
    const ex::Verdict padded = ch04::check_pooling_cost([&](std::size_t n, std::size_t c, ex::Size2 in, ex::Size2 k, ex::Size2 s, ex::Size2 p) {
        const std::size_t o = outputs(n, c, in, k, s, p);
        return ch04::PoolCost{o, o * (k.rows * k.cols - 1), o * (k.rows * k.cols - 1)};
    });
    BOOST_TEST(mismatch_of(padded).expected == "21");
    BOOST_TEST(mismatch_of(padded).got == "32");
    BOOST_TEST(note_has(padded, "padded cells"), padded.detail);
    // The output size without padding: 1 window instead of 4.
    const ex::Verdict unpadded = ch04::check_pooling_cost([](std::size_t n, std::size_t c, ex::Size2 in, ex::Size2 k, ex::Size2 s, ex::Size2 p) {
        ch04::PoolCost cost = ch04::pooling_cost(n, c, in, k, s, p);
        cost.outputs = n * c * ((in.rows - k.rows) / s.rows + 1) * ((in.cols - k.cols) / s.cols + 1);
        return cost;
    });
    BOOST_TEST(mismatch_of(unpadded).quantity.find("outputs") != std::string::npos, unpadded.detail);
    BOOST_TEST(mismatch_of(unpadded).expected == "4");
    BOOST_TEST(mismatch_of(unpadded).got == "1");
}

BOOST_AUTO_TEST_CASE(max_pool_backward_common_mistakes) {
    // Assigning instead of adding: the shared maximum at (2, 1) keeps the last δ, 4, instead of 10.
    const ex::Verdict assigned = ch04::check_max_pool_backward([](const arma::mat& x, const arma::mat& dy, ex::Size2 k, ex::Size2 s) {
        arma::mat dx(arma::size(x), arma::fill::zeros);
        for (arma::uword i = 0; i < dy.n_rows; ++i)
            for (arma::uword j = 0; j < dy.n_cols; ++j) {
                arma::mat one(arma::size(dy), arma::fill::zeros);
                one(i, j) = dy(i, j);
                const arma::mat cell = ch04::max_pool_backward(x, one, k, s);
                dx.elem(arma::find(cell != 0.0)) = cell.elem(arma::find(cell != 0.0));  // overwrite
            }
        return dx;
    });
    check_first_difference(assigned, "(2, 1)", "10", "4");
    BOOST_TEST(note_has(assigned, "add (+=)"), assigned.detail);
    // Armadillo's index_max (column-major): right until a window has a tie.
    const ex::Verdict column_major = ch04::check_max_pool_backward(column_major_backward);
    BOOST_TEST(mismatch_of(column_major).quantity.find("with ties") != std::string::npos, column_major.detail);
    BOOST_TEST(note_has(column_major, "column-major"), column_major.detail);
    // δ's shape returned.
    const ex::Verdict small = ch04::check_max_pool_backward([](const arma::mat&, const arma::mat& dy, ex::Size2, ex::Size2) { return dy; });
    BOOST_TEST(mismatch_of(small).got_shape == "2×2");
    BOOST_TEST(note_has(small, "δ's shape"), small.detail);
    // The reference's backward is a right answer.
    const ex::Verdict reference = ch04::check_max_pool_backward([](const arma::mat& x, const arma::mat& dy, ex::Size2 k, ex::Size2 s) {
        return cnnlab::ref::max_pool2d_backward(plane_tensor(x), plane_tensor(dy), pool(k, s)).plane_copy(0, 0);
    });
    BOOST_TEST(is_right(reference), reference.detail);
}

BOOST_AUTO_TEST_CASE(avg_pool_common_mistakes) {
    // Always K_h·K_w: 10/9 instead of 10/4 = 2.5 at (0, 0) of the padded literal, count_include_pad false.
    const ex::Verdict always = ch04::check_avg_pool([](const arma::mat& x, ex::Size2 k, ex::Size2 s, ex::Size2 p, bool) {
        return ch04::avg_pool(x, k, s, p, true);
    });
    check_first_difference(always, "(0, 0)", "2.5", "1.111111111");
    BOOST_TEST(note_has(always, "divided by K_h·K_w"), always.detail);
    // Never K_h·K_w: 2.5 instead of 10/9 with count_include_pad true.
    const ex::Verdict never = ch04::check_avg_pool([](const arma::mat& x, ex::Size2 k, ex::Size2 s, ex::Size2 p, bool) {
        return ch04::avg_pool(x, k, s, p, false);
    });
    check_first_difference(never, "(0, 0)", "1.111111111", "2.5");
    BOOST_TEST(note_has(never, "number of input cells"), never.detail);
    // Padding ignored: 1×1 instead of 2×2.
    const ex::Verdict unpadded = ch04::check_avg_pool([](const arma::mat& x, ex::Size2 k, ex::Size2 s, ex::Size2, bool include) {
        return ch04::avg_pool(x, k, s, {0, 0}, include);
    });
    BOOST_TEST(mismatch_of(unpadded).expected_shape == "2×2");
    BOOST_TEST(mismatch_of(unpadded).got_shape == "1×1");
    BOOST_TEST(note_has(unpadded, "without padding"), unpadded.detail);
    // cnnlab's optimized average pooling is a right answer.
    const ex::Verdict library = ch04::check_avg_pool([](const arma::mat& x, ex::Size2 k, ex::Size2 s, ex::Size2 p, bool include) {
        return cnnlab::avg_pool2d(plane_tensor(x), pool(k, s, p, include)).plane_copy(0, 0);
    });
    BOOST_TEST(is_right(library), library.detail);
}

BOOST_AUTO_TEST_SUITE_END()


// Each chapter-5 check, fed a plausible wrong answer, must say WRONG, where, and name the slip.
BOOST_AUTO_TEST_SUITE(chapter5_checks_reject_wrong_answers)

namespace {

bool note_has(const ex::Verdict& v, const std::string& words) { return mismatch_of(v).note.find(words) != std::string::npos; }

bool is_right(const ex::Verdict& v) { return v.status == ex::Status::right; }

/// The mismatch's expected and got values (no element index: the answers are single values).
void check_values(const ex::Verdict& v, const std::string& expected, const std::string& got) {
    const ex::Mismatch& m = mismatch_of(v);
    BOOST_TEST(m.expected == expected, m.describe());
    BOOST_TEST(m.got == got, m.describe());
}

/// The transposed convolution of one plane with cnnlab, stride only.
arma::mat tconv(const arma::mat& z, const arma::mat& w, ex::Size2 s) {
    return cnnlab::conv_transpose2d(z, w, {.stride = {s.rows, s.cols}});
}

/// A 1-D kernel as the 1×1×1×K weight of a layer.
cnnlab::Tensor4<double> kernel_tensor(const arma::vec& w) {
    cnnlab::Tensor4<double> t({1, 1, 1, w.n_elem});
    for (std::size_t k = 0; k < w.n_elem; ++k) t(0, 0, 0, k) = w(k);
    return t;
}

/// Zero insertion, `pad` zeros on each side, then a valid cross-correlation with `kernel`.
arma::mat spread_and_correlate(const arma::mat& z, const arma::mat& kernel, ex::Size2 s, ex::Size2 pad) {
    arma::mat spread((z.n_rows - 1) * s.rows + 1, (z.n_cols - 1) * s.cols + 1, arma::fill::zeros);
    for (arma::uword i = 0; i < z.n_rows; ++i)
        for (arma::uword j = 0; j < z.n_cols; ++j) spread(i * s.rows, j * s.cols) = z(i, j);
    return cnnlab::xcorr2d(cnnlab::zero_pad(spread, cnnlab::Sides2::symmetric(pad.rows, pad.cols)), kernel);
}

}  // namespace

BOOST_AUTO_TEST_CASE(same_padding_common_mistakes) {
    // Note 003's (K − 1)/2·(1 + D): 3 instead of 2 at K = 3, D = 2, the first case.
    const ex::Verdict note = ch05::check_same_padding(
        [](std::size_t k, std::size_t d) { return std::optional<std::size_t>((k - 1) * (1 + d) / 2); });
    BOOST_TEST(mismatch_of(note).quantity.find("K = 3, D = 2") != std::string::npos, note.detail);
    check_values(note, "2", "3");
    BOOST_TEST(note_has(note, "note 003"), note.detail);
    BOOST_TEST(note_has(note, "maps 10 cells to 12"), note.detail);
    // The undilated kernel's padding.
    const ex::Verdict undilated = ch05::check_same_padding([](std::size_t k, std::size_t) { return std::optional<std::size_t>((k - 1) / 2); });
    check_values(undilated, "2", "1");
    BOOST_TEST(note_has(undilated, "undilated"), undilated.detail);
    // D(K − 1)/2 rounded down where no padding works: K = 2, D = 1 gives 0, which shortens the input.
    const ex::Verdict rounded = ch05::check_same_padding([](std::size_t k, std::size_t d) { return std::optional<std::size_t>(d * (k - 1) / 2); });
    BOOST_TEST(mismatch_of(rounded).quantity.find("K = 2, D = 1") != std::string::npos, rounded.detail);
    check_values(rounded, "none (std::nullopt)", "0");
    BOOST_TEST(note_has(rounded, "is odd"), rounded.detail);
    // The right answer's verdict shows what the note's formula does.
    const ex::Verdict right = ch05::check_same_padding([](std::size_t k, std::size_t d) {
        return d * (k - 1) % 2 ? std::nullopt : std::optional<std::size_t>(d * (k - 1) / 2);
    });
    BOOST_TEST(is_right(right), right.detail);
    BOOST_TEST(right.detail.find("turns 10 cells into 12") != std::string::npos, right.detail);
}

BOOST_AUTO_TEST_CASE(transposed_size_common_mistakes) {
    // Dilation left out: right on d2l's cases, 2 instead of 3 for n = 1, K = 2, d = 2.
    const ex::Verdict undilated = ch05::check_transposed_size(
        [](std::size_t n, std::size_t k, std::size_t s, std::size_t p, std::size_t, std::size_t a) {
            return std::size_t(std::max<long long>(0, (long long)((n - 1) * s + k + a) - 2 * (long long)p));
        });
    BOOST_TEST(mismatch_of(undilated).quantity.find("d = 2") != std::string::npos, undilated.detail);
    check_values(undilated, "3", "2");
    BOOST_TEST(note_has(undilated, "dilation"), undilated.detail);
    // Padding added instead of removed: d2l's padded case gives 5 instead of 1.
    const ex::Verdict added = ch05::check_transposed_size(
        [](std::size_t n, std::size_t k, std::size_t s, std::size_t p, std::size_t d, std::size_t a) {
            return (n - 1) * s + d * (k - 1) + 1 + a + 2 * p;
        });
    check_values(added, "1", "5");
    BOOST_TEST(note_has(added, "removes p cells"), added.detail);
    // The convolution's formula: 1 instead of 3 on d2l's first case.
    const ex::Verdict conv = ch05::check_transposed_size(
        [](std::size_t n, std::size_t k, std::size_t s, std::size_t p, std::size_t d, std::size_t) {
            return (n + 2 * p - d * (k - 1) - 1) / s + 1;
        });
    check_values(conv, "3", "1");
    BOOST_TEST(note_has(conv, "convolution's output size"), conv.detail);
    // cnnlab's own formula is a right answer.
    const ex::Verdict library = ch05::check_transposed_size(
        [](std::size_t n, std::size_t k, std::size_t s, std::size_t p, std::size_t d, std::size_t a) {
            return cnnlab::transposed_output_size("test", n, k, s, p, d, a);
        });
    BOOST_TEST(is_right(library), library.detail);
}

BOOST_AUTO_TEST_CASE(output_padding_common_mistakes) {
    // The padding forgotten: (16 − 5) mod 3 = 2 instead of 0, and the result has 18 cells.
    const ex::Verdict unpadded = ch05::check_restoring_output_padding(
        [](std::size_t i, std::size_t k, std::size_t s, std::size_t) { return (i - std::min(i, k)) % s; });
    check_values(unpadded, "0", "2");
    BOOST_TEST(note_has(unpadded, "maps 6 cells to 18, not 16"), unpadded.detail);
    // a = s is refused by the library, and the verdict carries its message.
    const ex::Verdict stride = ch05::check_restoring_output_padding([](std::size_t, std::size_t, std::size_t s, std::size_t) { return s; });
    check_values(stride, "0", "3");
    BOOST_TEST(note_has(stride, "refuses it"), stride.detail);
}

BOOST_AUTO_TEST_CASE(scatter_common_mistakes) {
    // The kernel rotated: d2l's (0, 1) becomes 3 instead of 0.
    const ex::Verdict rotated = ch05::check_conv_transpose_scatter(
        [](const arma::mat& z, const arma::mat& w, ex::Size2 s) { return tconv(z, cnnlab::rot180(w), s); });
    check_first_difference(rotated, "(0, 1)", "0", "3");
    BOOST_TEST(note_has(rotated, "rot180(w)"), rotated.detail);
    // Assigning the blocks: d2l's 4 at (1, 1) is overwritten by the last block's 0.
    const ex::Verdict assigned = ch05::check_conv_transpose_scatter([](const arma::mat& z, const arma::mat& w, ex::Size2 s) {
        arma::mat y((z.n_rows - 1) * s.rows + w.n_rows, (z.n_cols - 1) * s.cols + w.n_cols, arma::fill::zeros);
        for (arma::uword i = 0; i < z.n_rows; ++i)
            for (arma::uword j = 0; j < z.n_cols; ++j)
                y.submat(i * s.rows, j * s.cols, i * s.rows + w.n_rows - 1, j * s.cols + w.n_cols - 1) = z(i, j) * w;
        return y;
    });
    check_first_difference(assigned, "(1, 1)", "4", "0");
    BOOST_TEST(note_has(assigned, "add (+=)"), assigned.detail);
    // The stride ignored: 3×3 instead of d2l's 4×4.
    const ex::Verdict unstrided = ch05::check_conv_transpose_scatter(
        [](const arma::mat& z, const arma::mat& w, ex::Size2) { return tconv(z, w, {1, 1}); });
    BOOST_TEST(mismatch_of(unstrided).expected_shape == "4×4");
    BOOST_TEST(mismatch_of(unstrided).got_shape == "3×3");
    BOOST_TEST(note_has(unstrided, "stride-1 size"), unstrided.detail);
    // The zero-insertion route is a right answer here too.
    const ex::Verdict route = ch05::check_conv_transpose_scatter([](const arma::mat& z, const arma::mat& w, ex::Size2 s) {
        return spread_and_correlate(z, cnnlab::rot180(w), s, {w.n_rows - 1, w.n_cols - 1});
    });
    BOOST_TEST(is_right(route), route.detail);
}

BOOST_AUTO_TEST_CASE(zero_insertion_common_mistakes) {
    // The kernel not turned: d2l's padded [[4]] becomes [[14]].
    const ex::Verdict unturned = ch05::check_conv_transpose_by_zero_insertion([](const arma::mat& z, const arma::mat& w, ex::Size2 s, ex::Size2 p) {
        return spread_and_correlate(z, w, s, {w.n_rows - 1 - p.rows, w.n_cols - 1 - p.cols});
    });
    check_first_difference(unturned, "(0, 0)", "4", "14");
    BOOST_TEST(note_has(unturned, "not turned"), unturned.detail);
    // Padded with p instead of K − 1 − p: 3×3 instead of 1×1.
    const ex::Verdict padded = ch05::check_conv_transpose_by_zero_insertion([](const arma::mat& z, const arma::mat& w, ex::Size2 s, ex::Size2 p) {
        return spread_and_correlate(z, cnnlab::rot180(w), s, p);
    });
    BOOST_TEST(mismatch_of(padded).expected_shape == "1×1");
    BOOST_TEST(mismatch_of(padded).got_shape == "3×3");
    BOOST_TEST(note_has(padded, "K − 1 − p"), padded.detail);
}

BOOST_AUTO_TEST_CASE(convolution_matrix_common_mistakes) {
    // Cᵀ returned: 5×3.
    const ex::Verdict transposed = ch05::check_strided_convolution_matrix([](const arma::vec& w, std::size_t n, std::size_t s, std::size_t p) {
        const arma::mat c = cnnlab::ref::convolution_matrix(cnnlab::Shape4{1, 1, 1, n}, kernel_tensor(w),
                                                            {.padding = cnnlab::Sides2::symmetric(0, p), .stride = {1, s}});
        return arma::mat(c.t());
    });
    BOOST_TEST(mismatch_of(transposed).got_shape == "5×3");
    BOOST_TEST(note_has(transposed, "Cᵀ"), transposed.detail);
    // The kernel reversed: note 003's C starts 1, 2, 3; this one 3, 2, 1.
    const ex::Verdict reversed = ch05::check_strided_convolution_matrix([](const arma::vec& w, std::size_t n, std::size_t s, std::size_t p) {
        return ch05::strided_convolution_matrix(arma::vec(arma::reverse(w)), n, s, p);
    });
    check_first_difference(reversed, "(0, 0)", "1", "3");
    BOOST_TEST(note_has(reversed, "convolution w ∗ x"), reversed.detail);
    // Columns for the padding zeros: right without padding, 3×7 instead of 3×5 with p = 1.
    const ex::Verdict padded = ch05::check_strided_convolution_matrix([](const arma::vec& w, std::size_t n, std::size_t s, std::size_t p) {
        const std::size_t outputs = (n + 2 * p - w.n_elem) / s + 1;
        arma::mat c(outputs, n + 2 * p, arma::fill::zeros);
        for (std::size_t i = 0; i < outputs; ++i) c.submat(i, i * s, i, i * s + w.n_elem - 1) = w.t();
        return c;
    });
    BOOST_TEST(mismatch_of(padded).expected_shape == "3×5");
    BOOST_TEST(mismatch_of(padded).got_shape == "3×7");
    BOOST_TEST(note_has(padded, "padding zeros have columns"), padded.detail);
    // One row per stride-1 window: 3×5 instead of 2×5 with s = 2.
    const ex::Verdict unstrided = ch05::check_strided_convolution_matrix([](const arma::vec& w, std::size_t n, std::size_t, std::size_t p) {
        return ch05::strided_convolution_matrix(w, n, 1, p);
    });
    BOOST_TEST(mismatch_of(unstrided).expected_shape == "2×5");
    BOOST_TEST(mismatch_of(unstrided).got_shape == "3×5");
    BOOST_TEST(note_has(unstrided, "stride-1 window"), unstrided.detail);
}

BOOST_AUTO_TEST_CASE(round_trip_choices) {
    for (ch05::RoundTrip wrong : {ch05::RoundTrip::same_values, ch05::RoundTrip::shared_weights, ch05::RoundTrip::same_up_to_scale}) {
        const ex::Verdict v = ch05::check_round_trip_values([wrong] { return wrong; });
        BOOST_TEST(mismatch_of(v).expected == ch05::choice_text(ch05::RoundTrip::shape_only));
        BOOST_TEST(note_has(v, "720"), v.detail);
    }
    const ex::Verdict right = ch05::check_round_trip_values([] { return ch05::RoundTrip::shape_only; });
    BOOST_TEST(is_right(right), right.detail);
    BOOST_TEST(right.detail.find("rank ≤ 720") != std::string::npos, right.detail);
    BOOST_TEST(right.detail.find("with the conv's weight") != std::string::npos, right.detail);
    const ex::Verdict bogus = ch05::check_round_trip_values([] { return static_cast<ch05::RoundTrip>(42); });
    BOOST_TEST(mismatch_of(bogus).got.find("not one of the choices") != std::string::npos, bogus.detail);
}

BOOST_AUTO_TEST_CASE(matmul_cost_common_mistakes) {
    // A square C: 81 entries instead of d2l's 36.
    const ex::Verdict square = ch05::check_matmul_cost([](ex::Size2 in, ex::Size2 k) {
        ch05::MatmulCost c = ch05::matmul_cost(in, k);
        c.entries = in.rows * in.cols * in.rows * in.cols;
        return c;
    });
    BOOST_TEST(mismatch_of(square).quantity.find("entries") != std::string::npos, square.detail);
    check_values(square, "36", "81");
    BOOST_TEST(note_has(square, "one row per output"), square.detail);
    // Every entry counted as a weight: 36 instead of 16.
    const ex::Verdict dense = ch05::check_matmul_cost([](ex::Size2 in, ex::Size2 k) {
        ch05::MatmulCost c = ch05::matmul_cost(in, k);
        c.nonzeros = c.entries;
        return c;
    });
    check_values(dense, "16", "36");
    BOOST_TEST(note_has(dense, "most entries of C are zero"), dense.detail);
    const ex::Verdict right = ch05::check_matmul_cost(ch05::matmul_cost);
    BOOST_TEST(right.detail.find("2472873984 entries, of which 443556 (0.0179 %) hold a weight: a dense product does 5580 times") != std::string::npos, right.detail);
}

BOOST_AUTO_TEST_CASE(receptive_field_common_mistakes) {
    // Without the output's own cell: 2 instead of 3 for one 3-tap layer.
    const ex::Verdict short_by_one = ch05::check_receptive_field([](const std::vector<ch05::DilatedConv>& layers) {
        std::size_t sum = 0;
        for (const auto& l : layers) sum += l.dilation * (l.kernel - 1);
        return sum;
    });
    check_values(short_by_one, "3", "2");
    BOOST_TEST(note_has(short_by_one, "one short"), short_by_one.detail);
    // The spans added whole: right for single layers, 17 instead of 15 for rates 1, 2, 4.
    const ex::Verdict spans = ch05::check_receptive_field([](const std::vector<ch05::DilatedConv>& layers) {
        std::size_t sum = 0;
        for (const auto& l : layers) sum += l.dilation * (l.kernel - 1) + 1;
        return sum;
    });
    check_values(spans, "15", "17");
    BOOST_TEST(note_has(spans, "span minus one"), spans.detail);
    // The dilation left out: 3 instead of 5 for K = 3, D = 2 — the 3 cells that reach the output.
    const ex::Verdict undilated = ch05::check_receptive_field([](const std::vector<ch05::DilatedConv>& layers) {
        std::size_t field = 1;
        for (const auto& l : layers) field += l.kernel - 1;
        return field;
    });
    check_values(undilated, "5", "3");
    BOOST_TEST(note_has(undilated, "holes"), undilated.detail);
    // The right verdict names the gridding effect of rates (2, 2).
    const ex::Verdict right = ch05::check_receptive_field(ch05::receptive_field);
    BOOST_TEST(right.detail.find("of the 9 cells in the field of rates (2, 2), only 5 reach the output") != std::string::npos, right.detail);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(chapter6_checks_reject_wrong_answers)

namespace {

const ex::Mismatch& wrong6(const ex::Verdict& v) { return mismatch_of(v); }
bool note6_has(const ex::Verdict& v, const std::string& words) { return wrong6(v).note.find(words) != std::string::npos; }
bool right6(const ex::Verdict& v) { return v.status == ex::Status::right; }

}  // namespace

BOOST_AUTO_TEST_CASE(ex54_note_003s_answer_is_rejected) {
    // Note 003's parameters for the direct layer: one bias per channel pair.
    const ex::Verdict direct = ch06::check_direct_cost([] { return ch06::Cost{5898240000, 655360, 2560000}; });
    BOOST_TEST(wrong6(direct).expected == "590080", wrong6(direct).describe());
    BOOST_TEST(wrong6(direct).got == "655360");
    BOOST_TEST(note6_has(direct, "one bias per output channel"));
    // Note 003's time for the bottleneck: the 3×3 term at 100 positions instead of 100×100.
    const ex::Verdict time = ch06::check_bottleneck_cost([] { return ch06::Cost{178585600, 164160, 3200000}; });
    BOOST_TEST(wrong6(time).quantity.find(".macs") != std::string::npos, wrong6(time).describe());
    BOOST_TEST(wrong6(time).expected == "1638400000");
    BOOST_TEST(note6_has(time, "100×100"));
    const ex::Verdict params = ch06::check_bottleneck_cost([] { return ch06::Cost{1638400000, 196608, 3200000}; });
    BOOST_TEST(note6_has(params, "pair of channels"));
    const ex::Verdict space = ch06::check_bottleneck_cost([] { return ch06::Cost{1638400000, 164160, 2560000}; });
    BOOST_TEST(note6_has(space, "both layers"));
    BOOST_TEST(right6(ch06::check_bottleneck_cost([] { return ch06::Cost{1638400000, 164160, 3200000}; })));
}

BOOST_AUTO_TEST_CASE(alexnet_swapped_parts_are_named) {
    const ex::Verdict swapped = ch06::check_alexnet_conv_versus_fc([] { return ch06::ConvVersusFc{58631144, 2469696, 655566528, 58621952}; });
    BOOST_TEST(wrong6(swapped).expected == "2469696", wrong6(swapped).describe());
    BOOST_TEST(note6_has(swapped, "swapped"));
    BOOST_TEST(right6(ch06::check_alexnet_conv_versus_fc([] { return ch06::ConvVersusFc{2469696, 58631144, 655566528, 58621952}; })));
}

BOOST_AUTO_TEST_CASE(parameter_counts_without_batch_norm_are_rejected) {
    const ex::Verdict v = ch06::check_parameter_counts([] { return ch06::NetParameters{61100840, 132863336, 1992166, 6624904 - 1}; });
    BOOST_TEST(wrong6(v).quantity.find(".googlenet") != std::string::npos, wrong6(v).describe());
    BOOST_TEST(wrong6(v).expected == "6624904");
}

BOOST_AUTO_TEST_CASE(googlenet_minimum_is_the_smallest_accepted_size) {
    // One too small is refused with the model's reason; one too large is not the smallest.
    const ex::Verdict small = ch06::check_googlenet_minimum_input([] { return std::size_t{14}; });
    BOOST_TEST(wrong6(small).expected == "15", wrong6(small).describe());
    BOOST_TEST(note6_has(small, "refused"));
    const ex::Verdict large = ch06::check_googlenet_minimum_input([] { return std::size_t{32}; });
    BOOST_TEST(note6_has(large, "accepted too"));
    BOOST_TEST(right6(ch06::check_googlenet_minimum_input([] { return std::size_t{15}; })));
}

BOOST_AUTO_TEST_CASE(resnet50_projections_on_the_main_path_are_rejected) {
    const ex::Verdict v = ch06::check_resnet50_counts([] { return ch06::ResNet50Counts{{3, 4, 6, 3}, 4, 54}; });
    BOOST_TEST(wrong6(v).expected == "50", wrong6(v).describe());
    BOOST_TEST(note6_has(v, "shortcut"));
    const ex::Verdict three = ch06::check_resnet50_counts([] { return ch06::ResNet50Counts{{3, 4, 6, 3}, 3, 50}; });
    BOOST_TEST(note6_has(three, "64 channels into 256"));
}

BOOST_AUTO_TEST_CASE(transition_conv_after_the_pooling_is_rejected) {
    // MACs counted at the pooled resolution: a quarter of the right count, on DenseNet-121's first transition.
    const ex::Verdict v = ch06::check_transition_cost([](std::size_t c, std::size_t h, std::size_t w) {
        return ch06::Cost{(h / 2) * (w / 2) * c * (c / 2), 2 * c + c * (c / 2), (c / 2) * (h / 2) * (w / 2)};
    });
    BOOST_TEST(wrong6(v).expected == "102760448", wrong6(v).describe());
    BOOST_TEST(wrong6(v).quantity.find("transition_cost(256, 56, 56)") != std::string::npos);
    BOOST_TEST(note6_has(v, "before the pooling"));
}

BOOST_AUTO_TEST_SUITE_END()
