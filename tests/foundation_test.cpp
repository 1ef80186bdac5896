/// \file
/// \brief Foundation suite: convolution geometry and the two output-size formulas, mode names,
/// the Tensor4 memory order and its zero-copy plane views, and the verify registry's verdicts.
#define BOOST_TEST_MODULE foundation
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch00_foundation/simd.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch00_foundation/verify.hpp"

#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Resolves one axis through the public entry point (1-D resolve_geometry).
cnnlab::Axis axis(std::size_t n, std::size_t k, cnnlab::AxisPadding padding, std::size_t stride = 1, std::size_t dilation = 1) {
    return cnnlab::make_axis("test", "the signal", n, k, stride, dilation, padding);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(geometry)

BOOST_AUTO_TEST_CASE(valid_same_full_with_odd_kernel) {
    // n = 8, K = 3: narrow 窄卷积 P = 0 → 6; equal-width 等宽卷积 P = 1+1 → 8; wide 宽卷积 P = 2+2 → 10.
    const cnnlab::Axis valid = axis(8, 3, cnnlab::Mode::valid);
    BOOST_TEST((valid.pad == cnnlab::Sides{0, 0}));
    BOOST_TEST(valid.output == 6u);
    const cnnlab::Axis same = axis(8, 3, cnnlab::Mode::same);
    BOOST_TEST((same.pad == cnnlab::Sides{1, 1}));
    BOOST_TEST(same.output == 8u);
    const cnnlab::Axis full = axis(8, 3, cnnlab::Mode::full);
    BOOST_TEST((full.pad == cnnlab::Sides{2, 2}));
    BOOST_TEST(full.output == 10u);
    BOOST_TEST(full.padded_input() == 12u);
}

BOOST_AUTO_TEST_CASE(even_kernel_same_puts_the_extra_zero_after) {
    // K = 4: total padding 3 = 1 before + 2 after (PyTorch's padding='same'); full: 3 + 3.
    const cnnlab::Axis same = axis(8, 4, cnnlab::Mode::same);
    BOOST_TEST(same.pad.before == 1u);
    BOOST_TEST(same.pad.after == 2u);
    BOOST_TEST(same.output == 8u);
    const cnnlab::Axis two = axis(5, 2, cnnlab::Mode::same);
    BOOST_TEST((two.pad == cnnlab::Sides{0, 1}));
    BOOST_TEST(two.output == 5u);
    const cnnlab::Axis full = axis(8, 4, cnnlab::Mode::full);
    BOOST_TEST((full.pad == cnnlab::Sides{3, 3}));
    BOOST_TEST(full.output == 11u);
    BOOST_TEST(axis(8, 4, cnnlab::Mode::valid).output == 5u);
    // same keeps the size for every kernel at stride 1, odd or even.
    for (std::size_t k = 1; k <= 9; ++k) BOOST_TEST(axis(9, k, cnnlab::Mode::same).output == 9u, "K=" << k);
}

BOOST_AUTO_TEST_CASE(dilation_widens_the_kernel) {
    // K = 3, d = 2: K_eff = 2·(3−1)+1 = 5, one hole between taps.
    BOOST_TEST(cnnlab::effective_kernel(3, 2) == 5u);
    BOOST_TEST(cnnlab::effective_kernel(3, 1) == 3u);
    BOOST_TEST(cnnlab::effective_kernel(1, 7) == 1u);
    BOOST_TEST(cnnlab::effective_kernel(4, 3) == 10u);
    const cnnlab::Axis valid = axis(10, 3, cnnlab::Mode::valid, 1, 2);
    BOOST_TEST(valid.effective_kernel() == 5u);
    BOOST_TEST(valid.output == 6u);
    const cnnlab::Axis same = axis(10, 3, cnnlab::Mode::same, 1, 2);
    BOOST_TEST((same.pad == cnnlab::Sides{2, 2}));
    BOOST_TEST(same.output == 10u);
    const cnnlab::Axis full = axis(10, 3, cnnlab::Mode::full, 1, 2);
    BOOST_TEST((full.pad == cnnlab::Sides{4, 4}));
    BOOST_TEST(full.output == 14u);
    // K = 2, d = 3: K_eff = 4 (even) → same pads 1 + 2.
    BOOST_TEST((axis(6, 2, cnnlab::Mode::same, 1, 3).pad == cnnlab::Sides{1, 2}));
}

BOOST_AUTO_TEST_CASE(stride_and_explicit_sides) {
    // ⌊(n + p_b + p_a − K_eff)/s⌋ + 1
    BOOST_TEST(axis(8, 3, cnnlab::Mode::valid, 2).output == 3u);   // (8−3)/2+1
    BOOST_TEST(axis(8, 3, cnnlab::Mode::same, 2).output == 4u);    // (10−3)/2+1
    BOOST_TEST(axis(8, 3, cnnlab::Mode::valid, 5).output == 2u);   // stride > kernel: (5)/5+1
    BOOST_TEST(axis(8, 3, cnnlab::Mode::valid, 9).output == 1u);   // stride beyond the input: one window
    const cnnlab::Axis asym = axis(7, 3, cnnlab::Sides{0, 4}, 3);
    BOOST_TEST((asym.pad == cnnlab::Sides{0, 4}));
    BOOST_TEST(asym.padded_input() == 11u);
    BOOST_TEST(asym.output == 3u);                                 // (11−3)/3+1
    // Kernel = padded input: exactly one output.
    BOOST_TEST(axis(4, 6, cnnlab::Sides{1, 1}).output == 1u);
}

BOOST_AUTO_TEST_CASE(resolve_geometry_2d_resolves_each_axis) {
    const cnnlab::Geometry2d g = cnnlab::resolve_geometry(
        "test", 9, 14, 4, 3, {.padding = cnnlab::Sides2{{2, 0}, {1, 3}}, .stride = {2, 3}, .dilation = {1, 2}});
    BOOST_TEST((g.rows.pad == cnnlab::Sides{2, 0}));
    BOOST_TEST((g.cols.pad == cnnlab::Sides{1, 3}));
    BOOST_TEST(g.rows.output == 4u);  // (9+2−4)/2+1
    BOOST_TEST(g.cols.output == 5u);  // (14+4−5)/3+1
    const cnnlab::Geometry2d same = cnnlab::resolve_geometry("test", 5, 7, 2, 4, {.padding = cnnlab::Mode::same});
    BOOST_TEST((same.rows.pad == cnnlab::Sides{0, 1}));
    BOOST_TEST((same.cols.pad == cnnlab::Sides{1, 2}));
    BOOST_TEST(same.rows.output == 5u);
    BOOST_TEST(same.cols.output == 7u);
    const cnnlab::Geometry2d symmetric =
        cnnlab::resolve_geometry("test", 8, 8, 5, 3, {.padding = cnnlab::Sides2::symmetric(2, 1)});
    BOOST_TEST((symmetric.rows.pad == cnnlab::Sides{2, 2}));
    BOOST_TEST((symmetric.cols.pad == cnnlab::Sides{1, 1}));
}

BOOST_AUTO_TEST_CASE(resolve_geometry_errors_name_the_operation) {
    BOOST_CHECK_EXCEPTION(cnnlab::resolve_geometry("myop", 3, 4, 5, 1, {}), cnnlab::shape_error, [](const cnnlab::shape_error& e) {
        const std::string m = e.what();
        return contains(m, "myop (input 3×4, kernel 5×1)") && contains(m, "rows") && contains(m, "longer than the padded input");
    });
    BOOST_CHECK_EXCEPTION(cnnlab::resolve_geometry("myop", 3, 4, 1, 1, {.stride = {1, 0}}), cnnlab::argument_error,
                          [](const cnnlab::argument_error& e) { return contains(e.what(), "myop") && contains(e.what(), "columns is 0"); });
    BOOST_CHECK_THROW(axis(0, 1, cnnlab::Mode::valid), cnnlab::shape_error);
    BOOST_CHECK_THROW(axis(3, 0, cnnlab::Mode::full), cnnlab::shape_error);
    BOOST_CHECK_THROW(axis(3, 1, cnnlab::Mode::valid, 1, 0), cnnlab::argument_error);
    BOOST_CHECK_THROW(axis(5, 3, cnnlab::Mode::valid, 1, 3), cnnlab::shape_error);  // K_eff 7 > 5
    BOOST_CHECK_NO_THROW(axis(5, 3, cnnlab::Mode::same, 1, 3));                       // 5 + 6 ≥ 7
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(output_size)

// d2l §6.3: ⌊(n_h − k_h + p_h + s_h)/s_h⌋ with p the TOTAL padding of the axis.
BOOST_AUTO_TEST_CASE(d2l_examples_of_the_notes) {
    // 8×8 input, 3×3 kernel, padding 1 on each side (total 2) → 8×8.
    BOOST_TEST(cnnlab::output_size_d2l(8, 3, 2, 1) == 8u);
    // kernel 5×3 with padding (2, 1) on each side (totals 4 and 2) → 8×8.
    BOOST_TEST(cnnlab::output_size_d2l(8, 5, 4, 1) == 8u);
    BOOST_TEST(cnnlab::output_size_d2l(8, 3, 2, 1) == 8u);
    // 3×3, padding 1, stride 2 → 4×4.
    BOOST_TEST(cnnlab::output_size_d2l(8, 3, 2, 2) == 4u);
    // kernel (3, 5), padding (0, 1), stride (3, 4) → 2×2: ⌊(8−3+0+3)/3⌋ = 2, ⌊(8−5+2+4)/4⌋ = 2.
    BOOST_TEST(cnnlab::output_size_d2l(8, 3, 0, 3) == 2u);
    BOOST_TEST(cnnlab::output_size_d2l(8, 5, 2, 4) == 2u);
    // The same four through resolve_geometry (PyTorch-style symmetric padding).
    const auto shape = [](std::size_t kh, std::size_t kw, std::size_t ph, std::size_t pw, std::size_t sh, std::size_t sw) {
        const cnnlab::Geometry2d g =
            cnnlab::resolve_geometry("d2l", 8, 8, kh, kw, {.padding = cnnlab::Sides2::symmetric(ph, pw), .stride = {sh, sw}});
        return std::vector<std::size_t>{g.rows.output, g.cols.output};
    };
    BOOST_TEST(shape(3, 3, 1, 1, 1, 1) == (std::vector<std::size_t>{8, 8}), boost::test_tools::per_element());
    BOOST_TEST(shape(5, 3, 2, 1, 1, 1) == (std::vector<std::size_t>{8, 8}), boost::test_tools::per_element());
    BOOST_TEST(shape(3, 3, 1, 1, 2, 2) == (std::vector<std::size_t>{4, 4}), boost::test_tools::per_element());
    BOOST_TEST(shape(3, 5, 0, 1, 3, 4) == (std::vector<std::size_t>{2, 2}), boost::test_tools::per_element());
}

// PyTorch: ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 with p on EACH side.
BOOST_AUTO_TEST_CASE(pytorch_formula_with_dilation) {
    BOOST_TEST(cnnlab::output_size_pytorch(8, 3, 1, 1) == 8u);
    BOOST_TEST(cnnlab::output_size_pytorch(8, 3, 1, 2) == 4u);
    BOOST_TEST(cnnlab::output_size_pytorch(8, 3, 0, 1, 2) == 4u);   // K_eff 5: 8−5+1
    BOOST_TEST(cnnlab::output_size_pytorch(8, 3, 2, 1, 2) == 8u);   // dilation 2 needs padding 2 to keep 8
    BOOST_TEST(cnnlab::output_size_pytorch(7, 3, 0, 2, 3) == 1u);   // K_eff 7 = n
    BOOST_TEST(cnnlab::output_size_pytorch(32, 5, 1, 3, 2) == 9u);  // ⌊(32+2−9)/3⌋+1 = 8+1
    BOOST_TEST(cnnlab::output_size_pytorch(3, 5, 2, 1) == 3u);      // the (4,2,3,5) / (3,5) / padding (1,2) example, width
    BOOST_TEST(cnnlab::output_size_pytorch(3, 3, 1, 1) == 3u);      // ... and height
}

// Over a grid: d2l with total padding 2p ≡ PyTorch with p per side ≡ resolve_geometry's output,
// and with dilation PyTorch(k, d) ≡ d2l(K_eff).
BOOST_AUTO_TEST_CASE(formulas_agree_with_each_other_and_with_geometry) {
    int compared = 0;
    for (std::size_t n = 1; n <= 12; ++n)
        for (std::size_t k = 1; k <= 6; ++k)
            for (std::size_t p = 0; p <= 3; ++p)
                for (std::size_t s = 1; s <= 4; ++s)
                    for (std::size_t d = 1; d <= 3; ++d) {
                        const std::size_t k_eff = cnnlab::effective_kernel(k, d);
                        if (k_eff > n + 2 * p) {
                            BOOST_CHECK_THROW(cnnlab::output_size_pytorch(n, k, p, s, d), cnnlab::shape_error);
                            continue;
                        }
                        const std::size_t torch = cnnlab::output_size_pytorch(n, k, p, s, d);
                        const std::size_t d2l = cnnlab::output_size_d2l(n, k_eff, 2 * p, s);
                        const std::size_t actual = axis(n, k, cnnlab::Sides{p, p}, s, d).output;
                        // Brute force: count the window starts 0, s, 2s, … that fit in the padded input.
                        std::size_t windows = 0;
                        for (std::size_t start = 0; start + k_eff <= n + 2 * p; start += s) ++windows;
                        BOOST_TEST_CONTEXT("n=" << n << " k=" << k << " p=" << p << " s=" << s << " d=" << d) {
                            BOOST_TEST(torch == windows);
                            BOOST_TEST(d2l == windows);
                            BOOST_TEST(actual == windows);
                        }
                        ++compared;
                    }
    BOOST_TEST(compared > 2000);
}

BOOST_AUTO_TEST_CASE(formula_errors) {
    BOOST_CHECK_THROW(cnnlab::output_size_d2l(8, 3, 0, 0), cnnlab::argument_error);
    BOOST_CHECK_THROW(cnnlab::output_size_d2l(2, 5, 2, 1), cnnlab::shape_error);
    BOOST_CHECK_THROW(cnnlab::output_size_pytorch(8, 3, 0, 0), cnnlab::argument_error);
    BOOST_CHECK_THROW(cnnlab::output_size_pytorch(8, 3, 0, 1, 0), cnnlab::argument_error);
    BOOST_CHECK_THROW(cnnlab::output_size_pytorch(4, 3, 0, 1, 2), cnnlab::shape_error);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(mode_names)

/// A plane view of a temporary tensor would dangle: Armadillo's move constructor takes over the
/// view's pointer, then the tensor dies. Tensor4 refuses it at compile time; plane_copy() is allowed.
template <class T>
concept views_a_temporary = requires { std::declval<cnnlab::Tensor4<T>>().plane(0, 0); };
static_assert(!views_a_temporary<double> && !views_a_temporary<float>);

BOOST_AUTO_TEST_CASE(plane_copy_of_a_temporary_owns_its_values) {
    const arma::mat copy = cnnlab::Tensor4<double>::from_row_major({1, 1, 2, 2}, {1, 2, 3, 4}).plane_copy(0, 0);
    BOOST_TEST(arma::approx_equal(copy, arma::mat{{1, 2}, {3, 4}}, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(english_and_book_names) {
    BOOST_TEST((cnnlab::parse_mode("valid") == cnnlab::Mode::valid));
    BOOST_TEST((cnnlab::parse_mode("narrow") == cnnlab::Mode::valid));       // 窄卷积
    BOOST_TEST((cnnlab::parse_mode("same") == cnnlab::Mode::same));
    BOOST_TEST((cnnlab::parse_mode("equal-width") == cnnlab::Mode::same));   // 等宽卷积
    BOOST_TEST((cnnlab::parse_mode("full") == cnnlab::Mode::full));
    BOOST_TEST((cnnlab::parse_mode("wide") == cnnlab::Mode::full));          // 宽卷积
    for (cnnlab::Mode m : {cnnlab::Mode::valid, cnnlab::Mode::same, cnnlab::Mode::full})
        BOOST_TEST((cnnlab::parse_mode(cnnlab::mode_name(m)) == m));
    BOOST_TEST(cnnlab::mode_name(cnnlab::Mode::same) == "same");
}

BOOST_AUTO_TEST_CASE(unknown_names_are_refused) {
    for (const char* name : {"", "Valid", "wider", "equal_width", "same "})
        BOOST_CHECK_EXCEPTION(cnnlab::parse_mode(name), cnnlab::argument_error, [&](const cnnlab::argument_error& e) {
            const std::string m = e.what();
            return contains(m, "mode") && contains(m, std::string("'") + name + "'") && contains(m, "valid|same|full");
        });
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(tensor4)

namespace {
const cnnlab::Shape4 shape{2, 3, 4, 5};
std::vector<double> iota_values() {
    std::vector<double> v(shape.elements());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = double(i) + 0.25;
    return v;
}
}  // namespace

BOOST_AUTO_TEST_CASE(row_major_round_trip_and_pytorch_index) {
    const std::vector<double> values = iota_values();
    const cnnlab::Tensor4<double> t = cnnlab::Tensor4<double>::from_row_major(shape, values);
    BOOST_TEST((t.shape() == shape));
    BOOST_TEST(t.size() == 120u);
    BOOST_TEST(t.shape().str() == "2×3×4×5");
    BOOST_TEST(t.to_row_major() == values, boost::test_tools::per_element());
    // Element (n, c, h, w) is PyTorch's x[n][c][h][w] = flat[((n·C + c)·H + h)·W + w].
    for (std::size_t n = 0; n < shape.n; ++n)
        for (std::size_t c = 0; c < shape.c; ++c)
            for (std::size_t h = 0; h < shape.h; ++h)
                for (std::size_t w = 0; w < shape.w; ++w) {
                    const std::size_t torch_index = ((n * shape.c + c) * shape.h + h) * shape.w + w;
                    const std::size_t memory_index = ((n * shape.c + c) * shape.w + w) * shape.h + h;  // the documented order
                    BOOST_TEST_CONTEXT("(" << n << "," << c << "," << h << "," << w << ")") {
                        BOOST_TEST(t(n, c, h, w) == values[torch_index]);
                        BOOST_TEST(&t(n, c, h, w) == t.data() + memory_index);
                    }
                }
    // Memory is NOT row-major (planes are column-major): the 2nd stored value is x[0][0][1][0].
    BOOST_TEST(t.data()[1] == values[shape.w]);
}

BOOST_AUTO_TEST_CASE(float_round_trip) {
    std::vector<float> values(shape.elements());
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = float(i) * 0.5f - 7.0f;
    const auto t = cnnlab::Tensor4<float>::from_row_major(shape, values);
    BOOST_TEST(t.to_row_major() == values, boost::test_tools::per_element());
    const cnnlab::Tensor4<float> zeros(cnnlab::Shape4{1, 1, 2, 3});
    BOOST_TEST(zeros.to_row_major() == std::vector<float>(6, 0.0f), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(plane_is_a_zero_copy_view) {
    auto t = cnnlab::Tensor4<double>::from_row_major(shape, iota_values());
    arma::mat view = t.plane(1, 2);
    BOOST_TEST(view.n_rows == shape.h);
    BOOST_TEST(view.n_cols == shape.w);
    BOOST_TEST(view.memptr() == t.data() + (1 * shape.c + 2) * shape.h * shape.w);
    for (std::size_t h = 0; h < shape.h; ++h)
        for (std::size_t w = 0; w < shape.w; ++w) BOOST_TEST(view(h, w) == t(1, 2, h, w));
    // Writing through the view changes the tensor, and nothing else.
    const std::vector<double> before = t.to_row_major();
    view(3, 1) = -42.0;
    view.col(4).fill(7.0);
    BOOST_TEST(t(1, 2, 3, 1) == -42.0);
    for (std::size_t h = 0; h < shape.h; ++h) BOOST_TEST(t(1, 2, h, 4) == 7.0);
    const std::vector<double> after = t.to_row_major();
    std::size_t changed = 0;
    for (std::size_t i = 0; i < after.size(); ++i) changed += before[i] != after[i];
    BOOST_TEST(changed == 5u);
    // Writing the tensor shows through an existing view.
    t(1, 2, 0, 0) = 99.0;
    BOOST_TEST(view(0, 0) == 99.0);
    // The const overload is a view too.
    const cnnlab::Tensor4<double>& ct = t;
    const arma::mat cview = ct.plane(0, 1);
    BOOST_TEST(cview.memptr() == ct.data() + 1 * shape.h * shape.w);
    BOOST_TEST(cview(2, 3) == t(0, 1, 2, 3));
}

BOOST_AUTO_TEST_CASE(bad_shapes_and_indices) {
    BOOST_CHECK_EXCEPTION(cnnlab::Tensor4<double>::from_row_major(shape, std::vector<double>(119)), cnnlab::shape_error,
                          [](const cnnlab::shape_error& e) {
                              return contains(e.what(), "Tensor4::from_row_major") && contains(e.what(), "2×3×4×5 needs 120 values but 119");
                          });
    cnnlab::Tensor4<float> t(shape);
    BOOST_CHECK_EXCEPTION(t.plane(2, 0), cnnlab::shape_error, [](const cnnlab::shape_error& e) {
        return contains(e.what(), "Tensor4::plane: index (2, 0) is outside shape 2×3×4×5");
    });
    BOOST_CHECK_THROW(t.plane(0, 3), cnnlab::shape_error);
    BOOST_CHECK_NO_THROW(t.plane(1, 2));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(verify_registry)

namespace cv = cnnlab::verify;

namespace {
cv::Claim claim(std::string id, int chapter, std::function<cv::Measurement()> measure, std::optional<cv::Erratum> erratum = {}) {
    return cv::Claim{std::move(id), chapter, "y = x", "test note §0", std::move(measure), std::move(erratum)};
}
const cv::Erratum sample_erratum{"003 §5.1.3", "narrow convolution: P = 1", "narrow convolution: P = 0"};
}  // namespace

BOOST_AUTO_TEST_CASE(pass_fail_and_throw) {
    const cv::Claim holds = claim("t.holds", 1, [] { return cv::Measurement{1e-12, 1e-10, "exact"}; });
    const cv::Claim on_the_edge = claim("t.edge", 1, [] { return cv::Measurement{1e-10, 1e-10, "equal to tolerance"}; });
    const cv::Claim broken = claim("t.broken", 1, [] { return cv::Measurement{0.5, 1e-10, "off by a half"}; });
    const cv::Claim nan = claim("t.nan", 1, [] { return cv::Measurement{std::nan(""), 1e-10, "NaN"}; });
    const cv::Claim throws = claim("t.throws", 1, []() -> cv::Measurement { throw std::runtime_error("kaboom in measure"); });
    BOOST_TEST((cv::run_claim(holds).status == cv::Status::pass));
    BOOST_TEST((cv::run_claim(on_the_edge).status == cv::Status::pass));
    BOOST_TEST((cv::run_claim(broken).status == cv::Status::fail));
    BOOST_TEST((cv::run_claim(nan).status == cv::Status::fail));
    const cv::Result thrown = cv::run_claim(throws);
    BOOST_TEST((thrown.status == cv::Status::fail));
    BOOST_TEST(thrown.message == "kaboom in measure");
    BOOST_TEST(cv::run_claim(broken).measurement.error == 0.5);
    BOOST_TEST(cv::run_claim(holds).claim == &holds);
}

BOOST_AUTO_TEST_CASE(errata) {
    // Right value holds and the note's value is measurably wrong → ERRATUM (a pass).
    const cv::Claim confirmed = claim("t.erratum", 1, [] { return cv::Measurement{0, 1e-12, "P", 2.0}; }, sample_erratum);
    BOOST_TEST((cv::run_claim(confirmed).status == cv::Status::erratum));
    // The note's version is within tolerance → not an erratum → FAIL, with a message.
    const cv::Claim note_right = claim("t.note-right", 1, [] { return cv::Measurement{0, 1e-12, "P", 1e-13}; }, sample_erratum);
    const cv::Result r = cv::run_claim(note_right);
    BOOST_TEST((r.status == cv::Status::fail));
    BOOST_TEST(contains(r.message, "not an erratum"), r.message);
    const cv::Claim note_at_tolerance = claim("t.note-edge", 1, [] { return cv::Measurement{0, 1e-12, "P", 1e-12}; }, sample_erratum);
    BOOST_TEST((cv::run_claim(note_at_tolerance).status == cv::Status::fail));
    // The right version fails → FAIL even though the note's is wrong.
    const cv::Claim both_wrong = claim("t.both-wrong", 1, [] { return cv::Measurement{1.0, 1e-12, "P", 2.0}; }, sample_erratum);
    BOOST_TEST((cv::run_claim(both_wrong).status == cv::Status::fail));
    // An erratum that forgot to measure the note's version → FAIL.
    const cv::Claim unmeasured = claim("t.unmeasured", 1, [] { return cv::Measurement{0, 1e-12, "P"}; }, sample_erratum);
    const cv::Result u = cv::run_claim(unmeasured);
    BOOST_TEST((u.status == cv::Status::fail));
    BOOST_TEST(!u.message.empty());
}

BOOST_AUTO_TEST_CASE(registry_runs_by_chapter_and_prints) {
    cv::Registry registry;
    registry.add(claim("t.one-holds", 1, [] { return cv::Measurement{0, 1e-10, "detail one"}; }));
    registry.add(claim("t.two-fails", 2, [] { return cv::Measurement{3.0, 1e-10, "detail two"}; }));
    registry.add(claim("t.one-erratum", 1, [] { return cv::Measurement{0, 1e-10, "detail three", 1.0}; }, sample_erratum));
    registry.add(claim("t.one-throws", 1, []() -> cv::Measurement { throw cnnlab::shape_error("measure: shapes 2×3 and 4×5"); }));
    BOOST_TEST(registry.claims().size() == 4u);

    const std::vector<cv::Result> all = registry.run();
    BOOST_TEST_REQUIRE(all.size() == 4u);
    BOOST_TEST(!cv::all_hold(all));
    const std::vector<cv::Result> chapter2 = registry.run(2);
    BOOST_TEST_REQUIRE(chapter2.size() == 1u);
    BOOST_TEST(chapter2[0].claim->id == "t.two-fails");
    const std::vector<cv::Result> chapter1 = registry.run(1);
    BOOST_TEST_REQUIRE(chapter1.size() == 3u);
    BOOST_TEST(!cv::all_hold(chapter1));                                                // the throwing one
    BOOST_TEST(cv::all_hold(std::vector<cv::Result>(chapter1.begin(), chapter1.begin() + 2)));  // pass + erratum
    BOOST_TEST(registry.run(7).empty());

    std::ostringstream table;
    cv::print_table(table, all);
    const std::string t = table.str();
    for (const char* part : {"t.one-holds", "t.two-fails", "t.one-erratum", "t.one-throws", "PASS", "FAIL", "ERRATUM",
                             "detail two", "003 §5.1.3", "narrow convolution: P = 1", "measure: shapes 2×3 and 4×5",
                             "3.00e+00", "4 claims: 1 pass, 1 errata confirmed, 2 fail"})
        BOOST_TEST(contains(t, part), "table lacks '" << part << "':\n" << t);

    std::ostringstream markdown;
    cv::print_markdown(markdown, all);
    const std::string md = markdown.str();
    for (const char* part : {"| claim |", "`t.one-holds`", "**PASS**", "`t.two-fails`", "**FAIL**", "**ERRATUM**",
                             "\\f$y = x\\f$", "test note §0", "measure: shapes 2×3 and 4×5"})
        BOOST_TEST(contains(md, part), "markdown lacks '" << part << "':\n" << md);
    // One header, one separator, one row per claim.
    std::size_t lines = 0;
    for (char ch : md) lines += ch == '\n';
    BOOST_TEST(lines == 6u);
}

BOOST_AUTO_TEST_CASE(status_names) {
    BOOST_TEST(std::string(cv::status_name(cv::Status::pass)) == "PASS");
    BOOST_TEST(std::string(cv::status_name(cv::Status::erratum)) == "ERRATUM");
    BOOST_TEST(std::string(cv::status_name(cv::Status::fail)) == "FAIL");
}

// The built-in registry: ids unique, chapters in range, statements and sources filled in.
// (Running the claims is `cnnlab verify`'s job, tested by the cli.verify-chapter1 test.)
BOOST_AUTO_TEST_CASE(built_in_claims_are_well_formed) {
    const cv::Registry& registry = cv::all_claims();
    BOOST_TEST(registry.claims().size() >= 10u);
    std::set<std::string> ids;
    for (const cv::Claim& c : registry.claims()) {
        BOOST_TEST_CONTEXT(c.id) {
            BOOST_TEST(ids.insert(c.id).second, "duplicate id");
            BOOST_TEST(c.chapter >= 1);
            BOOST_TEST(c.chapter <= 7);
            BOOST_TEST(!c.statement.empty());
            BOOST_TEST(!c.source.empty());
            BOOST_TEST(static_cast<bool>(c.measure));
            if (c.erratum) BOOST_TEST((!c.erratum->note.empty() && !c.erratum->wrong.empty() && !c.erratum->right.empty()));
        }
    }
    // The 003 §5.1.3 erratum (narrow convolution has P = 0, not P = 1) is among them.
    bool narrow_erratum = false;
    for (const cv::Claim& c : registry.claims())
        narrow_erratum |= c.erratum && contains(c.erratum->note, "5.1.3");
    BOOST_TEST(narrow_erratum);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(large_tensor_blocks_are_kept_and_reused) {
    using cnnlab::Tensor4;
    cnnlab::release_cached_tensor_memory();
    BOOST_TEST(cnnlab::cached_tensor_bytes() == 0u);
    const float* first = nullptr;
    {
        Tensor4<float> a({1, 1, 1024, 1024});  // 4 MiB: a kept size
        a(0, 0, 5, 5) = 3.0f;
        first = a.data();
    }
#if !defined(__SANITIZE_ADDRESS__)
    BOOST_TEST(cnnlab::cached_tensor_bytes() >= (4u << 20));
    const Tensor4<float> same({1, 1, 1024, 1024});
    BOOST_TEST(same.data() == first);        // the freed block came back
    BOOST_TEST(same(0, 0, 5, 5) == 0.0f);   // and a zero-filled tensor is zero on it
    BOOST_TEST(cnnlab::cached_tensor_bytes() == 0u);
#endif
    {
        const Tensor4<float> small({1, 1, 16, 16});  // below 1 MiB: not kept
        BOOST_TEST(small(0, 0, 15, 15) == 0.0f);
    }
    cnnlab::release_cached_tensor_memory();
    BOOST_TEST(cnnlab::cached_tensor_bytes() == 0u);
}

// ---------------------------------------------------------------------------------------------
// simd: the in-register transpose and the partial store of the channels-in-vector kernel.
BOOST_AUTO_TEST_SUITE(simd_vectors)

template <class T, std::size_t W>
void check_transpose() {
    cnnlab::simd::Vec<T, W> rows[W];
    for (std::size_t i = 0; i < W; ++i)
        for (std::size_t l = 0; l < W; ++l) rows[i][l] = T(100 * i + l);
    cnnlab::simd::transpose<T, W>(rows);
    for (std::size_t i = 0; i < W; ++i)
        for (std::size_t l = 0; l < W; ++l) BOOST_TEST(rows[i][l] == T(100 * l + i), "W " << W << " row " << i << " lane " << l);
}

BOOST_AUTO_TEST_CASE(transpose_swaps_rows_and_lanes) {
    check_transpose<float, 16>();
    check_transpose<double, 8>();
    check_transpose<float, 4>();
    check_transpose<double, 2>();
}

template <std::size_t Count, class T, std::size_t W>
void check_store_first() {
    cnnlab::simd::Vec<T, W> v;
    for (std::size_t l = 0; l < W; ++l) v[l] = T(l + 1);
    std::vector<T> out(W + 2, T(-1));
    cnnlab::simd::store_first<Count, T, W>(out.data() + 1, v);
    BOOST_TEST(out[0] == T(-1));
    for (std::size_t l = 0; l < W; ++l) BOOST_TEST(out[l + 1] == (l < Count ? T(l + 1) : T(-1)), "count " << Count << " lane " << l);
    BOOST_TEST(out[W + 1] == T(-1));
}

BOOST_AUTO_TEST_CASE(store_first_writes_exactly_count_values) {
    check_store_first<0, float, 16>();
    check_store_first<1, float, 16>();
    check_store_first<7, float, 16>();
    check_store_first<8, float, 16>();
    check_store_first<13, float, 16>();
    check_store_first<14, float, 16>();
    check_store_first<16, float, 16>();
    check_store_first<3, double, 8>();
    check_store_first<6, double, 8>();
    check_store_first<8, double, 8>();
}

BOOST_AUTO_TEST_SUITE_END()
