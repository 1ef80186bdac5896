// Chapter 5's claims for `cnnlab verify`: transposed convolution 转置卷积 and dilated convolution 空洞卷积
// as nndl §5.5 (note 003 §5.5, ex 5-8), note 004 (反卷积/转置卷积), note 000 §1.6 (dilation) and Dumoulin &
// Visin, "A guide to convolution arithmetic for deep learning" (2016) state them. Each is measured
// against an oracle that does not share its code: the output sizes the layers actually produce,
// the books' literal matrices, the explicit conv matrix (ref::convolution_matrix), Chapter 2's
// forward layer, Chapter 3's backward pass, the adjoint identity, or impulse responses and
// gradients pushed through stacks of layers.
//
// Supports (receptive fields, the gridding pattern) are read off gradients of stacks whose kernels
// are positive: every path from an input cell to the output then adds a positive term, so a cell
// is reached exactly when its gradient is non-zero — no cancellation can hide one.
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/verify.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/arithmetic.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "chapters/ch03_gradients/gradient_check.hpp"
#include "chapters/ch05_transposed/transposed.hpp"
#include "reference/transposed.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace cnnlab::verify {
namespace {

using arma::mat;
using arma::vec;
using Tensor = Tensor4<double>;

/// Two computations of the same sums in a different order.
constexpr double rounding_tolerance = 1e-12;

/// Uniform(lo, hi) values from a seeded engine, so every run measures the same numbers.
Tensor random_tensor(Shape4 shape, std::mt19937& rng, double lo = -1.0, double hi = 1.0) {
    std::uniform_real_distribution<double> uniform(lo, hi);
    Tensor t(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = uniform(rng);
    return t;
}
mat random_mat(std::size_t rows, std::size_t cols, std::mt19937& rng) {
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    mat m(rows, cols);
    m.imbue([&] { return uniform(rng); });
    return m;
}

std::span<const double> values(const Tensor& t) { return {t.data(), t.size()}; }
std::span<const double> values(const mat& m) { return {m.memptr(), m.n_elem}; }

using cnnlab::relative_difference;  // the sequences form, gradient_check.hpp
double relative_difference(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() ? relative_difference(values(a), values(b)) : INFINITY;
}
double relative_difference(const mat& a, const mat& b) {
    return arma::size(a) == arma::size(b) ? relative_difference(values(a), values(b)) : INFINITY;
}

double inner(const Tensor& a, const Tensor& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += a.data()[i] * b.data()[i];
    return sum;
}
double norm(const Tensor& a) { return std::sqrt(inner(a, a)); }


/// Runs the layers of a scope on one OpenMP thread. The size grids call thousands of layers on
/// a few dozen cells each: a thread team per call would cost far more than the call itself (and,
/// on a loaded machine, milliseconds each). Sizes do not depend on the thread count.
class OneThread {
public:
    OneThread() : previous_(omp_get_max_threads()) { omp_set_num_threads(1); }
    ~OneThread() { omp_set_num_threads(previous_); }
    OneThread(const OneThread&) = delete;
    OneThread& operator=(const OneThread&) = delete;

private:
    int previous_;
};

/// ⌊a / b⌋ for b > 0, also for a negative numerator (C++'s / truncates towards zero).
long floor_div(long a, long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/// `t` with zeros appended at the bottom / right of every plane up to `shape` (same N and C).
Tensor extend(const Tensor& t, const Shape4& shape) {
    Tensor out(shape);
    for (std::size_t n = 0; n < t.shape().n; ++n)
        for (std::size_t c = 0; c < t.shape().c; ++c)
            for (std::size_t h = 0; h < t.shape().h; ++h)
                for (std::size_t w = 0; w < t.shape().w; ++w) out(n, c, h, w) = t(n, c, h, w);
    return out;
}
/// The top-left `shape` of every plane of `t`.
Tensor crop(const Tensor& t, const Shape4& shape) {
    Tensor out(shape);
    for (std::size_t n = 0; n < shape.n; ++n)
        for (std::size_t c = 0; c < shape.c; ++c)
            for (std::size_t h = 0; h < shape.h; ++h)
                for (std::size_t w = 0; w < shape.w; ++w) out(n, c, h, w) = t(n, c, h, w);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Output-size arithmetic (Dumoulin & Visin's relationships), against the sizes the layers produce.

/// One point of the output-size grids along one axis: input i (i′ for a transposed layer), kernel
/// k, stride s, padding p on each side, dilation d, output padding a (transposed layers only).
struct Sizes {
    long i = 1, k = 1, s = 1, p = 0, d = 1, a = 0;
};

std::string describe(const Sizes& c, bool transposed) {
    std::string text = str(transposed ? "i′=" : "i=", c.i, ", k=", c.k, ", s=", c.s, ", p=", c.p);
    if (c.d != 1) text += str(", d=", c.d);
    if (c.a != 0) text += str(", a=", c.a);
    return text;
}

/// The output side conv2d_layer gives a 1×1×i×i input with a k×k kernel; 0 when it refuses the
/// geometry (shape_error: the dilated kernel is longer than the padded input).
long conv_side(std::size_t i, std::size_t k, const Conv2dOptions& options) {
    try {
        const Tensor y = conv2d_layer(Tensor({1, 1, i, i}), Tensor({1, 1, k, k}), vec{}, options);
        return y.shape().h == y.shape().w ? long(y.shape().h) : -1;
    } catch (const shape_error&) {
        return 0;
    }
}
long conv_side(const Sizes& c) {
    const auto s = std::size_t(c.s), p = std::size_t(c.p), d = std::size_t(c.d);
    return conv_side(std::size_t(c.i), std::size_t(c.k), {.padding = Sides2::symmetric(p, p), .stride = {s, s}, .dilation = {d, d}});
}
/// The output side conv_transpose2d gives a 1×1×i′×i′ input with a k×k kernel; 0 when it refuses
/// the geometry (shape_error: the padding removes everything).
long transposed_side(const Sizes& c) {
    const auto s = std::size_t(c.s), p = std::size_t(c.p), d = std::size_t(c.d), a = std::size_t(c.a);
    const auto i = std::size_t(c.i), k = std::size_t(c.k);
    try {
        const Tensor y = conv_transpose2d(Tensor({1, 1, i, i}), Tensor({1, 1, k, k}), vec{},
                                          {.stride = {s, s}, .padding = {p, p}, .output_padding = {a, a}, .dilation = {d, d}});
        return y.shape().h == y.shape().w ? long(y.shape().h) : -1;
    } catch (const shape_error&) {
        return 0;
    }
}

/// One relationship of the guide: which grid points it speaks of, and the size it predicts.
struct Relationship {
    const char* id;         ///< claim id
    int number;             ///< the guide's relationship number
    const char* statement;  ///< LaTeX
    const char* scope;      ///< the grid it is checked on, for the detail
    bool transposed;        ///< a transposed conv (i′ → o′) or a conv (i → o)
    bool (*in_scope)(const Sizes&);
    long (*formula)(const Sizes&);
    Sizes example;          ///< one of the guide's figures
    long example_output;    ///< its output size, as the guide draws it
};

bool odd(long k) { return k % 2 == 1; }

const Relationship relationships[] = {
    {"ch05.size-r1-no-padding-unit-stride", 1, R"(o=i-k+1\quad(p=0,\ s=1))", "s = 1, p = 0", false,
     [](const Sizes& c) { return c.p == 0 && c.s == 1 && c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return c.i - c.k + 1; }, {.i = 4, .k = 3}, 2},
    {"ch05.size-r2-padding-unit-stride", 2, R"(o=i-k+2p+1\quad(s=1))", "s = 1, p ≤ 5", false,
     [](const Sizes& c) { return c.s == 1 && c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return c.i - c.k + 2 * c.p + 1; }, {.i = 5, .k = 4, .p = 2}, 6},
    {"ch05.size-r3-half-padding", 3, R"(o=i\quad(k=2n+1,\ p=\lfloor k/2\rfloor=n,\ s=1))", "k odd, p = ⌊k/2⌋, s = 1", false,
     [](const Sizes& c) { return odd(c.k) && c.p == c.k / 2 && c.s == 1 && c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return c.i; }, {.i = 5, .k = 3, .p = 1}, 5},
    {"ch05.size-r4-full-padding", 4, R"(o=i+k-1\quad(p=k-1,\ s=1))", "p = k − 1, s = 1", false,
     [](const Sizes& c) { return c.p == c.k - 1 && c.s == 1 && c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return c.i + c.k - 1; }, {.i = 5, .k = 3, .p = 2}, 7},
    {"ch05.size-r5-no-padding-strides", 5, R"(o=\Big\lfloor\frac{i-k}{s}\Big\rfloor+1\quad(p=0))", "p = 0, s ≤ 4", false,
     [](const Sizes& c) { return c.p == 0 && c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return floor_div(c.i - c.k, c.s) + 1; }, {.i = 5, .k = 3, .s = 2}, 2},
    {"ch05.size-r6-padding-strides", 6, R"(o=\Big\lfloor\frac{i+2p-k}{s}\Big\rfloor+1)", "s ≤ 4, p ≤ 5", false,
     [](const Sizes& c) { return c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return floor_div(c.i + 2 * c.p - c.k, c.s) + 1; }, {.i = 6, .k = 3, .s = 2, .p = 1}, 3},
    {"ch05.size-r8-transposed-no-padding", 8, R"(o'=i'+(k-1)\quad(p=0,\ s=1))", "s = 1, p = 0", true,
     [](const Sizes& c) { return c.p == 0 && c.s == 1 && c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return c.i + c.k - 1; }, {.i = 2, .k = 3}, 4},
    {"ch05.size-r9-transposed-padding", 9, R"(o'=i'+(k-1)-2p\quad(s=1))", "s = 1, p ≤ 5", true,
     [](const Sizes& c) { return c.s == 1 && c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return c.i + c.k - 1 - 2 * c.p; }, {.i = 6, .k = 4, .p = 2}, 5},
    {"ch05.size-r10-transposed-half", 10, R"(o'=i'\quad(k=2n+1,\ p=n,\ s=1))", "k odd, p = ⌊k/2⌋, s = 1", true,
     [](const Sizes& c) { return odd(c.k) && c.p == c.k / 2 && c.s == 1 && c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return c.i; }, {.i = 5, .k = 3, .p = 1}, 5},
    {"ch05.size-r11-transposed-full", 11, R"(o'=i'-(k-1)\quad(p=k-1,\ s=1))", "p = k − 1, s = 1", true,
     [](const Sizes& c) { return c.p == c.k - 1 && c.s == 1 && c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return c.i - c.k + 1; }, {.i = 7, .k = 3, .p = 2}, 5},
    {"ch05.size-r12-transposed-strides", 12, R"(o'=s(i'-1)+k\quad(p=0))", "p = 0, s ≤ 4", true,
     [](const Sizes& c) { return c.p == 0 && c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return c.s * (c.i - 1) + c.k; }, {.i = 2, .k = 3, .s = 2}, 5},
    {"ch05.size-r13-transposed-padding-strides", 13, R"(o'=s(i'-1)+k-2p\quad(i+2p-k\ \text{a multiple of}\ s))",
     "s ≤ 4, p ≤ 5, a = 0", true, [](const Sizes& c) { return c.d == 1 && c.a == 0; },
     [](const Sizes& c) { return c.s * (c.i - 1) + c.k - 2 * c.p; }, {.i = 3, .k = 3, .s = 2, .p = 1}, 5},
    {"ch05.size-r14-transposed-output-padding", 14, R"(o'=s(i'-1)+a+k-2p,\quad a=(i+2p-k)\bmod s\in\{0,\dots,s-1\})",
     "s ≤ 4, p ≤ 5, a < s", true, [](const Sizes& c) { return c.d == 1 && c.a < c.s; },
     [](const Sizes& c) { return c.s * (c.i - 1) + c.a + c.k - 2 * c.p; }, {.i = 3, .k = 3, .s = 2, .p = 1, .a = 1}, 6},
    {"ch05.size-r15-dilation", 15, R"(o=\Big\lfloor\frac{i+2p-k-(k-1)(d-1)}{s}\Big\rfloor+1)", "s ≤ 4, p ≤ 5, d ≤ 3", false,
     [](const Sizes& c) { return c.a == 0; },
     [](const Sizes& c) { return floor_div(c.i + 2 * c.p - c.k - (c.k - 1) * (c.d - 1), c.s) + 1; },
     {.i = 7, .k = 3, .d = 2}, 3},
};

/// Every point of the common grid: i ≤ 12, k ≤ 6, s ≤ 4, p ≤ 5, d ≤ 3, a ≤ 3.
template <class F>
void for_each_size(F&& visit) {
    for (long i = 1; i <= 12; ++i)
        for (long k = 1; k <= 6; ++k)
            for (long s = 1; s <= 4; ++s)
                for (long p = 0; p <= 5; ++p)
                    for (long d = 1; d <= 3; ++d)
                        for (long a = 0; a <= 3; ++a) visit(Sizes{i, k, s, p, d, a});
}

Measurement measure_relationship(const Relationship& rel) {
    const OneThread one_thread;
    std::size_t cases = 0, differ = 0, empty = 0, not_refused = 0, round_trips_lost = 0;
    std::string first_difference;
    for_each_size([&](const Sizes& c) {
        if (!rel.in_scope(c)) return;
        const long expected = rel.formula(c), measured = rel.transposed ? transposed_side(c) : conv_side(c);
        if (expected < 1) {  // no output: the layer must refuse the geometry
            ++empty;
            not_refused += measured != 0;
            return;
        }
        ++cases;
        if (measured != expected) {
            if (differ++ == 0) first_difference = str(" (first: ", describe(c, rel.transposed), " gives ", measured, ", formula ", expected, ")");
            return;
        }
        // A transposed layer restores the shape of the conv it transposes: that conv, run over o′,
        // gives back i′ (the guide's definition of the pair).
        if (rel.transposed) {
            const Sizes conv{.i = measured, .k = c.k, .s = c.s, .p = c.p, .d = c.d};
            round_trips_lost += conv_side(conv) != c.i;
        }
    });
    const long example = rel.transposed ? transposed_side(rel.example) : conv_side(rel.example);
    const double error = double(differ + not_refused + round_trips_lost) + double(std::labs(example - rel.example_output));
    std::string detail = str(cases, " grid points (i ≤ 12, k ≤ 6, ", rel.scope, "): ", rel.transposed ? "conv_transpose2d" : "conv2d_layer",
                             "'s output side differs from the formula in ", differ, first_difference, "; ", empty,
                             " points where it gives o < 1: ", not_refused, " not refused");
    if (rel.transposed) detail += str("; conv2d_layer over o′ fails to give back i′ in ", round_trips_lost);
    detail += str("; the guide's figure (", describe(rel.example, rel.transposed), "): ", example, " (guide: ", rel.example_output, ")");
    return Measurement{error, 0.0, detail};
}

void add_arithmetic_claims(Registry& r) {
    for (const Relationship& rel : relationships)
        r.add({rel.id, 5, rel.statement, str("Dumoulin & Visin 2016, Relationship ", rel.number, rel.number == 15 ? "; 000 §1.6 (L_out)" : ""),
               [&rel] { return measure_relationship(rel); }});
    r.add({"ch05.output-padding-restores-shape", 5,
           R"(o=\Big\lfloor\frac{i+2p-\hat k}{s}\Big\rfloor+1,\ \ a=(i+2p-\hat k)\bmod s:\ \ \mathrm{convT}_{s,p,a,d}\big(\mathrm{conv}_{s,p,d}(X)\big)\ \text{has}\ X\text{'s size }i;\ \ \hat k=k+(k-1)(d-1))",
           "Dumoulin & Visin 2016, Relationship 14 (with dilation); PyTorch ConvTranspose2d output_padding", [] {
               // Over a grid of conv geometries: run the conv on an i×i input, then the transposed
               // conv with the guide's a on its output; every other allowed a misses i.
               const OneThread one_thread;
               std::size_t cases = 0, lost = 0, also_restore = 0, needs_a = 0;
               for (std::size_t i = 1; i <= 16; ++i)
                   for (std::size_t k = 1; k <= 5; ++k)
                       for (std::size_t s = 1; s <= 4; ++s)
                           for (std::size_t p = 0; p <= 3; ++p)
                               for (std::size_t d = 1; d <= 3; ++d) {
                                   const std::size_t k_hat = d * (k - 1) + 1;
                                   if (i + 2 * p < k_hat) continue;
                                   ++cases;
                                   const Tensor w({1, 1, k, k});
                                   const Tensor y = conv2d_layer(Tensor({1, 1, i, i}), w, vec{},
                                                                 {.padding = Sides2::symmetric(p, p), .stride = {s, s}, .dilation = {d, d}});
                                   const std::size_t a = (i + 2 * p - k_hat) % s;
                                   needs_a += a != 0;
                                   for (std::size_t other = 0; other < std::max(s, d); ++other) {
                                       std::size_t side = 0;
                                       try {
                                           side = conv_transpose2d(y, w, vec{}, {.stride = {s, s}, .padding = {p, p}, .output_padding = {other, other}, .dilation = {d, d}})
                                                      .shape().h;
                                       } catch (const shape_error&) {
                                       }
                                       if (other == a) lost += side != i;
                                       else also_restore += side == i;
                                   }
                               }
               return Measurement{double(lost + also_restore), 0.0,
                                  str(cases, " convs (i ≤ 16, k ≤ 5, s ≤ 4, p ≤ 3, d ≤ 3) followed by conv_transpose2d: a = (i+2p−k̂) mod s "
                                      "fails to restore i in ", lost, "; another allowed a (< max(s, d)) restores it in ", also_restore,
                                      "; a ≠ 0 is needed in ", needs_a, " of them (stride s maps s input sizes to one output size)")};
           }});
}

// ---------------------------------------------------------------------------------------------
// Dilated convolution 空洞卷积: effective size, receptive fields, the padding that keeps the size.

/// Where a plane is non-zero: its bounding box and the number of non-zero cells.
struct Support {
    std::size_t rows = 0, cols = 0, cells = 0;  ///< bounding box rows × cols (0 when all zero)
};
Support support_of(const mat& m) {
    const arma::uvec nonzero = arma::find(m != 0.0);
    if (nonzero.is_empty()) return {};
    const arma::umat at = arma::ind2sub(arma::size(m), nonzero);  // row 0: rows, row 1: columns
    const arma::urowvec r = at.row(0), c = at.row(1);
    return {r.max() - r.min() + 1, c.max() - c.min() + 1, nonzero.n_elem};
}

/// A stack of single-channel 3×3 layers with dilations `rates`, each padded by its dilation so
/// that every layer keeps the n×n size, with positive weights.
struct DilatedStack {
    std::size_t n;
    std::vector<Tensor> weights;
    std::vector<Conv2dOptions> options;

    DilatedStack(std::size_t side, const std::vector<std::size_t>& rates, std::mt19937& rng) : n(side) {
        for (std::size_t d : rates) {
            weights.push_back(random_tensor({1, 1, 3, 3}, rng, 0.5, 1.5));
            options.push_back({.padding = Sides2::symmetric(d, d), .dilation = {d, d}});
        }
    }
    /// \f$\partial y_{row,col} / \partial X\f$ through the whole stack: the input cells output
    /// (row, col) sees (Chapter 3's backward pass, last layer first).
    mat gradient(std::size_t row, std::size_t col) const {
        Tensor g({1, 1, n, n});
        g(0, 0, row, col) = 1;
        for (std::size_t l = weights.size(); l-- > 0;) g = conv2d_layer_backward_input(weights[l], g, {1, 1, n, n}, options[l]);
        return g.plane_copy(0, 0);
    }
    /// The stack's forward response to a unit impulse at (row, col): the outputs that input cell reaches.
    mat impulse_response(std::size_t row, std::size_t col) const {
        Tensor x({1, 1, n, n});
        x(0, 0, row, col) = 1;
        for (std::size_t l = 0; l < weights.size(); ++l) x = conv2d_layer(x, weights[l], vec{}, options[l]);
        return x.plane_copy(0, 0);
    }
};

void add_dilation_claims(Registry& r) {
    r.add({"ch05.effective-kernel", 5, R"(\hat K=K+(K-1)(D-1)\quad(D-1\ \text{holes between taps}))",
           "nndl §5.5.2, 003 §5.5.2 (空洞卷积); 000 §1.6 (dilation: 卷积核中元素之间的间距); Dumoulin & Visin 2016 §5.1", [] {
               // The impulse response of a dilated conv (positive taps) is its dilated kernel: the
               // bounding box of its support is K̂ × K̂, it holds K² taps, D apart.
               const OneThread one_thread;
               std::mt19937 rng(502);
               std::size_t cases = 0, wrong = 0;
               std::string sides;
               for (std::size_t k = 1; k <= 5; ++k)
                   for (std::size_t d = 1; d <= 4; ++d) {
                       ++cases;
                       const std::size_t k_hat = k + (k - 1) * (d - 1), n = 2 * k_hat + 1, centre = k_hat;
                       const Tensor w = random_tensor({1, 1, k, k}, rng, 0.5, 1.5);
                       Tensor x({1, 1, n, n});
                       x(0, 0, centre, centre) = 1;
                       const mat y = conv2d_layer(x, w, vec{}, {.padding = Sides2::symmetric(k_hat, k_hat), .dilation = {d, d}}).plane_copy(0, 0);
                       const Support s = support_of(y);
                       // Taps D apart: the non-zero rows of the response are D apart.
                       const arma::uvec rows = arma::find(arma::sum(y != 0.0, 1));
                       const bool spaced = rows.n_elem < 2 || arma::all(arma::diff(rows) == d);
                       // The transposed conv scatters one cell into the dilated kernel itself.
                       Tensor one({1, 1, 1, 1});
                       one(0, 0, 0, 0) = 1;
                       const mat scattered = conv_transpose2d(one, w, vec{}, {.dilation = {d, d}}).plane_copy(0, 0);
                       const Support t = support_of(scattered);
                       wrong += s.rows != k_hat || s.cols != k_hat || s.cells != k * k || !spaced || t.rows != k_hat ||
                                scattered.n_rows != k_hat || t.cells != k * k;
                       if (k == 3) sides += str(d == 1 ? "" : ", ", "D=", d, ": ", s.rows);
                   }
               return Measurement{double(wrong), 0.0,
                                  str(cases, " kernels (K ≤ 5, D ≤ 4): the support of conv2d_layer's impulse response (and of conv_transpose2d "
                                      "of one cell) differs from a K̂×K̂ box of K² taps D apart in ", wrong, "; K=3 measures ", sides)};
           }});
    r.add({"ch05.dilated-receptive-field", 5,
           R"(r_l=1+2\sum_{j=1}^{l}2^{j-1}=2^{l+1}-1\ \text{with rates}\ 1,2,\dots,2^{l-1}\ \text{(field}\ (2^{l+1}-1)^2\text{)},\ \ r_l=2l+1\ \text{undilated})",
           "nndl §5.5.2, 003 §5.5.2 (增加输出单元感受野); Yu & Koltun 2016", [] {
               // l stacked 3×3 layers; the receptive field of the centre output, from its gradient
               // and from the forward impulse response, and Chapter 2's receptive_field().
               const OneThread one_thread;
               std::mt19937 rng(503);
               double wrong = 0;
               std::string dilated_sides, plain_sides;
               for (std::size_t l = 1; l <= 5; ++l)
                   for (bool dilated : {true, false}) {
                       std::vector<std::size_t> rates;
                       std::vector<StackedLayer> layers;
                       for (std::size_t j = 0; j < l; ++j) {
                           rates.push_back(dilated ? std::size_t(1) << j : 1);
                           layers.push_back({.kernel = 3, .dilation = rates.back()});
                       }
                       const std::size_t expected = dilated ? (std::size_t(1) << (l + 1)) - 1 : 2 * l + 1;
                       const std::size_t n = (std::size_t(1) << (l + 1)) + 1, centre = n / 2;
                       const DilatedStack stack(n, rates, rng);
                       const Support g = support_of(stack.gradient(centre, centre)), f = support_of(stack.impulse_response(centre, centre));
                       // Dense: every cell of the box is seen (cells = side²).
                       wrong += double(g.rows != expected) + double(g.cols != expected) + double(g.cells != expected * expected) +
                                double(f.rows != expected) + double(f.cells != expected * expected) +
                                double(receptive_field(layers).size != expected);
                       (dilated ? dilated_sides : plain_sides) += str(l == 1 ? "" : ", ", g.rows);
                   }
               return Measurement{wrong, 0.0,
                                  str("the centre output of l = 1..5 stacked 3×3 layers sees a dense square of side ", dilated_sides,
                                      " with rates 1, 2, 4, … (2^(l+1) − 1: exponential) and ", plain_sides,
                                      " undilated (2l + 1: linear) — from ∂y/∂X through the stack, the forward impulse response and "
                                      "receptive_field(); mismatches: ", wrong)};
           }});
    r.add({"ch05.ex5-8-same-padding", 5,
           R"(P=\frac{D(K-1)}{2}=\frac{\hat K-1}{2}\ \Rightarrow\ o=i\quad(s=1;\ \text{needs}\ D(K-1)\ \text{even}))",
           "nndl ex 5-8, 003 ex 5-8 (习题5-8); nndl §5.5.2 (D: 膨胀率, D−1 个空洞)", [] {
               const OneThread one_thread;
               std::size_t right_cases = 0, right_wrong = 0, odd_cases = 0, odd_wrong = 0, note_cases = 0, note_keeps = 0,
                           holes_wrong = 0;
               long note_worst = 0;
               std::size_t note_keeps_largest_k = 0;  // the largest K for which the note's P keeps the size
               auto side = [](std::size_t i, std::size_t k, Sides2 pad, std::size_t d) {
                   return conv_side(i, k, {.padding = pad, .dilation = {d, d}});
               };
               for (std::size_t i = 1; i <= 12; ++i)
                   for (std::size_t k = 1; k <= 7; ++k)
                       for (std::size_t d = 1; d <= 4; ++d) {
                           const std::size_t span = d * (k - 1);
                           if (span % 2 == 0) {
                               ++right_cases;
                               right_wrong += side(i, k, Sides2::symmetric(span / 2, span / 2), d) != long(i);
                           } else {
                               // K even, D odd: ⌊·⌋ on both sides loses one, ⌈·⌉ gains one, ⌊·⌋ + ⌈·⌉ keeps i.
                               ++odd_cases;
                               const std::size_t lo = span / 2, hi = lo + 1;
                               odd_wrong += side(i, k, Sides2::symmetric(lo, lo), d) != long(i) - 1 ||
                                            side(i, k, Sides2::symmetric(hi, hi), d) != long(i) + 1 ||
                                            side(i, k, Sides2{{lo, hi}, {lo, hi}}, d) != long(i);
                           }
                           // The note's P = (K−1)/2·(1+D), where it is an integer.
                           if ((k - 1) * (1 + d) % 2 == 0) {
                               const std::size_t note = (k - 1) * (1 + d) / 2;
                               ++note_cases;
                               const long o = side(i, k, Sides2::symmetric(note, note), d);
                               note_keeps += o == long(i);
                               if (o == long(i)) note_keeps_largest_k = std::max(note_keeps_largest_k, k);
                               note_worst = std::max(note_worst, std::labs(o - long(i)));
                               // Read with D = the number of holes (dilation rate D + 1), it is right.
                               holes_wrong += side(i, k, Sides2::symmetric(note, note), d + 1) != long(i);
                           }
                       }
               // The counterexample: K = 3, D = 2 on a 7×7 input.
               const long with_right = side(7, 3, Sides2::symmetric(2, 2), 2), with_note = side(7, 3, Sides2::symmetric(3, 3), 2);
               Measurement m{double(right_wrong + odd_wrong + holes_wrong) + double(std::labs(with_right - 7)), 0.0,
                             str("conv2d_layer, stride 1, i ≤ 12, K ≤ 7, D ≤ 4: P = D(K−1)/2 misses o = i in ", right_wrong, " of ",
                                 right_cases, "; K even with D odd (", odd_cases, " cases, no symmetric P): ⌊D(K−1)/2⌋ before and "
                                 "⌈D(K−1)/2⌉ after keeps i, off in ", odd_wrong, ". K=3, D=2, i=7: P=2 → ", with_right,
                                 ", the note's P=3 → ", with_note, ". The note's P keeps the size in ", note_keeps, " of ", note_cases,
                                 " cases, all with K ≤ ", note_keeps_largest_k, "; read with D = holes (dilation D+1) it misses in ", holes_wrong,
                                 ". The note's largest |o − i|: ")};
               m.note_error = double(note_worst);
               m.detail += str(note_worst);
               return m;
           },
           Erratum{"003 ex 5-8 (习题5-8)",
                   "P = (K−1)/2·(1+D) — for K = 3, D = 2 it gives P = 3, and the output is 2 cells wider than the input",
                   "P = D(K−1)/2 = (K′−1)/2 with the book's K′ = K+(K−1)(D−1), D the dilation rate (D−1 holes between taps): "
                   "K = 3, D = 2 → P = 2. The note's formula is right only when D counts the holes (dilation rate D+1). "
                   "For K even and D odd no symmetric P exists: pad ⌊D(K−1)/2⌋ before and ⌈D(K−1)/2⌉ after"}});
    r.add({"ch05.gridding", 5,
           R"(\text{three }3{\times}3,\ D=2,2,2:\ \tfrac{49}{169}\ \text{of the}\ 13{\times}13\ \text{field seen (even offsets only)};\ \ D=1,2,3:\ \tfrac{169}{169})",
           "nndl §5.5.2, 003 §5.5.2 (空洞卷积); Wang et al. 2018 (hybrid dilated convolution)", [] {
               // Both stacks have a 13×13 field (1 + 2·6); which of its cells does the centre see?
               const OneThread one_thread;
               std::mt19937 rng(505);
               const std::size_t n = 17, c = 8, reach = 6;
               const DilatedStack equal(n, {2, 2, 2}, rng), hybrid(n, {1, 2, 3}, rng);
               const mat g_equal = equal.gradient(c, c), g_hybrid = hybrid.gradient(c, c);
               // The predicted sets: even offsets in both directions, or the whole box.
               std::size_t equal_wrong = 0, hybrid_wrong = 0;
               for (std::size_t row = 0; row < n; ++row)
                   for (std::size_t col = 0; col < n; ++col) {
                       const long dr = long(row) - long(c), dc = long(col) - long(c);
                       const bool in_box = std::labs(dr) <= long(reach) && std::labs(dc) <= long(reach);
                       equal_wrong += (g_equal(row, col) != 0) != (in_box && dr % 2 == 0 && dc % 2 == 0);
                       hybrid_wrong += (g_hybrid(row, col) != 0) != in_box;
                   }
               const Support se = support_of(g_equal), sh = support_of(g_hybrid);
               // Neighbouring outputs: with equal rates they see disjoint inputs (other parity lattice).
               auto shared = [&](const DilatedStack& stack, const mat& g) {
                   return std::size_t(arma::accu((g != 0.0) % (stack.gradient(c, c + 1) != 0.0)));
               };
               const std::size_t overlap_equal = shared(equal, g_equal), overlap_hybrid = shared(hybrid, g_hybrid);
               const double error = double(equal_wrong + hybrid_wrong) + double(se.rows != 13) + double(sh.rows != 13) +
                                    double(overlap_equal != 0) + double(overlap_hybrid == 0);
               return Measurement{error, 0.0,
                                  str("∂y/∂X of the centre output: D = 2,2,2 sees ", se.cells, " of the ", se.rows, "×", se.cols, " box (",
                                      fixed(double(se.cells) / double(se.rows * se.cols)), ", even offsets only: ", equal_wrong,
                                      " cells off that pattern); D = 1,2,3 sees ", sh.cells, " of ", sh.rows, "×", sh.cols, " (",
                                      hybrid_wrong, " off); inputs shared by horizontally adjacent outputs: ", overlap_equal, " vs ",
                                      overlap_hybrid)};
           }});
}

// ---------------------------------------------------------------------------------------------
// Transposed convolution 转置卷积: Cᵀ, the wide convolution, zero insertion, the backward pass.

/// Transposed layers with stride, padding, output padding, dilation and groups (C_in × C_out/g weights).
struct TransposedCase {
    Shape4 z, weight;
    ConvTranspose2dOptions options;
};
const TransposedCase transposed_cases[] = {
    {{2, 4, 5, 6}, {4, 3, 3, 3}, {.stride = {2, 2}, .padding = {1, 1}, .output_padding = {1, 1}}},
    {{1, 4, 4, 5}, {4, 2, 3, 2}, {.stride = {2, 3}, .padding = {1, 0}, .output_padding = {1, 2}, .dilation = {2, 1}, .groups = 2}},
    {{2, 3, 6, 6}, {3, 1, 3, 3}, {.padding = {2, 2}, .dilation = {2, 2}, .groups = 3}},
    {{1, 5, 4, 4}, {5, 2, 1, 1}, {.stride = {2, 2}, .output_padding = {1, 1}}},
    {{2, 2, 5, 4}, {2, 3, 3, 3}, {}},
    // a ≥ s (allowed because a < d): the conv over the output has more rows than z.
    {{1, 2, 4, 4}, {2, 2, 2, 3}, {.output_padding = {1, 1}, .dilation = {2, 2}}},
};

/// The single-sample conv input shape (= the transposed layer's output) of a case.
Shape4 output_of(const TransposedCase& c) {
    return resolve_conv_transpose2d("verify ch05", c.z, c.weight, 0, c.options).output;
}

/// vec(Y_n) = Cᵀ vec(Z_n) per sample, C = ref::convolution_matrix of the conv the layer transposes;
/// when a ≥ s the conv has more outputs than Z has cells, and Z is extended by zeros to them.
Tensor by_conv_matrix(const Tensor& z, const Tensor& w, const ConvTranspose2dOptions& o, const Shape4& y_shape) {
    const Shape4 sample{1, y_shape.c, y_shape.h, y_shape.w};
    const Conv2dOptions conv = adjoint_conv_options(o);
    const Shape4 conv_out = resolve_conv2d_layer("verify ch05", y_shape, w.shape(), 0, conv).output;
    const mat c = ref::convolution_matrix(sample, w, conv);
    const Tensor z_ext = extend(z, conv_out);
    Tensor y(y_shape);
    const std::size_t in = conv_out.elements() / conv_out.n, out = sample.elements();
    for (std::size_t n = 0; n < y_shape.n; ++n) {
        const vec z_n(const_cast<double*>(z_ext.data()) + n * in, in, false, true);
        const vec y_n = c.t() * z_n;
        std::copy(y_n.begin(), y_n.end(), y.data() + n * out);
    }
    return y;
}

void add_transposed_claims(Registry& r) {
    r.add({"ch05.transpose-matrix-3x5", 5,
           R"(z=w\otimes x=Cx,\ C=\begin{pmatrix}w_1&w_2&w_3&0&0\\0&w_1&w_2&w_3&0\\0&0&w_1&w_2&w_3\end{pmatrix};\ \ x=C^{\top}z=\mathrm{rot180}(w)\,\tilde\otimes\,z)",
           "nndl §5.5.1, 003 §5.5.1 (转置卷积); 004 反卷积/转置卷积", [] {
               std::mt19937 rng(506);
               const mat w_row = random_mat(1, 3, rng);
               const double w1 = w_row(0), w2 = w_row(1), w3 = w_row(2);
               // The note's two matrices, typed in.
               const mat c_note{{w1, w2, w3, 0, 0}, {0, w1, w2, w3, 0}, {0, 0, w1, w2, w3}};
               const mat ct_note{{w1, 0, 0}, {w2, w1, 0}, {w3, w2, w1}, {0, w3, w2}, {0, 0, w3}};
               Tensor w({1, 1, 1, 3});
               for (std::size_t u = 0; u < 3; ++u) w(0, 0, 0, u) = w_row(u);
               const mat c = ref::convolution_matrix(Shape4{1, 1, 1, 5}, w);
               const double matrices = std::max(arma::abs(c - c_note).max(), arma::abs(mat(c.t()) - ct_note).max());
               // Forward z = Cx (Chapter 2's layer); transposed x = Cᵀz four ways.
               const Tensor x = random_tensor({1, 1, 1, 5}, rng), z = random_tensor({1, 1, 1, 3}, rng);
               const mat x_row = x.plane_copy(0, 0), z_row = z.plane_copy(0, 0);
               const mat forward_note = (c_note * x_row.t()).t(), back_note = (ct_note * z_row.t()).t();
               const double forward = relative_difference(mat(conv2d_layer(x, w).plane_copy(0, 0)), forward_note);
               const double layer = relative_difference(mat(conv_transpose2d(z, w).plane_copy(0, 0)), back_note);
               const double plane = relative_difference(conv_transpose2d(z_row, w_row), back_note);
               const double wide = relative_difference(xcorr2d(z_row, rot180(w_row), {.padding = Mode::full}), back_note);
               // In 2-D with channels, stride, padding, dilation, groups: conv_transpose2d = Cᵀ·vec(Z).
               double general = 0;
               for (const TransposedCase& tc : transposed_cases) {
                   const Tensor zz = random_tensor(tc.z, rng), ww = random_tensor(tc.weight, rng);
                   const Tensor y = conv_transpose2d(zz, ww, vec{}, tc.options);
                   general = std::max(general, relative_difference(y, by_conv_matrix(zz, ww, tc.options, output_of(tc))));
               }
               // And the 2-D wide form: stride 1, no padding, one plane.
               const mat z_plane = random_mat(5, 6, rng), w_plane = random_mat(3, 2, rng);
               const mat x_plane = conv_transpose2d(z_plane, w_plane);
               const double wide2d = std::max(relative_difference(x_plane, xcorr2d(z_plane, rot180(w_plane), {.padding = Mode::full})),
                                              relative_difference(x_plane, conv2d(z_plane, w_plane, {.padding = Mode::full})));
               return Measurement{std::max({matrices, forward, layer, plane, wide, general, wide2d}), rounding_tolerance,
                                  str("ref::convolution_matrix(1×1×1×5, w 1×1×1×3) vs the note's C and Cᵀ: ", sci(matrices),
                                      "; conv2d_layer(x) vs Cx: ", sci(forward), "; Cᵀz vs conv_transpose2d ", sci(layer), ", its plane form ",
                                      sci(plane), ", xcorr2d(z, rot180 w, full) ", sci(wide), "; 6 layers (stride, padding, output padding, "
                                      "dilation, groups) vs Cᵀ·vec(Z): ", sci(general), "; 5×6 plane, 3×2 kernel vs rot180(w) ⊗̃ z and "
                                      "conv2d full: ", sci(wide2d), " (relative)")};
           }});
    r.add({"ch05.fractionally-strided", 5,
           R"(\mathrm{convT}_{s,p,a,d}(Z)=\mathrm{rot180}(W)\otimes_{1,d}\mathrm{pad}_{\,d(K-1)-p,\ +a}\big(Z\ \text{with}\ s-1\ \text{zeros between cells}\big))",
           "nndl §5.5.1, 003 §5.5.1 (微步卷积: 步长 S<1 的转置卷积); Dumoulin & Visin 2016, Relationships 12–14", [] {
               // Zero insertion (ref::zero_insert), padding d(K−1)−p (+a below / right), then
               // Chapter 2's stride-1 layer with the rotated, channel-swapped kernel.
               std::mt19937 rng(507);
               double worst = 0;
               for (const TransposedCase& tc : transposed_cases) {
                   const Tensor z = random_tensor(tc.z, rng), w = random_tensor(tc.weight, rng);
                   const ConvTranspose2dOptions& o = tc.options;
                   const Shape4& ws = tc.weight;
                   const std::size_t in_per_group = tc.z.c / o.groups, out_per_group = ws.c;
                   Tensor spread({tc.z.n, tc.z.c, (tc.z.h - 1) * o.stride.rows + 1, (tc.z.w - 1) * o.stride.cols + 1});
                   for (std::size_t n = 0; n < tc.z.n; ++n)
                       for (std::size_t c = 0; c < tc.z.c; ++c) spread.plane(n, c) = ref::zero_insert(z.plane_copy(n, c), o.stride);
                   Tensor rotated({out_per_group * o.groups, in_per_group, ws.h, ws.w});
                   for (std::size_t g = 0; g < o.groups; ++g)
                       for (std::size_t c = 0; c < in_per_group; ++c)
                           for (std::size_t q = 0; q < out_per_group; ++q)
                               for (std::size_t u = 0; u < ws.h; ++u)
                                   for (std::size_t v = 0; v < ws.w; ++v)
                                       rotated(g * out_per_group + q, c, u, v) = w(g * in_per_group + c, q, ws.h - 1 - u, ws.w - 1 - v);
                   const std::size_t top = o.dilation.rows * (ws.h - 1) - o.padding.rows, left = o.dilation.cols * (ws.w - 1) - o.padding.cols;
                   const Tensor expected = conv2d_layer(spread, rotated, vec{},
                                                        {.padding = Sides2{{top, top + o.output_padding.rows}, {left, left + o.output_padding.cols}},
                                                         .dilation = o.dilation, .groups = o.groups});
                   worst = std::max(worst, relative_difference(conv_transpose2d(z, w, vec{}, o), expected));
               }
               return Measurement{worst, rounding_tolerance,
                                  str("conv_transpose2d vs zero insertion + conv2d_layer (stride 1, rotated channel-swapped kernel) on 6 "
                                      "layers (stride up to 3, padding, output padding, dilation, groups): ", sci(worst), " (relative)")};
           }});
    r.add({"ch05.transposed-is-backward-data", 5,
           R"(\mathrm{convT}(Z)=C^{\top}\mathrm{vec}(Z)=\frac{\partial\langle\mathrm{conv}(X),Z\rangle}{\partial X},\quad\langle\mathrm{conv}(X),Z\rangle=\langle X,\mathrm{convT}(Z)\rangle)",
           "003 §5.5.1 (卷积层的前向计算和后向传播也是一种转置关系), ex 5-7; Dumoulin & Visin 2016 §4.2", [] {
               std::mt19937 rng(508);
               double backward = 0, scatter = 0, adjoint = 0, transpose_back = 0;
               std::size_t paths = 0;
               for (const TransposedCase& tc : transposed_cases) {
                   const Tensor z = random_tensor(tc.z, rng), w = random_tensor(tc.weight, rng);
                   const Tensor y = conv_transpose2d(z, w, vec{}, tc.options);
                   const Conv2dOptions conv = adjoint_conv_options(tc.options);
                   const LayerGeometry g = resolve_conv2d_layer("verify ch05", y.shape(), w.shape(), 0, conv);
                   const Tensor z_ext = extend(z, g.output);  // = z unless a ≥ s
                   // Chapter 3's ∂f/∂X of the conv with δ = Z, on each of its paths.
                   std::vector<BackwardInputAlgorithm> algorithms{BackwardInputAlgorithm::automatic, BackwardInputAlgorithm::gemm_col2im};
                   if (rotated_forward_of(g).applies) algorithms.push_back(BackwardInputAlgorithm::rotated_forward);
                   for (BackwardInputAlgorithm algorithm : algorithms) {
                       backward = std::max(backward, relative_difference(y, conv2d_layer_backward_input(w, z_ext, y.shape(), conv, algorithm)));
                       ++paths;
                   }
                   scatter = std::max(scatter, relative_difference(y, ref::conv_transpose2d(z, w, vec{}, tc.options)));
                   // ⟨conv(X), Z⟩ = ⟨X, convT(Z)⟩, relative to ‖conv(X)‖‖Z‖ (Cauchy–Schwarz).
                   const Tensor x = random_tensor(y.shape(), rng);
                   const Tensor cx = conv2d_layer(x, w, vec{}, conv);
                   adjoint = std::max(adjoint, std::abs(inner(cx, z_ext) - inner(x, y)) / (norm(cx) * norm(z)));
                   // And the other way round: the transposed layer's backward pass is the conv.
                   const Tensor dy = random_tensor(y.shape(), rng);
                   transpose_back = std::max(transpose_back, relative_difference(conv_transpose2d_backward_input(w, dy, tc.z, tc.options),
                                                                                 crop(conv2d_layer(dy, w, vec{}, conv), tc.z)));
               }
               return Measurement{std::max({backward, scatter, adjoint, transpose_back}), rounding_tolerance,
                                  str("6 layers (stride, padding, output padding, dilation, groups, depthwise, 1×1): conv_transpose2d vs "
                                      "conv2d_layer_backward_input with δ = Z (", paths, " path runs): ", sci(backward),
                                      "; vs ref::conv_transpose2d's scatter: ", sci(scatter), "; |⟨conv X, Z⟩ − ⟨X, convT Z⟩| / ‖conv X‖‖Z‖: ",
                                      sci(adjoint), "; conv_transpose2d_backward_input vs conv2d_layer: ", sci(transpose_back))};
           }});
    r.add({"ch05.not-an-inverse", 5,
           R"(\mathrm{convT}\big(\mathrm{conv}(X)\big)=C^{\top}CX\ne X\ \text{(only the shape is restored)};\ \ \operatorname{rank}C\le\dim z\lt\dim x\ \text{when the conv shrinks})",
           "003 §5.5.1 (也称为反卷积 — the name; it is no inverse); 004 反卷积/转置卷积; Dumoulin & Visin 2016 §4.3 (footnote)", [] {
               struct Case {
                   Shape4 x, w;  // conv input and conv weight C_out × C_in × K × K
                   std::size_t stride, padding;
               };
               const Case cases[] = {
                   {{1, 1, 8, 8}, {1, 1, 3, 3}, 1, 0},  // valid 3×3
                   {{1, 3, 8, 8}, {3, 3, 3, 3}, 2, 1},  // stride 2, padding 1 (needs a = 1)
                   {{1, 2, 8, 8}, {4, 2, 4, 4}, 2, 1},  // 4×4 stride 2 (the usual up-sampling pair)
                   {{1, 4, 6, 6}, {4, 4, 1, 1}, 1, 0},  // 1×1, square channel matrix: C invertible, Cᵀ ≠ C⁻¹
               };
               std::mt19937 rng(509);
               std::size_t shapes = 0;
               double smallest = INFINITY;
               std::string each;
               for (const Case& c : cases) {
                   const Tensor x = random_tensor(c.x, rng), w = random_tensor(c.w, rng);
                   const std::size_t s = c.stride, p = c.padding, k = c.w.h;
                   const Tensor z = conv2d_layer(x, w, vec{}, {.padding = Sides2::symmetric(p, p), .stride = {s, s}});
                   const std::size_t a = (c.x.h + 2 * p - k) % s;
                   const Tensor back = conv_transpose2d(z, w, vec{}, {.stride = {s, s}, .padding = {p, p}, .output_padding = {a, a}});
                   shapes += !(back.shape() == x.shape());
                   // Even the best rescaling α·convT(conv(X)) stays far from X.
                   const double alpha = inner(back, x) / inner(back, back);
                   Tensor difference = x, residual = x;
                   for (std::size_t i = 0; i < x.size(); ++i) {
                       difference.data()[i] -= back.data()[i];
                       residual.data()[i] -= alpha * back.data()[i];
                   }
                   const double raw = norm(difference) / norm(x), best = norm(residual) / norm(x);
                   smallest = std::min(smallest, best);
                   const mat cm = ref::convolution_matrix(c.x, w, {.padding = Sides2::symmetric(p, p), .stride = {s, s}});
                   each += str(each.empty() ? "" : "; ", c.x.str(), " k", k, " s", s, ": ‖CᵀCx − x‖/‖x‖ = ", fixed(raw), ", best α ",
                               fixed(best), ", rank C = ", arma::rank(cm), " of ", cm.n_cols);
               }
               // Holds when every shape is restored and no case comes within 10 % of X, even rescaled.
               return Measurement{double(shapes) + std::max(0.0, 0.1 - smallest), 0.0,
                                  str("conv2d_layer then conv_transpose2d (same weight, a from the guide): ", shapes, " shapes not restored; ", each)};
           }});
}

}  // namespace

void register_ch05_claims(Registry& registry) {
    add_arithmetic_claims(registry);
    add_dilation_claims(registry);
    add_transposed_claims(registry);
}

}  // namespace cnnlab::verify
