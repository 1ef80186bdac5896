// Figure: how δ goes back through a pooling layer. Three panels, every number after the inputs
// computed by the library: (1) 2×2 max pooling, stride 2, on a 4×4 input — cnnlab::max_pool2d_with_argmax
// and cnnlab::max_pool2d_backward route each δ to its window's arg-max; (2) 2×2 mean pooling on the
// same input — cnnlab::avg_pool2d_backward spreads δ/4 over the window; (3) 3×3 max pooling with
// stride 2 on a 5×5 input, whose windows overlap: a cell that is the maximum of several windows
// receives the sum of their δ. Before drawing, the program checks the optimized results against
// cnnlab::ref and the mean's against the Kronecker product δ ⊗ ¼·1₂ₓ₂ (nndl's up()).
//
//     ch04_routing <output.svg> <source-dir>
#include "chapters/ch04_pooling/pooling.hpp"
#include "docs/figures/svg.hpp"
#include "reference/pooling.hpp"

#include <array>
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using figures::Svg;
using figures::TextStyle;
using Tensor = cnnlab::Tensor4<double>;

/// One pastel colour per window, in the output's row-major order (ColorBrewer Set3).
const std::array<std::string, 4> window_colour = {"#8dd3c7", "#fdb462", "#bebada", "#80b1d3"};
/// The same hues, darker, for window outlines.
const std::array<std::string, 4> window_edge = {"#1b9e77", "#d95f02", "#7570b3", "#1f78b4"};
const std::string highlight = "#c0392b";  // an arg-max cell

constexpr double cell_size = 34;

/// One square cell with a border and a centred label.
void cell(Svg& svg, double x, double y, const std::string& fill, const std::string& label, const std::string& text_fill = "#222",
          const std::string& weight = "normal") {
    svg.rect(x, y, cell_size, cell_size, fill, "#666", 1);
    svg.text(x + cell_size / 2, y + cell_size / 2 + 5, label, {.size = 13, .anchor = "middle", .weight = weight, .fill = text_fill});
}

/// A label centred above a grid of `cols` cells at x.
void heading(Svg& svg, double x, double y, std::size_t cols, const std::string& markup) {
    svg.text_markup(x + double(cols) * cell_size / 2, y - 10, markup, {.size = 13, .anchor = "middle"});
}

/// A horizontal arrow from x1 to x2 at height y, with a caption above it.
void arrow(Svg& svg, double x1, double x2, double y, const std::string& caption) {
    svg.line(x1, y, x2, y, "#444", 1.5);
    const double tip = x2 > x1 ? -8 : 8;
    std::ostringstream head;  // plain ASCII numbers: path data takes no typographic minus
    head << 'M' << x2 + tip << ',' << y - 5 << " L" << x2 << ',' << y << " L" << x2 + tip << ',' << y + 5;
    svg.path(head.str(), "#444", 1.5);
    svg.text((x1 + x2) / 2, y - 8, caption, {.size = 12, .anchor = "middle", .fill = "#444"});
}

/// A panel's frame and heading.
void panel(Svg& svg, double y, double height, double width, const std::string& title) {
    svg.rect(10, y, width - 20, height, "#fafafa", "#ccc", 1, "rx=\"8\"");
    svg.text(24, y + 24, title, {.size = 14, .weight = "bold"});
}

/// The output index (row-major over the 2×2 output) of the window holding input cell (r, c) for
/// non-overlapping 2×2 windows.
std::size_t window_of(std::size_t r, std::size_t c) { return (r / 2) * 2 + c / 2; }

/// The column-major plane index the library's arg-maxes use: r + H c.
std::size_t plane_index(std::size_t r, std::size_t c, std::size_t rows) { return r + rows * c; }

bool same(const Tensor& a, const Tensor& b) {
    if (!(a.shape() == b.shape())) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::abs(a.data()[i] - b.data()[i]) > 1e-12) return false;
    return true;
}

/// The output element k (column-major over the 2×2 output, as the library stores it) of window w
/// (row-major).
std::size_t output_element(std::size_t w) { return (w % 2) * 2 + w / 2; }

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: ch04_routing <output.svg> <source-dir>\n";
        return 2;
    }
    // The inputs (typed: small integers, no ties inside a window) and the upstream gradient δ.
    const Tensor x = Tensor::from_row_major({1, 1, 4, 4}, {1, 5, 2, 0, 3, 4, 6, 9, 7, 2, 1, 3, 8, 0, 4, 2});
    const Tensor delta = Tensor::from_row_major({1, 1, 2, 2}, {0.4, -0.8, 1.2, 2.0});
    const Tensor x5 = Tensor::from_row_major({1, 1, 5, 5}, {1, 2, 0, 3, 1, 4, 0, 5, 1, 2, 2, 3, 9, 0, 4, 0, 6, 1, 2, 3, 3, 1, 2, 10, 0});
    const cnnlab::Pool2dOptions two{.kernel = {2, 2}};
    const cnnlab::Pool2dOptions three{.kernel = {3, 3}, .stride = cnnlab::Step2{2, 2}};

    // Everything below is the library's.
    const cnnlab::MaxPoolResult<double> max = cnnlab::max_pool2d_with_argmax(x, two);
    const Tensor dx_max = cnnlab::max_pool2d_backward(delta, max.argmax, x.shape(), two);
    const Tensor mean = cnnlab::avg_pool2d(x, two);
    const Tensor dx_mean = cnnlab::avg_pool2d_backward(delta, x.shape(), two);
    const cnnlab::MaxPoolResult<double> max5 = cnnlab::max_pool2d_with_argmax(x5, three);
    const Tensor dx5 = cnnlab::max_pool2d_backward(delta, max5.argmax, x5.shape(), three);
    const arma::mat up = arma::kron(delta.plane_copy(0, 0), arma::mat(2, 2, arma::fill::value(0.25)));
    if (!same(max.y, cnnlab::ref::max_pool2d(x, two)) || !same(dx_max, cnnlab::ref::max_pool2d_backward(x, delta, two)) ||
        !same(mean, cnnlab::ref::avg_pool2d(x, two)) || !same(dx_mean, cnnlab::ref::avg_pool2d_backward(delta, x.shape(), two)) ||
        !arma::approx_equal(dx_mean.plane_copy(0, 0), up, "absdiff", 1e-12) ||
        !same(dx5, cnnlab::ref::max_pool2d_backward(x5, delta, three))) {
        std::cerr << "ch04_routing: the optimized pooling differs from cnnlab::ref or from δ ⊗ ¼·1\n";
        return 1;
    }

    const double width = 760, top = 60, gap = 10, h1 = 210, h2 = 210, h3 = 250;
    Svg svg(width, top + h1 + h2 + h3 + 2 * gap + 10);
    svg.text(width / 2, 26, "δ through a pooling layer: max routes it, mean spreads it", {.size = 17, .anchor = "middle", .weight = "bold"});
    svg.text(width / 2, 48, "forward left to right, backward right to left; colours mark the windows (indices from 0)",
             {.size = 13, .anchor = "middle", .fill = "#444"});

    // Columns of panels 1 and 2: X, Y, δ, ∂f/∂X.
    const double x_in = 40, x_out = x_in + 4 * cell_size + 60, x_delta = x_out + 2 * cell_size + 30,
                 x_grad = x_delta + 2 * cell_size + 80;

    // Panels 1 and 2: the same input, max then mean.
    for (int which = 0; which < 2; ++which) {
        const bool is_max = which == 0;
        const double y0 = top + (is_max ? 0 : h1 + gap);
        panel(svg, y0, is_max ? h1 : h2, width,
              is_max ? "1  Max pooling 最大汇聚, 2×2, stride 2: δ goes to the arg-max only"
                     : "2  Mean pooling 平均汇聚, 2×2, stride 2: δ/4 goes to every cell of the window");
        const double y_grid = y0 + 66, y_small = y_grid + cell_size;
        heading(svg, x_in, y_grid, 4, "input <tspan font-style=\"italic\">X</tspan>");
        for (std::size_t r = 0; r < 4; ++r)
            for (std::size_t c = 0; c < 4; ++c) {
                const std::size_t w = window_of(r, c);
                const bool arg = is_max && max.argmax[output_element(w)] == plane_index(r, c, 4);
                cell(svg, x_in + double(c) * cell_size, y_grid + double(r) * cell_size, window_colour[w],
                     figures::number(x(0, 0, r, c)), arg ? highlight : "#222", arg ? "bold" : "normal");
                if (arg) svg.rect(x_in + double(c) * cell_size + 2, y_grid + double(r) * cell_size + 2, cell_size - 4, cell_size - 4,
                                  "none", highlight, 2.5);
            }
        const Tensor& y = is_max ? max.y : mean;
        heading(svg, x_out, y_small, 2, "<tspan font-style=\"italic\">Y</tspan>");
        heading(svg, x_delta, y_small, 2, "δ = ∂<tspan font-style=\"italic\">f</tspan>/∂<tspan font-style=\"italic\">Y</tspan>");
        for (std::size_t i = 0; i < 2; ++i)
            for (std::size_t j = 0; j < 2; ++j) {
                cell(svg, x_out + double(j) * cell_size, y_small + double(i) * cell_size, window_colour[i * 2 + j],
                     figures::number(y(0, 0, i, j), 2));
                cell(svg, x_delta + double(j) * cell_size, y_small + double(i) * cell_size, window_colour[i * 2 + j],
                     figures::number(delta(0, 0, i, j), 1));
            }
        arrow(svg, x_in + 4 * cell_size + 10, x_out - 10, y_small + cell_size, is_max ? "max" : "mean");
        arrow(svg, x_grad - 10, x_delta + 2 * cell_size + 10, y_small + cell_size, is_max ? "route" : "spread ÷4");
        heading(svg, x_grad, y_grid, 4, "∂<tspan font-style=\"italic\">f</tspan>/∂<tspan font-style=\"italic\">X</tspan>");
        const Tensor& dx = is_max ? dx_max : dx_mean;
        for (std::size_t r = 0; r < 4; ++r)
            for (std::size_t c = 0; c < 4; ++c) {
                const double v = dx(0, 0, r, c);
                cell(svg, x_grad + double(c) * cell_size, y_grid + double(r) * cell_size, v != 0 ? window_colour[window_of(r, c)] : "white",
                     figures::number(v, 1), v != 0 ? "#222" : "#aaa");
            }
        const TextStyle note{.size = 12, .fill = "#333"};
        const double x_note = x_grad + 4 * cell_size + 14;
        if (is_max) {
            std::size_t nonzero = 0;
            for (std::size_t i = 0; i < dx.size(); ++i) nonzero += dx.data()[i] != 0;
            svg.text(x_note, y_grid + 14, std::to_string(nonzero) + " of 16 cells", note);
            svg.text(x_note, y_grid + 30, "get a gradient:", note);
            svg.text(x_note, y_grid + 46, "the red maxima.", note);
            svg.text(x_note, y_grid + 70, "The others did", note);
            svg.text(x_note, y_grid + 86, "not reach Y, so", note);
            svg.text(x_note, y_grid + 102, "∂f/∂x = 0 there.", note);
        } else {
            svg.text(x_note, y_grid + 14, "every cell counts", note);
            svg.text(x_note, y_grid + 30, "1/4 in its window's", note);
            svg.text(x_note, y_grid + 46, "mean: δ/4 each.", note);
            svg.text(x_note, y_grid + 70, "nndl's up(δ):", note);
            svg.text(x_note, y_grid + 86, "kron(δ, ones/4)", note);
        }
    }

    // Panel 3: overlapping windows.
    const double y3 = top + h1 + h2 + 2 * gap;
    panel(svg, y3, h3, width, "3  Max pooling 3×3, stride 2: windows overlap, and a shared maximum collects every δ");
    {
        const double y_grid = y3 + 66;
        heading(svg, x_in, y_grid, 5, "input <tspan font-style=\"italic\">X</tspan> (5×5)");
        std::vector<std::size_t> winners(4);
        for (std::size_t w = 0; w < 4; ++w) winners[w] = max5.argmax[output_element(w)];
        for (std::size_t r = 0; r < 5; ++r)
            for (std::size_t c = 0; c < 5; ++c) {
                bool arg = false;
                for (std::size_t w : winners) arg = arg || w == plane_index(r, c, 5);
                cell(svg, x_in + double(c) * cell_size, y_grid + double(r) * cell_size, "white", figures::number(x5(0, 0, r, c)),
                     arg ? highlight : "#222", arg ? "bold" : "normal");
            }
        // The four windows as coloured outlines, each inset a little so shared edges stay visible.
        for (std::size_t w = 0; w < 4; ++w) {
            const double inset = 2 + 2.5 * double(w);
            const double left = x_in + double(2 * (w % 2)) * cell_size + inset, up_edge = y_grid + double(2 * (w / 2)) * cell_size + inset;
            svg.rect(left, up_edge, 3 * cell_size - 2 * inset, 3 * cell_size - 2 * inset, "none", window_edge[w], 2);
        }
        const double y_small = y_grid + 1.5 * cell_size, x_delta3 = x_in + 5 * cell_size + 70;
        heading(svg, x_delta3, y_small, 2, "δ");
        for (std::size_t i = 0; i < 2; ++i)
            for (std::size_t j = 0; j < 2; ++j)
                cell(svg, x_delta3 + double(j) * cell_size, y_small + double(i) * cell_size, window_colour[i * 2 + j],
                     figures::number(delta(0, 0, i, j), 1));
        const double x_grad3 = x_delta3 + 2 * cell_size + 80;
        arrow(svg, x_grad3 - 10, x_delta3 + 2 * cell_size + 10, y_small + cell_size, "route, add");
        heading(svg, x_grad3, y_grid, 5, "∂<tspan font-style=\"italic\">f</tspan>/∂<tspan font-style=\"italic\">X</tspan>");
        for (std::size_t r = 0; r < 5; ++r)
            for (std::size_t c = 0; c < 5; ++c) {
                const double v = dx5(0, 0, r, c);
                cell(svg, x_grad3 + double(c) * cell_size, y_grid + double(r) * cell_size, v != 0 ? "#fde0dd" : "white",
                     figures::number(v, 1), v != 0 ? "#222" : "#aaa", v != 0 ? "bold" : "normal");
            }
        // The cell that wins most windows, and the sum it receives, as the library found them.
        std::size_t shared = winners[0], count = 0;
        for (std::size_t candidate : winners) {
            std::size_t n = 0;
            for (std::size_t w : winners) n += w == candidate;
            if (n > count) count = n, shared = candidate;
        }
        std::string sum;
        for (std::size_t w = 0; w < 4; ++w)
            if (winners[w] == shared) sum += (sum.empty() ? "" : " + ") + std::string(delta(0, 0, w / 2, w % 2) < 0 ? "(" : "") +
                                              figures::number(delta(0, 0, w / 2, w % 2), 1) + (delta(0, 0, w / 2, w % 2) < 0 ? ")" : "");
        const std::size_t r = shared % 5, c = shared / 5;
        const TextStyle note{.size = 12, .fill = "#333"};
        const double x_note = x_grad3 + 5 * cell_size + 14;
        svg.text_markup(x_note, y_grid + 14,
                        figures::scripted("x", "", std::to_string(r) + std::to_string(c), 12) + "= " + figures::number(x5(0, 0, r, c)),
                        note);
        svg.text(x_note, y_grid + 30, "is the maximum of", note);
        svg.text(x_note, y_grid + 46, std::to_string(count) + " windows, so it", note);
        svg.text(x_note, y_grid + 62, "receives their sum:", note);
        svg.text(x_note, y_grid + 80, sum, note);
        svg.text(x_note, y_grid + 96, "= " + figures::number(dx5(0, 0, r, c), 1), note);
    }
    svg.save(argv[1], "δ routed back through 2×2 max pooling (to the arg-max) and mean pooling (evenly), and through "
                      "overlapping 3×3 windows (computed by cnnlab::max_pool2d_backward and avg_pool2d_backward)");
    return 0;
}
