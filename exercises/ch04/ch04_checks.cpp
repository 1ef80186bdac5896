// The checks of Chapter 4's exercises and their registration. Oracles: cnnlab's pooling and its
// references (max_pool2d, avg_pool2d, max_pool2d_backward), cnnlab::conv2d_layer, central
// differences, the operations counted by a pooling loop, literals.
#include "exercises/ch04/ch04_checks.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "exercises/checker/compare.hpp"
#include "reference/pooling.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace cnnlab::exercises::ch04 {

namespace {

// ---- planes, tensors and options ----------------------------------------------------------------

/// Integer-valued entries in [lo, hi]: every sum is exact in double, and a small range makes ties.
arma::mat random_integers(std::size_t rows, std::size_t cols, std::mt19937& rng, int lo = -5, int hi = 5) {
    std::uniform_int_distribution<int> value(lo, hi);
    arma::mat x(rows, cols);
    x.imbue([&] { return double(value(rng)); });
    return x;
}

/// Distinct integers (a shuffled range, centred on 0): no window has a tie.
arma::mat distinct_integers(std::size_t rows, std::size_t cols, std::mt19937& rng) {
    std::vector<double> values(rows * cols);
    std::iota(values.begin(), values.end(), -double(rows * cols / 2));
    std::shuffle(values.begin(), values.end(), rng);
    return arma::mat(values.data(), rows, cols);
}

/// Upstream gradients: nonzero integers, so a dropped δ always shows.
arma::mat nonzero_integers(std::size_t rows, std::size_t cols, std::mt19937& rng) {
    std::uniform_int_distribution<int> magnitude(1, 5), sign(0, 1);
    arma::mat d(rows, cols);
    d.imbue([&] { return double(magnitude(rng) * (sign(rng) ? 1 : -1)); });
    return d;
}

/// PyTorch's arange(rows·cols) laid out row by row: x(i, j) = i·cols + j.
arma::mat arange(std::size_t rows, std::size_t cols) {
    arma::mat x(rows, cols);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j) x(i, j) = double(i * cols + j);
    return x;
}

/// A plane as the 1×1×H×W tensor (a plane is column-major, as an arma::mat).
Tensor4<double> as_tensor(const arma::mat& x) {
    Tensor4<double> t({1, 1, x.n_rows, x.n_cols});
    t.plane(0, 0) = x;
    return t;
}

Pool2dOptions pool_options(Size2 kernel, Size2 stride, Size2 padding = {0, 0}, bool count_include_pad = true) {
    return {.kernel = {kernel.rows, kernel.cols},
            .stride = Step2{stride.rows, stride.cols},
            .padding = {padding.rows, padding.cols},
            .count_include_pad = count_include_pad};
}

arma::mat library_max_pool(const arma::mat& x, Size2 kernel, Size2 stride) {
    return cnnlab::max_pool2d(as_tensor(x), pool_options(kernel, stride)).plane_copy(0, 0);
}

arma::mat library_avg_pool(const arma::mat& x, Size2 kernel, Size2 stride) {
    return cnnlab::avg_pool2d(as_tensor(x), pool_options(kernel, stride)).plane_copy(0, 0);
}

/// Same shape and the same values (to the checker's tolerance).
bool same(const arma::mat& a, const arma::mat& b) { return !compare("", a, b).has_value(); }

std::string sz(const arma::mat& m) { return shape_of(m); }
std::string sz(Size2 s) { return str(s.rows, "×", s.cols); }
const char* yes_no(bool b) { return b ? "true" : "false"; }

/// A small matrix as "[[1,0],[0,0]]", a larger one by its shape.
std::string as_text(const arma::mat& m) {
    if (m.n_elem > 16) return sz(m);
    std::string text = "[";
    for (arma::uword i = 0; i < m.n_rows; ++i) {
        text += i ? ",[" : "[";
        for (arma::uword j = 0; j < m.n_cols; ++j) {
            if (j) text += ",";
            text += number(m(i, j));
        }
        text += "]";
    }
    return text + "]";
}

// ---- 5-6: max and argmax ------------------------------------------------------------------------

/// ∂max/∂x by central differences with step h (exact for integer windows without ties and h < 1/2).
arma::mat max_by_differences(const arma::mat& window, double h) {
    arma::mat g(arma::size(window)), p = window;
    for (arma::uword k = 0; k < window.n_elem; ++k) {
        p(k) = window(k) + h;
        const double up = p.max();
        p(k) = window(k) - h;
        const double down = p.max();
        p(k) = window(k);
        g(k) = (up - down) / (2 * h);
    }
    return g;
}

/// cnnlab's max pooling backward with the window as the whole input and δ = 1.
arma::mat library_max_gradient(const arma::mat& window) {
    const Pool2dOptions options = pool_options({window.n_rows, window.n_cols}, {window.n_rows, window.n_cols});
    const MaxPoolResult<double> forward = cnnlab::max_pool2d_with_argmax(as_tensor(window), options);
    Tensor4<double> dy({1, 1, 1, 1});
    dy(0, 0, 0, 0) = 1;
    return cnnlab::max_pool2d_backward(dy, forward.argmax, Shape4{1, 1, window.n_rows, window.n_cols}, options).plane_copy(0, 0);
}

void note_max_gradient(Mismatch& m, const arma::mat& got, const arma::mat& window) {
    const double n = double(window.n_elem);
    const arma::mat ones(arma::size(window), arma::fill::ones);
    const arma::mat one_hot = library_max_gradient(window);
    if (same(got, ones / n))
        m.note = "this is the gradient of the mean (average pooling), 1/|R| everywhere; max depends on its largest element only";
    else if (same(got, ones))
        m.note = "1 everywhere would mean every element raises the maximum; only the largest one does";
    else if (same(got, arma::mat(one_hot * window.max())))
        m.note = "this puts the maximum's value at the arg-max; there y = x_k, whose derivative with respect to x_k is 1";
    else if (same(got, arma::conv_to<arma::mat>::from(window == window.min())))
        m.note = "the 1 is at the minimum; it belongs where the maximum is";
}

/// A subgradient of max at a tie: zero off the maxima, non-negative, summing to 1.
std::optional<Mismatch> check_subgradient(const std::string& what, const arma::mat& got, const arma::mat& window) {
    if (auto m = compare_shape(what, got, window.n_rows, window.n_cols)) return m;
    const double top = window.max();
    for (arma::uword i = 0; i < window.n_rows; ++i)
        for (arma::uword j = 0; j < window.n_cols; ++j) {
            const std::string index = str("(", i, ", ", j, ")");
            if (window(i, j) != top && got(i, j) != 0)
                return Mismatch{.quantity = what, .index = index, .expected = "0", .got = number(got(i, j)),
                                .note = str(number(window(i, j)), " is not a maximum: changing it a little leaves the max unchanged")};
            if (!(got(i, j) >= 0))
                return Mismatch{.quantity = what, .index = index, .expected = "≥ 0", .got = number(got(i, j)),
                                .note = "raising a tied maximum never lowers the max: the weights are non-negative"};
        }
    const double total = arma::accu(got);
    if (auto m = compare_number(what + ": the sum of its elements", total, 1.0)) {
        const double tied = double(arma::accu(window == top));
        if (total == tied)
            m->note = str("a 1 at each of the ", tied, " tied maxima: raising all of them by h raises the max by h, not by ", tied,
                          "h; give the 1 to one of them (PyTorch and cnnlab: the first in row-major order), or split it");
        else
            m->note = "raising every element by h raises the max by h, so the weights sum to 1";
        return m;
    }
    return std::nullopt;
}

/// The first index of the largest element (argmax as PyTorch and NumPy return it).
double argmax_of(const arma::vec& x) { return double(x.index_max()); }

/// The central difference quotients of argmax along e_i at x, for a step h.
double argmax_quotient(const arma::vec& x, arma::uword i, double h) {
    arma::vec up = x, down = x;
    up(i) += h;
    down(i) -= h;
    return (argmax_of(up) - argmax_of(down)) / (2 * h);
}

std::string why_unique(ArgmaxGradient choice) {
    switch (choice) {
        case ArgmaxGradient::zero:
            return "argmax is constant near x: any change smaller than half the gap to the runner-up leaves the index where it is";
        case ArgmaxGradient::one_hot:
            return "one-hot at the arg-max is the gradient of max (5-6.1), whose value moves with the largest element; argmax's "
                   "value is an index, which stays put when the element moves a little";
        case ArgmaxGradient::ones: return "raising any element a little does not change which element is the largest";
        case ArgmaxGradient::undefined:
            return "where the maximum is unique, argmax is constant on a whole neighbourhood of x, so its derivative exists: "
                   "the difference quotients are exactly 0 for every step below half the gap";
        case ArgmaxGradient::softmax_jacobian:
            return "that is the Jacobian of softmax, the smooth stand-in for one-hot(argmax) used when a gradient is needed; "
                   "argmax itself is piecewise constant";
    }
    return "not one of the ArgmaxGradient choices";
}

std::string why_tie(ArgmaxGradient choice) {
    switch (choice) {
        case ArgmaxGradient::zero:
            return "at a tie an arbitrarily small change of a tied element moves the index: the difference quotient "
                   "(argmax(x + h e₂) − argmax(x − h e₂))/(2h) = 1/(2h) grows without bound as h → 0, so argmax jumps there";
        case ArgmaxGradient::one_hot:
            return "one-hot is the (sub)gradient of max, not of argmax; argmax jumps from one index to the other at a tie";
        case ArgmaxGradient::ones: return "argmax changes by a whole index for an arbitrarily small change: it jumps, no derivative";
        case ArgmaxGradient::undefined:
            return "argmax jumps from index 1 to index 2 when x₂ passes x₁: the difference quotient 1/(2h) grows without bound";
        case ArgmaxGradient::softmax_jacobian:
            return "softmax is smooth at a tie, argmax is not: the smooth relaxation's Jacobian is not argmax's gradient";
    }
    return "not one of the ArgmaxGradient choices";
}

Verdict check_choice(const std::string& question, ArgmaxGradient got, ArgmaxGradient expected, std::string (*why)(ArgmaxGradient),
                     const std::string& measured) {
    if (got != expected)
        return Verdict::wrong({.quantity = question, .expected = choice_text(expected), .got = choice_text(got), .note = why(got)});
    return Verdict::right(why(expected) + " (" + measured + ")");
}

// ---- d2l-avg-as-conv ----------------------------------------------------------------------------

/// Sample n of a tensor as a cube (one slice per channel).
arma::cube sample(const Tensor4<double>& t, std::size_t n) {
    arma::cube y(t.shape().h, t.shape().w, t.shape().c);
    for (std::size_t c = 0; c < t.shape().c; ++c) y.slice(c) = t.plane(n, c);
    return y;
}

Tensor4<double> random_tensor(Shape4 shape, std::mt19937& rng) {
    Tensor4<double> t(shape);
    std::uniform_int_distribution<int> value(-5, 5);
    for (std::size_t k = 0; k < t.size(); ++k) t.data()[k] = value(rng);
    return t;
}

void note_avg_as_conv(Mismatch& m, const PoolAsConv& got, std::size_t channels, Size2 kernel) {
    const Shape4 w = got.weight.shape();
    const double taps = double(kernel.rows * kernel.cols);
    double kernel_sum = 0;  // of output channel 0, over its input channels
    for (std::size_t c = 0; c < w.c; ++c) kernel_sum += arma::accu(got.weight.plane(0, c));
    if (channels > 1 && got.options.groups == 1 && w.c == channels)
        m.note = "with groups = 1 every output channel sums over all input channels; pool each channel on its own: groups = C "
                 "(depthwise) with a C×1×K_h×K_w weight";
    else if (std::abs(kernel_sum - taps) < 1e-9)
        m.note = str("the kernel sums to K_h·K_w = ", taps, ": that is sum pooling; a mean weighs each of the ", taps, " taps by 1/", taps);
    else if (std::abs(kernel_sum - 1) > 1e-9)
        m.note = str("the kernel sums to ", number(kernel_sum), "; a mean is a weighted sum whose equal weights sum to 1");
}

// ---- d2l-pool-cost ------------------------------------------------------------------------------

/// One pooling layer's shape, as the exercise gives it.
struct CostCase {
    std::size_t batch, channels;
    Size2 input, kernel, stride, padding;
};

std::string describe(const CostCase& c) {
    return str("pooling_cost(N = ", c.batch, ", C = ", c.channels, ", input ", sz(c.input), ", kernel ", sz(c.kernel), ", stride ", sz(c.stride),
               ", padding ", sz(c.padding), ")");
}

/// The number of input cells of window i along one axis: [i s − p, i s − p + K) clipped to [0, n).
std::size_t cells_in_window(std::size_t i, std::size_t n, std::size_t kernel, std::size_t stride, std::size_t padding) {
    const std::ptrdiff_t start = std::ptrdiff_t(i * stride) - std::ptrdiff_t(padding);
    const std::ptrdiff_t end = start + std::ptrdiff_t(kernel);
    return std::size_t(std::max<std::ptrdiff_t>(0, std::min<std::ptrdiff_t>(end, n) - std::max<std::ptrdiff_t>(start, 0)));
}

/// The closed form: windows are products of row and column ranges, so the cells read add up to
/// (Σᵢ rᵢ)(Σⱼ cⱼ) per plane, and each window of r cells costs r − 1.
PoolCost cost_formula(const CostCase& c) {
    const std::size_t ho = pool_output_size(c.input.rows, c.kernel.rows, c.stride.rows, c.padding.rows, 1, false);
    const std::size_t wo = pool_output_size(c.input.cols, c.kernel.cols, c.stride.cols, c.padding.cols, 1, false);
    std::size_t rows = 0, cols = 0;
    for (std::size_t i = 0; i < ho; ++i) rows += cells_in_window(i, c.input.rows, c.kernel.rows, c.stride.rows, c.padding.rows);
    for (std::size_t j = 0; j < wo; ++j) cols += cells_in_window(j, c.input.cols, c.kernel.cols, c.stride.cols, c.padding.cols);
    const std::size_t planes = c.batch * c.channels, outputs = planes * ho * wo;
    const std::size_t operations = planes * rows * cols - outputs;
    return {outputs, operations, operations};
}

/// The operations a max and an average pooling loop perform (each skips padded cells and takes a
/// window's first value without an operation), checked against cnnlab's pooling so that the count
/// belongs to a correct pooling.
PoolCost counted_cost(const CostCase& c, std::mt19937& rng) {
    const Tensor4<double> x = random_tensor({c.batch, c.channels, c.input.rows, c.input.cols}, rng);
    const Pool2dOptions options = pool_options(c.kernel, c.stride, c.padding, /*count_include_pad=*/false);
    const PoolGeometry g = resolve_pool2d("pooling_cost check", x.shape(), options);
    Tensor4<double> max_y(g.output), avg_y(g.output);
    PoolCost cost{g.output.elements(), 0, 0};
    for (std::size_t n = 0; n < g.output.n; ++n)
        for (std::size_t ch = 0; ch < g.output.c; ++ch)
            for (std::size_t i = 0; i < g.output.h; ++i)
                for (std::size_t j = 0; j < g.output.w; ++j) {
                    double best = 0, sum = 0;
                    std::size_t seen = 0;
                    for (std::size_t u = 0; u < g.kernel.rows; ++u)
                        for (std::size_t v = 0; v < g.kernel.cols; ++v) {
                            const std::ptrdiff_t r = std::ptrdiff_t(i * g.stride.rows + u) - std::ptrdiff_t(g.padding.rows);
                            const std::ptrdiff_t s = std::ptrdiff_t(j * g.stride.cols + v) - std::ptrdiff_t(g.padding.cols);
                            if (r < 0 || s < 0 || r >= std::ptrdiff_t(g.input.h) || s >= std::ptrdiff_t(g.input.w)) continue;
                            const double value = x(n, ch, std::size_t(r), std::size_t(s));
                            if (seen++ == 0) {
                                best = sum = value;
                                continue;
                            }
                            ++cost.comparisons;
                            if (value > best) best = value;
                            ++cost.additions;
                            sum += value;
                        }
                    max_y(n, ch, i, j) = best;
                    avg_y(n, ch, i, j) = sum / double(seen);
                }
    const Tensor4<double> max_lib = cnnlab::max_pool2d(x, options), avg_lib = cnnlab::avg_pool2d(x, options);
    for (std::size_t k = 0; k < max_y.size(); ++k)
        if (max_y.data()[k] != max_lib.data()[k] || std::abs(avg_y.data()[k] - avg_lib.data()[k]) > 1e-12)
            throw std::logic_error(str("pooling_cost check: the counting loop disagrees with cnnlab's pooling on ", describe(c)));
    return cost;
}

void note_cost(Mismatch& m, const PoolCost& got, const CostCase& c, const PoolCost& expected, std::size_t PoolCost::*field) {
    const std::size_t planes = c.batch * c.channels, taps = c.kernel.rows * c.kernel.cols;
    const std::size_t cells = expected.comparisons + expected.outputs;  // Σ r over the windows
    const std::size_t value = got.*field;
    if (field == &PoolCost::outputs) {
        if (value == planes * c.input.rows * c.input.cols)
            m.note = "that is the input's size; the output has H_o = ⌊(H + 2p_h − K_h)/s_h⌋ + 1 rows and W_o columns";
        else
            m.note = "H_o = ⌊(H + 2p_h − K_h)/s_h⌋ + 1, W_o likewise, times N·C planes";
        return;
    }
    if (value == expected.outputs * taps)
        m.note = "K_h·K_w per window: taking the maximum or the sum of r values takes r − 1 operations, and padded cells are never read";
    else if (value == expected.outputs * (taps - 1))
        m.note = "this counts the padded cells: cnnlab and PyTorch clip each window to the input, so a border window reads fewer "
                 "cells";
    else if (value == cells)
        m.note = "one per cell read: a window's first value is taken as it is, so r values need r − 1 operations";
}

// ---- impl-maxpool-backward ----------------------------------------------------------------------

/// How a wrong backward routes δ, for the notes: which maximum gets it and whether it adds.
enum class Routing { first_column_major, every_maximum, assigned };

arma::mat routed(const arma::mat& x, const arma::mat& dy, Size2 kernel, Size2 stride, Routing how) {
    arma::mat dx(arma::size(x), arma::fill::zeros);
    for (arma::uword i = 0; i < dy.n_rows; ++i)
        for (arma::uword j = 0; j < dy.n_cols; ++j) {
            const arma::mat window = x.submat(i * stride.rows, j * stride.cols, i * stride.rows + kernel.rows - 1, j * stride.cols + kernel.cols - 1);
            const double top = window.max();
            bool done = false;
            // Column by column (Armadillo's order) for first_column_major; row by row otherwise.
            for (arma::uword a = 0; a < (how == Routing::first_column_major ? kernel.cols : kernel.rows) && !done; ++a)
                for (arma::uword b = 0; b < (how == Routing::first_column_major ? kernel.rows : kernel.cols) && !done; ++b) {
                    const arma::uword u = how == Routing::first_column_major ? b : a, v = how == Routing::first_column_major ? a : b;
                    if (window(u, v) != top) continue;
                    double& cell = dx(i * stride.rows + u, j * stride.cols + v);
                    cell = how == Routing::assigned ? dy(i, j) : cell + dy(i, j);
                    done = how != Routing::every_maximum;
                }
        }
    return dx;
}

void note_max_backward(Mismatch& m, const arma::mat& got, const arma::mat& x, const arma::mat& dy, Size2 kernel, Size2 stride) {
    if (got.n_rows != x.n_rows || got.n_cols != x.n_cols) {
        if (got.n_rows == dy.n_rows && got.n_cols == dy.n_cols) m.note = "this is δ's shape; ∂f/∂X has the input's shape";
        return;
    }
    if (same(got, routed(x, dy, kernel, stride, Routing::first_column_major)))
        m.note = "δ went to the first maximum in column-major order (Armadillo's index_max scans column by column); at a tie "
                 "PyTorch and cnnlab take the first maximum row by row";
    else if (same(got, routed(x, dy, kernel, stride, Routing::every_maximum)))
        m.note = "at a tie δ went to every tied maximum; it goes to one, the first in row-major order";
    else if (same(got, routed(x, dy, kernel, stride, Routing::assigned)))
        m.note = "where windows overlap, a cell that is the maximum of several windows receives the sum of their δ: add (+=), "
                 "don't assign";
}

arma::mat reference_max_backward(const arma::mat& x, const arma::mat& dy, Size2 kernel, Size2 stride) {
    return ref::max_pool2d_backward(as_tensor(x), as_tensor(dy), pool_options(kernel, stride)).plane_copy(0, 0);
}

arma::mat library_max_backward(const arma::mat& x, const arma::mat& dy, Size2 kernel, Size2 stride) {
    const Pool2dOptions options = pool_options(kernel, stride);
    const MaxPoolResult<double> forward = cnnlab::max_pool2d_with_argmax(as_tensor(x), options);
    return cnnlab::max_pool2d_backward(as_tensor(dy), forward.argmax, as_tensor(x).shape(), options).plane_copy(0, 0);
}

// ---- impl-avgpool-padding -----------------------------------------------------------------------

arma::mat reference_avg_pool(const arma::mat& x, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad) {
    return ref::avg_pool2d(as_tensor(x), pool_options(kernel, stride, padding, count_include_pad)).plane_copy(0, 0);
}

void note_avg_pool(Mismatch& m, const arma::mat& got, const arma::mat& x, Size2 kernel, Size2 stride, Size2 padding, bool include) {
    const arma::mat expected = reference_avg_pool(x, kernel, stride, padding, include);
    if (got.n_rows != expected.n_rows || got.n_cols != expected.n_cols) {
        const std::size_t unpadded_rows = x.n_rows >= kernel.rows ? (x.n_rows - kernel.rows) / stride.rows + 1 : 0;
        const std::size_t unpadded_cols = x.n_cols >= kernel.cols ? (x.n_cols - kernel.cols) / stride.cols + 1 : 0;
        if (got.n_rows == unpadded_rows && got.n_cols == unpadded_cols)
            m.note = "this is the shape without padding: H_o = ⌊(H + 2p_h − K_h)/s_h⌋ + 1 counts p_h padded rows on each side";
        return;
    }
    const double taps = double(kernel.rows * kernel.cols);
    if (same(got, reference_avg_pool(x, kernel, stride, padding, !include)))
        m.note = include ? "you divided by the number of input cells; count_include_pad = true divides every window by K_h·K_w"
                         : "you divided by K_h·K_w; count_include_pad = false divides by the number of input cells in the window";
    else if (same(got, arma::mat(expected * taps)) && include)
        m.note = "these are the window sums: divide by the divisor";
}

}  // namespace

// ---- the checks ---------------------------------------------------------------------------------

Verdict check_max_gradient(const std::function<arma::mat(const arma::mat&)>& answer) {
    const arma::mat w0{{1, 5}, {3, 2}};
    const arma::mat got0 = answer(w0);
    if (auto m = compare("max_gradient([[1,5],[3,2]]): the max is 5, at (0, 1)", got0, arma::mat{{0, 1}, {0, 0}})) {
        note_max_gradient(*m, got0, w0);
        return Verdict::wrong(*m);
    }
    // Windows without ties: a single cell, square, non-square, a row, a column.
    const std::vector<Size2> shapes{{1, 1}, {2, 2}, {3, 3}, {2, 3}, {1, 5}, {4, 2}};
    std::mt19937 rng(81);
    for (Size2 s : shapes)
        for (int trial = 0; trial < 2; ++trial) {
            const arma::mat w = distinct_integers(s.rows, s.cols, rng);
            const arma::mat got = answer(w);
            const std::string what = str("max_gradient(", as_text(w), ")");
            if (auto m = compare(what + " against central differences of max (h = 0.25)", got, max_by_differences(w, 0.25))) {
                note_max_gradient(*m, got, w);
                return Verdict::wrong(*m);
            }
            if (auto m = compare(what + " against cnnlab::max_pool2d_backward (kernel = the window, δ = 1)", got, library_max_gradient(w)))
                return Verdict::wrong(*m);
        }
    // Ties: any subgradient is accepted.
    const std::vector<arma::mat> ties{{{3, 7}, {7, 1}}, {{2, 2}, {2, 2}}, {{-1, 4, 4}, {0, 4, -3}}};
    for (const arma::mat& w : ties)
        if (auto m = check_subgradient(str("max_gradient(", as_text(w), ") at a tie"), answer(w), w)) return Verdict::wrong(*m);
    return Verdict::right(str("a literal; on ", 2 * shapes.size(),
                              " windows without ties equals central differences and cnnlab::max_pool2d_backward; a subgradient at ",
                              ties.size(), " ties"));
}

Verdict check_argmax_gradient_unique(const std::function<ArgmaxGradient()>& answer) {
    // Measured: every central difference quotient of argmax at (3, 9, 4, 1) is 0 (the gap is 5).
    const arma::vec x{3, 9, 4, 1};
    double largest = 0;
    for (double h : {0.1, 1e-3, 1e-6})
        for (arma::uword i = 0; i < x.n_elem; ++i) largest = std::max(largest, std::abs(argmax_quotient(x, i, h)));
    return check_choice("the gradient of argmax at x = (3, 9, 4, 1), where the maximum is unique", answer(), ArgmaxGradient::zero, why_unique,
                        str("measured: at x = (3, 9, 4, 1) the largest central difference quotient for h = 0.1, 10⁻³, 10⁻⁶ is ",
                            number(largest)));
}

Verdict check_argmax_gradient_at_tie(const std::function<ArgmaxGradient()>& answer) {
    // Measured: at (3, 9, 9, 1) the quotient along e₂ is 1/(2h): it grows without bound.
    const arma::vec x{3, 9, 9, 1};
    std::string quotients;
    for (double h : {0.1, 1e-3, 1e-6}) {
        if (!quotients.empty()) quotients += ", ";
        quotients += number(argmax_quotient(x, 2, h));
    }
    return check_choice("the gradient of argmax at x = (3, 9, 9, 1), where x₁ and x₂ tie", answer(), ArgmaxGradient::undefined, why_tie,
                        "measured: (argmax(x + h e₂) − argmax(x − h e₂))/(2h) for h = 0.1, 10⁻³, 10⁻⁶ is " + quotients);
}

Verdict check_avg_pool_as_conv(const std::function<PoolAsConv(std::size_t, Size2)>& answer) {
    struct Case {
        std::size_t channels;
        Size2 kernel;
        Shape4 input;
    };
    // One channel first (the kernel), then several (the grouping); sizes the window does not divide.
    const std::vector<Case> cases{{1, {2, 2}, {1, 1, 4, 4}}, {1, {3, 3}, {1, 1, 7, 8}}, {3, {2, 2}, {2, 3, 6, 5}},
                                  {2, {2, 3}, {1, 2, 5, 7}}, {4, {3, 2}, {1, 4, 6, 6}}, {2, {4, 4}, {1, 2, 9, 8}}};
    std::mt19937 rng(82);
    for (std::size_t index = 0; index < cases.size(); ++index) {
        const Case& c = cases[index];
        const Tensor4<double> x = index == 0 ? as_tensor(arange(4, 4)) : random_tensor(c.input, rng);
        const PoolAsConv got = answer(c.channels, c.kernel);
        const std::string what = str("avg_pool_as_conv(C = ", c.channels, ", kernel ", sz(c.kernel), ")");
        if (got.weight.shape().n != c.channels)
            return Verdict::wrong({.quantity = what + ": the weight's output channels (its first size)",
                                   .expected = str(c.channels),
                                   .got = str(got.weight.shape().n),
                                   .note = str("the weight is ", got.weight.shape().str(),
                                               "; pooling keeps the channels, so the convolution has C outputs")});
        Tensor4<double> y;
        try {
            y = cnnlab::conv2d_layer(x, got.weight, {}, got.options);
        } catch (const std::exception& e) {
            return Verdict::wrong({.quantity = str("cnnlab::conv2d_layer(x ", x.shape().str(), ", your weight ", got.weight.shape().str(),
                                                   ", your options)"),
                                   .expected = "the output of cnnlab::avg_pool2d",
                                   .got = str("an error: ", e.what())});
        }
        const Tensor4<double> expected = cnnlab::avg_pool2d(x, pool_options(c.kernel, c.kernel));
        if (index == 0 && !same(expected.plane_copy(0, 0), arma::mat{{2.5, 4.5}, {10.5, 12.5}}))
            throw std::logic_error("avg_pool_as_conv check: cnnlab::avg_pool2d disagrees with the literal");
        const std::string conv = str("cnnlab::conv2d_layer with ", what, " on x ", x.shape().str(), " against cnnlab::avg_pool2d");
        if (!(y.shape() == expected.shape())) {
            Mismatch m{.quantity = conv, .expected_shape = expected.shape().str(), .got_shape = y.shape().str()};
            if (got.options.stride.rows != c.kernel.rows || got.options.stride.cols != c.kernel.cols)
                m.note = str("the convolution's stride is ", got.options.stride.rows, "×", got.options.stride.cols,
                             "; pooling's default stride is its window, so the windows do not overlap");
            return Verdict::wrong(m);
        }
        for (std::size_t n = 0; n < x.shape().n; ++n)
            if (auto m = compare(conv + (x.shape().n > 1 ? str(", sample ", n) : std::string()), sample(y, n), sample(expected, n))) {
                note_avg_as_conv(*m, got, c.channels, c.kernel);
                return Verdict::wrong(*m);
            }
    }
    return Verdict::right(str("cnnlab::conv2d_layer with your weight equals cnnlab::avg_pool2d (and arange(16)'s [[2.5,4.5],[10.5,12.5]]) on ",
                              cases.size(), " shapes, 1 to 4 channels"));
}

Verdict check_max_pool_counterexample(const std::function<std::pair<arma::mat, arma::mat>()>& answer) {
    const auto [a, b] = answer();
    if (a.n_rows != b.n_rows || a.n_cols != b.n_cols)
        return Verdict::wrong({.quantity = "max_pool_counterexample(): the shape of b against a",
                               .expected_shape = sz(a),
                               .got_shape = sz(b),
                               .note = "a and b are added, so they have the same shape"});
    if (a.n_rows < 2 || a.n_cols < 2)
        return Verdict::wrong({.quantity = "max_pool_counterexample(): the shape of a and b",
                               .expected_shape = "at least 2×2",
                               .got_shape = sz(a),
                               .note = "2×2 max pooling needs at least one 2×2 window"});
    if (!a.is_finite() || !b.is_finite())
        return Verdict::wrong({.quantity = "max_pool_counterexample(): the values of a and b", .expected = "finite numbers", .got = "inf or NaN"});
    const Size2 k{2, 2};
    const arma::mat sum_pooled = library_max_pool(a + b, k, k), pooled_sum = library_max_pool(a, k, k) + library_max_pool(b, k, k);
    const std::string what = str("cnnlab::max_pool2d (2×2, stride 2) of a + b against maxpool(a) + maxpool(b), a = ", as_text(a), ", b = ", as_text(b));
    const auto differs = compare(what, sum_pooled, pooled_sum);
    if (!differs)
        return Verdict::wrong({.quantity = what,
                               .expected = "a difference in some element",
                               .got = "equal in every element",
                               .note = "max is additive on a window where a and b take their maxima at the same position; put the "
                                       "largest element of a and that of b at different positions of one window"});
    // The same pair through 2×2 average pooling, a convolution: additive up to rounding.
    const double avg_error = arma::abs(library_avg_pool(a + b, k, k) - library_avg_pool(a, k, k) - library_avg_pool(b, k, k)).max();
    return Verdict::right(str("at ", differs->index, " maxpool(a + b) = ", differs->got, " but maxpool(a) + maxpool(b) = ", differs->expected,
                              "; for the same pair, 2×2 average pooling (a convolution) is additive to ", number(avg_error)));
}

Verdict check_max_by_relu(const std::function<Real(Real, Real)>& answer) {
    // Positive pairs first, then zeros, mixed signs, negatives, equal pairs, large and fractional values.
    std::vector<std::pair<double, double>> pairs{{3, 1},  {1, 3},  {5, 5},   {0, 2},   {2, 0},  {0, 0},     {-2, 3},
                                                 {3, -2}, {-1, -4}, {-4, -1}, {-7, -7}, {1e6, -1e6}, {2.5, 2.25}};
    std::mt19937 rng(84);
    std::uniform_real_distribution<double> value(-100, 100);
    for (int k = 0; k < 20; ++k) pairs.emplace_back(std::round(value(rng)), std::round(value(rng)));
    for (const auto& [a, b] : pairs) {
        const double got = RealAccess::value(answer(RealAccess::make(a), RealAccess::make(b)));
        const double expected = std::max(a, b);
        if (auto m = compare_number(str("max_by_relu(", number(a), ", ", number(b), ") against std::max"), got, expected)) {
            if (got == std::abs(a - b))
                m->note = "this is ReLU(a − b) + ReLU(b − a) = |a − b|, the distance; the maximum is one of a, b themselves";
            else if (got == std::min(a, b))
                m->note = "this is min(a, b): the ReLU term should raise b to a when a is larger, not lower a to b";
            else if (std::max(a, b) < 0 && got == 0)
                m->note = "ReLU clips negative values to 0, and the maximum of two negative numbers is negative: keep one "
                          "of a, b outside the ReLU";
            return Verdict::wrong(*m);
        }
    }
    return Verdict::right(str("equals std::max on ", pairs.size(), " pairs: positive, zero, mixed signs, negative, equal, large"));
}

Verdict check_window_max_by_relu(const std::function<Real(Real, Real, Real, Real)>& answer) {
    // d2l's first window, the maximum at each of the four positions, negatives, ties, random windows.
    std::vector<arma::mat> windows{{{0, 1}, {3, 4}}, {{9, 1}, {2, 3}}, {{1, 9}, {2, 3}}, {{1, 2}, {9, 3}}, {{1, 2}, {3, 9}},
                                   {{-5, -2}, {-8, -3}}, {{4, 4}, {1, 4}}, {{-1, -1}, {-1, -1}}, {{0, -3}, {-3, 0}}};
    std::mt19937 rng(85);
    for (int k = 0; k < 40; ++k) windows.push_back(random_integers(2, 2, rng, -9, 9));
    for (const arma::mat& w : windows) {
        const auto make = [&](arma::uword i, arma::uword j) { return RealAccess::make(w(i, j)); };
        const double got = RealAccess::value(answer(make(0, 0), make(0, 1), make(1, 0), make(1, 1)));
        const double expected = library_max_pool(w, {2, 2}, {2, 2})(0, 0);
        if (auto m = compare_number(str("window_max_by_relu(", as_text(w), ") against cnnlab::max_pool2d"), got, expected)) {
            for (arma::uword k = 0; k < 4; ++k) {
                arma::vec others = arma::vectorise(w.t());  // row by row: x00, x01, x10, x11
                const double left_out = others(k);
                others.shed_row(k);
                if (left_out == expected && got == others.max() && got != expected)
                    m->note = str("x", k / 2, k % 2, " = ", number(left_out), " holds the maximum, and your formula returns the maximum of "
                                  "the other three: x", k / 2, k % 2, " never enters it");
            }
            return Verdict::wrong(*m);
        }
    }
    return Verdict::right(str("equals cnnlab::max_pool2d on ", windows.size(), " windows: the maximum at each position, negatives, ties"));
}

Verdict check_pooling_cost(const std::function<PoolCost(std::size_t, std::size_t, Size2, Size2, Size2, Size2)>& answer) {
    // Literals: 2×2/2 on 4×4 (4 windows of 4 cells: 12), d2l's 3×3/2 with padding 1 on 4×4 (windows of
    // 4, 6, 6 and 9 cells: 21), then classic layers: ResNet's stem pooling, AlexNet's overlapping
    // pooling, LeNet's subsampling on a batch of 256.
    struct Literal {
        CostCase shape;
        PoolCost cost;
    };
    const std::vector<Literal> literals{{{1, 1, {4, 4}, {2, 2}, {2, 2}, {0, 0}}, {4, 12, 12}},
                                        {{1, 1, {4, 4}, {3, 3}, {2, 2}, {1, 1}}, {4, 21, 21}},
                                        {{1, 64, {112, 112}, {3, 3}, {2, 2}, {1, 1}}, {200704, 1584192, 1584192}}};
    std::vector<CostCase> cases;
    for (const Literal& l : literals) cases.push_back(l.shape);
    cases.push_back({1, 96, {55, 55}, {3, 3}, {2, 2}, {0, 0}});
    cases.push_back({256, 6, {28, 28}, {2, 2}, {2, 2}, {0, 0}});
    std::mt19937 rng(86);
    std::uniform_int_distribution<std::size_t> small(1, 3), size(1, 9), window(1, 4);
    while (cases.size() < 40) {
        CostCase c{small(rng) % 2 + 1, small(rng), {size(rng), size(rng)}, {window(rng), window(rng)}, {small(rng), small(rng)}, {0, 0}};
        c.padding = {std::uniform_int_distribution<std::size_t>(0, c.kernel.rows / 2)(rng),
                     std::uniform_int_distribution<std::size_t>(0, c.kernel.cols / 2)(rng)};
        if (c.input.rows + 2 * c.padding.rows < c.kernel.rows || c.input.cols + 2 * c.padding.cols < c.kernel.cols) continue;
        cases.push_back(c);
    }
    for (std::size_t index = 0; index < cases.size(); ++index) {
        const CostCase& c = cases[index];
        const PoolCost formula = cost_formula(c), counted = counted_cost(c, rng);
        if (!(formula == counted) || (index < literals.size() && !(formula == literals[index].cost)))
            throw std::logic_error(str("pooling_cost check: the formula, the count and the literal disagree on ", describe(c)));
        const PoolCost got = answer(c.batch, c.channels, c.input, c.kernel, c.stride, c.padding);
        const std::string source = index < literals.size() ? "" : " (counted in a pooling loop)";
        const std::pair<const char*, std::size_t PoolCost::*> fields[] = {
            {"outputs", &PoolCost::outputs}, {"comparisons", &PoolCost::comparisons}, {"additions", &PoolCost::additions}};
        for (const auto& [name, field] : fields)
            if (auto m = compare(str(describe(c), ".", name, source), got.*field, counted.*field)) {
                note_cost(*m, got, c, counted, field);
                return Verdict::wrong(*m);
            }
    }
    return Verdict::right(str("on ", cases.size(),
                              " layers (2 literals, ResNet's stem, AlexNet's and LeNet's pooling, random shapes with padding) equals the "
                              "operations counted in a max and an average pooling loop"));
}

Verdict check_max_pool_backward(const std::function<arma::mat(const arma::mat&, const arma::mat&, Size2, Size2)>& answer) {
    // arange(16), 2×2/2: each window's maximum is its bottom-right cell.
    const arma::mat x0 = arange(4, 4), dy0{{1, 2}, {3, 4}};
    arma::mat expected0(4, 4, arma::fill::zeros);
    expected0(1, 1) = 1, expected0(1, 3) = 2, expected0(3, 1) = 3, expected0(3, 3) = 4;
    const arma::mat got0 = answer(x0, dy0, {2, 2}, {2, 2});
    if (auto m = compare("max_pool_backward(arange(16) 4×4, δ [[1,2],[3,4]], kernel 2×2, stride 2×2)", got0, expected0)) {
        note_max_backward(*m, got0, x0, dy0, {2, 2}, {2, 2});
        return Verdict::wrong(*m);
    }
    // 3×3/1: 99 at (2, 1) is the maximum of all four overlapping windows, so it collects 1 + 2 + 3 + 4.
    arma::mat x1 = arange(4, 4);
    x1(2, 1) = 99;
    arma::mat expected1(4, 4, arma::fill::zeros);
    expected1(2, 1) = 10;
    const arma::mat got1 = answer(x1, dy0, {3, 3}, {1, 1});
    if (auto m = compare("max_pool_backward(arange(16) with 99 at (2, 1), δ [[1,2],[3,4]], kernel 3×3, stride 1×1)", got1, expected1)) {
        note_max_backward(*m, got1, x1, dy0, {3, 3}, {1, 1});
        return Verdict::wrong(*m);
    }
    // (H, W, kernel, stride): disjoint, overlapping, gaps (stride > kernel), one window, non-square, a row.
    struct Case {
        std::size_t rows, cols;
        Size2 kernel, stride;
    };
    const std::vector<Case> cases{{6, 6, {2, 2}, {2, 2}}, {7, 5, {3, 3}, {2, 2}}, {5, 8, {2, 2}, {3, 3}}, {4, 4, {4, 4}, {4, 4}},
                                  {6, 7, {2, 3}, {1, 2}}, {1, 6, {1, 3}, {1, 1}}, {9, 9, {3, 3}, {3, 3}}};
    std::mt19937 rng(87);
    for (bool ties : {false, true})
        for (const Case& c : cases) {
            const arma::mat x = ties ? random_integers(c.rows, c.cols, rng, -2, 2) : distinct_integers(c.rows, c.cols, rng);
            const std::size_t ho = (c.rows - c.kernel.rows) / c.stride.rows + 1, wo = (c.cols - c.kernel.cols) / c.stride.cols + 1;
            const arma::mat dy = nonzero_integers(ho, wo, rng);
            const arma::mat got = answer(x, dy, c.kernel, c.stride);
            const std::string what = str("max_pool_backward(x ", sz(x), ties ? " with ties" : "", ", δ ", sz(dy), ", kernel ", sz(c.kernel),
                                         ", stride ", sz(c.stride), ")");
            const arma::mat expected = reference_max_backward(x, dy, c.kernel, c.stride);
            if (auto m = compare(what + " against ref::max_pool2d_backward", got, expected)) {
                note_max_backward(*m, got, x, dy, c.kernel, c.stride);
                return Verdict::wrong(*m);
            }
            if (auto m = compare(what + " against cnnlab::max_pool2d_backward (stored arg-max)", got, library_max_backward(x, dy, c.kernel, c.stride)))
                return Verdict::wrong(*m);
        }
    return Verdict::right(str("two literals (disjoint windows; 3×3/1 windows sharing their maximum), then ref::max_pool2d_backward and "
                              "cnnlab::max_pool2d_backward on ",
                              cases.size(), " shapes without ties and ", cases.size(), " with"));
}

Verdict check_avg_pool(const std::function<arma::mat(const arma::mat&, Size2, Size2, Size2, bool)>& answer) {
    // d2l: 2×2 average pooling of [[0,1,2],[3,4,5],[6,7,8]] is [[2,3],[5,6]] (no padding: both ways).
    const arma::mat d2l = arange(3, 3);
    for (bool include : {true, false}) {
        const arma::mat got = answer(d2l, {2, 2}, {1, 1}, {0, 0}, include);
        if (auto m = compare(str("avg_pool([[0,1,2],[3,4,5],[6,7,8]], kernel 2×2, stride 1×1, padding 0×0, count_include_pad ", yes_no(include), ")"),
                             got, arma::mat{{2, 3}, {5, 6}}))
            return Verdict::wrong(*m);
    }
    // arange(16), 3×3/2 with padding 1: the windows hold 4, 6, 6 and 9 input cells summing to 10, 24, 51, 90.
    const arma::mat x16 = arange(4, 4);
    const std::pair<bool, arma::mat> literals[] = {{true, arma::mat{{10, 24}, {51, 90}} / 9.0}, {false, arma::mat{{2.5, 4}, {8.5, 10}}}};
    for (const auto& [include, expected] : literals) {
        const arma::mat got = answer(x16, {3, 3}, {2, 2}, {1, 1}, include);
        if (auto m = compare(str("avg_pool(arange(16) 4×4, kernel 3×3, stride 2×2, padding 1×1, count_include_pad ", yes_no(include), ")"), got, expected)) {
            note_avg_pool(*m, got, x16, {3, 3}, {2, 2}, {1, 1}, include);
            return Verdict::wrong(*m);
        }
    }
    // (H, W, kernel, stride, padding), padding up to half the kernel.
    struct Case {
        std::size_t rows, cols;
        Size2 kernel, stride, padding;
    };
    const std::vector<Case> cases{{5, 5, {3, 3}, {1, 1}, {1, 1}}, {6, 7, {2, 3}, {2, 1}, {1, 1}}, {7, 4, {4, 2}, {3, 2}, {2, 1}},
                                  {1, 5, {1, 3}, {1, 2}, {0, 1}}, {8, 8, {2, 2}, {2, 2}, {0, 0}}, {3, 3, {3, 3}, {3, 3}, {1, 1}},
                                  {6, 5, {5, 3}, {2, 2}, {2, 1}}};
    std::mt19937 rng(88);
    for (const Case& c : cases)
        for (bool include : {true, false}) {
            const arma::mat x = random_integers(c.rows, c.cols, rng);
            const arma::mat got = answer(x, c.kernel, c.stride, c.padding, include);
            if (auto m = compare(str("avg_pool(x ", sz(x), ", kernel ", sz(c.kernel), ", stride ", sz(c.stride), ", padding ", sz(c.padding),
                                     ", count_include_pad ", yes_no(include), ") against ref::avg_pool2d"),
                                 got, reference_avg_pool(x, c.kernel, c.stride, c.padding, include))) {
                note_avg_pool(*m, got, x, c.kernel, c.stride, c.padding, include);
                return Verdict::wrong(*m);
            }
        }
    return Verdict::right(str("d2l's [[2,3],[5,6]], a padded literal both ways, and ref::avg_pool2d on ", cases.size(),
                              " padded shapes with count_include_pad true and false"));
}

std::string choice_text(ArgmaxGradient choice) {
    switch (choice) {
        case ArgmaxGradient::zero: return "(a) the zero vector";
        case ArgmaxGradient::one_hot: return "(b) one-hot: 1 at the arg-max, 0 elsewhere";
        case ArgmaxGradient::ones: return "(c) 1 in every element";
        case ArgmaxGradient::undefined: return "(d) undefined: no derivative exists there";
        case ArgmaxGradient::softmax_jacobian: return "(e) softmax's Jacobian diag(p) − ppᵀ";
    }
    return "(?) not one of the choices";
}

/// Adds Chapter 4 and its exercises, each check bound to the learner's function.
void register_exercises(Registry& registry) {
    registry.add_chapter({4, "pooling 汇聚/池化", "exercises/ch04/ch04_exercises.cpp"});
    const auto add = [&](std::string id, std::string title, std::string source, std::string function, std::string hint,
                         std::function<Verdict()> check) {
        registry.add({std::move(id), 4, std::move(title), std::move(source), std::move(function), std::move(hint), std::move(check)});
    };
    const std::string d2l = "d2l Pooling, ex ";
    add("5-6.1", "the gradient of max: one-hot at the arg-max", "nndl ex 5-6, §5.3.1", "max_gradient(window)",
        "y = max(x) equals its largest element x_k near x, so ∂y/∂x_k = 1 and every other partial derivative is 0: a matrix of "
        "zeros with a single 1 where window.max() is (window.index_max() gives its position). At a tie, put the 1 on one maximum.",
        [] { return check_max_gradient(max_gradient); });
    add("5-6.2", "the gradient of argmax where the maximum is unique", "nndl ex 5-6", "argmax_gradient_unique()",
        "argmax(x + h·e_i) for |h| smaller than half the gap between the largest and the second largest element: does the index change?",
        [] { return check_argmax_gradient_unique(argmax_gradient_unique); });
    add("5-6.3", "the gradient of argmax at a tie", "nndl ex 5-6", "argmax_gradient_at_tie()",
        "at x = (3, 9, 9, 1), compare argmax(x + h·e₂) and argmax(x − h·e₂) for a tiny h: the index jumps by 1 however small h is.",
        [] { return check_argmax_gradient_at_tie(argmax_gradient_at_tie); });
    add("d2l-avg-as-conv", "average pooling as a depthwise convolution", d2l + "1", "avg_pool_as_conv(channels, kernel)",
        "weight C×1×K_h×K_w with every tap 1/(K_h·K_w) (Tensor4<double> w({C, 1, K_h, K_w}); w.plane(c, 0).fill(…)), and options "
        "{.stride = {K_h, K_w}, .groups = C}: stride = the window, as pooling's default, and one group per channel.",
        [] { return check_avg_pool_as_conv(avg_pool_as_conv); });
    add("d2l-max-not-conv", "max pooling is not linear, so not a convolution: a counterexample", d2l + "2", "max_pool_counterexample()",
        "two 2×2 matrices whose largest elements sit at different positions, e.g. a with a 1 in one corner and b with a 1 in "
        "another: max(a + b) is 1, max(a) + max(b) is 2.",
        [] { return check_max_pool_counterexample(max_pool_counterexample); });
    add("d2l-max-relu.1", "max(a, b) with ReLU, + and − only", d2l + "3 (1)", "max_by_relu(a, b)",
        "max(a, b) exceeds b by a − b when a > b and by 0 otherwise; that excess is ReLU(a − b). So max(a, b) = b + relu(a - b).",
        [] { return check_max_by_relu(max_by_relu); });
    add("d2l-max-relu.2", "the maximum of a 2×2 window with ReLU, + and − only", d2l + "3 (2)", "window_max_by_relu(x00, x01, x10, x11)",
        "max of four = max(max(x00, x01), max(x10, x11)): three uses of max_by_relu, two ReLU layers deep (the two pairs in "
        "parallel, then their results).",
        [] { return check_window_max_by_relu(window_max_by_relu); });
    add("d2l-pool-cost", "the cost of pooling: outputs, comparisons, additions", d2l + "4",
        "pooling_cost(batch, channels, input, kernel, stride, padding)",
        "outputs = N·C·H_o·W_o. Window (i, j) reads r_i·c_j input cells, r_i = the rows of [i·s_h − p_h, i·s_h − p_h + K_h) inside "
        "[0, H) (likewise c_j), and costs r_i·c_j − 1; summed: N·C·((Σ_i r_i)(Σ_j c_j) − H_o·W_o), the same for max and mean. "
        "Without padding that is N·C·H_o·W_o·(K_h·K_w − 1).",
        [] { return check_pooling_cost(pooling_cost); });
    add("impl-maxpool-backward", "max pooling backward: δ routed to the arg-max", "implementation; nndl §5.3.1",
        "max_pool_backward(x, dy, kernel, stride)",
        "start from zeros(size(x)); for each output (i, j), scan window (i, j) row by row (u outer, v inner) keeping the first "
        "strict maximum, then dx(i·s_h + u*, j·s_w + v*) += dy(i, j). Use +=: overlapping windows can share their maximum.",
        [] { return check_max_pool_backward(max_pool_backward); });
    add("impl-avgpool-padding", "average pooling with padding, count_include_pad both ways", "implementation", "avg_pool(x, kernel, stride, padding, count_include_pad)",
        "H_o = (H + 2p_h − K_h)/s_h + 1. For output (i, j), sum x(r, c) over r in [i·s_h − p_h, i·s_h − p_h + K_h) and c likewise, "
        "skipping cells outside the input; divide by K_h·K_w when count_include_pad, else by the number of cells you added.",
        [] { return check_avg_pool(avg_pool); });
}

}  // namespace cnnlab::exercises::ch04

namespace cnnlab::exercises {
void register_ch04_exercises(Registry& registry) { ch04::register_exercises(registry); }
}  // namespace cnnlab::exercises
