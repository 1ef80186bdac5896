// The checks of Chapter 3's exercises and their registration. Oracles: cnnlab's backward passes
// (cnnlab::xcorr2d_backward_input, ref::xcorr2d_backward_input/weight, cnnlab::activation_backward),
// cnnlab's forward through the identity ⟨Cx, δ⟩ = ⟨x, Cᵀδ⟩, exact derivatives, literals.
#include "exercises/ch03/ch03_checks.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch03_gradients/activation_backward.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "exercises/checker/compare.hpp"
#include "reference/gradients.hpp"

#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace cnnlab::exercises::ch03 {

namespace {

/// Integer-valued entries in [-5, 5]: every sum of products is exact in double.
arma::mat random_integers(std::size_t rows, std::size_t cols, std::mt19937& rng) {
    std::uniform_int_distribution<int> value(-5, 5);
    arma::mat x(rows, cols);
    x.imbue([&] { return double(value(rng)); });
    return x;
}

arma::vec random_vector(std::size_t n, std::mt19937& rng) { return arma::vectorise(random_integers(n, 1, rng)); }

/// An M×N matrix of zeros with `block` placed with its top-left corner at (i, j).
arma::mat placed(const arma::mat& block, std::size_t rows, std::size_t cols, std::size_t i, std::size_t j) {
    arma::mat m(rows, cols, arma::fill::zeros);
    m.submat(i, j, i + block.n_rows - 1, j + block.n_cols - 1) = block;
    return m;
}

/// An H×W matrix of zeros with a single 1 at (i, j).
arma::mat unit(std::size_t rows, std::size_t cols, std::size_t i, std::size_t j) {
    arma::mat m(rows, cols, arma::fill::zeros);
    m(i, j) = 1;
    return m;
}

/// Same shape and the same values (to the checker's tolerance).
bool same(const arma::mat& a, const arma::mat& b) { return !compare("", a, b).has_value(); }

std::string sz(const arma::mat& m) { return shape_of(m); }

/// The sizes of one single-channel case: kernel U×V and upstream gradient H_o×W_o.
struct PlaneCase {
    std::size_t kernel_rows, kernel_cols, out_rows, out_cols;
};

/// Notes on a wrong input gradient: a missing rot180, or valid/same padding instead of full.
void note_input_gradient(Mismatch& m, const arma::mat& got, const arma::mat& w, const arma::mat& delta) {
    const std::size_t U = w.n_rows, V = w.n_cols, Ho = delta.n_rows, Wo = delta.n_cols;
    if (same(got, cnnlab::xcorr2d(delta, w, {.padding = Mode::full})))
        m.note = "this is W ⊗̃ δ, with the kernel unrotated: the input gradient of Y = W ⊗ X slides rot180(W) over the padded δ";
    else if (Ho >= U && Wo >= V && got.n_rows == Ho - U + 1 && got.n_cols == Wo - V + 1)
        m.note = str("this is the size of a valid (narrow) cross-correlation; ∂f/∂X has the input's size (H_o+U−1)×(W_o+V−1) = ",
                     Ho + U - 1, "×", Wo + V - 1, ": pad δ with U−1 zero rows and V−1 zero columns on each side (full, 宽卷积)");
    else if (got.n_rows == Ho && got.n_cols == Wo)
        m.note = "this is δ's size (same padding); the input is U−1 rows and V−1 columns larger: pad fully (宽卷积)";
}

/// Notes on a wrong weight gradient: the answer rotated, δ rotated, or X sliding over δ.
void note_weight_gradient(Mismatch& m, const arma::mat& got, const arma::mat& x, const arma::mat& delta, const arma::mat& expected) {
    if (same(got, cnnlab::rot180(expected)))
        m.note = "this is rot180(δ ⊗ X), the weight gradient of the convolution W ∗ X (its kernel enters rotated); Y = W ⊗ X uses W as it is";
    else if (same(got, cnnlab::conv2d(x, delta)))
        m.note = "this slides rot180(δ) over X (a convolution); ∂f/∂W = δ ⊗ X slides δ unrotated";
    else if (got.n_rows == x.n_rows + delta.n_rows - 1 && got.n_cols == x.n_cols + delta.n_cols - 1)
        m.note = "this is the size of X sliding over δ (a full correlation); δ is the kernel that slides over X";
    else if (got.n_rows == delta.n_rows && got.n_cols == delta.n_cols)
        m.note = str("this is δ's size; ∂f/∂W has the kernel's size (M−H_o+1)×(N−W_o+1) = ", expected.n_rows, "×", expected.n_cols);
}

/// A scalar function of a vector of `n` elements that refuses other lengths (so a learner's code
/// that calls it with a wrong vector gets a message instead of an Armadillo index error).
ScalarFunction of_length(std::size_t n, std::function<double(const arma::vec&)> f) {
    return [n, f = std::move(f)](const arma::vec& x) {
        if (x.n_elem != n)
            throw argument_error(str("f was called with a vector of ", x.n_elem, " elements, but the point x has ", n));
        return f(x);
    };
}

/// \f$f(W) = \langle \delta, W \otimes X \rangle\f$ with \f$W\f$ read column-major from the vector,
/// and its gradient from cnnlab's backward pass, vectorised column-major too.
struct ConvLoss {
    arma::mat x, delta;
    std::size_t kernel_rows, kernel_cols;
    ScalarFunction f() const {
        return of_length(kernel_rows * kernel_cols, [x = x, delta = delta, u = kernel_rows, v = kernel_cols](const arma::vec& w) {
            return arma::accu(delta % cnnlab::xcorr2d(x, arma::mat(arma::reshape(w, u, v))));
        });
    }
    arma::vec gradient() const { return arma::vectorise(cnnlab::xcorr2d_backward_weight(x, delta, kernel_rows, kernel_cols)); }
};

ConvLoss conv_loss(std::mt19937& rng) {
    return {random_integers(5, 6, rng), random_integers(4, 4, rng), 2, 3};  // W 2×3: Y is 4×4
}

/// Points for Σ sin xᵢ: a zero, values beyond ±π, a large one.
arma::vec sine_point() { return {0.0, 0.3, -1.2, 2.5, -2.9, 4.0, 11.0}; }

ScalarFunction sum_of_sines(double scale, std::size_t n) {
    return of_length(n, [scale](const arma::vec& x) { return scale * arma::accu(arma::sin(x)); });
}

std::string as_text(const arma::vec& x) {
    std::string text = "(";
    for (arma::uword i = 0; i < x.n_elem; ++i) text += (i ? ", " : "") + number(x(i));
    return text + ")";
}

/// cnnlab::activation_backward on one plane (a 1×1×H×W tensor).
arma::mat library_delta(const arma::mat& z, const arma::mat& da, Activation activation, double slope) {
    Tensor4<double> zt({1, 1, z.n_rows, z.n_cols}), dat({1, 1, z.n_rows, z.n_cols});
    zt.plane(0, 0) = z;
    dat.plane(0, 0) = da;
    return cnnlab::activation_backward(zt, dat, activation, slope).plane_copy(0, 0);
}

/// Notes on a wrong activation delta: f' alone, f' at the output, ReLU'(0) = 1, overflow.
void note_activation(Mismatch& m, const arma::mat& got, const arma::mat& z, const arma::mat& da, Activation activation, double slope) {
    const arma::mat ones(arma::size(z), arma::fill::ones);
    if (got.has_nan()) {
        m.note = "NaN where |z| is large: e^{800} overflows to inf and inf/inf is NaN; compute σ(z) = 1/(1 + e^{−z}) and σ(1 − σ), "
                 "or std::tanh";
    } else if (same(got, library_delta(z, ones, activation, slope))) {
        m.note = "this is f'(Z) alone: multiply it element by element by dA (⊙, Armadillo's %)";
    } else if ((activation == Activation::relu || activation == Activation::leaky_relu) && arma::any(arma::vectorise(z == 0.0))) {
        const arma::mat at_zero_is_one = arma::conv_to<arma::mat>::from(z >= 0.0) % da +
                                         (activation == Activation::leaky_relu ? slope : 0.0) * arma::conv_to<arma::mat>::from(z < 0.0) % da;
        if (same(got, at_zero_is_one))
            m.note = "at z = 0 exactly, take the derivative from the left (0 for ReLU, the slope for Leaky ReLU), as PyTorch and cnnlab do";
    } else if (activation == Activation::sigmoid && same(got, arma::mat(z % (1 - z) % da))) {
        m.note = "this is z(1 − z) ⊙ dA: σ' = a(1 − a) holds for the output a = σ(z), and z is the input";
    } else if (activation == Activation::tanh && same(got, arma::mat((1 - z % z) % da))) {
        m.note = "this is (1 − z²) ⊙ dA: tanh' = 1 − a² holds for the output a = tanh z, and z is the input";
    }
}

}  // namespace

Verdict check_convolution_matrix(const std::function<arma::mat(const arma::vec&, std::size_t)>& answer) {
    // nndl §5.5.1, K = 3 and n = 5, with w = (1, 2, 3).
    const arma::vec w0{1, 2, 3};
    const arma::mat literal{{1, 2, 3, 0, 0}, {0, 1, 2, 3, 0}, {0, 0, 1, 2, 3}};
    const arma::mat c0 = answer(w0, 5);
    if (auto m = compare("convolution_matrix(w = (1, 2, 3), n = 5), nndl §5.5.1's C", c0, literal)) {
        if (same(c0, arma::mat(literal.t())))
            m->note = "this is Cᵀ: C has one row per output (n − K + 1) and one column per input (n)";
        else if (same(c0, arma::mat{{3, 2, 1, 0, 0}, {0, 3, 2, 1, 0}, {0, 0, 3, 2, 1}}))
            m->note = "the kernel is reversed in each row: that is the matrix of the convolution w ∗ x, nndl's C is the cross-correlation w ⊗ x";
        return Verdict::wrong(*m);
    }
    // (K, n): two taps, kernel = input (one output), a single tap, longer kernels.
    const std::vector<std::pair<std::size_t, std::size_t>> sizes{{2, 6}, {3, 3}, {1, 4}, {4, 9}, {5, 7}};
    std::mt19937 rng(71);
    for (const auto& [K, n] : sizes) {
        const arma::vec w = random_vector(K, rng);
        const arma::mat c = answer(w, n);
        const std::string what = str("convolution_matrix(w of ", K, " taps, n = ", n, ")");
        if (auto m = compare_shape(what, c, n - K + 1, n)) return Verdict::wrong(*m);
        for (int trial = 0; trial < 3; ++trial) {
            const arma::vec x = random_vector(n, rng);
            if (auto m = compare(what + " · x against cnnlab::xcorr1d(x, w), random integer x", arma::vec(c * x), cnnlab::xcorr1d(x, w)))
                return Verdict::wrong(*m);
        }
        // nndl §5.5.1: the transpose sends δ back as rot180(w) ⊗̃ δ.
        const arma::vec delta = random_vector(n - K + 1, rng);
        if (auto m = compare(what + ": Cᵀδ against rot180(w) ⊗̃ δ = cnnlab::xcorr1d(δ, rot180(w), full)", arma::vec(c.t() * delta),
                             cnnlab::xcorr1d(delta, cnnlab::rot180(w), {.padding = Mode::full})))
            return Verdict::wrong(*m);
    }
    return Verdict::right(str("nndl's 3×5 C; on ", sizes.size(), " sizes Cx = xcorr1d(x, w) and Cᵀδ = rot180(w) ⊗̃ δ"));
}

Verdict check_backward_by_transpose(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer) {
    // Ex 5-5's setting (3×3 input, 2×2 kernel): δ with a single 1 at (i, j) reads out row 2i + j
    // of C as a column of Cᵀ — the kernel placed where output (i, j) read it.
    const arma::mat w0{{1, 2}, {3, 4}};
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 2; ++j) {
            const arma::mat delta = unit(2, 2, i, j), got = answer(w0, delta);
            const arma::mat expected = placed(w0, 3, 3, i, j);
            if (auto m = compare(str("backward_by_transpose(W = [[1,2],[3,4]], δ 2×2 with a single 1 at (", i, ", ", j, ")) = row ", 2 * i + j,
                                     " of C, folded into 3×3"),
                                 got, expected)) {
                if (same(got, arma::mat(expected.t())))
                    m->note = "rows and columns swapped: vecᵣ reads row by row, while arma::reshape fills column by column";
                else
                    note_input_gradient(*m, got, w0, delta);
                return Verdict::wrong(*m);
            }
        }
    // (U, V, H_o, W_o): non-square, a 1×1 kernel, a 1×1 output, a kernel larger than δ.
    const std::vector<PlaneCase> cases{{2, 3, 3, 4}, {1, 1, 4, 2}, {3, 3, 1, 1}, {4, 2, 2, 5}, {2, 2, 3, 3}};
    std::mt19937 rng(72);
    for (const PlaneCase& c : cases) {
        const arma::mat w = random_integers(c.kernel_rows, c.kernel_cols, rng), delta = random_integers(c.out_rows, c.out_cols, rng);
        const std::size_t M = c.out_rows + c.kernel_rows - 1, N = c.out_cols + c.kernel_cols - 1;
        const arma::mat got = answer(w, delta);
        const std::string what = str("backward_by_transpose(W ", sz(w), ", δ ", sz(delta), ")");
        if (auto m = compare_shape(what + " (the input is (H_o+U−1)×(W_o+V−1))", got, M, N)) return Verdict::wrong(*m);
        // Ex 5-7 itself: the backward map is the adjoint of the forward one, checked against cnnlab's forward.
        for (int trial = 0; trial < 2; ++trial) {
            const arma::mat x = random_integers(M, N, rng);
            if (auto m = compare_number(str(what, ": ⟨X, yours⟩ against ⟨W ⊗ X, δ⟩ = ⟨CX, δ⟩ (cnnlab::xcorr2d, random X ", sz(x), ")"),
                                        arma::accu(x % got), arma::accu(cnnlab::xcorr2d(x, w) % delta))) {
                note_input_gradient(*m, got, w, delta);
                return Verdict::wrong(*m);
            }
        }
        if (auto m = compare(what + " against cnnlab::xcorr2d_backward_input", got, cnnlab::xcorr2d_backward_input(w, delta, M, N))) {
            note_input_gradient(*m, got, w, delta);
            return Verdict::wrong(*m);
        }
    }
    return Verdict::right(str("the 4 rows of ex 5-5's C; on ", cases.size(),
                              " shapes ⟨W ⊗ X, δ⟩ = ⟨X, Cᵀδ⟩ and Cᵀδ = cnnlab::xcorr2d_backward_input"));
}

Verdict check_input_gradient(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer) {
    // A single 1 at (1, 2) of a 3×4 δ: only y(1, 2) counts, and it read x(1+u, 2+v) with weight w(u, v).
    const arma::mat w0{{1, 2}, {3, 4}}, delta0 = unit(3, 4, 1, 2);
    const arma::mat got0 = answer(w0, delta0);
    if (auto m = compare("input_gradient(W = [[1,2],[3,4]], δ 3×4 with a single 1 at (1, 2)): W placed at (1, 2) of the 4×5 input", got0,
                         placed(w0, 4, 5, 1, 2))) {
        note_input_gradient(*m, got0, w0, delta0);
        return Verdict::wrong(*m);
    }
    // (U, V, H_o, W_o): δ larger than W, square, 1×1 kernel, W larger than δ, thin shapes.
    const std::vector<PlaneCase> cases{{2, 3, 4, 5}, {3, 3, 3, 3}, {1, 1, 3, 4}, {4, 4, 2, 2}, {2, 5, 3, 1}, {5, 2, 1, 3}};
    std::mt19937 rng(73);
    for (const PlaneCase& c : cases) {
        const arma::mat w = random_integers(c.kernel_rows, c.kernel_cols, rng), delta = random_integers(c.out_rows, c.out_cols, rng);
        const arma::mat got = answer(w, delta);
        const arma::mat expected = ref::xcorr2d_backward_input(w, delta, c.out_rows + c.kernel_rows - 1, c.out_cols + c.kernel_cols - 1);
        if (auto m = compare(str("input_gradient(W ", sz(w), ", δ ", sz(delta), ") against ref::xcorr2d_backward_input"), got, expected)) {
            note_input_gradient(*m, got, w, delta);
            return Verdict::wrong(*m);
        }
    }
    return Verdict::right(str("a unit δ gives W placed at its position; equals ref::xcorr2d_backward_input on ", cases.size(),
                              " random shapes (kernel larger than δ included)"));
}

Verdict check_weight_gradient(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer) {
    // d2l's X with δ a single 1 at (1, 0): ∂f/∂W is the window output (1, 0) read, X(1:2, 0:1).
    const arma::mat x0{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, delta0 = unit(2, 2, 1, 0);
    const arma::mat got0 = answer(x0, delta0), expected0{{3, 4}, {6, 7}};
    if (auto m = compare("weight_gradient(X = [[0,1,2],[3,4,5],[6,7,8]], δ 2×2 with a single 1 at (1, 0)): the window of X at (1, 0)", got0,
                         expected0)) {
        note_weight_gradient(*m, got0, x0, delta0, expected0);
        return Verdict::wrong(*m);
    }
    // (M, N, H_o, W_o): kernels 2×3, 4×4, 1×1 (δ as large as X), 5×1, X itself (δ 1×1), 4×5.
    struct Case {
        std::size_t rows, cols, out_rows, out_cols;
    };
    const std::vector<Case> cases{{4, 5, 3, 3}, {5, 5, 2, 2}, {3, 4, 3, 4}, {6, 3, 2, 3}, {4, 4, 1, 1}, {7, 6, 4, 2}};
    std::mt19937 rng(74);
    for (const Case& c : cases) {
        const arma::mat x = random_integers(c.rows, c.cols, rng), delta = random_integers(c.out_rows, c.out_cols, rng);
        const arma::mat got = answer(x, delta);
        const arma::mat expected = ref::xcorr2d_backward_weight(x, delta, c.rows - c.out_rows + 1, c.cols - c.out_cols + 1);
        if (auto m = compare(str("weight_gradient(X ", sz(x), ", δ ", sz(delta), ") against ref::xcorr2d_backward_weight"), got, expected)) {
            note_weight_gradient(*m, got, x, delta, expected);
            return Verdict::wrong(*m);
        }
    }
    return Verdict::right(str("a unit δ gives the window of X it marks; equals ref::xcorr2d_backward_weight on ", cases.size(), " random shapes"));
}

Verdict check_central_difference_gradient(const std::function<arma::vec(const ScalarFunction&, const arma::vec&)>& answer) {
    constexpr double tolerance = 1e-6;
    // A wrong numeric gradient is usually a one-sided difference (off by O(h)) or a lost factor 2.
    const auto note_on = [](Mismatch& m, const arma::vec& got, const arma::vec& expected) {
        if (got.n_elem != expected.n_elem || got.has_nan()) return;
        if (same(got, arma::vec(2 * expected)) || same(got, arma::vec(expected / 2)))
            m.note = "off by a factor 2: the central difference divides f(x + h) − f(x − h) by 2h, the distance between the two points";
        else if (arma::abs(got - expected).max() <= 1e-2 * std::max(1.0, arma::abs(expected).max()))
            m.note = "close but not to 1e-6: a one-sided difference (f(x + h) − f(x))/h is off by about h·f''/2; the central one by h²·f'''/6";
    };
    const arma::vec x1 = sine_point();
    const arma::vec got1 = answer(sum_of_sines(1, x1.n_elem), x1);
    if (auto m = compare("central_difference_gradient(f = Σ sin xᵢ, x = " + as_text(x1) + ") against cos x", got1, arma::vec(arma::cos(x1)), tolerance)) {
        note_on(*m, got1, arma::cos(x1));
        return Verdict::wrong(*m);
    }
    // A quadratic ½xᵀAx + bᵀx: the central difference is exact but for rounding, a one-sided one is not.
    std::mt19937 rng(75);
    const arma::mat a_half = random_integers(5, 5, rng);
    const arma::mat a = a_half + a_half.t();
    const arma::vec b = random_vector(5, rng), x2 = random_vector(5, rng);
    const ScalarFunction quadratic = of_length(5, [a, b](const arma::vec& x) { return 0.5 * arma::dot(x, a * x) + arma::dot(b, x); });
    const arma::vec got2 = answer(quadratic, x2), expected2 = a * x2 + b;
    if (auto m = compare("central_difference_gradient(f = ½xᵀAx + bᵀx, random integer A = Aᵀ 5×5, b, x) against Ax + b", got2, expected2, tolerance)) {
        note_on(*m, got2, expected2);
        return Verdict::wrong(*m);
    }
    // The chapter's own function: f(W) = ⟨δ, W ⊗ X⟩, whose gradient is cnnlab's δ ⊗ X.
    const ConvLoss loss = conv_loss(rng);
    const arma::vec w = random_vector(loss.kernel_rows * loss.kernel_cols, rng);
    const arma::vec got3 = answer(loss.f(), w), expected3 = loss.gradient();
    if (auto m = compare("central_difference_gradient(f(W) = ⟨δ, W ⊗ X⟩, W 2×3 read column-major, X 5×6, δ 4×4) against "
                         "cnnlab::xcorr2d_backward_weight",
                         got3, expected3, tolerance)) {
        note_on(*m, got3, expected3);
        return Verdict::wrong(*m);
    }
    return Verdict::right("within 1e-6 of cos x for Σ sin x, of Ax + b for a quadratic, and of cnnlab::xcorr2d_backward_weight for ⟨δ, W ⊗ X⟩");
}

Verdict check_gradient_agrees(const std::function<bool(const ScalarFunction&, const arma::vec&, const arma::vec&)>& answer) {
    struct Case {
        std::string what;  // f, x and the analytic gradient, as the report prints them
        ScalarFunction f;
        arma::vec x, analytic;
        bool agrees;
        std::string note;  // why a checker that gets this case wrong is wrong
    };
    const arma::vec x = sine_point();
    const std::size_t n = x.n_elem;
    const arma::vec cos_x = arma::cos(x);
    arma::vec one_off = cos_x;
    one_off(3) += 1e-3;
    std::mt19937 rng(76);
    const ConvLoss loss = conv_loss(rng);
    const arma::vec w = random_vector(loss.kernel_rows * loss.kernel_cols, rng);
    const arma::mat rotated = cnnlab::rot180(arma::mat(arma::reshape(loss.gradient(), loss.kernel_rows, loss.kernel_cols)));
    arma::vec near_zero = x;
    near_zero(1) = std::numbers::pi / 2;  // cos ≈ 6e-17 there
    const std::string sines = "f = Σ sin xᵢ at x = " + as_text(x);
    const std::string conv = "f(W) = ⟨δ, W ⊗ X⟩ (W 2×3, X 5×6, δ 4×4)";
    const std::string absolute = "a tolerance on |a − b| alone depends on the scale of f; divide by the size of the gradients";
    const std::vector<Case> cases{
        {sines + ", analytic cos x", sum_of_sines(1, n), x, cos_x, true, "the right gradient must be accepted"},
        {sines + ", analytic −cos x", sum_of_sines(1, n), x, -cos_x, false, "a sign flip must be rejected"},
        {sines + ", analytic cos x with element 3 off by 0.001", sum_of_sines(1, n), x, one_off, false,
         "one wrong element must be rejected: take the largest difference over all elements"},
        {sines + ", analytic 2 cos x", sum_of_sines(1, n), x, 2 * cos_x, false, "a gradient off by a factor 2 must be rejected"},
        {conv + ", analytic cnnlab::xcorr2d_backward_weight", loss.f(), w, loss.gradient(), true, "the right gradient must be accepted"},
        {conv + ", analytic rot180 of it (the convolution's gradient)", loss.f(), w, arma::vectorise(rotated), false,
         "the weight gradient of a convolution is not that of a cross-correlation: a rotated kernel gradient must be rejected"},
        {"f = Σ xᵢ² at x = 0, analytic 0", of_length(4, [](const arma::vec& v) { return arma::dot(v, v); }), arma::vec(4, arma::fill::zeros),
         arma::vec(4, arma::fill::zeros), true, "both gradients are exactly 0: the relative error must be 0, not 0/0 = NaN"},
        {"f = 10⁻⁹ Σ sin xᵢ, analytic 10⁻⁹ cos x", sum_of_sines(1e-9, n), x, 1e-9 * cos_x, true, "the right gradient must be accepted at any scale"},
        {"f = 10⁻⁹ Σ sin xᵢ, analytic 10⁻⁹ (cos x + 1)", sum_of_sines(1e-9, n), x, 1e-9 * (cos_x + 1), false, absolute},
        {"f = 10⁶ Σ sin xᵢ, analytic 10⁶ cos x", sum_of_sines(1e6, n), x, 1e6 * cos_x, true, absolute},
        {"f = Σ sin xᵢ at x with x₁ = π/2 (∂f/∂x₁ ≈ 0), analytic cos x", sum_of_sines(1, n), near_zero, arma::vec(arma::cos(near_zero)), true,
         "a relative error taken element by element blows up where the gradient is ≈ 0: compare the largest difference with the largest "
         "gradient"},
    };
    for (const Case& c : cases) {
        const bool got = answer(c.f, c.x, c.analytic);
        if (got != c.agrees)
            return Verdict::wrong({.quantity = "gradient_agrees(" + c.what + ")",
                                   .expected = c.agrees ? "true" : "false",
                                   .got = got ? "true" : "false",
                                   .note = c.note});
    }
    return Verdict::right(str(cases.size(), " cases: right gradients accepted at scales 1e-9 to 1e6 and with zero and near-zero components; "
                                            "a sign flip, one wrong element, a factor 2, a rotated kernel gradient and a tiny offset rejected"));
}

std::string choice_text(AutogradOutcome choice) {
    switch (choice) {
        case AutogradOutcome::no_error: return "(a) no error: backward runs and the kernel's gradient is right";
        case AutogradOutcome::inplace_not_supported:
            return "(b) Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with autograd";
        case AutogradOutcome::leaf_inplace: return "(c) a leaf Variable that requires grad is being used in an in-place operation";
        case AutogradOutcome::no_grad_fn: return "(d) element 0 of tensors does not require grad and does not have a grad_fn";
        case AutogradOutcome::shape_mismatch: return "(e) a shape error: Y is 6×7 but X is 6×8";
    }
    return "(?) not one of the choices";
}

namespace {

/// Why each choice is what it is: the note a wrong pick gets, and the explanation of the right one.
std::string why(AutogradOutcome choice) {
    switch (choice) {
        case AutogradOutcome::no_error:
            return "PyTorch records Y[i, j] = … as a copy into a slice (CopySlices) and differentiates through it; MXNet's autograd "
                   "does not record writes into an existing array";
        case AutogradOutcome::inplace_not_supported:
            return "MXNet's NotImplementedError: its autograd cannot record Y[i, j] = … into the array made by nd.zeros; d2l therefore "
                   "trains with the built-in Conv2D";
        case AutogradOutcome::leaf_inplace:
            return "PyTorch raises this only when the tensor written into is itself a leaf that requires grad, e.g. "
                   "Y = torch.zeros(..., requires_grad=True); d2l's Y is made without requires_grad";
        case AutogradOutcome::no_grad_fn:
            return "this appears when nothing in the loss requires grad; Conv2D's weight and bias are parameters, which do";
        case AutogradOutcome::shape_mismatch:
            return "the shapes agree: corr2d makes Y (6−1+1)×(8−2+1) = 6×7 for the 6×8 X and the 1×2 K, and the loss is summed";
    }
    return "not one of the AutogradOutcome choices";
}

Verdict check_choice(const std::string& question, AutogradOutcome got, AutogradOutcome expected) {
    if (got != expected)
        return Verdict::wrong({.quantity = question, .expected = choice_text(expected), .got = choice_text(got), .note = why(got)});
    return Verdict::right(why(expected));
}

}  // namespace

Verdict check_autograd_outcome_mxnet(const std::function<AutogradOutcome()>& answer) {
    // d2l's text ("since we used single-element assignments, autograd has some trouble finding the
    // gradient"); the message is MXNet's check in its autograd recorder.
    return check_choice("backward through d2l's hand-made Conv2D in MXNet (inside autograd.record())", answer(),
                        AutogradOutcome::inplace_not_supported);
}

Verdict check_autograd_outcome_pytorch(const std::function<AutogradOutcome()>& answer) {
    // Run with PyTorch 1.13 (Debian's python3-torch): d2l's corr2d/Conv2D trains without error, and
    // the kernel's gradient equals the one through torch.nn.functional.conv2d to float rounding.
    return check_choice("backward through d2l's hand-made Conv2D in PyTorch", answer(), AutogradOutcome::no_error);
}

Verdict check_activation_delta(const std::function<arma::mat(const arma::mat&, const arma::mat&, Activation, double)>& answer) {
    // Exact zeros (ReLU's kink), small and large values, and ±800 where e^{±z} overflows.
    const arma::mat grid{{-800, -40, -3, -1, -1e-3}, {0, 1e-3, 0.5, 1, 2}, {3, 40, 800, -0.25, 0}};
    std::mt19937 rng(77);
    std::uniform_int_distribution<int> magnitude(1, 5), sign(0, 1);
    const auto upstream = [&](const arma::mat& z) {  // nonzero integers, so a dropped f' always shows
        arma::mat da(arma::size(z));
        da.imbue([&] { return double(magnitude(rng) * (sign(rng) ? 1 : -1)); });
        return da;
    };
    std::uniform_real_distribution<double> value(-4, 4);
    arma::mat random_z(6, 7);
    random_z.imbue([&] { return value(rng); });
    const std::vector<std::pair<Activation, double>> activations{
        {Activation::identity, 0.01}, {Activation::relu, 0.01}, {Activation::leaky_relu, 0.1}, {Activation::sigmoid, 0.01}, {Activation::tanh, 0.01}};
    for (const auto& [activation, slope] : activations)
        for (const arma::mat& z : {grid, random_z}) {
            const arma::mat da = upstream(z);
            const arma::mat got = answer(z, da, activation, slope);
            const std::string what = str("activation_delta(z ", sz(z), z.n_rows == grid.n_rows ? " with 0 and ±800" : " random in [−4, 4]", ", dA ",
                                         sz(da), ", ", activation_name(activation),
                                         activation == Activation::leaky_relu ? str(", slope ", slope) : std::string(),
                                         ") against cnnlab::activation_backward");
            if (auto m = compare(what, got, library_delta(z, da, activation, slope))) {
                note_activation(*m, got, z, da, activation, slope);
                return Verdict::wrong(*m);
            }
        }
    return Verdict::right(str("equals cnnlab::activation_backward for ", activations.size(),
                              " activations on a grid with 0 and ±800 and on random pre-activations"));
}

/// Adds Chapter 3 and its exercises, each check bound to the learner's function.
void register_exercises(Registry& registry) {
    registry.add_chapter({3, "gradients of convolution 卷积的梯度", "exercises/ch03/ch03_exercises.cpp"});
    const auto add = [&](std::string id, std::string title, std::string source, std::string function, std::string hint,
                         std::function<Verdict()> check) {
        registry.add({std::move(id), 3, std::move(title), std::move(source), std::move(function), std::move(hint), std::move(check)});
    };
    const std::string nndl_gradients = "nndl §5.1.4 (2), §5.3";
    const std::string d2l = "d2l Convolutions for Images, ex 2";
    add("5-7.1", "1-D cross-correlation as a matrix C; Cᵀ is the backward map", "nndl ex 5-7, §5.5.1", "convolution_matrix(w, n)",
        "C has n − K + 1 rows (outputs) and n columns (inputs). Row i holds w_0 … w_{K−1} in columns i … i + K − 1, in that order "
        "(a cross-correlation does not reverse the kernel), and zeros elsewhere: each row is the one above shifted one column right.",
        [] { return check_convolution_matrix(convolution_matrix); });
    add("5-7.2", "forward and backward are transposes: ∂f/∂X = Cᵀδ", "nndl ex 5-7", "backward_by_transpose(W, delta)",
        "build C as in ex 5-5: row i·W_o + j (output (i, j)) holds w(u, v) in column (i + u)·N + (j + v), zeros elsewhere, with "
        "M = H_o + U − 1 and N = W_o + V − 1. Then Cᵀ·vecᵣ(δ) has MN entries; entry r·N + c is ∂f/∂x(r, c) (fold back row by row).",
        [] { return check_backward_by_transpose(backward_by_transpose); });
    add("impl-grad-input", "∂f/∂X = rot180(W) ⊗̃ δ, a wide convolution 宽卷积", nndl_gradients, "input_gradient(W, delta)",
        "the answer is M×N with M = H_o + U − 1, N = W_o + V − 1: pad δ with U − 1 zero rows and V − 1 zero columns on each side "
        "(full, 宽卷积) and cross-correlate with the kernel turned by 180°: "
        "cnnlab::xcorr2d(delta, cnnlab::rot180(W), {.padding = cnnlab::Mode::full}). A δ with a single 1 at (i, j) gives W placed at (i, j).",
        [] { return check_input_gradient(input_gradient); });
    add("impl-grad-weight", "∂f/∂W = δ ⊗ X", nndl_gradients, "weight_gradient(X, delta)",
        "δ is the kernel: ∂f/∂w(u, v) = Σ_{i,j} δ(i, j)·x(i + u, j + v), the valid cross-correlation cnnlab::xcorr2d(X, delta), "
        "of size (M − H_o + 1)×(N − W_o + 1). Nothing is rotated: the layer Y = W ⊗ X uses W as it is.",
        [] { return check_weight_gradient(weight_gradient); });
    add("impl-grad-check.1", "numerical gradient 数值梯度 by central differences", "implementation", "central_difference_gradient(f, x)",
        "copy x; for each i set x_i + h, evaluate f, set x_i − h, evaluate f, restore x_i; g_i = (f₊ − f₋)/(2h) with "
        "h ≈ 6·10⁻⁶·max(1, |x_i|). A one-sided difference (f(x + h) − f(x))/h is only accurate to O(h).",
        [] { return check_central_difference_gradient(central_difference_gradient); });
    add("impl-grad-check.2", "gradient checking 梯度检验: accept right gradients, reject wrong ones", "implementation",
        "gradient_agrees(f, x, analytic)",
        "b = central_difference_gradient(f, x); compare the sizes, then e = max|a − b| / max(std::numeric_limits<double>::min(), "
        "max|a| + max|b|) and return e <= 1e-6. An absolute tolerance, or a relative error taken element by element, fails some cases.",
        [] { return check_gradient_agrees(gradient_agrees); });
    add("d2l-autograd.1", "backprop through the hand-made Conv2D: MXNet", d2l, "autograd_outcome_mxnet()",
        "MXNet's autograd records operations that make new arrays; d2l's corr2d writes into an existing one element by element "
        "(Y[i, j] = …) while recording — d2l says autograd \"has some trouble\" with it and switches to the built-in Conv2D.",
        [] { return check_autograd_outcome_mxnet(autograd_outcome_mxnet); });
    add("d2l-autograd.2", "backprop through the hand-made Conv2D: PyTorch", d2l, "autograd_outcome_pytorch()",
        "PyTorch records an indexed assignment into a tensor as an operation of its own, as long as the tensor written into is "
        "not a leaf that requires grad; d2l's Y comes from torch.zeros without requires_grad, the weight is an nn.Parameter.",
        [] { return check_autograd_outcome_pytorch(autograd_outcome_pytorch); });
    add("impl-activation-grad", "δ through an activation 激活函数: f'(Z) ⊙ ∂f/∂A", "nndl §5.3.1", "activation_delta(z, da, activation, slope)",
        "evaluate f' at z (the activation's input, not its output), then multiply by da element by element (Armadillo's %). "
        "σ'(z) = σ(z)(1 − σ(z)) with σ(z) = 1/(1 + e^{−z}); tanh' = 1 − tanh²z; ReLU'(0) is taken as 0 (Leaky ReLU's as the slope).",
        [] { return check_activation_delta(activation_delta); });
}

}  // namespace cnnlab::exercises::ch03

namespace cnnlab::exercises {
void register_ch03_exercises(Registry& registry) { ch03::register_exercises(registry); }
}  // namespace cnnlab::exercises
