// Figure: two readings of one transposed convolution, a 2×2 input Z and a 3×3 kernel W at stride 2.
// (1) The definition, a scatter-add: each z_ij spreads a copy of W scaled by z_ij over the output,
// its top-left corner at (2i, 2j); where copies overlap they add. (2) The fractionally strided
// convolution 微步卷积: s − 1 = 1 zero inserted between the cells of Z (cnnlab::ref::zero_insert),
// K − 1 − p = 2 zeros of padding around, and rot180(W) slid over that with stride 1. Every number
// after the typed Z and W is the library's: the four copies are ref::conv_transpose2d of Z with one
// cell kept, Y is cnnlab::conv_transpose2d, and before drawing the program checks that the copies
// add up to Y, that ref::conv_transpose2d, ref::conv_transpose2d_by_zero_insertion,
// ref::conv_transpose2d_by_matrix and Chapter 1's cnnlab::xcorr2d of the padded plane with
// cnnlab::rot180(W) all give the same Y.
//
//     ch05_zero_insertion <output.svg> <source-dir>
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch05_transposed/transposed.hpp"
#include "docs/figures/svg.hpp"
#include "reference/transposed.hpp"

#include <array>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

namespace {

using figures::Svg;
using figures::TextStyle;
using Tensor = cnnlab::Tensor4<double>;

constexpr std::size_t S = 2;  // stride
constexpr std::size_t K = 3;  // kernel rows and columns
constexpr std::size_t H = 2;  // input rows and columns
constexpr std::size_t centre = 2;  // the output cell (centre, centre) followed in both panels

/// One pastel colour per input cell, row-major (ColorBrewer Set3), and a darker edge of each.
const std::array<std::string, 4> input_colour = {"#8dd3c7", "#fdb462", "#bebada", "#80b1d3"};
const std::string inserted_fill = "#fff3c4";  // a zero inserted between input cells
const std::string padding_fill = "#e8e8e8";   // a zero of the padding
const std::string highlight = "#c0392b";

/// One square cell with a border and a centred label.
void cell(Svg& svg, double x, double y, double size, const std::string& fill, const std::string& label, double font = 13,
          const std::string& text_fill = "#222", const std::string& weight = "normal") {
    svg.rect(x, y, size, size, fill, "#666", 1);
    svg.text(x + size / 2, y + size / 2 + font * 0.36, label, {.size = font, .anchor = "middle", .weight = weight, .fill = text_fill});
}

/// A cell split into vertical stripes, one per colour (the inputs whose copies reach it).
void striped_cell(Svg& svg, double x, double y, double size, const std::vector<std::string>& fills, const std::string& label,
                  double font, const std::string& weight) {
    const double stripe = size / double(fills.size());
    for (std::size_t k = 0; k < fills.size(); ++k) svg.rect(x + double(k) * stripe, y, stripe, size, fills[k], "none");
    svg.rect(x, y, size, size, "none", "#666", 1);
    svg.text(x + size / 2, y + size / 2 + font * 0.36, label,
             {.size = font, .anchor = "middle", .weight = weight, .fill = "#222", .halo = true});
}

/// A label (markup) centred above a grid of `cols` cells of `size` at x.
void heading(Svg& svg, double x, double y, std::size_t cols, double size, const std::string& markup, double font = 13) {
    svg.text_markup(x + double(cols) * size / 2, y - 9, markup, {.size = font, .anchor = "middle"});
}

/// A panel's frame and heading.
void panel(Svg& svg, double y, double height, double width, const std::string& title) {
    svg.rect(10, y, width - 20, height, "#fafafa", "#ccc", 1, "rx=\"8\"");
    svg.text(24, y + 24, title, {.size = 14, .weight = "bold"});
}

/// A big operator sign ("+", "=", "→") centred at (x, y).
void sign(Svg& svg, double x, double y, const std::string& text, double size = 20) {
    svg.text(x, y + size * 0.35, text, {.size = size, .anchor = "middle", .fill = "#444"});
}

bool same(const Tensor& a, const Tensor& b) {
    if (!(a.shape() == b.shape())) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::abs(a.data()[i] - b.data()[i]) > 1e-9) return false;
    return true;
}

const std::string italic_z = "<tspan font-style=\"italic\">Z</tspan>";
const std::string italic_w = "<tspan font-style=\"italic\">W</tspan>";
const std::string italic_y = "<tspan font-style=\"italic\">Y</tspan>";

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: ch05_zero_insertion <output.svg> <source-dir>\n";
        return 2;
    }
    // The inputs (typed): Z = [[1, 2], [3, 4]] and the kernel whose taps are 1..9, so that its
    // rotation is visible.
    const Tensor z = Tensor::from_row_major({1, 1, H, H}, {1, 2, 3, 4});
    const Tensor w = Tensor::from_row_major({1, 1, K, K}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    const cnnlab::ConvTranspose2dOptions options{.stride = {S, S}};

    // Everything below is the library's.
    const Tensor y = cnnlab::conv_transpose2d(z, w, {}, options);
    const std::size_t O = y.shape().h;  // (H − 1)·S + K = 5
    // The copy of W that input cell (i, j) spreads: the transposed conv of Z with only that cell kept.
    std::vector<Tensor> copies;
    for (std::size_t i = 0; i < H; ++i)
        for (std::size_t j = 0; j < H; ++j) {
            Tensor one(z.shape());
            one(0, 0, i, j) = z(0, 0, i, j);
            copies.push_back(cnnlab::ref::conv_transpose2d(one, w, {}, options));
        }
    Tensor sum(y.shape());
    for (const Tensor& copy : copies)
        for (std::size_t k = 0; k < sum.size(); ++k) sum.data()[k] += copy.data()[k];

    // Reading 2: zero insertion, padding K − 1 − p, then a stride-1 cross-correlation with rot180(W).
    const arma::mat spread = cnnlab::ref::zero_insert(z.plane_copy(0, 0), {S, S});
    const std::size_t pad = K - 1;  // d(K − 1) − p with d = 1, p = 0
    arma::mat padded(spread.n_rows + 2 * pad, spread.n_cols + 2 * pad, arma::fill::zeros);
    padded.submat(pad, pad, pad + spread.n_rows - 1, pad + spread.n_cols - 1) = spread;
    const arma::mat rotated = cnnlab::rot180(w.plane_copy(0, 0));
    const arma::mat slid = cnnlab::xcorr2d(padded, rotated);

    if (!same(sum, y) || !same(y, cnnlab::ref::conv_transpose2d(z, w, {}, options)) ||
        !same(y, cnnlab::ref::conv_transpose2d_by_zero_insertion(z, w, {}, options)) ||
        !same(y, cnnlab::ref::conv_transpose2d_by_matrix(z, w, {}, options)) ||
        !arma::approx_equal(slid, y.plane_copy(0, 0), "absdiff", 1e-9)) {
        std::cerr << "ch05_zero_insertion: the readings of the transposed convolution disagree\n";
        return 1;
    }
    // Which inputs reach each output cell (for the stripes), and the products of the followed window.
    std::vector<std::vector<std::size_t>> reached(O * O);
    for (std::size_t k = 0; k < copies.size(); ++k)
        for (std::size_t r = 0; r < O; ++r)
            for (std::size_t c = 0; c < O; ++c)
                if (copies[k](0, 0, r, c) != 0) reached[r * O + c].push_back(k);
    std::string window_sum;
    std::size_t products = 0, nonzero_products = 0;
    for (std::size_t r = 0; r < O; ++r)
        for (std::size_t c = 0; c < O; ++c)
            for (std::size_t u = 0; u < K; ++u)
                for (std::size_t v = 0; v < K; ++v) {
                    ++products;
                    const double a = padded(r + u, c + v);
                    if (a == 0) continue;
                    ++nonzero_products;
                    if (r == centre && c == centre)
                        window_sum += (window_sum.empty() ? "" : " + ") + figures::number(a) + "·" + figures::number(rotated(u, v));
                }

    const double width = 760, top = 64, gap = 10, h1 = 356, h2 = 320;
    Svg svg(width, top + h1 + h2 + gap + 12);
    svg.text(width / 2, 26, "Transposed convolution, stride 2: scatter-add = zero insertion + convolution",
             {.size = 17, .anchor = "middle", .weight = "bold"});
    svg.text(width / 2, 50, "2×2 input Z, 3×3 kernel W, no padding: output (2 − 1)·2 + 3 = 5 per axis (indices from 0)",
             {.size = 13, .anchor = "middle", .fill = "#444"});

    // Panel 1: the scatter-add.
    double y0 = top;
    panel(svg, y0, h1, width, "");
    svg.text_markup(24, y0 + 24,
                    "1  The definition: each " + figures::scripted("z", "", "ij", 14) + "adds " + figures::scripted("z", "", "ij", 14) +
                        "· " + italic_w + " to the output, starting at (2i, 2j)",
                    {.size = 14, .weight = "bold"});
    {
        const double c_in = 34, x_z = 40, y_row = y0 + 66;
        heading(svg, x_z, y_row, H, c_in, "input " + italic_z);
        for (std::size_t i = 0; i < H; ++i)
            for (std::size_t j = 0; j < H; ++j)
                cell(svg, x_z + double(j) * c_in, y_row + double(i) * c_in, c_in, input_colour[i * H + j], figures::number(z(0, 0, i, j)));
        const double x_w = x_z + 2 * c_in + 50;
        heading(svg, x_w, y_row, K, c_in, "kernel " + italic_w + " (weight 1×1×3×3)");
        for (std::size_t u = 0; u < K; ++u)
            for (std::size_t v = 0; v < K; ++v)
                cell(svg, x_w + double(v) * c_in, y_row + double(u) * c_in, c_in, "white", figures::number(w(0, 0, u, v)));
        const TextStyle note{.size = 13, .fill = "#333"};
        const double x_note = x_w + 3 * c_in + 34;
        svg.text(x_note, y_row + 14, "Every input cell stamps the kernel onto the output,", note);
        svg.text(x_note, y_row + 32, "scaled by its value; the stamps of neighbouring", note);
        svg.text(x_note, y_row + 50, "cells start S = 2 apart, so a 3-wide kernel overlaps", note);
        svg.text(x_note, y_row + 68, "its neighbour by one row and one column, and", note);
        svg.text(x_note, y_row + 86, "there the stamps add (striped cells).", note);

        const double c_small = 21, y_copies = y_row + 3 * c_in + 48;
        double x = 40;
        for (std::size_t k = 0; k < copies.size(); ++k) {
            const std::size_t i = k / H, j = k % H;
            heading(svg, x, y_copies, O, c_small,
                    figures::number(z(0, 0, i, j)) + " · " + italic_w + " at (" + std::to_string(S * i) + ", " + std::to_string(S * j) + ")", 12);
            for (std::size_t r = 0; r < O; ++r)
                for (std::size_t c = 0; c < O; ++c) {
                    const double v = copies[k](0, 0, r, c);
                    cell(svg, x + double(c) * c_small, y_copies + double(r) * c_small, c_small, v != 0 ? input_colour[k] : "white",
                         v != 0 ? figures::number(v) : "", 10);
                }
            x += double(O) * c_small;
            if (k + 1 < copies.size()) sign(svg, x + 11, y_copies + 2.5 * c_small, "+", 18);
            x += 22;
        }
        sign(svg, x + 4, y_copies + 2.5 * c_small, "=", 20);
        const double c_out = 30, x_y = x + 24, y_out = y_copies - (double(O) * (c_out - c_small)) / 2;
        heading(svg, x_y, y_out, O, c_out, italic_y + " = Σ copies");
        for (std::size_t r = 0; r < O; ++r)
            for (std::size_t c = 0; c < O; ++c) {
                std::vector<std::string> fills;
                for (std::size_t k : reached[r * O + c]) fills.push_back(input_colour[k]);
                if (fills.empty()) fills.push_back("white");
                const bool followed = r == centre && c == centre;
                striped_cell(svg, x_y + double(c) * c_out, y_out + double(r) * c_out, c_out, fills, figures::number(y(0, 0, r, c)), 12,
                             fills.size() > 1 ? "bold" : "normal");
                if (followed) svg.rect(x_y + double(c) * c_out, y_out + double(r) * c_out, c_out, c_out, "none", highlight, 3);
            }
    }

    // Panel 2: zero insertion and a stride-1 convolution with the rotated kernel.
    y0 += h1 + gap;
    panel(svg, y0, h2, width, "2  Fractionally strided (微步卷积): insert S − 1 zeros, pad K − 1, slide rot180(W) with stride 1");
    {
        const double c_z = 30, y_mid = y0 + 60 + 3.5 * 26;  // vertical centre of the padded grid
        const double x_z = 40, y_z = y_mid - c_z;
        heading(svg, x_z, y_z, H, c_z, italic_z);
        for (std::size_t i = 0; i < H; ++i)
            for (std::size_t j = 0; j < H; ++j)
                cell(svg, x_z + double(j) * c_z, y_z + double(i) * c_z, c_z, input_colour[i * H + j], figures::number(z(0, 0, i, j)));
        const double x_spread = x_z + 2 * c_z + 34, c_s = 26, y_spread = y_mid - 1.5 * c_s;
        sign(svg, x_spread - 17, y_mid, "→", 18);
        heading(svg, x_spread, y_spread, spread.n_cols, c_s, "zeros inserted", 12);
        for (std::size_t r = 0; r < spread.n_rows; ++r)
            for (std::size_t c = 0; c < spread.n_cols; ++c) {
                const bool input = r % S == 0 && c % S == 0;
                cell(svg, x_spread + double(c) * c_s, y_spread + double(r) * c_s, c_s,
                     input ? input_colour[(r / S) * H + c / S] : inserted_fill, figures::number(spread(r, c)), 12, input ? "#222" : "#b08900");
            }
        const double x_pad = x_spread + double(spread.n_cols) * c_s + 34, y_pad = y_mid - double(padded.n_rows) * c_s / 2;
        sign(svg, x_pad - 17, y_mid, "→", 18);
        heading(svg, x_pad, y_pad, padded.n_cols, c_s, "padded by K − 1 = " + std::to_string(pad), 12);
        for (std::size_t r = 0; r < padded.n_rows; ++r)
            for (std::size_t c = 0; c < padded.n_cols; ++c) {
                const bool inside = r >= pad && c >= pad && r < pad + spread.n_rows && c < pad + spread.n_cols;
                const bool input = inside && (r - pad) % S == 0 && (c - pad) % S == 0;
                const std::string fill = input ? input_colour[((r - pad) / S) * H + (c - pad) / S] : inside ? inserted_fill : padding_fill;
                cell(svg, x_pad + double(c) * c_s, y_pad + double(r) * c_s, c_s, fill, figures::number(padded(r, c)), 12,
                     input ? "#222" : inside ? "#b08900" : "#999");
            }
        // The window of the followed output cell, and rot180(W) placed there.
        svg.rect(x_pad + double(centre) * c_s, y_pad + double(centre) * c_s, K * c_s, K * c_s, "none", highlight, 3);
        const double x_rot = x_pad + double(padded.n_cols) * c_s + 44, c_r = 28, y_rot = y_mid - 1.5 * c_r;
        sign(svg, x_rot - 22, y_mid, "⊗", 20);
        heading(svg, x_rot, y_rot, K, c_r, "rot180(" + italic_w + ")", 12);
        for (std::size_t u = 0; u < K; ++u)
            for (std::size_t v = 0; v < K; ++v)
                cell(svg, x_rot + double(v) * c_r, y_rot + double(u) * c_r, c_r, "white", figures::number(rotated(u, v)), 12);
        const double x_y = x_rot + double(K) * c_r + 40, c_y = 24, y_y = y_mid - double(O) * c_y / 2;
        sign(svg, x_y - 20, y_mid, "=", 20);
        heading(svg, x_y, y_y, O, c_y, italic_y + ", stride 1", 12);
        for (std::size_t r = 0; r < O; ++r)
            for (std::size_t c = 0; c < O; ++c) {
                cell(svg, x_y + double(c) * c_y, y_y + double(r) * c_y, c_y, "white", figures::number(slid(r, c)), 11);
                if (r == centre && c == centre) svg.rect(x_y + double(c) * c_y, y_y + double(r) * c_y, c_y, c_y, "none", highlight, 3);
            }
        const TextStyle note{.size = 13, .fill = "#333"};
        const double y_text = y_pad + double(padded.n_rows) * c_s + 28;
        svg.text_markup(40, y_text,
                        "Red window: " + figures::scripted("y", "", std::to_string(centre) + std::to_string(centre)) + "= " + window_sum +
                            " = " + figures::number(slid(centre, centre)) + ", the four stamps that overlap there in panel 1.",
                        note);
        svg.text(40, y_text + 20,
                 "The same Y as the scatter-add; but only " + std::to_string(nonzero_products) + " of the " + std::to_string(products) +
                     " products of this convolution have a nonzero input —",
                 note);
        svg.text(40, y_text + 40,
                 "the other " + std::to_string(products - nonzero_products) + " multiply an inserted or a padding zero.", note);
    }
    svg.save(argv[1], "A stride-2 transposed convolution read two ways: the scatter-add of kernel copies, and zero insertion followed "
                      "by a stride-1 convolution with the rotated kernel (computed by cnnlab::conv_transpose2d and "
                      "cnnlab::ref::zero_insert)");
    return 0;
}
