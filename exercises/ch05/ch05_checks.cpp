// The checks of Chapter 5's exercises and their registration. Oracles: cnnlab's transposed
// convolution (conv_transpose2d, conv_transpose1d), its convolution layers (conv2d_layer,
// conv1d_layer), ref::convolution_matrix, impulse responses measured through them, d2l's literals.
#include "exercises/ch05/ch05_checks.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/arithmetic.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch05_transposed/transposed.hpp"
#include "exercises/checker/compare.hpp"
#include "reference/transposed.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cnnlab::exercises::ch05 {

namespace {

// ---- values, text and the library on one plane --------------------------------------------------

/// Integer-valued entries in [lo, hi]: every sum of products is exact in double.
arma::mat random_integers(std::size_t rows, std::size_t cols, std::mt19937& rng, int lo = -3, int hi = 3) {
    std::uniform_int_distribution<int> value(lo, hi);
    arma::mat x(rows, cols);
    x.imbue([&] { return double(value(rng)); });
    return x;
}

arma::vec random_vector(std::size_t n, std::mt19937& rng) { return arma::vectorise(random_integers(n, 1, rng)); }

/// Same shape and the same values (to the checker's tolerance).
bool same(const arma::mat& a, const arma::mat& b) { return !compare("", a, b).has_value(); }

std::string sz(const arma::mat& m) { return shape_of(m); }
std::string sz(Size2 s) { return str(s.rows, "×", s.cols); }

/// "(1, 2, 3)"
std::string as_text(const arma::vec& v) {
    std::string text = "(";
    for (arma::uword k = 0; k < v.n_elem; ++k) text += (k ? ", " : "") + number(v(k));
    return text + ")";
}

/// A measurement to 3 significant digits.
std::string short_number(double value) {
    if (value == 0) return "0";
    const double scale = std::pow(10.0, 2 - std::floor(std::log10(std::abs(value))));
    return number(std::round(value * scale) / scale);
}

std::string as_text(const std::optional<std::size_t>& p) { return p ? str(*p) : std::string("none (std::nullopt)"); }

/// cnnlab's transposed convolution of one plane.
arma::mat library_tconv(const arma::mat& z, const arma::mat& w, Size2 stride, Size2 padding = {0, 0}) {
    return cnnlab::conv_transpose2d(z, w, {.stride = {stride.rows, stride.cols}, .padding = {padding.rows, padding.cols}});
}

/// The width of cnnlab::conv2d_layer's output for a 1×1×1×n input, a kernel of K taps along the
/// width, dilation D, padding P on each side and stride s; 0 when the layer refuses (the padded
/// input is shorter than the dilated kernel).
std::size_t conv_width(std::size_t n, std::size_t kernel, std::size_t dilation, std::size_t padding, std::size_t stride = 1) {
    const Tensor4<double> x({1, 1, 1, n}), w({1, 1, 1, kernel});
    const Conv2dOptions options{.padding = Sides2::symmetric(0, padding), .stride = {1, stride}, .dilation = {1, dilation}};
    try {
        return cnnlab::conv2d_layer(x, w, {}, options).shape().w;
    } catch (const shape_error&) {
        return 0;
    }
}

/// The width of cnnlab::conv_transpose2d's output for a 1×n plane and a kernel of K taps along the
/// width; 0 when it refuses the shape (an output below one cell).
std::size_t tconv_width(std::size_t n, std::size_t kernel, std::size_t stride, std::size_t padding, std::size_t dilation,
                        std::size_t output_padding) {
    const arma::mat z(1, n, arma::fill::ones), w(1, kernel, arma::fill::ones);
    const ConvTranspose2dOptions options{.stride = {1, stride},
                                         .padding = {0, padding},
                                         .output_padding = {0, output_padding},
                                         .dilation = {1, dilation}};
    try {
        return cnnlab::conv_transpose2d(z, w, options).n_cols;
    } catch (const shape_error&) {
        return 0;
    }
}

// ---- 5-8 ----------------------------------------------------------------------------------------

/// The input lengths a padding must keep.
constexpr std::size_t kept_lengths[] = {1, 10, 23};

/// The padding whose conv keeps every length of kept_lengths, searched from 0 up (the output grows
/// with P, so at most one does), or none.
std::optional<std::size_t> measured_same_padding(std::size_t kernel, std::size_t dilation) {
    for (std::size_t p = 0; p <= kernel * dilation; ++p)
        if (std::all_of(std::begin(kept_lengths), std::end(kept_lengths), [&](std::size_t n) { return conv_width(n, kernel, dilation, p) == n; }))
            return p;
    return std::nullopt;
}

void note_same_padding(Mismatch& m, std::optional<std::size_t> got, std::optional<std::size_t> expected, std::size_t kernel,
                       std::size_t dilation) {
    const std::size_t span = dilation * (kernel - 1) + 1;
    std::string effect;
    if (got) {
        const std::size_t width = conv_width(10, kernel, dilation, *got);
        effect = width ? str("with P = ", *got, " cnnlab::conv2d_layer maps 10 cells to ", width)
                       : str("with P = ", *got, " a 10-cell input is too short for the kernel");
    }
    const bool note_formula = ((kernel - 1) * (1 + dilation)) % 2 == 0;
    if (got && note_formula && *got == (kernel - 1) * (1 + dilation) / 2 && expected != got)
        m.note = str(effect, ". That is note 003's P = (K − 1)/2·(1 + D), which counts D as the holes between taps; with the "
                             "dilation rate D (D − 1 holes, PyTorch's dilation) the kernel spans D(K − 1) + 1 = ",
                     span, " cells");
    else if (got && dilation > 1 && *got == (kernel - 1) / 2 && expected != got)
        m.note = str(effect, ". That is the padding of the undilated kernel; with dilation ", dilation, " the kernel spans D(K − 1) + 1 = ", span, " cells");
    else if (got && !expected)
        m.note = str(effect, ". The output has n + 2P − D(K − 1) cells and D(K − 1) = ", span - 1,
                     " is odd: no P on both sides gives back n (PyTorch's padding='same' pads one side more)");
    else if (!got && expected)
        m.note = str("P = ", *expected, " keeps the size: the output has n + 2P − D(K − 1) cells and D(K − 1) = ", span - 1, " is even");
    else if (got)
        m.note = effect;
}

// ---- impl-tconv-size ----------------------------------------------------------------------------

struct SizeCase {
    std::size_t n, kernel, stride, padding, dilation, output_padding;
};

std::string describe(const SizeCase& c) {
    return str("transposed_size(n = ", c.n, ", K = ", c.kernel, ", s = ", c.stride, ", p = ", c.padding, ", d = ", c.dilation,
               ", a = ", c.output_padding, ")");
}

void note_transposed_size(Mismatch& m, std::size_t got, const SizeCase& c) {
    using ll = long long;
    const ll n = ll(c.n), k = ll(c.kernel), s = ll(c.stride), p = ll(c.padding), d = ll(c.dilation), a = ll(c.output_padding);
    const ll full = (n - 1) * s + d * (k - 1) + 1, g = ll(got);
    if (d > 1 && g == (n - 1) * s + k - 2 * p + a)
        m.note = "this leaves out the dilation: the kernel's taps land d apart, so the last one reaches d(K − 1) past the first";
    else if (p > 0 && g == full + 2 * p + a)
        m.note = "the padding was added; in a transposed convolution p removes p cells from each end of the full scatter";
    else if (a > 0 && g == full - 2 * p)
        m.note = "the output padding a was left out: it adds a cells at the end";
    else if (n + 2 * p >= full - (n - 1) * s && g == (n + 2 * p - d * (k - 1) - 1) / s + 1)
        m.note = "this is the convolution's output size; the transposed convolution goes the other way, from that size back up";
}

// ---- impl-output-padding ------------------------------------------------------------------------

struct PaddingCase {
    std::size_t input, kernel, stride, padding;
};

// ---- impl-tconv-scatter and impl-tconv-as-conv --------------------------------------------------

/// The scatter with `=` instead of `+=`: the blocks of later cells overwrite the overlap.
arma::mat assigned_scatter(const arma::mat& z, const arma::mat& w, Size2 s) {
    arma::mat y((z.n_rows - 1) * s.rows + w.n_rows, (z.n_cols - 1) * s.cols + w.n_cols, arma::fill::zeros);
    for (arma::uword i = 0; i < z.n_rows; ++i)
        for (arma::uword j = 0; j < z.n_cols; ++j)
            y.submat(i * s.rows, j * s.cols, i * s.rows + w.n_rows - 1, j * s.cols + w.n_cols - 1) = z(i, j) * w;
    return y;
}

void note_scatter(Mismatch& m, const arma::mat& got, const arma::mat& z, const arma::mat& w, Size2 s) {
    const arma::mat expected = library_tconv(z, w, s);
    if (got.n_rows != expected.n_rows || got.n_cols != expected.n_cols) {
        if (got.n_rows == z.n_rows + w.n_rows - 1 && got.n_cols == z.n_cols + w.n_cols - 1 && (s.rows > 1 || s.cols > 1))
            m.note = "this is the stride-1 size; with stride s the blocks start s apart: (H − 1)·s_h + K_h rows";
        return;
    }
    if (same(got, library_tconv(z, cnnlab::rot180(w), s)))
        m.note = "this scatters rot180(w): the scatter adds w as it is; the 180° turn appears only when the transposed "
                 "convolution is written as a convolution (impl-tconv-as-conv)";
    else if (same(got, assigned_scatter(z, w, s)))
        m.note = "where blocks overlap each keeps only the last cell's contribution: add (+=), don't assign";
}

void note_zero_insertion(Mismatch& m, const arma::mat& got, const arma::mat& z, const arma::mat& w, Size2 s, Size2 p) {
    const arma::mat expected = library_tconv(z, w, s, p);
    if (got.n_rows != expected.n_rows || got.n_cols != expected.n_cols) {
        // Padded with p instead of K − 1 − p: (H − 1)s + 1 + 2p − K + 1 rows.
        const long long rows = (long long)((z.n_rows - 1) * s.rows + 1 + 2 * p.rows) - (long long)w.n_rows + 1;
        const long long cols = (long long)((z.n_cols - 1) * s.cols + 1 + 2 * p.cols) - (long long)w.n_cols + 1;
        if ((long long)got.n_rows == rows && (long long)got.n_cols == cols)
            m.note = "this is the size with p zeros of padding; the fractionally strided convolution pads K − 1 − p: the "
                     "transposed convolution's padding removes cells";
        return;
    }
    if (same(got, library_tconv(z, cnnlab::rot180(w), s, p)))
        m.note = "the kernel was not turned: cross-correlate with rot180(w) (cnnlab::rot180), as in x = rot180(w) ⊗̃ z";
}

// ---- impl-tconv-matrix --------------------------------------------------------------------------

/// The matrix of cnnlab::conv1d_layer (stride s, padding p on each side), column j being its
/// response to the unit input e_j.
arma::mat conv1d_matrix(const arma::vec& w, std::size_t n, std::size_t stride, std::size_t padding) {
    Tensor4<double> weight({1, 1, 1, w.n_elem});
    for (std::size_t k = 0; k < w.n_elem; ++k) weight(0, 0, 0, k) = w(k);
    const Conv1dOptions options{.padding = Sides{padding, padding}, .stride = stride};
    arma::mat c;
    for (std::size_t j = 0; j < n; ++j) {
        Tensor4<double> unit({1, 1, 1, n});
        unit(0, 0, 0, j) = 1;
        const Tensor4<double> y = cnnlab::conv1d_layer(unit, weight, {}, options);
        if (j == 0) c.zeros(y.shape().w, n);
        for (std::size_t i = 0; i < y.shape().w; ++i) c(i, j) = y(0, 0, 0, i);
    }
    return c;
}

/// cnnlab::conv_transpose1d of z (stride s, padding p) with the output padding that gives n cells.
arma::vec library_tconv1d(const arma::vec& z, const arma::vec& w, std::size_t n, std::size_t stride, std::size_t padding) {
    Tensor4<double> zt({1, 1, 1, z.n_elem}), weight({1, 1, 1, w.n_elem});
    for (std::size_t i = 0; i < z.n_elem; ++i) zt(0, 0, 0, i) = z(i);
    for (std::size_t k = 0; k < w.n_elem; ++k) weight(0, 0, 0, k) = w(k);
    const std::size_t reach = (z.n_elem - 1) * stride + w.n_elem;  // the scatter's length before padding
    const ConvTranspose1dOptions options{.stride = stride, .padding = padding, .output_padding = n + 2 * padding - reach};
    const Tensor4<double> x = cnnlab::conv_transpose1d(zt, weight, {}, options);
    arma::vec out(x.shape().w);
    for (std::size_t i = 0; i < out.n_elem; ++i) out(i) = x(0, 0, 0, i);
    return out;
}

void note_matrix(Mismatch& m, const arma::mat& got, const arma::vec& w, std::size_t n, std::size_t stride, std::size_t padding) {
    const arma::mat expected = conv1d_matrix(w, n, stride, padding);
    if (got.n_rows != expected.n_rows || got.n_cols != expected.n_cols) {
        if (got.n_rows == expected.n_cols && got.n_cols == expected.n_rows)
            m.note = "this is Cᵀ's shape: C has one row per output and one column per input cell";
        else if (got.n_rows == expected.n_rows && got.n_cols == n + 2 * padding)
            m.note = "the padding zeros have columns here; they are not inputs, so the taps that land on them drop out";
        else if (stride > 1 && got.n_rows == n + 2 * padding - w.n_elem + 1)
            m.note = "one row per stride-1 window; with stride s the outputs are o = ⌊(n + 2p − K)/s⌋ + 1";
        return;
    }
    if (w.n_elem > 1 && same(got, conv1d_matrix(arma::vec(arma::reverse(w)), n, stride, padding)))
        m.note = "the kernel is reversed in each row: that is the matrix of the convolution w ∗ x; nndl's C is the cross-correlation w ⊗ x";
}

// ---- d2l-round-trip -----------------------------------------------------------------------------

/// A tensor of uniform values in [lo, hi).
Tensor4<double> random_tensor(Shape4 shape, std::mt19937& rng, double lo, double hi) {
    Tensor4<double> t(shape);
    std::uniform_real_distribution<double> value(lo, hi);
    for (std::size_t k = 0; k < t.size(); ++k) t.data()[k] = value(rng);
    return t;
}

double norm(const Tensor4<double>& t) {
    double s = 0;
    for (std::size_t k = 0; k < t.size(); ++k) s += t.data()[k] * t.data()[k];
    return std::sqrt(s);
}

double dot(const Tensor4<double>& a, const Tensor4<double>& b) {
    double s = 0;
    for (std::size_t k = 0; k < a.size(); ++k) s += a.data()[k] * b.data()[k];
    return s;
}

/// ‖a − αb‖ / ‖αb‖
double relative_distance(const Tensor4<double>& a, const Tensor4<double>& b, double alpha = 1) {
    double s = 0;
    for (std::size_t k = 0; k < a.size(); ++k) s += (a.data()[k] - alpha * b.data()[k]) * (a.data()[k] - alpha * b.data()[k]);
    return std::sqrt(s) / (std::abs(alpha) * norm(b));
}

std::string why_round_trip(RoundTrip choice) {
    switch (choice) {
        case RoundTrip::same_values:
            return "a transposed convolution is not an inverse (the name 反卷积, deconvolution, misleads): it multiplies by Cᵀ, "
                   "and the convolution multiplied by C. Here C is 720×2560 — the conv maps 10·16·16 = 2560 numbers to "
                   "20·6·6 = 720 — so many different X give the same conv(X), and no map can tell them apart";
        case RoundTrip::shared_weights:
            return "with the convolution's own weight Z = CᵀC·vec(X), and CᵀC is not the identity: C is 720×2560 (2560 inputs, "
                   "720 outputs), so CᵀC has rank ≤ 720 — whatever the weights, the round trip loses information";
        case RoundTrip::shape_only:
            return "the transposed convolution multiplies by Cᵀ: with the conv's weight Z = CᵀC·vec(X), and C is 720×2560 "
                   "(10·16·16 inputs, 20·6·6 outputs), so CᵀC has rank ≤ 720 < 2560 and cannot be the identity — only the "
                   "shape is restored";
        case RoundTrip::same_up_to_scale:
            return "CᵀC would have to be a multiple of the identity, which needs C's columns orthogonal; C is 720×2560, so CᵀC "
                   "has rank ≤ 720 and no multiple of X comes back";
    }
    return "not one of the RoundTrip choices";
}

// ---- d2l-matmul-cost ----------------------------------------------------------------------------

void note_matmul_cost(Mismatch& m, const MatmulCost& got, Size2 input, Size2 kernel, const MatmulCost& expected) {
    const std::size_t cells = input.rows * input.cols, taps = kernel.rows * kernel.cols;
    if (got.entries == cells * cells)
        m.note = "(HW)² would be a square C; C has one row per output, (H − K_h + 1)(W − K_w + 1), and one column per input cell";
    else if (got.nonzeros == expected.entries && expected.entries != expected.nonzeros)
        m.note = "most entries of C are zero: each row holds only the K_h·K_w weights of its window";
    else if (got.nonzeros == taps && expected.nonzeros != taps)
        m.note = "K_h·K_w is one row's weights; C has one row per output";
}

// ---- impl-dilated-field -------------------------------------------------------------------------

std::string describe(const std::vector<DilatedConv>& layers) {
    std::string text = "{";
    for (std::size_t l = 0; l < layers.size(); ++l) text += str(l ? ", " : "", "{K = ", layers[l].kernel, ", D = ", layers[l].dilation, "}");
    return text + "}";
}

/// What one output of the stack sees, measured: every unit input e_j, as a batch of L samples,
/// through the stack of cnnlab::conv1d_layer with kernels of ones (no cancellation); the field runs
/// from the first j that moves output 0 to the last.
struct MeasuredField {
    std::size_t field = 0;    ///< last − first + 1
    std::size_t reached = 0;  ///< the cells that move the output (fewer than the field when rates leave holes)
};

MeasuredField measure_field(const std::vector<DilatedConv>& layers) {
    std::size_t length = 2;  // longer than any field: each layer adds fewer than D·K cells
    for (const DilatedConv& l : layers) length += l.dilation * l.kernel;
    Tensor4<double> x({length, 1, 1, length});
    for (std::size_t j = 0; j < length; ++j) x(j, 0, 0, j) = 1;
    for (const DilatedConv& l : layers) {
        Tensor4<double> ones({1, 1, 1, l.kernel});
        for (std::size_t k = 0; k < l.kernel; ++k) ones(0, 0, 0, k) = 1;
        x = cnnlab::conv1d_layer(x, ones, {}, Conv1dOptions{.dilation = l.dilation});
    }
    MeasuredField m;
    std::size_t first = length, last = 0;
    for (std::size_t j = 0; j < length; ++j)
        if (x(j, 0, 0, 0) != 0) {
            first = std::min(first, j);
            last = j;
            ++m.reached;
        }
    if (m.reached == 0) throw std::logic_error("receptive_field check: no input reaches the output");
    m.field = last - first + 1;
    return m;
}

void note_field(Mismatch& m, std::size_t got, const std::vector<DilatedConv>& layers, const MeasuredField& measured) {
    std::size_t spans = 0, undilated = 1, product = 1;
    for (const DilatedConv& l : layers) {
        spans += l.dilation * (l.kernel - 1) + 1;
        undilated += l.kernel - 1;
        product *= l.dilation * (l.kernel - 1) + 1;
    }
    if (got + 1 == measured.field)
        m.note = "one short: the field holds the output's own position plus D(K − 1) more cells per layer";
    else if (got == spans && layers.size() > 1)
        m.note = "the spans were added whole; consecutive layers share a cell, so each layer adds its span minus one, D(K − 1)";
    else if (got == measured.reached && measured.reached != measured.field)
        m.note = str("this counts the ", measured.reached, " cells that reach the output; the receptive field runs from the first to the "
                     "last, the ", measured.field - measured.reached, " holes between them included",
                     got == undilated ? " (a layer with rate D spans D(K − 1) + 1 = K + (K − 1)(D − 1) cells)" : "");
    else if (got == undilated && got != measured.field)
        m.note = "this leaves out the dilation: a layer with rate D spans D(K − 1) + 1 = K + (K − 1)(D − 1) cells";
    else if (got == product && layers.size() > 1)
        m.note = "the spans multiply only with strides; at stride 1 each layer adds D(K − 1) cells";
}

}  // namespace

// ---- the checks ---------------------------------------------------------------------------------

Verdict check_same_padding(const std::function<std::optional<std::size_t>(std::size_t, std::size_t)>& answer) {
    // Note 003's case first, then a grid of K and D (even K with odd D has no answer), then
    // DeepLab's ASPP rates.
    std::vector<std::pair<std::size_t, std::size_t>> cases{{3, 2}};
    for (std::size_t k = 1; k <= 7; ++k)
        for (std::size_t d = 1; d <= 5; ++d)
            if (!(k == 3 && d == 2)) cases.emplace_back(k, d);
    for (std::size_t d : {6, 12, 18}) cases.emplace_back(3, d);
    std::size_t impossible = 0;
    for (const auto& [k, d] : cases) {
        const std::optional<std::size_t> expected = measured_same_padding(k, d), got = answer(k, d);
        if (!expected) ++impossible;
        if (got != expected) {
            Mismatch m{.quantity = str("same_padding(K = ", k, ", D = ", d, "), the padding whose stride-1 cnnlab::conv2d_layer keeps "
                                       "inputs of 1, 10 and 23 cells"),
                       .expected = as_text(expected),
                       .got = as_text(got)};
            note_same_padding(m, got, expected, k, d);
            return Verdict::wrong(m);
        }
    }
    return Verdict::right(str("on ", cases.size(), " (K, D) pairs (", impossible,
                              " without an answer) equals the padding whose cnnlab::conv2d_layer keeps inputs of 1, 10 and 23 cells; "
                              "note 003's (K − 1)/2·(1 + D) would give 3 for K = 3, D = 2, which turns 10 cells into ",
                              conv_width(10, 3, 2, 3)));
}

Verdict check_transposed_size(
    const std::function<std::size_t(std::size_t, std::size_t, std::size_t, std::size_t, std::size_t, std::size_t)>& answer) {
    // d2l: 2 cells, K = 2 → 3; with padding 1 → 1; with stride 2 → 4; the 6×6 of its conv back to 16.
    struct Literal {
        SizeCase shape;
        std::size_t size;
    };
    const std::vector<Literal> literals{{{2, 2, 1, 0, 1, 0}, 3}, {{2, 2, 1, 1, 1, 0}, 1}, {{2, 2, 2, 0, 1, 0}, 4}, {{6, 5, 3, 2, 1, 0}, 16}};
    std::vector<SizeCase> cases;
    for (const Literal& l : literals) cases.push_back(l.shape);
    for (std::size_t n = 1; n <= 4; ++n)
        for (std::size_t k = 1; k <= 4; ++k)
            for (std::size_t s = 1; s <= 3; ++s)
                for (std::size_t p = 0; p <= 2; ++p)
                    for (std::size_t d = 1; d <= 3; ++d)
                        for (std::size_t a = 0; a < std::max(s, d); ++a) cases.push_back({n, k, s, p, d, a});
    std::size_t checked = 0;
    for (std::size_t index = 0; index < cases.size(); ++index) {
        const SizeCase& c = cases[index];
        const std::size_t expected = tconv_width(c.n, c.kernel, c.stride, c.padding, c.dilation, c.output_padding);
        if (expected == 0) continue;  // no output cell: cnnlab refuses the shape
        if (index < literals.size() && expected != literals[index].size)
            throw std::logic_error(str("transposed_size check: cnnlab::conv_transpose2d disagrees with d2l on ", describe(c)));
        const std::size_t got = answer(c.n, c.kernel, c.stride, c.padding, c.dilation, c.output_padding);
        ++checked;
        if (auto m = compare(describe(c) + (index < literals.size() ? " (d2l)" : "") + " against cnnlab::conv_transpose2d's output", got, expected)) {
            note_transposed_size(*m, got, c);
            return Verdict::wrong(*m);
        }
    }
    return Verdict::right(str("d2l's 3, 1, 4 and 16; the output width of cnnlab::conv_transpose2d on ", checked - literals.size(),
                              " more (n, K, s, p, d, a) with a < max(s, d)"));
}

Verdict check_restoring_output_padding(const std::function<std::size_t(std::size_t, std::size_t, std::size_t, std::size_t)>& answer) {
    // d2l's Conv2d(kernel_size=5, padding=2, stride=3) maps 16, 17 and 18 to 6; then a grid.
    std::vector<PaddingCase> cases{{16, 5, 3, 2}, {17, 5, 3, 2}, {18, 5, 3, 2}};
    for (std::size_t i = 1; i <= 12; ++i)
        for (std::size_t k = 1; k <= 5; ++k)
            for (std::size_t s = 1; s <= 4; ++s)
                for (std::size_t p = 0; p <= 2; ++p)
                    if (i + 2 * p >= k) cases.push_back({i, k, s, p});
    for (const PaddingCase& c : cases) {
        const std::size_t strided = conv_width(c.input, c.kernel, 1, c.padding, c.stride);  // the conv's output
        std::optional<std::size_t> expected;
        for (std::size_t a = 0; a < c.stride && !expected; ++a)
            if (tconv_width(strided, c.kernel, c.stride, c.padding, 1, a) == c.input) expected = a;
        if (!expected) throw std::logic_error(str("output padding check: no a restores ", c.input, " cells"));
        const std::size_t got = answer(c.input, c.kernel, c.stride, c.padding);
        const std::string what = str("restoring_output_padding(i = ", c.input, ", K = ", c.kernel, ", s = ", c.stride, ", p = ", c.padding,
                                     "): cnnlab::conv2d_layer maps ", c.input, " cells to ", strided);
        if (got == *expected) continue;
        Mismatch m{.quantity = what, .expected = str(*expected), .got = str(got)};
        if (got >= c.stride) {
            try {
                (void)cnnlab::conv_transpose2d(arma::mat(1, strided, arma::fill::ones), arma::mat(1, c.kernel, arma::fill::ones),
                                               {.stride = {1, c.stride}, .padding = {0, c.padding}, .output_padding = {0, got}});
                m.note = str("a = ", got, " is not below the stride ", c.stride);
            } catch (const std::exception& e) {
                m.note = str("cnnlab::conv_transpose2d refuses it, as PyTorch does: ", e.what());
            }
        } else {
            m.note = str("with a = ", got, " cnnlab::conv_transpose2d maps ", strided, " cells to ",
                         tconv_width(strided, c.kernel, c.stride, c.padding, 1, got), ", not ", c.input);
        }
        return Verdict::wrong(m);
    }
    return Verdict::right(str("d2l's 16, 17, 18 → 6 → 16, 17, 18 (a = 0, 1, 2) and ", cases.size() - 3,
                              " more (i, K, s, p): cnnlab::conv_transpose2d with your a restores the size cnnlab::conv2d_layer took"));
}

Verdict check_conv_transpose_scatter(const std::function<arma::mat(const arma::mat&, const arma::mat&, Size2)>& answer) {
    // d2l's trans_conv example, stride 1 and stride 2.
    const arma::mat x{{0, 1}, {2, 3}}, k{{0, 1}, {2, 3}};
    const std::pair<Size2, arma::mat> literals[] = {{{1, 1}, arma::mat{{0, 0, 1}, {0, 4, 6}, {4, 12, 9}}},
                                                    {{2, 2}, arma::mat{{0, 0, 0, 1}, {0, 0, 2, 3}, {0, 2, 0, 3}, {4, 6, 6, 9}}}};
    for (const auto& [stride, expected] : literals) {
        if (!same(library_tconv(x, k, stride), expected)) throw std::logic_error("scatter check: cnnlab::conv_transpose2d disagrees with d2l");
        const arma::mat got = answer(x, k, stride);
        if (auto m = compare(str("conv_transpose_scatter(z = [[0,1],[2,3]], w = [[0,1],[2,3]], stride ", sz(stride), ") (d2l)"), got, expected)) {
            note_scatter(*m, got, x, k, stride);
            return Verdict::wrong(*m);
        }
    }
    // (z, w, stride): overlapping blocks, gaps (s > K), non-square, a row, a single cell.
    struct Case {
        Size2 z, w, stride;
    };
    const std::vector<Case> cases{{{3, 3}, {3, 3}, {1, 1}}, {{3, 4}, {3, 2}, {2, 2}}, {{2, 3}, {2, 2}, {3, 3}}, {{4, 2}, {3, 3}, {2, 1}},
                                  {{1, 5}, {1, 3}, {1, 2}}, {{1, 1}, {3, 2}, {2, 2}}, {{3, 3}, {1, 1}, {2, 3}}, {{2, 2}, {4, 4}, {3, 1}}};
    std::mt19937 rng(91);
    for (const Case& c : cases) {
        const arma::mat z = random_integers(c.z.rows, c.z.cols, rng), w = random_integers(c.w.rows, c.w.cols, rng);
        const arma::mat got = answer(z, w, c.stride);
        if (auto m = compare(str("conv_transpose_scatter(z ", sz(z), ", w ", sz(w), ", stride ", sz(c.stride), ") against cnnlab::conv_transpose2d"),
                             got, library_tconv(z, w, c.stride))) {
            note_scatter(*m, got, z, w, c.stride);
            return Verdict::wrong(*m);
        }
    }
    return Verdict::right(str("d2l's two examples (stride 1 and 2) and cnnlab::conv_transpose2d on ", cases.size(),
                              " random shapes with strides 1–3, blocks overlapping and apart"));
}

Verdict check_conv_transpose_by_zero_insertion(
    const std::function<arma::mat(const arma::mat&, const arma::mat&, Size2, Size2)>& answer) {
    // d2l: z = w = [[0,1],[2,3]] with padding 1 gives [[4]]; with stride 2, the 4×4 of the scatter.
    const arma::mat x{{0, 1}, {2, 3}}, k{{0, 1}, {2, 3}};
    struct Literal {
        Size2 stride, padding;
        arma::mat expected;
    };
    const std::vector<Literal> literals{{{1, 1}, {1, 1}, arma::mat(1, 1, arma::fill::value(4.0))},
                                        {{2, 2}, {0, 0}, arma::mat{{0, 0, 0, 1}, {0, 0, 2, 3}, {0, 2, 0, 3}, {4, 6, 6, 9}}}};
    for (const Literal& l : literals) {
        if (!same(library_tconv(x, k, l.stride, l.padding), l.expected))
            throw std::logic_error("zero insertion check: cnnlab::conv_transpose2d disagrees with d2l");
        const arma::mat got = answer(x, k, l.stride, l.padding);
        if (auto m = compare(str("conv_transpose_by_zero_insertion(z = [[0,1],[2,3]], w = [[0,1],[2,3]], stride ", sz(l.stride), ", padding ",
                                 sz(l.padding), ") (d2l)"),
                             got, l.expected)) {
            note_zero_insertion(*m, got, x, k, l.stride, l.padding);
            return Verdict::wrong(*m);
        }
    }
    // (z, w, stride, padding ≤ K − 1): stride 1 (nndl's rot180(w) ⊗̃ z), strides 2–3, padding up to K − 1.
    struct Case {
        Size2 z, w, stride, padding;
    };
    const std::vector<Case> cases{{{3, 3}, {3, 3}, {1, 1}, {0, 0}}, {{3, 4}, {3, 2}, {2, 2}, {1, 0}}, {{2, 3}, {2, 2}, {3, 3}, {0, 1}},
                                  {{4, 2}, {3, 3}, {2, 1}, {2, 1}}, {{1, 5}, {1, 3}, {1, 2}, {0, 2}}, {{3, 3}, {4, 4}, {2, 2}, {3, 1}},
                                  {{5, 4}, {3, 3}, {2, 2}, {1, 1}}, {{2, 2}, {1, 1}, {3, 2}, {0, 0}}};
    std::mt19937 rng(92);
    for (const Case& c : cases) {
        const arma::mat z = random_integers(c.z.rows, c.z.cols, rng), w = random_integers(c.w.rows, c.w.cols, rng);
        const arma::mat got = answer(z, w, c.stride, c.padding);
        if (auto m = compare(str("conv_transpose_by_zero_insertion(z ", sz(z), ", w ", sz(w), ", stride ", sz(c.stride), ", padding ", sz(c.padding),
                                 ") against cnnlab::conv_transpose2d"),
                             got, library_tconv(z, w, c.stride, c.padding))) {
            note_zero_insertion(*m, got, z, w, c.stride, c.padding);
            return Verdict::wrong(*m);
        }
    }
    return Verdict::right(str("d2l's [[4]] (padding 1) and 4×4 (stride 2), and cnnlab::conv_transpose2d on ", cases.size(),
                              " random shapes with strides 1–3 and padding 0 … K − 1"));
}

Verdict check_strided_convolution_matrix(
    const std::function<arma::mat(const arma::vec&, std::size_t, std::size_t, std::size_t)>& answer) {
    // Note 003's 3×5 C (w = (1, 2, 3)), then stride 2, then stride 2 with padding 1.
    const arma::vec w0{1, 2, 3};
    struct Literal {
        std::size_t stride, padding;
        arma::mat c;
        const char* source;
    };
    const std::vector<Literal> literals{
        {1, 0, arma::mat{{1, 2, 3, 0, 0}, {0, 1, 2, 3, 0}, {0, 0, 1, 2, 3}}, ", note 003's C"},
        {2, 0, arma::mat{{1, 2, 3, 0, 0}, {0, 0, 1, 2, 3}}, ""},
        {2, 1, arma::mat{{2, 3, 0, 0, 0}, {0, 1, 2, 3, 0}, {0, 0, 0, 1, 2}}, ""}};
    for (const Literal& l : literals) {
        if (!same(conv1d_matrix(w0, 5, l.stride, l.padding), l.c)) throw std::logic_error("convolution matrix check: cnnlab::conv1d_layer disagrees with a literal");
        const arma::mat got = answer(w0, 5, l.stride, l.padding);
        if (auto m = compare(str("strided_convolution_matrix(w = (1, 2, 3), n = 5, s = ", l.stride, ", p = ", l.padding, ")", l.source), got, l.c)) {
            note_matrix(*m, got, w0, 5, l.stride, l.padding);
            return Verdict::wrong(*m);
        }
    }
    // (K, n, s, p ≤ K − 1)
    struct Case {
        std::size_t kernel, n, stride, padding;
    };
    const std::vector<Case> cases{{2, 6, 2, 0}, {3, 7, 2, 1}, {4, 9, 3, 1}, {1, 4, 2, 0}, {5, 8, 1, 2}, {3, 10, 3, 2}, {2, 5, 1, 1}, {4, 4, 2, 3}};
    std::mt19937 rng(93);
    for (const Case& c : cases) {
        arma::vec w = random_vector(c.kernel, rng);
        w.replace(0.0, 1.0);  // a zero tap would hide a misplaced weight
        const arma::mat got = answer(w, c.n, c.stride, c.padding);
        const std::string what = str("strided_convolution_matrix(w = ", as_text(w), ", n = ", c.n, ", s = ", c.stride, ", p = ", c.padding, ")");
        const arma::mat expected = conv1d_matrix(w, c.n, c.stride, c.padding);
        if (auto m = compare(what + " against cnnlab::conv1d_layer's response to each unit input (column j = conv(e_j))", got, expected)) {
            note_matrix(*m, got, w, c.n, c.stride, c.padding);
            return Verdict::wrong(*m);
        }
        for (int trial = 0; trial < 2; ++trial) {
            const arma::vec z = random_vector(expected.n_rows, rng);
            if (auto m = compare(what + ": Cᵀz against cnnlab::conv_transpose1d(z, w, stride, padding)", arma::vec(got.t() * z),
                                 library_tconv1d(z, w, c.n, c.stride, c.padding)))
                return Verdict::wrong(*m);
        }
    }
    return Verdict::right(str("note 003's 3×5 C and two strided literals; on ", cases.size(),
                              " sizes C equals cnnlab::conv1d_layer column by column, and Cᵀz equals cnnlab::conv_transpose1d with "
                              "the same stride and padding"));
}

Verdict check_round_trip_values(const std::function<RoundTrip()>& answer) {
    // d2l's layer: X 1×10×16×16, Conv2d(10, 20, 5, padding=2, stride=3), ConvTranspose2d(20, 10, 5, padding=2, stride=3).
    std::mt19937 rng(94);
    const Tensor4<double> x = random_tensor({1, 10, 16, 16}, rng, 0, 1);
    const Tensor4<double> w = random_tensor({20, 10, 5, 5}, rng, -0.1, 0.1), other = random_tensor({20, 10, 5, 5}, rng, -0.1, 0.1);
    const Tensor4<double> y = cnnlab::conv2d_layer(x, w, {}, {.padding = Sides2::symmetric(2, 2), .stride = {3, 3}});
    const ConvTranspose2dOptions back{.stride = {3, 3}, .padding = {2, 2}};
    const Tensor4<double> z_other = cnnlab::conv_transpose2d(y, other, {}, back), z_shared = cnnlab::conv_transpose2d(y, w, {}, back);
    if (!(z_shared.shape() == x.shape())) throw std::logic_error("round trip check: the transposed convolution does not restore d2l's shape");
    const double alpha = dot(z_shared, x) / dot(x, x);  // the multiple of X closest to Z
    const std::string measured =
        str("measured on d2l's layer with cnnlab::conv2d_layer and cnnlab::conv_transpose2d: conv(X) is ", y.shape().str(), "; ‖Z − X‖/‖X‖ = ",
            short_number(relative_distance(z_other, x)), " with an independent weight, ", short_number(relative_distance(z_shared, x)),
            " with the conv's weight, and even the nearest multiple αX misses Z by ", short_number(relative_distance(z_shared, x, alpha)),
            "·‖αX‖");
    const RoundTrip got = answer();
    if (got != RoundTrip::shape_only)
        return Verdict::wrong({.quantity = "do X and Z = tconv(conv(X)) have the same values? (d2l's layer)",
                               .expected = choice_text(RoundTrip::shape_only),
                               .got = choice_text(got),
                               .note = why_round_trip(got) + " (" + measured + ")"});
    return Verdict::right(why_round_trip(got) + " (" + measured + ")");
}

Verdict check_matmul_cost(const std::function<MatmulCost(Size2, Size2)>& answer) {
    // d2l's 3×3 input and 2×2 kernel first (C is 4×9 with 16 weights), then a grid.
    std::vector<std::pair<Size2, Size2>> cases{{{3, 3}, {2, 2}}};
    std::mt19937 rng(95);
    std::uniform_int_distribution<std::size_t> size(1, 7), taps(1, 4);
    while (cases.size() < 24) {
        const Size2 in{size(rng), size(rng)}, k{taps(rng), taps(rng)};
        if (k.rows <= in.rows && k.cols <= in.cols) cases.emplace_back(in, k);
    }
    for (std::size_t index = 0; index < cases.size(); ++index) {
        const auto [in, k] = cases[index];
        Tensor4<double> ones({1, 1, k.rows, k.cols});
        ones.plane(0, 0).fill(1.0);
        const arma::mat c = ref::convolution_matrix(Shape4{1, 1, in.rows, in.cols}, ones);
        const MatmulCost expected{c.n_elem, std::size_t(arma::accu(c != 0.0))};
        const double madds = conv2d_layer_counts({1, 1, in.rows, in.cols}, ones.shape(), false).multiply_adds;
        if (double(expected.nonzeros) != madds || (index == 0 && !(expected == MatmulCost{36, 16})))
            throw std::logic_error("matmul cost check: ref::convolution_matrix, the layer's multiply-adds and d2l disagree");
        const MatmulCost got = answer(in, k);
        const std::string what = str("matmul_cost(input ", sz(in), ", kernel ", sz(k), ")", index == 0 ? " (d2l's 4×9 C)" : "");
        const std::pair<const char*, std::size_t MatmulCost::*> fields[] = {{"entries", &MatmulCost::entries}, {"nonzeros", &MatmulCost::nonzeros}};
        for (const auto& [name, field] : fields)
            if (auto m = compare(str(what, ".", name, " against ref::convolution_matrix (", sz(c), ")"), got.*field, expected.*field)) {
                note_matmul_cost(*m, got, in, k, expected);
                return Verdict::wrong(*m);
            }
    }
    const MatmulCost big = answer({224, 224}, {3, 3});
    return Verdict::right(str("d2l's 4×9 C (16 weights) and ref::convolution_matrix on ", cases.size() - 1,
                              " more shapes. Not efficient: for a 224×224 image and a 3×3 kernel your C has ", big.entries, " entries, of which ",
                              big.nonzeros, " (", short_number(100.0 * double(big.nonzeros) / double(big.entries)),
                              " %) hold a weight: a dense product does ", short_number(double(big.entries) / double(big.nonzeros)),
                              " times the convolution's work, and C alone fills ", short_number(double(big.entries) * 8 / 1e9),
                              " GB of doubles; im2col + GEMM multiplies only the nonzeros"));
}

Verdict check_receptive_field(const std::function<std::size_t(const std::vector<DilatedConv>&)>& answer) {
    // Single layers (the dilated kernel's span), WaveNet's doubling rates, repeated rates (gridding),
    // DeepLab's hybrid rates, then random stacks.
    std::vector<std::vector<DilatedConv>> stacks{{{3, 1}}, {{3, 2}}, {{5, 3}}, {{1, 4}}, {{2, 3}},
                                                 {{3, 1}, {3, 2}, {3, 4}}, {{2, 1}, {2, 2}, {2, 4}, {2, 8}},
                                                 {{3, 2}, {3, 2}}, {{3, 2}, {3, 2}, {3, 2}}, {{3, 1}, {3, 2}, {3, 3}}};
    std::mt19937 rng(96);
    std::uniform_int_distribution<std::size_t> depth(1, 4), kernel(1, 5), rate(1, 4);
    for (int k = 0; k < 15; ++k) {
        std::vector<DilatedConv> layers(depth(rng));
        for (DilatedConv& l : layers) l = {kernel(rng), rate(rng)};
        stacks.push_back(layers);
    }
    for (const std::vector<DilatedConv>& layers : stacks) {
        const MeasuredField measured = measure_field(layers);
        const std::size_t got = answer(layers);
        if (auto m = compare(str("receptive_field(", describe(layers), "): the inputs that move one output of cnnlab::conv1d_layer, first to last"),
                             got, measured.field)) {
            note_field(*m, got, layers, measured);
            return Verdict::wrong(*m);
        }
    }
    const MeasuredField grid = measure_field({{3, 2}, {3, 2}});
    return Verdict::right(str("the receptive field measured through cnnlab::conv1d_layer with unit inputs on ", stacks.size(),
                              " stacks (single layers, WaveNet's rates 1, 2, 4 → 15, repeated and random rates); of the ", grid.field,
                              " cells in the field of rates (2, 2), only ", grid.reached, " reach the output — the gridding effect"));
}

std::string choice_text(RoundTrip choice) {
    switch (choice) {
        case RoundTrip::same_values: return "(a) yes: the transposed convolution undoes the convolution";
        case RoundTrip::shared_weights: return "(b) yes, when the transposed convolution reuses the convolution's weight";
        case RoundTrip::shape_only: return "(c) no, not even with the convolution's weight: only the shape comes back";
        case RoundTrip::same_up_to_scale: return "(d) no, but with the convolution's weight Z is a multiple of X";
    }
    return "(?) not one of the choices";
}

/// Adds Chapter 5 and its exercises, each check bound to the learner's function.
void register_exercises(Registry& registry) {
    registry.add_chapter({5, "transposed and dilated convolution 转置卷积/空洞卷积", "exercises/ch05/ch05_exercises.cpp"});
    const auto add = [&](std::string id, std::string title, std::string source, std::string function, std::string hint,
                         std::function<Verdict()> check) {
        registry.add({std::move(id), 5, std::move(title), std::move(source), std::move(function), std::move(hint), std::move(check)});
    };
    const std::string d2l = "d2l Transposed Convolution, ex ";
    add("5-8", "the padding that keeps the size of a dilated convolution 等宽卷积", "nndl ex 5-8; note 003 §5.5.2", "same_padding(kernel, dilation)",
        "the dilated kernel spans D(K − 1) + 1 cells, so a stride-1 conv maps n cells to n + 2P − D(K − 1): P = D(K − 1)/2 when "
        "D(K − 1) is even, std::nullopt when it is odd. Note 003's (K − 1)/2·(1 + D) is wrong here: for K = 3, D = 2 it gives 3, "
        "where 2 keeps the size (it takes D for the number of holes, which is D − 1).",
        [] { return check_same_padding(same_padding); });
    add("impl-tconv-size", "the output size of a transposed convolution", "implementation",
        "transposed_size(n, kernel, stride, padding, dilation, output_padding)",
        "the full scatter spans (n − 1)·s + d·(K − 1) + 1 cells (the last input cell lands at (n − 1)·s, its taps reach d·(K − 1) "
        "further); the padding removes p at each end and the output padding adds a: (n − 1)s − 2p + d(K − 1) + a + 1.",
        [] { return check_transposed_size(transposed_size); });
    add("impl-output-padding", "the output padding that restores the conv's input size", "implementation; d2l Transposed Convolution",
        "restoring_output_padding(input, kernel, stride, padding)",
        "the conv's last window stops (i + 2p − K) mod s cells before the padded end, and the transposed conv of the same K, s, p "
        "gives back i minus exactly those cells: a = (i + 2p − K) mod s.",
        [] { return check_restoring_output_padding(restoring_output_padding); });
    add("impl-tconv-scatter", "transposed convolution by scatter-add", "implementation; d2l Transposed Convolution",
        "conv_transpose_scatter(z, w, stride)",
        "Y = zeros((H − 1)·s_h + K_h, (W − 1)·s_w + K_w); for each (i, j): Y.submat(i·s_h, j·s_w, i·s_h + K_h − 1, j·s_w + K_w − 1) "
        "+= z(i, j) * w. The kernel is not rotated.",
        [] { return check_conv_transpose_scatter(conv_transpose_scatter); });
    add("impl-tconv-as-conv", "transposed convolution as a convolution: zero insertion, padding, rot180(w)",
        "implementation; nndl §5.5.1 微步卷积", "conv_transpose_by_zero_insertion(z, w, stride, padding)",
        "spread = zeros((H − 1)·s_h + 1, (W − 1)·s_w + 1) with spread(i·s_h, j·s_w) = z(i, j); then cnnlab::xcorr2d(cnnlab::zero_pad("
        "spread, cnnlab::Sides2::symmetric(K_h − 1 − p_h, K_w − 1 − p_w)), cnnlab::rot180(w)).",
        [] { return check_conv_transpose_by_zero_insertion(conv_transpose_by_zero_insertion); });
    add("impl-tconv-matrix", "the matrix C of a strided, padded 1-D convolution; Cᵀ is the transposed convolution",
        "implementation; nndl §5.5.1, note 003's 3×5 C", "strided_convolution_matrix(w, n, stride, padding)",
        "C is o×n with o = (n + 2p − K)/s + 1; row i holds w(k) in column i·s − p + k for every k whose column lies in [0, n) "
        "(the others fall on padding zeros and are left out). For s = 1, p = 0 that is note 003's banded C.",
        [] { return check_strided_convolution_matrix(strided_convolution_matrix); });
    add("d2l-round-trip", "does tconv(conv(X)) give back X's values?", d2l + "1", "round_trip_values()",
        "count d2l's numbers: the conv maps 10·16·16 = 2560 values to 20·6·6 = 720. With the conv's own weight Z = CᵀC·vec(X); what "
        "rank can a 2560×2560 CᵀC have when C is 720×2560?",
        [] { return check_round_trip_values(round_trip_values); });
    add("d2l-matmul-cost", "a convolution as one matrix product: the size and the nonzeros of C", d2l + "2", "matmul_cost(input, kernel)",
        "C has one row per output, (H − K_h + 1)(W − K_w + 1), and one column per input cell, H·W: entries = the product. Each row "
        "holds the K_h·K_w weights of its window: nonzeros = outputs·K_h·K_w.",
        [] { return check_matmul_cost(matmul_cost); });
    add("impl-dilated-field", "the receptive field of a stack of dilated convolutions", "implementation; nndl §5.5.2",
        "receptive_field(layers)",
        "one layer spans K + (K − 1)(D − 1) = D(K − 1) + 1 cells; each further stride-1 layer adds its span minus one, so the field "
        "is 1 + Σ_l D_l·(K_l − 1), holes included.",
        [] { return check_receptive_field(receptive_field); });
}

}  // namespace cnnlab::exercises::ch05

namespace cnnlab::exercises {
void register_ch05_exercises(Registry& registry) { ch05::register_exercises(registry); }
}  // namespace cnnlab::exercises
