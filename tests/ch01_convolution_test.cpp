/// \file
/// \brief Chapter 1 suite: every optimized path equals the reference on randomized problems, both
/// agree with independent oracles (the notes' literals, Armadillo's conv/conv2, identities of
/// nndl §5.1, the convolution matrix of ex 5-5), and bad input is refused with a clear error.
#define BOOST_TEST_MODULE ch01_convolution
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch01_convolution/paths.hpp"
#include "reference/convolution.hpp"
#include "tests/check_close.hpp"
#include "tests/random_conv_cases.hpp"

#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

using cnnlab::Algorithm;
using cnnlab::Mode;
using cnnlab::Options2d;
using cnnlab::Sides;
using cnnlab::Sides2;
using cnnlab::testing::check_close;

namespace {

/// Tolerance relative to max(1, max|expected|): rounding of a short sum in double; the FFT's
/// round trip costs about one more decimal; float is float.
template <class T>
double tolerance(Algorithm algorithm) {
    if constexpr (std::is_same_v<T, float>) return 1e-4;
    return algorithm == Algorithm::fft ? 1e-9 : 1e-10;
}

template <class T>
const char* type_name() {
    return std::is_same_v<T, float> ? "float" : "double";
}

/// The algorithms every kernel can use; `separable` is added for rank-1 kernels.
const std::vector<Algorithm> general_algorithms{Algorithm::direct, Algorithm::im2col_gemm, Algorithm::fft, Algorithm::automatic};
const std::vector<Algorithm> all_algorithms{Algorithm::direct, Algorithm::im2col_gemm, Algorithm::fft, Algorithm::automatic,
                                            Algorithm::separable};

constexpr std::size_t problems_2d = 320;  // 40 of each Stress
constexpr std::size_t problems_1d = 150;

/// Row-by-row vector back to a rows×cols matrix (inverse of vec_rows).
arma::mat unvec_rows(const arma::vec& v, std::size_t rows, std::size_t cols) { return arma::reshape(v, cols, rows).t(); }

}  // namespace

// =============================================================================================
// 1. optimized ≡ reference
// =============================================================================================
BOOST_AUTO_TEST_SUITE(optimized_equals_reference)

template <class T>
void sweep_2d(bool rank_one) {
    for (std::size_t index = 0; index < problems_2d; ++index) {
        const cnnlab::testing::Problem2d p = cnnlab::testing::draw_problem2d(index);
        const arma::Mat<T> x = p.input<T>();
        const arma::Mat<T> w = rank_one ? p.rank_one_kernel<T>() : p.kernel<T>();
        const arma::Mat<T> expected_xcorr = cnnlab::ref::xcorr2d(x, w, p.options);
        const arma::Mat<T> expected_conv = cnnlab::ref::conv2d(x, w, p.options);
        for (Algorithm a : rank_one ? all_algorithms : general_algorithms) {
            BOOST_TEST_CONTEXT(type_name<T>() << (rank_one ? " rank-1 kernel " : " ") << p << ", algorithm "
                                              << cnnlab::algorithm_name(a)) {
                check_close(cnnlab::xcorr2d(x, w, p.options, a), expected_xcorr, tolerance<T>(a), "xcorr2d");
                check_close(cnnlab::conv2d(x, w, p.options, a), expected_conv, tolerance<T>(a), "conv2d");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(xcorr2d_and_conv2d_double) { sweep_2d<double>(false); }
BOOST_AUTO_TEST_CASE(xcorr2d_and_conv2d_float) { sweep_2d<float>(false); }
BOOST_AUTO_TEST_CASE(rank_one_kernels_every_algorithm_double) { sweep_2d<double>(true); }
BOOST_AUTO_TEST_CASE(rank_one_kernels_every_algorithm_float) { sweep_2d<float>(true); }

template <class T>
void sweep_1d() {
    for (std::size_t index = 0; index < problems_1d; ++index) {
        const cnnlab::testing::Problem1d p = cnnlab::testing::draw_problem1d(index);
        const arma::Col<T> x = p.input<T>(), w = p.kernel<T>();
        const arma::Col<T> expected_xcorr = cnnlab::ref::xcorr1d(x, w, p.options);
        const arma::Col<T> expected_conv = cnnlab::ref::conv1d(x, w, p.options);
        for (Algorithm a : all_algorithms) {  // a 1-D kernel is a K×1 matrix: always rank 1
            BOOST_TEST_CONTEXT(type_name<T>() << " 1-D " << p << ", algorithm " << cnnlab::algorithm_name(a)) {
                check_close(cnnlab::xcorr1d(x, w, p.options, a), expected_xcorr, tolerance<T>(a), "xcorr1d");
                check_close(cnnlab::conv1d(x, w, p.options, a), expected_conv, tolerance<T>(a), "conv1d");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(xcorr1d_and_conv1d_double) { sweep_1d<double>(); }
BOOST_AUTO_TEST_CASE(xcorr1d_and_conv1d_float) { sweep_1d<float>(); }

// The sweep's images are small: the FFT path covers them with one tile per axis, or two. A large
// image with a dilated kernel is cut into several overlap-save tiles per axis, the last ones
// ragged; with stride 3 the stride-1 result is then subsampled.
template <class T>
void fft_tiles_equal_the_reference() {
    const cnnlab::testing::Problem2d p{.seed = 11, .rows = 431, .cols = 377, .kernel_rows = 21, .kernel_cols = 17};
    const arma::Mat<T> x = p.input<T>(), w = p.kernel<T>();
    for (const std::size_t stride : {1, 3}) {
        const Options2d o{.padding = Mode::same, .stride = {stride, stride}, .dilation = {2, 1}};
        const cnnlab::Geometry2d g = cnnlab::resolve_geometry("test", x.n_rows, x.n_cols, w.n_rows, w.n_cols, o);
        const std::size_t padded_rows = g.rows.padded_input(), padded_cols = g.cols.padded_input();
        const std::size_t tile_rows = cnnlab::detail::fft_tile_length(padded_rows, g.rows.effective_kernel());
        const std::size_t tile_cols = cnnlab::detail::fft_tile_length(padded_cols, g.cols.effective_kernel());
        BOOST_TEST_CONTEXT(type_name<T>() << " input 431×377, kernel 21×17 dilated 2×1, stride " << stride
                                          << ", tiles " << tile_rows << "×" << tile_cols) {
            BOOST_TEST(2 * (tile_rows - g.rows.effective_kernel() + 1) < padded_rows);  // 3 or more tiles
            BOOST_TEST(2 * (tile_cols - g.cols.effective_kernel() + 1) < padded_cols);
            check_close(cnnlab::xcorr2d(x, w, o, Algorithm::fft), cnnlab::ref::xcorr2d(x, w, o),
                        tolerance<T>(Algorithm::fft), "xcorr2d");
        }
    }
}

BOOST_AUTO_TEST_CASE(fft_overlap_save_tiles_equal_the_reference_double) { fft_tiles_equal_the_reference<double>(); }
BOOST_AUTO_TEST_CASE(fft_overlap_save_tiles_equal_the_reference_float) { fft_tiles_equal_the_reference<float>(); }

// The sweeps above could pass vacuously if every problem were tiny or symmetric. Check what they cover.
BOOST_AUTO_TEST_CASE(the_sweep_covers_what_it_claims) {
    std::size_t non_square = 0, even_kernel = 0, kernel_is_input = 0, stride_beyond = 0, dilated = 0, asymmetric = 0,
                valid = 0, same = 0, full = 0, automatic_fft = 0, automatic_separable = 0, conv_differs = 0,
                tall_output = 0, threaded = 0;
    for (std::size_t index = 0; index < problems_2d; ++index) {
        const cnnlab::testing::Problem2d p = cnnlab::testing::draw_problem2d(index);
        const auto& o = p.options;
        non_square += p.rows != p.cols;
        even_kernel += p.kernel_rows % 2 == 0 || p.kernel_cols % 2 == 0;
        kernel_is_input += p.kernel_rows == p.rows && p.kernel_cols == p.cols;
        stride_beyond += o.stride.rows > p.kernel_rows || o.stride.cols > p.kernel_cols;
        dilated += o.dilation.rows > 1 || o.dilation.cols > 1;
        if (const auto* s = std::get_if<Sides2>(&o.padding))
            asymmetric += s->rows.before != s->rows.after || s->cols.before != s->cols.after;
        else if (std::get<Mode>(o.padding) == Mode::valid) ++valid;
        else if (std::get<Mode>(o.padding) == Mode::same) ++same;
        else ++full;
        const cnnlab::Geometry2d g = cnnlab::resolve_geometry("sweep", p.rows, p.cols, p.kernel_rows, p.kernel_cols, o);
        // The direct path keeps 256 bytes of accumulators (64 float rows) and threads above 2e5 multiply-adds.
        tall_output += g.rows.output >= 64 && g.rows.stride == 1;
        threaded += double(g.rows.output) * double(g.cols.output) * double(p.kernel_rows * p.kernel_cols) > 2e5;
        automatic_fft += cnnlab::choose_algorithm(g, p.kernel<double>()) == Algorithm::fft;
        automatic_separable += cnnlab::choose_algorithm(g, p.rank_one_kernel<double>()) == Algorithm::separable;
        // The kernels are rotation-asymmetric: conv and xcorr give different answers.
        const arma::mat x = p.input<double>(), w = p.kernel<double>();
        if (w.n_elem > 1)
            conv_differs += arma::abs(cnnlab::ref::conv2d(x, w, o) - cnnlab::ref::xcorr2d(x, w, o)).max() > 1e-3;
    }
    BOOST_TEST(non_square > problems_2d / 2);
    BOOST_TEST(even_kernel > 60u);
    BOOST_TEST(kernel_is_input >= 40u);
    BOOST_TEST(stride_beyond >= 40u);
    BOOST_TEST(dilated >= 40u);
    BOOST_TEST(asymmetric >= 40u);
    BOOST_TEST(valid >= 20u);
    BOOST_TEST(same >= 40u);
    BOOST_TEST(full >= 20u);
    BOOST_TEST(tall_output >= 10u);
    BOOST_TEST(threaded >= 3u);
    BOOST_TEST(automatic_fft >= 20u);
    BOOST_TEST(automatic_separable >= 20u);
    BOOST_TEST(conv_differs > problems_2d * 9 / 10);
}

// check_close itself must notice one wrong element: a checker that cannot fail would make the
// sweeps worthless. This case feeds it a deliberately wrong value and declares the one failure it
// must report (Boost.Test's expected_failures); the log shows that failure, marked as expected.
// (Its shape check is a BOOST_TEST_REQUIRE, which Boost.Test counts as an aborted case even when
// the failure is expected, so it cannot be exercised the same way.)
BOOST_AUTO_TEST_CASE(checker_reports_one_wrong_element, *boost::unit_test::expected_failures(1)) {
    const arma::mat x = cnnlab::testing::Problem2d{.seed = 7, .rows = 7, .cols = 6}.input<double>();
    const arma::mat expected = cnnlab::ref::xcorr2d(x, arma::mat{{1, 2}, {3, 4}, {5, 6}});
    arma::mat wrong = expected;
    wrong(3, 2) += 1e-7;  // 1000 × the double tolerance
    check_close(wrong, expected, 1e-10, "deliberately wrong element (3, 2): this failure is expected");
    check_close(expected, expected, 0, "identical: no failure");
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
// 2. independent oracles
// =============================================================================================
BOOST_AUTO_TEST_SUITE(oracles)

// d2l §6.2 corr2d: X = [[0,1,2],[3,4,5],[6,7,8]], K = [[0,1],[2,3]] → [[19,25],[37,43]]
// (first window: 0·0 + 1·1 + 3·2 + 4·3 = 19).
BOOST_AUTO_TEST_CASE(d2l_corr2d_literal) {
    const arma::mat x{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, k{{0, 1}, {2, 3}}, expected{{19, 25}, {37, 43}};
    const arma::fmat xf{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, kf{{0, 1}, {2, 3}};
    check_close(cnnlab::ref::xcorr2d(x, k), expected, 0, "ref");
    check_close(cnnlab::ref::xcorr2d(xf, kf), expected, 0, "ref float");
    for (Algorithm a : general_algorithms) {
        const std::string name(cnnlab::algorithm_name(a));
        check_close(cnnlab::xcorr2d(x, k, {}, a), expected, 1e-12, name);
        check_close(cnnlab::xcorr2d(xf, kf, {}, a), expected, 1e-5, "float " + name);
    }
}

// nndl (5.1): y_t = Σ_{k=1}^{K} w_k x_{t−k+1}. With x = (1,2,3,4,5) and w = (1,2,3), by hand:
// narrow 窄 (t = 3..5): y_3 = 1·3 + 2·2 + 3·1 = 10, y_4 = 1·4 + 2·3 + 3·2 = 16, y_5 = 1·5 + 2·4 + 3·3 = 22;
// wide 宽 (t = 1..7) adds y_1 = 1·1 = 1, y_2 = 1·2 + 2·1 = 4, y_6 = 2·5 + 3·4 = 22, y_7 = 3·5 = 15.
// Cross-correlation y_t = Σ_k w_k x_{t+k−1}: 1·1 + 2·2 + 3·3 = 14, then 20, 26.
BOOST_AUTO_TEST_CASE(nndl_1d_formula_literal) {
    const arma::vec x{1, 2, 3, 4, 5}, w{1, 2, 3};
    const arma::vec narrow{10, 16, 22}, wide{1, 4, 10, 16, 22, 22, 15}, correlation{14, 20, 26};
    check_close(cnnlab::ref::conv1d(x, w), narrow, 0, "ref conv1d valid");
    check_close(cnnlab::ref::conv1d(x, w, {.padding = Mode::full}), wide, 0, "ref conv1d full");
    check_close(cnnlab::ref::xcorr1d(x, w), correlation, 0, "ref xcorr1d valid");
    for (Algorithm a : all_algorithms) {
        const std::string name(cnnlab::algorithm_name(a));
        check_close(cnnlab::conv1d(x, w, {}, a), narrow, 1e-12, name + " conv1d valid");
        check_close(cnnlab::conv1d(x, w, {.padding = cnnlab::parse_mode("wide")}, a), wide, 1e-12, name + " conv1d wide");
        check_close(cnnlab::xcorr1d(x, w, {}, a), correlation, 1e-12, name + " xcorr1d valid");
    }
    // Stride 2 keeps every other wide output: y_1, y_3, y_5, y_7 = 1, 10, 22, 15.
    check_close(cnnlab::conv1d(x, w, {.padding = Mode::full, .stride = 2}), arma::vec{1, 10, 22, 15}, 1e-12, "wide, stride 2");
    // Dilation 2, narrow: y = w_1 x_t + w_2 x_{t−2} + w_3 x_{t−4} at t = 5 only: 5 + 2·3 + 3·1 = 14.
    check_close(cnnlab::conv1d(x, w, {.dilation = 2}), arma::vec{14}, 1e-12, "narrow, dilation 2");
    check_close(cnnlab::ref::conv1d(x, w, {.dilation = 2}), arma::vec{14}, 0, "ref narrow, dilation 2");
}

// Armadillo's conv2 is a true convolution; "full" is the wide convolution, no choice to make.
// "same" keeps rows ⌊U/2⌋ … ⌊U/2⌋+M−1 of the full result (MATLAB's centring; columns alike). The
// full result is the convolution with U−1 zeros before, so keeping from row ⌊U/2⌋ means
//     p_before = U − 1 − ⌊U/2⌋ = ⌊(U−1)/2⌋,   p_after = ⌊U/2⌋
// — for odd U the symmetric (U−1)/2, for even U the extra zero AFTER (bottom/right). That is
// exactly cnnlab's `same` rule for conv2d, so MATLAB's conv2 'same' = cnnlab conv2d(…, same).
// (The opposite placement, the extra zero before, is checked to differ for even kernels.)
BOOST_AUTO_TEST_CASE(armadillo_conv2_full_and_same) {
    int even_checked = 0;
    for (std::size_t index = 0; index < 60; ++index) {
        const cnnlab::testing::Problem2d p = cnnlab::testing::draw_problem2d(index);
        const arma::mat x = p.input<double>(), w = p.kernel<double>();
        const std::size_t u = w.n_rows, v = w.n_cols;
        BOOST_TEST_CONTEXT(p) {
            const arma::mat full = arma::conv2(x, w, "full");
            check_close(cnnlab::conv2d(x, w, {.padding = Mode::full}), full, 1e-12, "full, optimized");
            check_close(cnnlab::ref::conv2d(x, w, {.padding = Mode::full}), full, 1e-12, "full, ref");
            const arma::mat same = arma::conv2(x, w, "same");
            const Sides2 matlab{{(u - 1) / 2, u / 2}, {(v - 1) / 2, v / 2}};
            check_close(cnnlab::conv2d(x, w, {.padding = matlab}), same, 1e-12, "same via explicit sides");
            check_close(cnnlab::ref::conv2d(x, w, {.padding = matlab}), same, 1e-12, "same via explicit sides, ref");
            check_close(cnnlab::conv2d(x, w, {.padding = Mode::same}), same, 1e-12, "same via Mode::same");
            if (u % 2 == 0 && x.n_rows > 1) {
                const Sides2 before{{u / 2, (u - 1) / 2}, {(v - 1) / 2, v / 2}};
                const arma::mat other = cnnlab::conv2d(x, w, {.padding = before});
                BOOST_TEST(arma::abs(other - same).max() > 1e-6, "extra zero before must differ for even U=" << u);
                ++even_checked;
            }
        }
    }
    BOOST_TEST(even_checked >= 5);
}

// arma::conv (1-D): "full" and "same" (kept from ⌊K/2⌋, the same rule as conv2).
BOOST_AUTO_TEST_CASE(armadillo_conv_1d_full_and_same) {
    for (std::size_t index = 0; index < 60; ++index) {
        cnnlab::testing::Problem1d p = cnnlab::testing::draw_problem1d(index);
        const arma::vec x = p.input<double>(), w = p.kernel<double>();
        const std::size_t k = w.n_elem;
        BOOST_TEST_CONTEXT(p) {
            check_close(cnnlab::conv1d(x, w, {.padding = Mode::full}), arma::vec(arma::conv(x, w, "full")), 1e-12, "full");
            check_close(cnnlab::ref::conv1d(x, w, {.padding = Mode::full}), arma::vec(arma::conv(x, w, "full")), 1e-12, "full ref");
            const arma::vec same = arma::conv(x, w, "same");
            check_close(cnnlab::conv1d(x, w, {.padding = Sides{(k - 1) / 2, k / 2}}), same, 1e-12, "same, explicit");
            check_close(cnnlab::conv1d(x, w, {.padding = Mode::same}), same, 1e-12, "same, Mode::same");
        }
    }
}

// Identities of nndl §5.1 on random problems (ref and optimized):
// conv(X, W) = xcorr(X, rot180 W); rot180∘rot180 = id; wide convolution commutes (ex 5-2, (5.13)).
BOOST_AUTO_TEST_CASE(conv_is_xcorr_with_rotated_kernel) {
    for (std::size_t index = 0; index < 100; ++index) {
        const cnnlab::testing::Problem2d p = cnnlab::testing::draw_problem2d(index);
        const arma::mat x = p.input<double>(), w = p.kernel<double>();
        BOOST_TEST_CONTEXT(p) {
            check_close(cnnlab::ref::conv2d(x, w, p.options), cnnlab::ref::xcorr2d(x, cnnlab::ref::rot180(w), p.options), 1e-12, "ref");
            check_close(cnnlab::conv2d(x, w, p.options), cnnlab::xcorr2d(x, cnnlab::rot180(w), p.options), 1e-12, "optimized");
            check_close(cnnlab::rot180(w), cnnlab::ref::rot180(w), 0, "rot180 optimized = ref");
            check_close(cnnlab::rot180(cnnlab::rot180(w)), w, 0, "rot180 twice");
            check_close(cnnlab::ref::rot180(cnnlab::ref::rot180(w)), w, 0, "ref rot180 twice");
        }
    }
    for (std::size_t index = 0; index < 40; ++index) {
        const cnnlab::testing::Problem1d p = cnnlab::testing::draw_problem1d(index);
        const arma::vec x = p.input<double>(), w = p.kernel<double>();
        BOOST_TEST_CONTEXT(p) {
            check_close(cnnlab::ref::conv1d(x, w, p.options), cnnlab::ref::xcorr1d(x, cnnlab::ref::rot180(w), p.options), 1e-12, "ref 1-D");
            check_close(cnnlab::conv1d(x, w, p.options), cnnlab::xcorr1d(x, cnnlab::rot180(w), p.options), 1e-12, "optimized 1-D");
            check_close(cnnlab::rot180(cnnlab::rot180(w)), w, 0, "1-D reversal twice");
        }
    }
    // rot180 by hand.
    check_close(cnnlab::rot180(arma::mat{{1, 2, 3}, {4, 5, 6}}), arma::mat{{6, 5, 4}, {3, 2, 1}}, 0, "rot180 literal");
    check_close(cnnlab::ref::rot180(arma::mat{{1, 2, 3}, {4, 5, 6}}), arma::mat{{6, 5, 4}, {3, 2, 1}}, 0, "ref rot180 literal");
    check_close(cnnlab::rot180(arma::vec{1, 2, 3, 4}), arma::vec{4, 3, 2, 1}, 0, "1-D reversal literal");
}

// nndl (5.13), ex 5-2: rot180(W) ⊗̃ X = rot180(X) ⊗̃ W, ⊗̃ the wide (full) cross-correlation — i.e.
// the full convolution commutes: W * X = X * W. Input and kernel trade places (the kernel may be larger).
BOOST_AUTO_TEST_CASE(wide_convolution_commutes) {
    for (std::size_t index = 0; index < 60; ++index) {
        const cnnlab::testing::Problem2d p = cnnlab::testing::draw_problem2d(index);
        const arma::mat x = p.input<double>(), w = p.kernel<double>();
        const Options2d wide{.padding = Mode::full};
        BOOST_TEST_CONTEXT(p) {
            const arma::mat left = cnnlab::ref::xcorr2d(x, cnnlab::ref::rot180(w), wide);   // rot180(W) ⊗̃ X
            const arma::mat right = cnnlab::ref::xcorr2d(w, cnnlab::ref::rot180(x), wide);  // rot180(X) ⊗̃ W
            check_close(left, right, 1e-12, "ref: rot180(W) xcorr_full X vs rot180(X) xcorr_full W");
            check_close(cnnlab::conv2d(x, w, wide), cnnlab::conv2d(w, x, wide), 1e-12, "optimized full conv commutes");
            // The full cross-correlation does NOT commute with the plain (unrotated) kernel.
            if (w.n_elem > 1)
                BOOST_TEST(arma::abs(cnnlab::xcorr2d(x, w, wide) - cnnlab::xcorr2d(w, x, wide)).max() > 1e-6);
        }
    }
}

// Dilation inserts d−1 zeros between taps; stride keeps every s-th output. Both checked against
// the plain operation, which the literals above pin down.
BOOST_AUTO_TEST_CASE(dilation_and_stride_by_their_definitions) {
    for (std::size_t index = 0; index < 80; ++index) {
        const cnnlab::testing::Problem2d p = cnnlab::testing::draw_problem2d(index);
        const arma::mat x = p.input<double>(), w = p.kernel<double>();
        const Options2d& o = p.options;
        const cnnlab::Geometry2d g = cnnlab::resolve_geometry("test", x.n_rows, x.n_cols, w.n_rows, w.n_cols, o);
        arma::mat holes(g.rows.effective_kernel(), g.cols.effective_kernel(), arma::fill::zeros);
        for (arma::uword v = 0; v < w.n_cols; ++v)
            for (arma::uword u = 0; u < w.n_rows; ++u) holes(u * o.dilation.rows, v * o.dilation.cols) = w(u, v);
        const Sides2 sides{g.rows.pad, g.cols.pad};  // dilation changes the padding a Mode implies: fix it
        const arma::mat dense = cnnlab::ref::xcorr2d(x, holes, {.padding = sides});
        arma::mat strided(g.rows.output, g.cols.output);
        for (arma::uword j = 0; j < strided.n_cols; ++j)
            for (arma::uword i = 0; i < strided.n_rows; ++i) strided(i, j) = dense(i * o.stride.rows, j * o.stride.cols);
        BOOST_TEST_CONTEXT(p) {
            check_close(cnnlab::ref::xcorr2d(x, w, o), strided, 1e-12, "ref");
            check_close(cnnlab::xcorr2d(x, w, o), strided, 1e-12, "optimized");
        }
    }
}

// 等宽卷积 with an even kernel: total padding K−1 = 3 for K = 4 is split 1 before, 2 after
// (PyTorch's padding='same'). On an impulse at j, xcorr1d gives y_i = w_{j−i+1}: w_1 lands ON the
// impulse, w_0 one after it, w_3 two before it.
BOOST_AUTO_TEST_CASE(even_kernel_same_mode_on_an_impulse) {
    const arma::vec w{1, 2, 3, 4};
    arma::vec x(9, arma::fill::zeros);
    x(4) = 1;
    const arma::vec expected{0, 0, 4, 3, 2, 1, 0, 0, 0};
    for (Algorithm a : all_algorithms) {
        const std::string name(cnnlab::algorithm_name(a));
        check_close(cnnlab::xcorr1d(x, w, {.padding = Mode::same}, a), expected, 1e-12, name + " xcorr1d same");
        check_close(cnnlab::xcorr1d(x, w, {.padding = Sides{1, 2}}, a), expected, 1e-12, name + " explicit 1+2");
        // conv = xcorr with the reversed kernel, same padding: MATLAB's conv(x, w, 'same').
        check_close(cnnlab::conv1d(x, w, {.padding = Mode::same}, a), arma::vec{0, 0, 1, 2, 3, 4, 0, 0, 0}, 1e-12, name + " conv1d same");
    }
    check_close(cnnlab::ref::xcorr1d(x, w, {.padding = Mode::same}), expected, 0, "ref xcorr1d same");
    // SciPy's placement (2 before, 1 after) shifts the answer by one: w_2 on the impulse.
    check_close(cnnlab::ref::xcorr1d(x, w, {.padding = Sides{2, 1}}), arma::vec{0, 0, 0, 4, 3, 2, 1, 0, 0}, 0, "extra zero before");
    // At the right border the padding after holds 2 zeros, so w_0 falls off the end.
    arma::vec last(9, arma::fill::zeros);
    last(8) = 1;
    check_close(cnnlab::xcorr1d(last, w, {.padding = Mode::same}), arma::vec{0, 0, 0, 0, 0, 0, 4, 3, 2}, 1e-12, "impulse at the end");
    arma::vec first(9, arma::fill::zeros);
    first(0) = 1;
    check_close(cnnlab::xcorr1d(first, w, {.padding = Mode::same}), arma::vec{2, 1, 0, 0, 0, 0, 0, 0, 0}, 1e-12, "impulse at the start");
    // 2-D: the same rule on each axis (4×2 kernel: rows 1 before + 2 after, cols 0 + 1).
    arma::mat image(6, 5, arma::fill::zeros);
    image(2, 2) = 1;
    const arma::mat k{{1, 2}, {3, 4}, {5, 6}, {7, 8}};
    const arma::mat y = cnnlab::xcorr2d(image, k, {.padding = Mode::same});
    BOOST_TEST_REQUIRE(y.n_rows == 6u);
    BOOST_TEST_REQUIRE(y.n_cols == 5u);
    BOOST_TEST(y(2, 2) == k(1, 0));  // y_ij = k(2−i+1, 2−j)
    BOOST_TEST(y(3, 2) == k(0, 0));
    BOOST_TEST(y(0, 1) == k(3, 1));
    BOOST_TEST(arma::accu(arma::abs(y)) == arma::accu(k));
}

// y = C x (nndl (5.45), ex 5-5), with vec_r reading row by row.
BOOST_AUTO_TEST_CASE(conv_matrix_ex_5_5_pattern) {
    // A 3×3 input and a 2×2 kernel; writing w_uv as the number 10u + v makes the pattern legible.
    const arma::mat w{{11, 12}, {21, 22}};
    const arma::mat expected{{11, 12, 0, 21, 22, 0, 0, 0, 0},
                             {0, 11, 12, 0, 21, 22, 0, 0, 0},
                             {0, 0, 0, 11, 12, 0, 21, 22, 0},
                             {0, 0, 0, 0, 11, 12, 0, 21, 22}};
    check_close(cnnlab::ref::conv_matrix2d(w, 3, 3), expected, 0, "ref");
    check_close(arma::mat(cnnlab::conv_matrix2d(w, 3, 3)), expected, 0, "optimized (sparse)");
    BOOST_TEST(cnnlab::conv_matrix2d(w, 3, 3).n_nonzero == 16u);
    // §5.5.1: 1-D, input 5, kernel 3 → the 3×5 band.
    const arma::vec w1{1, 2, 3};
    const arma::mat band{{1, 2, 3, 0, 0}, {0, 1, 2, 3, 0}, {0, 0, 1, 2, 3}};
    check_close(cnnlab::ref::conv_matrix1d(w1, 5), band, 0, "ref 1-D");
    check_close(arma::mat(cnnlab::conv_matrix1d(w1, 5)), band, 0, "optimized 1-D");
    // vec_r reads row by row.
    check_close(cnnlab::vec_rows(arma::mat{{1, 2, 3}, {4, 5, 6}}), arma::vec{1, 2, 3, 4, 5, 6}, 0, "vec_rows");
}

BOOST_AUTO_TEST_CASE(conv_matrix_equals_the_operation) {
    for (std::size_t index = 0; index < 100; ++index) {
        const cnnlab::testing::Problem2d p = cnnlab::testing::draw_problem2d(index);
        if (p.stress == cnnlab::testing::Stress::large_input) continue;  // a dense C would be ~10^8 entries
        const arma::mat x = p.input<double>(), w = p.kernel<double>();
        const arma::mat dense = cnnlab::ref::conv_matrix2d(w, x.n_rows, x.n_cols, p.options);
        const arma::sp_mat sparse = cnnlab::conv_matrix2d(w, x.n_rows, x.n_cols, p.options);
        const arma::mat y = cnnlab::xcorr2d(x, w, p.options);
        BOOST_TEST_CONTEXT(p) {
            check_close(arma::mat(sparse), dense, 0, "sparse optimized = dense ref");
            check_close(arma::vec(dense * cnnlab::vec_rows(x)), cnnlab::vec_rows(y), 1e-12, "C vec_r(X) = vec_r(Y), ref");
            check_close(arma::vec(sparse * cnnlab::vec_rows(x)), cnnlab::vec_rows(y), 1e-12, "C vec_r(X) = vec_r(Y), sparse");
            // Adjoint: ⟨xcorr(X), Z⟩ = ⟨X, Cᵀ Z⟩ (the left side from the operation, not from C).
            const arma::mat z = cnnlab::testing::Problem2d{.seed = p.seed + 7, .rows = y.n_rows, .cols = y.n_cols}.input<double>();
            const double lhs = arma::accu(y % z);
            const double rhs = arma::dot(cnnlab::vec_rows(x), arma::vec(sparse.t() * cnnlab::vec_rows(z)));
            BOOST_TEST(std::abs(lhs - rhs) <= 1e-12 * std::max(1.0, std::abs(lhs)), "<Cx, z> = " << lhs << ", <x, C^T z> = " << rhs);
        }
    }
    for (std::size_t index = 0; index < 60; ++index) {
        const cnnlab::testing::Problem1d p = cnnlab::testing::draw_problem1d(index);
        const arma::vec x = p.input<double>(), w = p.kernel<double>();
        BOOST_TEST_CONTEXT(p) {
            const arma::sp_mat c = cnnlab::conv_matrix1d(w, x.n_elem, p.options);
            check_close(arma::mat(c), cnnlab::ref::conv_matrix1d(w, x.n_elem, p.options), 0, "1-D sparse = dense");
            check_close(arma::vec(c * x), cnnlab::xcorr1d(x, w, p.options), 1e-12, "1-D y = C x");
        }
    }
}

// Cᵀ of a valid, stride-1 cross-correlation is the full convolution with the same kernel
// (nndl §5.3: ∂f/∂X = rot180(W) ⊗̃ δ) — the transpose, computed by a different route.
BOOST_AUTO_TEST_CASE(conv_matrix_transpose_is_full_convolution) {
    for (std::size_t index = 0; index < 40; ++index) {
        const cnnlab::testing::Problem2d p = cnnlab::testing::draw_problem2d(index);
        const arma::mat x = p.input<double>(), w = p.kernel<double>();
        if (w.n_rows > x.n_rows || w.n_cols > x.n_cols) continue;
        const arma::sp_mat c = cnnlab::conv_matrix2d(w, x.n_rows, x.n_cols);
        const arma::mat z = cnnlab::testing::Problem2d{.seed = p.seed, .rows = x.n_rows - w.n_rows + 1, .cols = x.n_cols - w.n_cols + 1}.input<double>();
        BOOST_TEST_CONTEXT(p) {
            check_close(unvec_rows(arma::vec(c.t() * cnnlab::vec_rows(z)), x.n_rows, x.n_cols), cnnlab::conv2d(z, w, {.padding = Mode::full}),
                        1e-12, "C^T vec_r(Z) = vec_r(W * Z full)");
        }
    }
}

// Translation equivariance: shift the input one row down (one column right), the output shifts
// the same way, everywhere the windows see only shifted data (not at the borders).
BOOST_AUTO_TEST_CASE(translation_equivariance) {
    const arma::mat x = cnnlab::testing::Problem2d{.seed = 11, .rows = 16, .cols = 18}.input<double>();
    const arma::mat w = cnnlab::testing::Problem2d{.seed = 12, .rows = 3, .cols = 4}.input<double>();
    arma::mat down(arma::size(x)), right(arma::size(x));
    down.row(0) = cnnlab::testing::Problem2d{.seed = 13, .rows = 1, .cols = 18}.input<double>();  // new data on top
    down.rows(1, 15) = x.rows(0, 14);
    right.col(0).fill(5.0);
    right.cols(1, 17) = x.cols(0, 16);
    for (Algorithm a : general_algorithms) {
        BOOST_TEST_CONTEXT(cnnlab::algorithm_name(a)) {
            const arma::mat y = cnnlab::xcorr2d(x, w, {.padding = Mode::same}, a);
            const arma::mat y_down = cnnlab::xcorr2d(down, w, {.padding = Mode::same}, a);
            // same, K = 3 rows: y(i) reads x rows i−1..i+1. y_down(i+1) = y(i) for 1 <= i <= 13.
            check_close(arma::mat(y_down.rows(2, 14)), arma::mat(y.rows(1, 13)), 1e-12, "row shift");
            BOOST_TEST(arma::abs(y_down - y).max() > 1e-3);  // the output did change
            const arma::mat c = cnnlab::conv2d(x, w, {.padding = Mode::same}, a);
            const arma::mat c_right = cnnlab::conv2d(right, w, {.padding = Mode::same}, a);
            // conv2d same, K = 4 cols: pads as xcorr with rot180(W): 1 before, 2 after: c(j) reads x cols j−1..j+2.
            // c_right(j+1) = c(j) when right cols j..j+3 are shifted x: j >= 1 and j+3 <= 17.
            check_close(arma::mat(c_right.cols(2, 15)), arma::mat(c.cols(1, 14)), 1e-12, "column shift");
        }
    }
    // With stride 2 a one-row shift is not a shift of the output; a two-row shift is (by one row).
    const arma::mat y2 = cnnlab::xcorr2d(x, w, {.stride = {2, 1}});
    arma::mat down2(arma::size(x), arma::fill::zeros);
    down2.rows(2, 15) = x.rows(0, 13);
    const arma::mat y2_down = cnnlab::xcorr2d(down2, w, {.stride = {2, 1}});
    check_close(arma::mat(y2_down.rows(1, y2.n_rows - 1)), arma::mat(y2.rows(0, y2.n_rows - 2)), 1e-12, "stride 2, shift 2");
}

BOOST_AUTO_TEST_CASE(algorithm_selection_and_rank_one_factors) {
    const arma::vec a{1, -2, 3, 0.5, 4}, b{2, 1, -1, 3, 0.25};
    const arma::mat rank_one = a * b.t();
    const cnnlab::RankOneFactors<double> f = cnnlab::rank_one_factors(rank_one);
    BOOST_TEST_REQUIRE(f.found());
    check_close(arma::mat(f.column * f.row.t()), rank_one, 1e-12, "a b^T reproduces W");
    arma::mat rank_two = rank_one;
    rank_two(2, 2) += 1.0;
    BOOST_TEST(!cnnlab::rank_one_factors(rank_two).found());
    BOOST_TEST(!cnnlab::rank_one_factors(arma::mat(3, 3, arma::fill::zeros)).found());
    const auto geometry = [](std::size_t k, std::size_t stride) {
        return cnnlab::resolve_geometry("test", 40, 40, k, k, {.stride = {stride, stride}});
    };
    BOOST_TEST((cnnlab::choose_algorithm(geometry(5, 1), rank_one) == Algorithm::separable));
    BOOST_TEST((cnnlab::choose_algorithm(geometry(21, 1), arma::mat(21, 21, arma::fill::randu)) == Algorithm::fft));
    BOOST_TEST((cnnlab::choose_algorithm(geometry(21, 2), arma::mat(21, 21, arma::fill::randu)) == Algorithm::direct));
    BOOST_TEST((cnnlab::choose_algorithm(geometry(19, 1), arma::mat(19, 19, arma::fill::randu)) == Algorithm::direct));
    BOOST_TEST((cnnlab::choose_algorithm(geometry(3, 1), arma::mat(3, 3, arma::fill::randu)) == Algorithm::direct));
    for (Algorithm algorithm : all_algorithms)
        BOOST_TEST((cnnlab::parse_algorithm(cnnlab::algorithm_name(algorithm)) == algorithm));
    BOOST_TEST((cnnlab::parse_algorithm("im2col_gemm") == Algorithm::im2col_gemm));
    BOOST_TEST((cnnlab::parse_algorithm("automatic") == Algorithm::automatic));
}

// im2col: vec(Y) = vec(W)ᵀ · im2col(X), column-major on both sides (cnnlab's one convention).
BOOST_AUTO_TEST_CASE(im2col_convention) {
    const arma::mat x{{1, 2, 3}, {4, 5, 6}};
    const cnnlab::Geometry2d g = cnnlab::resolve_geometry("test", 2, 3, 2, 2, {});
    // Two windows; column j is window j read column-major: (x11, x21, x12, x22), (x12, x22, x13, x23).
    check_close(cnnlab::im2col(x, g), arma::mat{{1, 2}, {4, 5}, {2, 3}, {5, 6}}, 0, "literal");
    for (std::size_t index = 0; index < 60; ++index) {
        const cnnlab::testing::Problem2d p = cnnlab::testing::draw_problem2d(index);
        const arma::mat xr = p.input<double>(), w = p.kernel<double>();
        const cnnlab::Geometry2d gr = cnnlab::resolve_geometry("test", xr.n_rows, xr.n_cols, w.n_rows, w.n_cols, p.options);
        BOOST_TEST_CONTEXT(p) {
            const arma::rowvec flat = arma::vectorise(w).t() * cnnlab::im2col(xr, gr);
            check_close(arma::mat(arma::reshape(flat, gr.rows.output, gr.cols.output)), cnnlab::ref::xcorr2d(xr, w, p.options), 1e-12, "");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
// 3. bad input: each refused with the right exception type, a message that starts with the
//    operation and names the rule that was broken
// =============================================================================================
BOOST_AUTO_TEST_SUITE(bad_input)

namespace {

/// A predicate for BOOST_CHECK_EXCEPTION: the exception is exactly `E` (not merely derived from
/// it), its message starts with `op` and contains every one of `parts`.
template <class E>
auto error_naming(std::string op, std::vector<std::string> parts) {
    return [op = std::move(op), parts = std::move(parts)](const E& e) {
        const std::string message = e.what();
        bool ok = typeid(e) == typeid(E);
        if (!ok) BOOST_TEST_MESSAGE("wrong exception type " << typeid(e).name());
        if (message.rfind(op, 0) != 0) {
            BOOST_TEST_MESSAGE("message does not start with '" << op << "': " << message);
            ok = false;
        }
        for (const std::string& part : parts)
            if (message.find(part) == std::string::npos) {
                BOOST_TEST_MESSAGE("message lacks '" << part << "': " << message);
                ok = false;
            }
        return ok;
    };
}

const arma::mat x3{{1, 2, 3}, {4, 5, 6}, {7, 8, 10}};
const arma::mat w2{{1, 2}, {3, 5}};

}  // namespace

using cnnlab::argument_error;
using cnnlab::shape_error;

BOOST_AUTO_TEST_CASE(empty_input_and_kernel) {
    BOOST_CHECK_EXCEPTION(cnnlab::xcorr2d(arma::mat(), w2), shape_error,
                          (error_naming<shape_error>("xcorr2d (input 0×0, kernel 2×2)", {"input is empty", "at least one element"})));
    BOOST_CHECK_EXCEPTION(cnnlab::ref::xcorr2d(arma::mat(0, 4), w2), shape_error,
                          (error_naming<shape_error>("ref::xcorr2d", {"input is empty along rows"})));
    BOOST_CHECK_EXCEPTION(cnnlab::conv2d(x3, arma::mat()), shape_error,
                          (error_naming<shape_error>("conv2d (input 3×3, kernel 0×0)", {"kernel is empty", "at least one tap"})));
    BOOST_CHECK_EXCEPTION(cnnlab::xcorr1d(arma::fvec(), arma::fvec{1}), shape_error,
                          (error_naming<shape_error>("xcorr1d (input 0, kernel 1)", {"input is empty"})));
    BOOST_CHECK_EXCEPTION(cnnlab::conv1d(arma::vec{1, 2}, arma::vec()), shape_error,
                          (error_naming<shape_error>("conv1d (input 2, kernel 0)", {"kernel is empty"})));
}

BOOST_AUTO_TEST_CASE(zero_stride_and_zero_dilation) {
    BOOST_CHECK_EXCEPTION(cnnlab::xcorr2d(x3, w2, {.stride = {0, 1}}), argument_error,
                          (error_naming<argument_error>("xcorr2d", {"stride along rows is 0", "stride must be >= 1"})));
    BOOST_CHECK_EXCEPTION(cnnlab::ref::conv2d(x3, w2, {.stride = {1, 0}}), argument_error,
                          (error_naming<argument_error>("ref::conv2d", {"stride along columns is 0"})));
    BOOST_CHECK_EXCEPTION(cnnlab::conv2d(arma::fmat(x3.n_rows, x3.n_cols, arma::fill::ones), arma::fmat(2, 2, arma::fill::ones), {.dilation = {1, 0}}),
                          argument_error, (error_naming<argument_error>("conv2d", {"dilation along columns is 0", "dilation must be >= 1"})));
    BOOST_CHECK_EXCEPTION(cnnlab::conv1d(arma::vec{1, 2, 3, 4, 5}, arma::vec{1, 2}, {.dilation = 0}), argument_error,
                          (error_naming<argument_error>("conv1d (input 5, kernel 2)", {"dilation along the signal is 0"})));
    BOOST_CHECK_EXCEPTION(cnnlab::ref::xcorr1d(arma::vec{1, 2, 3}, arma::vec{1}, {.stride = 0}), argument_error,
                          (error_naming<argument_error>("ref::xcorr1d", {"stride along the signal is 0"})));
}

BOOST_AUTO_TEST_CASE(valid_mode_kernel_larger_than_input) {
    const arma::mat wide_kernel(3, 3, arma::fill::ones);
    const arma::mat small{{1, 2}, {3, 4}, {5, 6}, {7, 8}};  // 4×2: fits the rows, not the columns
    for (Algorithm a : general_algorithms)
        BOOST_CHECK_EXCEPTION(cnnlab::xcorr2d(small, wide_kernel, {}, a), shape_error,
                              (error_naming<shape_error>("xcorr2d (input 4×2, kernel 3×3)",
                                                         {"along columns", "longer than the padded input of 2", "kernel <= padded input"})));
    BOOST_CHECK_EXCEPTION(cnnlab::ref::xcorr2d(small, wide_kernel), shape_error,
                          (error_naming<shape_error>("ref::xcorr2d (input 4×2, kernel 3×3)", {"longer than the padded input"})));
    BOOST_CHECK_EXCEPTION(cnnlab::ref::conv2d(small, wide_kernel), shape_error,
                          (error_naming<shape_error>("ref::conv2d", {"longer than the padded input"})));
    BOOST_CHECK_EXCEPTION(cnnlab::xcorr1d(arma::vec{1, 2}, arma::vec{1, 1, 1}), shape_error,
                          (error_naming<shape_error>("xcorr1d (input 2, kernel 3)", {"longer than the padded input of 2"})));
    BOOST_CHECK_EXCEPTION(cnnlab::conv1d(arma::fvec{1, 2}, arma::fvec{1, 1, 1}, {}, Algorithm::fft), shape_error,
                          (error_naming<shape_error>("conv1d (input 2, kernel 3)", {"longer than the padded input"})));
    BOOST_CHECK_EXCEPTION(cnnlab::ref::conv1d(arma::vec{1, 2}, arma::vec{1, 1, 1}), shape_error,
                          (error_naming<shape_error>("ref::conv1d", {"longer than the padded input"})));
    // Padding makes room: the same shapes are fine in same and full mode.
    BOOST_CHECK_NO_THROW(cnnlab::xcorr2d(small, wide_kernel, {.padding = Mode::same}));
    BOOST_CHECK_NO_THROW(cnnlab::xcorr1d(arma::vec{1, 2}, arma::vec{1, 1, 1}, {.padding = Mode::full}));
}

BOOST_AUTO_TEST_CASE(dilated_kernel_larger_than_input) {
    // 3 taps with dilation 3 span 7 > 6 rows.
    BOOST_CHECK_EXCEPTION(cnnlab::xcorr2d(arma::mat(6, 6, arma::fill::ones), arma::mat(3, 3, arma::fill::ones), {.dilation = {3, 1}}),
                          shape_error,
                          (error_naming<shape_error>("xcorr2d (input 6×6, kernel 3×3)", {"dilated kernel of 7 along rows", "dilation=3"})));
    BOOST_CHECK_EXCEPTION(cnnlab::xcorr1d(arma::vec(6, arma::fill::ones), arma::vec{1, 2, 3}, {.dilation = 3}), shape_error,
                          (error_naming<shape_error>("xcorr1d (input 6, kernel 3)", {"dilated kernel of 7", "longer than the padded input of 6"})));
}

BOOST_AUTO_TEST_CASE(separable_needs_a_rank_one_kernel) {
    BOOST_CHECK_EXCEPTION(cnnlab::xcorr2d(x3, w2, {}, Algorithm::separable), argument_error,
                          (error_naming<argument_error>("xcorr2d", {"'separable' needs a rank-1 kernel", "2×2 kernel has rank 2"})));
    BOOST_CHECK_EXCEPTION(cnnlab::conv2d(arma::fmat(5, 5, arma::fill::ones), arma::fmat{{1, 0}, {0, 1}}, {}, Algorithm::separable),
                          argument_error, (error_naming<argument_error>("conv2d", {"rank-1"})));
    BOOST_CHECK_NO_THROW(cnnlab::xcorr2d(x3, arma::mat{{1, 2}, {2, 4}}, {}, Algorithm::separable));
}

BOOST_AUTO_TEST_CASE(unknown_mode_and_algorithm_names) {
    BOOST_CHECK_EXCEPTION(cnnlab::parse_mode("wider"), argument_error,
                          (error_naming<argument_error>("mode", {"unknown mode 'wider'", "valid|same|full"})));
    BOOST_CHECK_EXCEPTION(cnnlab::parse_algorithm("winograd9"), argument_error,
                          (error_naming<argument_error>("algorithm", {"unknown algorithm 'winograd9'", "auto|direct|im2col|fft|separable"})));
}

BOOST_AUTO_TEST_CASE(conv_matrix_with_bad_geometry) {
    BOOST_CHECK_EXCEPTION(cnnlab::conv_matrix2d(arma::mat(4, 4, arma::fill::ones), 3, 3), shape_error,
                          (error_naming<shape_error>("conv_matrix2d (input 3×3, kernel 4×4)", {"longer than the padded input"})));
    BOOST_CHECK_EXCEPTION(cnnlab::ref::conv_matrix2d(arma::mat(2, 2, arma::fill::ones), 0, 3), shape_error,
                          (error_naming<shape_error>("ref::conv_matrix2d", {"input is empty"})));
    BOOST_CHECK_EXCEPTION(cnnlab::conv_matrix1d(arma::vec{1, 2}, 5, {.stride = 0}), argument_error,
                          (error_naming<argument_error>("conv_matrix1d (input 5, kernel 2)", {"stride along the signal is 0"})));
}

BOOST_AUTO_TEST_CASE(tensor4_wrong_count_and_plane_out_of_range) {
    const cnnlab::Shape4 shape{1, 2, 3, 4};
    BOOST_CHECK_EXCEPTION(cnnlab::Tensor4<double>::from_row_major(shape, std::vector<double>(23)), shape_error,
                          (error_naming<shape_error>("Tensor4::from_row_major", {"1×2×3×4 needs 24 values but 23"})));
    cnnlab::Tensor4<float> t(shape);
    BOOST_CHECK_EXCEPTION(t.plane(0, 2), shape_error, (error_naming<shape_error>("Tensor4::plane", {"(0, 2) is outside shape 1×2×3×4"})));
    BOOST_CHECK_EXCEPTION(t.plane(1, 0), shape_error, (error_naming<shape_error>("Tensor4::plane", {"outside shape"})));
}

BOOST_AUTO_TEST_SUITE_END()
