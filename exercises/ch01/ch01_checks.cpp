// The checks of Chapter 1's exercises and their registration. Oracles: cnnlab's library
// (xcorr2d, conv1d, conv2d, im2col, resolve_geometry), literals computed by hand, identities.
#include "exercises/ch01/ch01_checks.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "exercises/checker/compare.hpp"

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace cnnlab::exercises::ch01 {

namespace {

/// Integer-valued entries in [-5, 5]: every sum of products is exact in double.
arma::mat random_integers(std::size_t rows, std::size_t cols, std::mt19937& rng) {
    std::uniform_int_distribution<int> value(-5, 5);
    arma::mat m(rows, cols);
    m.imbue([&] { return double(value(rng)); });
    return m;
}

std::string sz(const arma::mat& m) { return shape_of(m); }

/// A pair of matrix shapes for the random cases: (first rows, first cols, second rows, second cols).
struct Shapes {
    std::size_t a_rows, a_cols, b_rows, b_cols;
};

/// corr2d(X, [1, -1]) for the d2l image, written out: 1 in column 1, -1 in column 5.
arma::mat d2l_edge_expected() {
    arma::mat y(6, 7, arma::fill::zeros);
    y.col(1).fill(1);
    y.col(5).fill(-1);
    return y;
}

}  // namespace

Verdict check_second_difference_kernel(const std::function<arma::vec()>& answer) {
    const arma::vec w = answer();
    if (w.n_elem < 3 || w.n_elem % 2 == 0)
        return Verdict::wrong({.quantity = "the kernel",
                               .expected_shape = "an odd length >= 3 (a kernel centred on x(t))",
                               .got_shape = str("length ", w.n_elem)});
    const std::size_t half = (w.n_elem - 1) / 2;
    // x(t) = t², t = 0..39: x'' = 2 everywhere, and a second difference is exact on quadratics.
    arma::vec t_squared(40);
    for (std::size_t t = 0; t < t_squared.n_elem; ++t) t_squared(t) = double(t * t);
    const arma::vec on_square = cnnlab::conv1d(t_squared, w);
    if (auto m = compare("w ∗ t² (valid convolution, t = 0, 1, …, 39)", on_square, arma::vec(on_square.n_elem, arma::fill::value(2.0))))
        return Verdict::wrong(*m);
    // x(t) = sin(t h): (w ∗ x)/h² approximates -sin at the centre tap, with an O(h²) error.
    const double h = 0.01;
    arma::vec samples(700);
    for (std::size_t t = 0; t < samples.n_elem; ++t) samples(t) = std::sin(double(t) * h);
    const arma::vec on_sine = cnnlab::conv1d(samples, w) / (h * h);
    arma::vec second_derivative(on_sine.n_elem);
    for (std::size_t i = 0; i < on_sine.n_elem; ++i) second_derivative(i) = -std::sin(double(i + half) * h);
    if (auto m = compare("(w ∗ sin(t·h)) / h² with h = 0.01, against −sin at the centre tap", on_sine, second_derivative, 1e-4))
        return Verdict::wrong(*m);
    char error[16];
    std::snprintf(error, sizeof error, "%.1e", arma::abs(on_sine - second_derivative).max());
    return Verdict::right(str("w ∗ t² = 2 exactly; (w ∗ sin(th))/h² = −sin(th) within ", error, " at h = 0.01 (error O(h²))"));
}

Verdict check_laplacian_kernel(const std::function<arma::mat()>& answer) {
    const arma::mat kernel = answer();
    if (auto m = compare_shape("the kernel", kernel, 3, 3)) return Verdict::wrong(*m);
    // f sampled on a 7×7 unit grid: row i is y = i - 3, column j is x = j - 3. Valid output (i, j)
    // is centred on grid point (i+1, j+1), i.e. x = j - 2, y = i - 2.
    arma::mat quadratic(7, 7), cubic(7, 7), laplacian_of_quadratic(5, 5, arma::fill::value(4.0)), laplacian_of_cubic(5, 5);
    for (int i = 0; i < 7; ++i)
        for (int j = 0; j < 7; ++j) {
            const double x = j - 3, y = i - 3;
            quadratic(i, j) = x * x + y * y;
            cubic(i, j) = x * x * x + 2 * y * y * y - 3 * x * x * y + x * y * y;  // ∇² = 6x - 6y + 12y + 2x
        }
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 5; ++j) laplacian_of_cubic(i, j) = 8.0 * (j - 2) + 6.0 * (i - 2);
    const std::string sign_note = "this kernel computes −∇², the sign of note 003's L0; ∇² has the opposite sign";
    const arma::mat on_quadratic = cnnlab::conv2d(quadratic, kernel);
    if (auto m = compare("kernel ∗ (x² + y²) on a 7×7 unit grid, against ∇² = 4", on_quadratic, laplacian_of_quadratic)) {
        if (!compare("", arma::mat(-on_quadratic), laplacian_of_quadratic)) m->note = sign_note;
        return Verdict::wrong(*m);
    }
    const arma::mat on_cubic = cnnlab::conv2d(cubic, kernel);
    if (auto m = compare("kernel ∗ (x³ + 2y³ − 3x²y + xy²), against ∇² = 8x + 6y (row i ↔ y = i − 2, column j ↔ x = j − 2)",
                         on_cubic, laplacian_of_cubic)) {
        if (!compare("", arma::mat(-on_cubic), laplacian_of_cubic)) m->note = sign_note;
        return Verdict::wrong(*m);
    }
    return Verdict::right("conv2d with x² + y² gives 4 and with a cubic its exact Laplacian 8x + 6y");
}

Verdict check_wide_xcorr(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer) {
    // (W rows, W cols, X rows, X cols): non-square, 1×1, W taller or larger than X.
    const std::vector<Shapes> shapes{{2, 3, 4, 5}, {3, 3, 3, 3}, {1, 1, 2, 4}, {4, 2, 2, 5}, {5, 6, 2, 3}, {1, 4, 3, 1}};
    std::mt19937 rng(51);
    std::vector<std::pair<arma::mat, arma::mat>> cases;
    for (const Shapes& s : shapes) {
        arma::mat w = random_integers(s.a_rows, s.a_cols, rng), x = random_integers(s.b_rows, s.b_cols, rng);
        const arma::mat expected = cnnlab::xcorr2d(x, w, {.padding = Mode::full});
        if (auto m = compare(str("wide_xcorr(W ", sz(w), ", X ", sz(x), ") against cnnlab::xcorr2d(X, W, full)"), answer(w, x), expected))
            return Verdict::wrong(*m);
        cases.emplace_back(std::move(w), std::move(x));
    }
    // nndl (5.13), with the learner's function on both sides.
    for (const auto& [w, x] : cases) {
        const arma::mat left = answer(cnnlab::rot180(w), x), right = answer(cnnlab::rot180(x), w);
        if (auto m = compare(str("rot180(X) ⊗̃ W against rot180(W) ⊗̃ X (W ", sz(w), ", X ", sz(x), ")"), right, left))
            return Verdict::wrong(*m);
    }
    return Verdict::right(str("equals cnnlab::xcorr2d(X, W, full) on ", cases.size(),
                              " shapes (W larger than X included); rot180(W) ⊗̃ X = rot180(X) ⊗̃ W on each"));
}

Verdict check_conv_matrix_3x3(const std::function<arma::mat(const arma::mat&)>& answer) {
    // The zero pattern of nndl's answer (003 ex 5-5): row i·2 + j reads the window at (i, j).
    const arma::mat pattern{{1, 1, 0, 1, 1, 0, 0, 0, 0},
                            {0, 1, 1, 0, 1, 1, 0, 0, 0},
                            {0, 0, 0, 1, 1, 0, 1, 1, 0},
                            {0, 0, 0, 0, 1, 1, 0, 1, 1}};
    const arma::mat w0{{1, 2}, {3, 4}};
    const arma::mat c0 = answer(w0);
    if (auto m = compare_shape("C for W = [[1, 2], [3, 4]]", c0, 4, 9)) return Verdict::wrong(*m);
    if (auto m = compare("nonzero pattern of C (1 = nonzero) for W = [[1, 2], [3, 4]]", arma::mat(arma::conv_to<arma::mat>::from(c0 != 0.0)), pattern))
        return Verdict::wrong(*m);
    // Unit inputs read C column by column; random inputs read it as a whole.
    std::mt19937 rng(55);
    for (std::size_t k = 0; k < 9; ++k) {
        arma::mat x(3, 3, arma::fill::zeros);
        x(k / 3, k % 3) = 1;
        const arma::vec expected = cnnlab::vec_rows(cnnlab::xcorr2d(x, w0));
        if (auto m = compare(str("C·vecᵣ(X) for X with a single 1 at (", k / 3, ", ", k % 3, "), i.e. column ", k, " of C, W = [[1, 2], [3, 4]]"),
                             arma::vec(c0 * cnnlab::vec_rows(x)), expected))
            return Verdict::wrong(*m);
    }
    for (int trial = 0; trial < 10; ++trial) {
        const arma::mat w = random_integers(2, 2, rng), x = random_integers(3, 3, rng);
        const arma::mat c = answer(w);
        if (auto m = compare_shape("C for a random W", c, 4, 9)) return Verdict::wrong(*m);
        if (auto m = compare(str("C·vecᵣ(X) against vecᵣ(cnnlab::xcorr2d(X, W)), random integer X and W (trial ", trial, ")"),
                             arma::vec(c * cnnlab::vec_rows(x)), arma::vec(cnnlab::vec_rows(cnnlab::xcorr2d(x, w)))))
            return Verdict::wrong(*m);
    }
    return Verdict::right("4×9 with nndl's zero pattern; C·vecᵣ(X) = vecᵣ(xcorr2d(X, W)) on the 9 unit inputs and 10 random pairs");
}

Verdict check_corr2d(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer) {
    const arma::mat x{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, k{{0, 1}, {2, 3}};
    const arma::mat got = answer(x, k);
    if (auto m = compare("corr2d([[0,1,2],[3,4,5],[6,7,8]], [[0,1],[2,3]]), d2l's example", got, arma::mat{{19, 25}, {37, 43}})) {
        if (!compare("", got, cnnlab::conv2d(x, k))) m->note = "this is the convolution: corr2d does not rotate the kernel";
        return Verdict::wrong(*m);
    }
    // (X rows, X cols, K rows, K cols): non-square, column kernel, kernel = input, 1×1 kernel.
    const std::vector<Shapes> shapes{{4, 5, 2, 3}, {6, 3, 3, 1}, {3, 3, 3, 3}, {5, 4, 1, 1}, {2, 7, 2, 2}, {7, 6, 4, 3}};
    std::mt19937 rng(62);
    for (const Shapes& s : shapes) {
        const arma::mat xr = random_integers(s.a_rows, s.a_cols, rng), kr = random_integers(s.b_rows, s.b_cols, rng);
        if (auto m = compare(str("corr2d(X ", sz(xr), ", K ", sz(kr), ") against cnnlab::xcorr2d, random integers"), answer(xr, kr),
                             cnnlab::xcorr2d(xr, kr)))
            return Verdict::wrong(*m);
    }
    return Verdict::right(str("d2l's [[19,25],[37,43]]; equals cnnlab::xcorr2d on ", shapes.size(), " random shapes"));
}

Verdict check_edge_output(const std::function<arma::mat()>& answer) {
    if (auto m = compare("corr2d(X, [1, −1]) for d2l's 6×8 image (zeros in columns 2–5)", answer(), d2l_edge_expected()))
        return Verdict::wrong(*m);
    return Verdict::right("6×7: 1 in column 1 (ones → zeros), −1 in column 5 (zeros → ones), 0 elsewhere");
}

Verdict check_transposed_edge_outputs(const std::function<TransposedEdges()>& answer) {
    const TransposedEdges got = answer();
    if (auto m = compare("corr2d(Xᵀ, K)", got.image_transposed, arma::mat(8, 5, arma::fill::zeros))) return Verdict::wrong(*m);
    if (auto m = compare("corr2d(X, Kᵀ)", got.kernel_transposed, arma::mat(5, 8, arma::fill::zeros))) return Verdict::wrong(*m);
    if (auto m = compare("corr2d(Xᵀ, Kᵀ)", got.both_transposed, arma::mat(d2l_edge_expected().t()))) return Verdict::wrong(*m);
    return Verdict::right("K = [1, −1] only sees changes along a row: Xᵀ or Kᵀ alone give 0; both transposed give Yᵀ");
}

Verdict check_output_shape(const std::function<Size2(Size2, Size2, Size2, Size2)>& answer) {
    if (auto m = compare("output_shape(input 8×8, kernel 3×5, padding (0, 1), stride (3, 4)), d2l's example",
                         answer({8, 8}, {3, 5}, {0, 1}, {3, 4}), Size2{2, 2}))
        return Verdict::wrong(*m);
    // One axis: (n, k, p, s) with the kernel fitting in the padded input.
    struct AxisCase {
        std::size_t n, k, p, s;
    };
    std::vector<AxisCase> axis;
    for (std::size_t n = 1; n <= 9; ++n)
        for (std::size_t p = 0; p <= 2; ++p)
            for (std::size_t k = 1; k <= n + 2 * p; ++k)
                for (std::size_t s = 1; s <= 4; ++s) axis.push_back({n, k, p, s});
    for (std::size_t a = 0; a < axis.size(); ++a) {
        const AxisCase r = axis[a], c = axis[(a * 7 + 3) % axis.size()];
        const Geometry2d g = resolve_geometry("output_shape", r.n, c.n, r.k, c.k, {.padding = Sides2::symmetric(r.p, c.p), .stride = {r.s, c.s}});
        if (auto m = compare(str("output_shape(input ", r.n, "×", c.n, ", kernel ", r.k, "×", c.k, ", padding (", r.p, ", ", c.p,
                                 "), stride (", r.s, ", ", c.s, ")) against cnnlab::resolve_geometry"),
                             answer({r.n, c.n}, {r.k, c.k}, {r.p, c.p}, {r.s, c.s}), Size2{g.rows.output, g.cols.output}))
            return Verdict::wrong(*m);
    }
    return Verdict::right(str("d2l's example is 2×2; agrees with cnnlab::resolve_geometry on ", axis.size(), " shapes"));
}

Verdict check_strided_example_shape(const std::function<Size2()>& answer) {
    // Rows: ⌊(8 + 0 − 3)/3⌋ + 1 = 2; columns: ⌊(8 + 2 − 5)/4⌋ + 1 = 2 (d2l prints torch.Size([2, 2])).
    if (auto m = compare("output shape of Conv2d(kernel (3, 5), padding (0, 1), stride (3, 4)) on 8×8", answer(), Size2{2, 2}))
        return Verdict::wrong(*m);
    return Verdict::right("2×2, as d2l's run prints");
}

Verdict check_im2col(const std::function<arma::mat(const arma::mat&, Size2, Size2)>& answer) {
    // Written out: column i + 2j is the 2×2 window at (i, j) read column by column.
    const arma::mat literal{{0, 3, 1, 4}, {3, 6, 4, 7}, {1, 4, 2, 5}, {4, 7, 5, 8}};
    if (auto m = compare("im2col([[0,1,2],[3,4,5],[6,7,8]], kernel 2×2, stride 1×1)", answer({{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, {2, 2}, {1, 1}),
                         literal.t()))
        return Verdict::wrong(*m);
    struct Case {
        std::size_t rows, cols;
        Size2 kernel, stride;
    };
    const std::vector<Case> cases{{5, 6, {2, 3}, {1, 1}}, {7, 5, {3, 2}, {2, 1}}, {6, 6, {3, 3}, {3, 2}},
                                  {4, 4, {4, 4}, {1, 1}}, {5, 3, {1, 1}, {2, 2}}, {8, 7, {2, 4}, {3, 3}}};
    std::mt19937 rng(2);
    for (const Case& c : cases) {
        const arma::mat x = random_integers(c.rows, c.cols, rng);
        const Geometry2d g = resolve_geometry("im2col", c.rows, c.cols, c.kernel.rows, c.kernel.cols, {.stride = {c.stride.rows, c.stride.cols}});
        if (auto m = compare(str("im2col(X ", sz(x), ", kernel ", c.kernel.rows, "×", c.kernel.cols, ", stride ", c.stride.rows, "×",
                                 c.stride.cols, ") against cnnlab::im2col"),
                             answer(x, c.kernel, c.stride), cnnlab::im2col(x, g)))
            return Verdict::wrong(*m);
    }
    return Verdict::right(str("a literal 4×4 case; equals cnnlab::im2col on ", cases.size(), " shapes with strides"));
}

Verdict check_output_size(const std::function<std::size_t(std::size_t, std::size_t, std::size_t, std::size_t, std::size_t)>& answer) {
    struct Case {
        std::size_t n, k, p, s, d, expected;
        const char* what;
    };
    const std::vector<Case> literals{{227, 11, 0, 4, 1, 55, "AlexNet conv1"},
                                     {224, 7, 3, 2, 1, 112, "ResNet's first layer"},
                                     {7, 3, 0, 1, 2, 3, "dilation 2: the kernel spans 5"},
                                     {32, 3, 2, 1, 2, 32, "dilation 2 with padding 2 keeps the size"}};
    for (const Case& c : literals)
        if (auto m = compare(str("output_size(n=", c.n, ", k=", c.k, ", p=", c.p, ", s=", c.s, ", d=", c.d, "), ", c.what),
                             answer(c.n, c.k, c.p, c.s, c.d), c.expected))
            return Verdict::wrong(*m);
    std::size_t count = 0;
    for (std::size_t n = 1; n <= 10; ++n)
        for (std::size_t k = 1; k <= 4; ++k)
            for (std::size_t p = 0; p <= 2; ++p)
                for (std::size_t s = 1; s <= 3; ++s)
                    for (std::size_t d = 1; d <= 3; ++d) {
                        if (effective_kernel(k, d) > n + 2 * p) continue;
                        const Axis axis = resolve_geometry("output_size", n, k, {.padding = Sides{p, p}, .stride = s, .dilation = d});
                        if (auto m = compare(str("output_size(n=", n, ", k=", k, ", p=", p, ", s=", s, ", d=", d, ") against cnnlab::resolve_geometry"),
                                             answer(n, k, p, s, d), axis.output))
                            return Verdict::wrong(*m);
                        ++count;
                    }
    return Verdict::right(str("4 literal layers; agrees with cnnlab::resolve_geometry on ", count, " (n, k, p, s, d)"));
}

/// Adds Chapter 1 and its exercises, each check bound to the learner's function.
void register_exercises(Registry& registry) {
    registry.add_chapter({1, "convolution and cross-correlation 卷积与互相关", "exercises/ch01/ch01_exercises.cpp"});
    const auto add = [&](std::string id, std::string title, std::string source, std::string function, std::string hint,
                         std::function<Verdict()> check) {
        registry.add({std::move(id), 1, std::move(title), std::move(source), std::move(function), std::move(hint), std::move(check)});
    };
    add("5-1.1", "second-difference kernel approximating x''(t)", "nndl ex 5-1 (1)", "second_difference_kernel()",
        "x'(t) ≈ x(t) − x(t−1); take that difference twice and read off the weights of x(t), x(t−1), x(t−2). "
        "On x(t) = t² every output must be exactly 2.",
        [] { return check_second_difference_kernel(second_difference_kernel); });
    add("5-1.2", "3×3 kernel approximating the Laplacian ∇²", "nndl ex 5-1 (2)", "laplacian_kernel()",
        "add the second difference of 5-1.1 along x and along y, both centred on the middle tap. "
        "Note 003's L0 = [[0,−1,0],[−1,4,−1],[0,−1,0]] has the opposite sign: it is −∇² (it gives −4 on x² + y²).",
        [] { return check_laplacian_kernel(laplacian_kernel); });
    add("5-2", "wide cross-correlation; commutativity of wide convolution", "nndl ex 5-2, (5.13)", "wide_xcorr(W, X)",
        "the output is (M+U−1)×(N+V−1); y(i, j) = Σ w(u, v)·x(i+u−(U−1), j+v−(V−1)) over the taps whose input index "
        "falls inside X (the others read the zero padding). W is the kernel, X the input.",
        [] { return check_wide_xcorr(wide_xcorr); });
    add("5-5", "cross-correlation as an affine map y = Cx (3×3 input, 2×2 kernel)", "nndl ex 5-5, (5.45)", "conv_matrix_3x3(W)",
        "row 2i + j of C is output y(i, j); it holds w(u, v) in column 3(i+u) + (j+v) (vecᵣ reads X row by row, three "
        "entries per row) and 0 elsewhere.",
        [] { return check_conv_matrix_3x3(conv_matrix_3x3); });
    add("d2l-corr2d", "corr2d: 2-D cross-correlation with loops", "d2l Convolutions for Images", "corr2d(X, K)",
        "the output is (M−U+1)×(N−V+1) and y(i, j) = Σ_u Σ_v K(u, v)·X(i+u, j+v) — the kernel is not flipped (that "
        "would be convolution).",
        [] { return check_corr2d(corr2d); });
    add("d2l-edge", "edge detection with K = [1, −1]", "d2l Convolutions for Images", "edge_output()",
        "X = ones(6, 8) with X.cols(2, 5) set to 0, K = arma::mat{{1, -1}}; y(i, j) = X(i, j) − X(i, j+1) is nonzero only "
        "where a column of ones meets a column of zeros.",
        [] { return check_edge_output(edge_output); });
    add("d2l-edge-transposed", "the edge detector on transposed images and kernels", "d2l Convolutions for Images, cf. ex 1",
        "transposed_edge_outputs()",
        "Xᵀ (8×6) has zero rows 2–5, so along each of its rows nothing changes and K = [1, −1] sees no edge; Kᵀ (2×1) "
        "differences vertically, where X does not change; transposing both transposes the output.",
        [] { return check_transposed_edge_outputs(transposed_edge_outputs); });
    add("d2l-output-shape", "output shape with padding and stride", "d2l Padding and Stride", "output_shape(input, kernel, padding, stride)",
        "along each axis ⌊(n + 2p − k)/s⌋ + 1: d2l's ⌊(n + p_total − k + s)/s⌋ with total padding p_total = 2p.",
        [] { return check_output_shape(output_shape); });
    add("d2l-stride-question", "8×8 input, kernel (3, 5), padding (0, 1), stride (3, 4): output shape?",
        "d2l Padding and Stride, ex 1", "strided_example_shape()",
        "apply the formula of d2l-output-shape per axis: rows n=8, k=3, p=0, s=3; columns n=8, k=5, p=1, s=4.",
        [] { return check_strided_example_shape(strided_example_shape); });
    add("impl-im2col", "im2col for one plane (cnnlab's convention)", "implementation", "im2col(X, kernel, stride)",
        "H_o = ⌊(M − U)/s_h⌋ + 1, W_o likewise; the result is UV × H_oW_o with "
        "result(u + U·v, i + H_o·j) = X(i·s_h + u, j·s_w + v).",
        [] { return check_im2col(im2col); });
    add("impl-output-size", "PyTorch's output-size formula with dilation", "implementation", "output_size(n, k, padding, stride, dilation)",
        "a dilated kernel spans d(k−1)+1 inputs; on n + 2p padded inputs it fits ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 times.",
        [] { return check_output_size(output_size); });
}

}  // namespace cnnlab::exercises::ch01

namespace cnnlab::exercises {
void register_ch01_exercises(Registry& registry) { ch01::register_exercises(registry); }
}  // namespace cnnlab::exercises
