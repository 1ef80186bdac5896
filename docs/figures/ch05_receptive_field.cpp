// Figure: the receptive field of one unit after three stacked 3×3 convolutions, for the dilation
// rates 1, 1, 1 and 1, 2, 4 and 2, 2, 2. Each stack is one channel, all weights 1, padding d (the
// size kept) on a 17×17 input; the heat of input (r, c) is ∂y/∂x_rc for the centre output y, which
// for all-ones weights counts the paths from x_rc to y. It is computed by
// cnnlab::conv2d_layer_backward_input through the three layers from a one-hot upstream gradient.
// Before drawing, the program checks every map against cnnlab::ref::conv2d_layer_backward_input and
// against the forward pass (the centre output for a one-hot input at each of the 289 cells), and
// the extent of the nonzero cells against Chapter 2's cnnlab::receptive_field. The 2, 2, 2 stack
// reaches only the inputs at even offsets — a checkerboard, the gridding of repeated rates.
//
//     ch05_receptive_field <output.svg> <source-dir>
#include "chapters/ch02_layers/arithmetic.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "docs/figures/svg.hpp"
#include "reference/gradients.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

using figures::Svg;
using figures::TextStyle;
using Tensor = cnnlab::Tensor4<double>;

constexpr std::size_t N = 17;  // input rows and columns
constexpr std::size_t K = 3;   // every layer's kernel
constexpr std::size_t middle = N / 2;

/// The options of a 3×3 layer with dilation d that keeps the size: padding d(K − 1)/2 = d.
cnnlab::Conv2dOptions layer_options(std::size_t d) {
    return {.padding = cnnlab::Sides2::symmetric(d * (K - 1) / 2, d * (K - 1) / 2), .dilation = {d, d}};
}

/// ∂y/∂X for y the centre output of the stack, by backward passes from a one-hot δ.
template <class Backward>
Tensor field_of(const std::array<std::size_t, 3>& rates, const Tensor& ones, Backward backward) {
    Tensor delta({1, 1, N, N});
    delta(0, 0, middle, middle) = 1;
    for (std::size_t l = 3; l-- > 0;) delta = backward(ones, delta, cnnlab::Shape4{1, 1, N, N}, layer_options(rates[l]));
    return delta;
}

/// The same map by the forward pass: the centre output for a one-hot input at each cell.
Tensor field_by_forward(const std::array<std::size_t, 3>& rates, const Tensor& ones) {
    Tensor map({1, 1, N, N});
    for (std::size_t r = 0; r < N; ++r)
        for (std::size_t c = 0; c < N; ++c) {
            Tensor x({1, 1, N, N});
            x(0, 0, r, c) = 1;
            for (std::size_t d : rates) x = cnnlab::conv2d_layer(x, ones, arma::vec{}, layer_options(d));
            map(0, 0, r, c) = x(0, 0, middle, middle);
        }
    return map;
}

/// A sequential blue scale for t in (0, 1]; white for 0 (ColorBrewer Blues, interpolated).
std::string heat(double t) {
    if (t <= 0) return "white";
    const std::array<std::array<int, 3>, 4> stops = {{{0xde, 0xeb, 0xf7}, {0x9e, 0xca, 0xe1}, {0x42, 0x92, 0xc6}, {0x08, 0x45, 0x94}}};
    const double position = std::clamp(t, 0.0, 1.0) * double(stops.size() - 1);
    const std::size_t k = std::min(std::size_t(position), stops.size() - 2);
    const double f = position - double(k);
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", int(std::lround(stops[k][0] + f * (stops[k + 1][0] - stops[k][0]))),
                  int(std::lround(stops[k][1] + f * (stops[k + 1][1] - stops[k][1]))),
                  int(std::lround(stops[k][2] + f * (stops[k + 1][2] - stops[k][2]))));
    return buffer;
}

/// The position of a path count on the colour scale: logarithmic, so that the single paths of a
/// spread-out field stay visible beside the many of a compact one.
double scale(double paths, double largest) { return paths <= 0 ? 0 : std::log1p(paths) / std::log1p(largest); }

bool same(const Tensor& a, const Tensor& b) {
    if (!(a.shape() == b.shape())) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::abs(a.data()[i] - b.data()[i]) > 1e-9) return false;
    return true;
}

/// What one stack's map shows.
struct Field {
    std::array<std::size_t, 3> rates;
    Tensor map;
    std::size_t extent = 0;   // side of the bounding box of the nonzero cells
    std::size_t reached = 0;  // nonzero cells
    double largest = 0;       // most paths to one input
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: ch05_receptive_field <output.svg> <source-dir>\n";
        return 2;
    }
    Tensor ones({1, 1, K, K});
    std::fill(ones.data(), ones.data() + ones.size(), 1.0);
    const auto fast = [](const Tensor& w, const Tensor& dy, cnnlab::Shape4 shape, const cnnlab::Conv2dOptions& o) {
        return cnnlab::conv2d_layer_backward_input(w, dy, shape, o);
    };
    const auto naive = [](const Tensor& w, const Tensor& dy, cnnlab::Shape4 shape, const cnnlab::Conv2dOptions& o) {
        return cnnlab::ref::conv2d_layer_backward_input(w, dy, shape, o);
    };

    std::vector<Field> fields;
    for (const std::array<std::size_t, 3>& rates : {std::array<std::size_t, 3>{1, 1, 1}, {1, 2, 4}, {2, 2, 2}}) {
        Field f{.rates = rates, .map = field_of(rates, ones, fast)};
        std::size_t low = N, high = 0;
        for (std::size_t r = 0; r < N; ++r)
            for (std::size_t c = 0; c < N; ++c)
                if (f.map(0, 0, r, c) != 0) {
                    ++f.reached;
                    low = std::min({low, r, c});
                    high = std::max({high, r, c});
                    f.largest = std::max(f.largest, f.map(0, 0, r, c));
                }
        f.extent = high - low + 1;
        std::vector<cnnlab::StackedLayer> stack;
        for (std::size_t d : rates) stack.push_back({.kernel = K, .dilation = d});
        if (!same(f.map, field_of(rates, ones, naive)) || !same(f.map, field_by_forward(rates, ones)) ||
            f.extent != cnnlab::receptive_field(stack).size) {
            std::cerr << "ch05_receptive_field: the map of rates " << rates[0] << ", " << rates[1] << ", " << rates[2]
                      << " differs between the optimized backward, the reference and the forward pass, or from receptive_field\n";
            return 1;
        }
        fields.push_back(std::move(f));
    }
    double largest = 0;
    for (const Field& f : fields) largest = std::max(largest, f.largest);

    const double width = 760, cell = 13, grid = double(N) * cell, top = 70;
    const double gap = (width - 60 - 3 * grid) / 2;
    const double y_grid = top + 50, height = y_grid + grid + 224;
    Svg svg(width, height);
    svg.text(width / 2, 26, "What one unit sees after three 3×3 convolutions, by dilation rate",
             {.size = 17, .anchor = "middle", .weight = "bold"});
    svg.text(width / 2, 50, "17×17 input, padding = dilation (size kept), weights 1; colour: ∂y/∂x = paths from input x to the centre unit y",
             {.size = 13, .anchor = "middle", .fill = "#444"});
    const TextStyle caption{.size = 13, .anchor = "middle", .fill = "#333"};
    for (std::size_t k = 0; k < fields.size(); ++k) {
        const Field& f = fields[k];
        const double x0 = 30 + double(k) * (grid + gap);
        svg.text(x0 + grid / 2, y_grid - 12,
                 "dilations " + std::to_string(f.rates[0]) + ", " + std::to_string(f.rates[1]) + ", " + std::to_string(f.rates[2]),
                 {.size = 14, .anchor = "middle", .weight = "bold"});
        for (std::size_t r = 0; r < N; ++r)
            for (std::size_t c = 0; c < N; ++c)
                svg.rect(x0 + double(c) * cell, y_grid + double(r) * cell, cell, cell, heat(scale(f.map(0, 0, r, c), largest)), "#ddd", 0.5);
        // The field's bounding box, dashed, and the unit itself.
        const double box = double(f.extent) * cell, corner = (double(N) - double(f.extent)) / 2 * cell;
        svg.rect(x0 + corner, y_grid + corner, box, box, "none", "#c0392b", 1.5, "stroke-dasharray=\"5 3\"");
        svg.rect(x0 + double(middle) * cell, y_grid + double(middle) * cell, cell, cell, "none", "#c0392b", 2);
        const double y_text = y_grid + grid + 22;
        svg.text(x0 + grid / 2, y_text, "field " + std::to_string(f.extent) + "×" + std::to_string(f.extent) + " = " +
                                            std::to_string(f.extent * f.extent) + " inputs",
                 caption);
        const double share = double(f.reached) / double(f.extent * f.extent);
        svg.text(x0 + grid / 2, y_text + 18,
                 "reaches " + std::to_string(f.reached) + " of them (" + std::to_string(int(std::lround(100 * share))) + " %)",
                 {.size = 13, .anchor = "middle", .weight = share < 1 ? "bold" : "normal", .fill = share < 1 ? "#c0392b" : "#333"});
        svg.text(x0 + grid / 2, y_text + 36, "at most " + figures::number(f.largest) + " paths to one input", caption);
    }
    // Legend: the colour scale.
    const double y_legend = y_grid + grid + 90, x_legend = 30;
    svg.text(x_legend, y_legend + 12, "paths (log scale):", {.size = 12, .fill = "#333"});
    std::vector<double> marks = {0};
    for (double v = 1; v < largest; v *= 2) marks.push_back(v);
    marks.push_back(largest);
    for (std::size_t s = 0; s < marks.size(); ++s) {
        const double x = x_legend + 120 + double(s) * 36;
        svg.rect(x, y_legend, 36, 16, heat(scale(marks[s], largest)), "#999", 0.5);
        svg.text(x + 18, y_legend + 30, figures::number(marks[s]), {.size = 11, .anchor = "middle", .fill = "#333"});
    }
    svg.text(x_legend, y_legend + 54, "Dashed: the field 1 + Σ d(K − 1) of Chapter 2; red square: the unit y.", {.size = 13, .fill = "#333"});
    const TextStyle note{.size = 13, .fill = "#333"};
    svg.text(x_legend, y_legend + 78,
             "Rates 2, 2, 2 move every path by an even number of inputs, so the unit sees a checkerboard:", note);
    svg.text(x_legend, y_legend + 96,
             "only the inputs at even offsets, about one in four of its field (gridding). Rates 1, 2, 4 grow", note);
    svg.text(x_legend, y_legend + 114, "the field faster than 1, 1, 1 and still reach every input of it.", note);
    svg.save(argv[1], "Receptive fields of three stacked 3×3 convolutions with dilation rates 1,1,1 and 1,2,4 and 2,2,2 "
                      "(computed by cnnlab::conv2d_layer_backward_input)");
    return 0;
}
