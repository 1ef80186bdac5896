// Figure: a convolution layer with 2 input and 2 output channels, drawn with the numbers
// cnnlab::conv2d_layer computes for d2l's example (input channels 0..8 and 1..9, kernels
// [[0,1],[2,3]] and [[1,2],[3,4]]; the second output channel uses those kernels plus 1).
// For each output channel p: the two per-channel cross-correlations W^{p,d} ⊗ X^d, their sum and the
// bias b^p, which give Y^p. The program checks that the drawn sum plus bias is the layer's output
// before it writes anything.
//
//     ch02_multichannel <output.svg> <source-dir>
#include "chapters/ch02_layers/layer.hpp"
#include "docs/figures/svg.hpp"

#include <iostream>
#include <string>

namespace {

using Tensor = cnnlab::Tensor4<double>;
using figures::Svg;
using figures::TextStyle;

constexpr double cell = 30;  // pixels per matrix entry

const std::string input_colour[2] = {"#dbe9f6", "#fde3cf"};  // channel 0 blue, channel 1 orange
const std::string highlight = "#c0392b";

/// Channel c of sample 0 as a 1×1×H×W tensor (the single-channel layer of Chapter 1).
Tensor channel(const Tensor& t, std::size_t n, std::size_t c) {
    const cnnlab::Shape4 s = t.shape();
    Tensor one({1, 1, s.h, s.w});
    one.plane(0, 0) = t.plane(n, c);
    return one;
}

/// A matrix as a grid of numbered cells with its top-left corner at (x, y); the top-left
/// `mark_rows × mark_cols` block gets a red frame (the window that makes output (0, 0)).
void grid(Svg& svg, double x, double y, const arma::mat& m, const std::string& fill, std::size_t mark_rows = 0,
          std::size_t mark_cols = 0) {
    for (std::size_t i = 0; i < m.n_rows; ++i)
        for (std::size_t j = 0; j < m.n_cols; ++j) {
            svg.rect(x + double(j) * cell, y + double(i) * cell, cell, cell, fill, "#555", 1);
            svg.text(x + (double(j) + 0.5) * cell, y + (double(i) + 0.5) * cell + 5, figures::number(m(i, j)),
                     {.size = 13, .anchor = "middle"});
        }
    if (mark_rows > 0)
        svg.rect(x, y, double(mark_cols) * cell, double(mark_rows) * cell, "none", highlight, 3);
}

/// A label centred above a matrix.
void label(Svg& svg, double x_centre, double y, const std::string& markup) {
    svg.text_markup(x_centre, y, markup, {.size = 14, .anchor = "middle"});
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: ch02_multichannel <output.svg> <source-dir>\n";
        return 2;
    }
    // d2l's example, 2 output channels: W[0] = (K0, K1), W[1] = (K0 + 1, K1 + 1), bias (1, −2).
    const Tensor X = Tensor::from_row_major({1, 2, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    const Tensor W = Tensor::from_row_major({2, 2, 2, 2}, {0, 1, 2, 3, 1, 2, 3, 4, 1, 2, 3, 4, 2, 3, 4, 5});
    const arma::vec b{1, -2};
    const Tensor Y = cnnlab::conv2d_layer(X, W, b);

    // The parts: partial[p][d] = W^{p,d} ⊗ X^d, each by the layer itself on one channel.
    arma::mat partial[2][2], sum[2];
    for (std::size_t p = 0; p < 2; ++p) {
        sum[p].zeros(Y.shape().h, Y.shape().w);
        for (std::size_t d = 0; d < 2; ++d) {
            // Named and const: a plane of a temporary tensor, moved into a matrix, would keep
            // pointing into the temporary's memory (Tensor4::plane is a view).
            const Tensor part = cnnlab::conv2d_layer(channel(X, 0, d), channel(W, p, d));
            partial[p][d] = part.plane(0, 0);
            sum[p] += partial[p][d];
        }
        if (!arma::approx_equal(arma::mat(sum[p] + b(p)), arma::mat(Y.plane(0, p)), "absdiff", 1e-12)) {
            std::cerr << "ch02_multichannel: the sum of the per-channel parts plus the bias differs from conv2d_layer\n";
            return 1;
        }
    }

    const double width = 710, panel_height = 312, top = 70;
    Svg svg(width, top + 2 * panel_height + 10);
    svg.text(width / 2, 26, "A convolution layer with 2 input and 2 output channels", {.size = 17, .anchor = "middle", .weight = "bold"});
    svg.text_markup(width / 2, 52,
                    figures::scripted("Y", "p", "", 15) + " = " + figures::scripted("W", "p,0", "", 15) + "⊗ " +
                        figures::scripted("X", "0", "", 15) + "+ " + figures::scripted("W", "p,1", "", 15) + "⊗ " +
                        figures::scripted("X", "1", "", 15) + "+ " + figures::scripted("b", "p", "", 15) +
                        "   (⊗: cross-correlation, as in every framework)",
                    {.size = 15, .anchor = "middle"});

    const double x_input = 40, x_kernel = 175, x_partial = 285, x_sum = 450, x_bias = 552, x_out = 628;
    for (std::size_t p = 0; p < 2; ++p) {
        const double y0 = top + double(p) * panel_height;
        svg.rect(10, y0 + 4, width - 20, panel_height - 12, "#fafafa", "#ccc", 1, "rx=\"8\"");
        svg.text(22, y0 + 26, "output channel p = " + std::to_string(p), {.size = 14, .weight = "bold"});
        double row_centre[2];
        for (std::size_t d = 0; d < 2; ++d) {
            const double y = y0 + 60 + double(d) * 120;  // top of the 3×3 input
            const double y_small = y + cell / 2;          // top of the 2×2 matrices, centred on the input
            row_centre[d] = y + 1.5 * cell;
            label(svg, x_input + 1.5 * cell, y - 8, figures::scripted("X", std::to_string(d)));
            grid(svg, x_input, y, arma::mat(X.plane(0, d)), input_colour[d], 2, 2);
            svg.text(x_input + 3 * cell + 22, row_centre[d] + 7, "⊗", {.size = 22, .anchor = "middle"});
            label(svg, x_kernel + cell, y_small - 8, figures::scripted("W", std::to_string(p) + "," + std::to_string(d)));
            grid(svg, x_kernel, y_small, arma::mat(W.plane(p, d)), "#eeeeee");
            svg.text(x_kernel + 2 * cell + 25, row_centre[d] + 7, "=", {.size = 22, .anchor = "middle"});
            grid(svg, x_partial, y_small, partial[p][d], input_colour[d], 1, 1);
        }
        // A brace joining the two parts, then the sum, the bias and the output.
        const double x_brace = x_partial + 2 * cell + 10, mid = (row_centre[0] + row_centre[1]) / 2;
        svg.path("M " + std::to_string(x_brace) + " " + std::to_string(row_centre[0] - 20) + " q 12 0 12 14 L " +
                     std::to_string(x_brace + 12) + " " + std::to_string(mid - 8) + " q 0 8 10 8 q -10 0 -10 8 L " +
                     std::to_string(x_brace + 12) + " " + std::to_string(row_centre[1] + 6) + " q 0 14 -12 14",
                 "#555", 1.5);
        svg.text(x_brace + 54, mid - 8, "sum over d", {.size = 12, .anchor = "middle", .fill = "#555"});
        svg.text(x_brace + 54, mid + 12, "→", {.size = 20, .anchor = "middle"});
        label(svg, x_sum + cell, mid - cell - 8, "sum");
        grid(svg, x_sum, mid - cell, sum[p], "white", 1, 1);
        svg.text(x_sum + 2 * cell + 21, mid + 7, "+", {.size = 22, .anchor = "middle"});
        label(svg, x_bias + cell / 2, mid - cell / 2 - 8, figures::scripted("b", std::to_string(p)));
        grid(svg, x_bias, mid - cell / 2, arma::mat{b(p)}, "#f3e5f5");
        svg.text(x_bias + cell / 2, mid + cell / 2 + 16, "to every", {.size = 10, .anchor = "middle", .fill = "#555"});
        svg.text(x_bias + cell / 2, mid + cell / 2 + 28, "element", {.size = 10, .anchor = "middle", .fill = "#555"});
        svg.text(x_bias + cell + 23, mid + 7, "=", {.size = 22, .anchor = "middle"});
        label(svg, x_out + cell, mid - cell - 8, figures::scripted("Y", std::to_string(p)));
        grid(svg, x_out, mid - cell, arma::mat(Y.plane(0, p)), "#d9f0d3", 1, 1);
        // The red frames, spelled out for output (0, 0).
        svg.text(22, y0 + panel_height - 22,
                 "red frames: output (0, 0) = " + figures::number(partial[p][0](0, 0)) + " + " +
                     figures::number(partial[p][1](0, 0)) + " + (" + figures::number(b(p)) + ") = " +
                     figures::number(Y(0, p, 0, 0)) + ", from the top-left 2×2 window of every input channel",
                 {.size = 12, .fill = highlight});
    }
    svg.save(argv[1], "A convolution layer with 2 input and 2 output channels (d2l's example, computed by cnnlab::conv2d_layer)");
    return 0;
}
