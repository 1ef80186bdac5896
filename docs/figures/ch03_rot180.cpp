// Figure: where the rot180 of ∂f/∂X = rot180(W) ⊗̃ δ comes from. A 5×5 input, a 3×3 kernel, the
// 3×3 valid cross-correlation. Every connection drawn — which output reads which input through
// which tap — is computed by the library: the kernel's taps are numbered 1..9 and
// cnnlab::ref::xcorr2d_backward_input is run on one-hot upstream gradients, so input (s, t) of the
// gradient for "δ = 1 at output (i, j)" holds the number of the tap through which output (i, j)
// reads x_st (0: it does not read it). Before drawing, the program checks these maps against
// Chapter 1's matrix C (y = Cx, cnnlab::conv_matrix2d), against the optimized
// cnnlab::xcorr2d_backward_input, and that the taps reading the centre pixel form rot180(W).
//
// Three panels: (1) the forward pass; (2) the nine outputs that read x_22, each coloured by the tap
// it reads x_22 through — W turned by 180°; (3) how many outputs read each input, and the wide
// correlation: the rotated kernel over δ padded with K − 1 zeros, placed for an edge pixel.
//
//     ch03_rot180 <output.svg> <source-dir>
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "docs/figures/svg.hpp"
#include "reference/gradients.hpp"

#include <array>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

namespace {

using figures::Svg;
using figures::TextStyle;

constexpr std::size_t M = 5;  // input rows and columns
constexpr std::size_t K = 3;  // kernel rows and columns
constexpr std::size_t O = M - K + 1;  // output rows and columns (valid)
constexpr std::size_t centre = 2;     // the input pixel of panel 2: x_22
constexpr std::size_t edge_row = 0, edge_col = 1;  // the edge pixel of panel 3: x_01

/// One pastel colour per tap, tap number u·K + v (ColorBrewer Set3).
const std::array<std::string, K * K> tap_colour = {"#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3",
                                                    "#fdb462", "#b3de69", "#fccde5", "#bc80bd"};
const std::string highlight = "#c0392b";  // the input pixel being followed
const std::string zero_fill = "#eeeeee";  // padding zeros


/// A symbol with a two-index subscript, e.g. x_{st}, δ_{ij}.
std::string indexed(const std::string& symbol, std::size_t a, std::size_t b, double size = 13) {
    return figures::scripted(symbol, "", std::to_string(a) + std::to_string(b), size);
}

/// One square cell with a border and a centred label (markup).
void cell(Svg& svg, double x, double y, double size, const std::string& fill, const std::string& markup,
          double font = 13, const std::string& text_fill = "#222") {
    svg.rect(x, y, size, size, fill, "#666", 1);
    svg.text_markup(x + size / 2, y + size / 2 + font * 0.35, markup, {.size = font, .anchor = "middle", .fill = text_fill});
}

/// `base` (markup) with a subscript; `italic` sets the base in italics (a symbol, not an operator).
/// `after` (default a space) follows at the base line.
std::string sub(const std::string& base, const std::string& subscript, double size = 13, bool italic = true,
                const std::string& after = " ") {
    const double small = size * 0.72, down = size * 0.25;
    std::string out = italic ? "<tspan font-style=\"italic\">" + base + "</tspan>" : "<tspan>" + base + "</tspan>";
    out += "<tspan dy=\"" + figures::number(down, 2) + "\" font-size=\"" + figures::number(small, 2) + "\">" + subscript + "</tspan>";
    return out + "<tspan dy=\"-" + figures::number(down, 2) + "\">" + after + "</tspan>";
}

/// "w" with the subscript "uv" (0-based) of tap number u·K + v, as SVG markup.
std::string tap_name(std::size_t tap, double size = 13, const std::string& after = " ") {
    return sub("w", std::to_string(tap / K) + std::to_string(tap % K), size, true, after);
}

/// A label centred above a grid.
void label(Svg& svg, double x_centre, double y, const std::string& markup, double size = 14) {
    svg.text_markup(x_centre, y, markup, {.size = size, .anchor = "middle"});
}

/// A panel's frame and heading.
void panel(Svg& svg, double y, double height, double width, const std::string& heading) {
    svg.rect(10, y, width - 20, height, "#fafafa", "#ccc", 1, "rx=\"8\"");
    svg.text(24, y + 24, heading, {.size = 14, .weight = "bold"});
}

/// The blue-scale fill for a count 1..9 (how many outputs read an input).
std::string count_fill(double count) {
    const double t = count / double(K * K);
    const auto mix = [t](int from, int to) { return int(std::lround(from + t * (to - from))); };
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", mix(0xf7, 0x6b), mix(0xfb, 0xae), mix(0xff, 0xd6));
    return buffer;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: ch03_rot180 <output.svg> <source-dir>\n";
        return 2;
    }
    // The kernel holds its own tap numbers 1..9 (tap (u, v) holds u·K + v + 1), so a gradient entry
    // names the tap it came through.
    arma::mat taps(K, K);
    for (std::size_t u = 0; u < K; ++u)
        for (std::size_t v = 0; v < K; ++v) taps(u, v) = double(u * K + v + 1);

    // reads[i][j](s, t): the tap number through which output (i, j) reads x_st, or 0.
    std::vector<std::vector<arma::mat>> reads(O, std::vector<arma::mat>(O));
    const arma::sp_mat C = cnnlab::conv_matrix2d(taps, M, M);  // Chapter 1's y = Cx, row-major order
    for (std::size_t i = 0; i < O; ++i)
        for (std::size_t j = 0; j < O; ++j) {
            arma::mat one_hot(O, O, arma::fill::zeros);
            one_hot(i, j) = 1;
            reads[i][j] = cnnlab::ref::xcorr2d_backward_input(taps, one_hot, M, M);
            const arma::mat fast = cnnlab::xcorr2d_backward_input(taps, one_hot, M, M);
            // The backward pass is Cᵀ: row (i, j) of C is the map of output (i, j).
            arma::mat from_c(M, M);
            for (std::size_t s = 0; s < M; ++s)
                for (std::size_t t = 0; t < M; ++t) from_c(s, t) = C(i * O + j, s * M + t);
            if (!arma::approx_equal(reads[i][j], from_c, "absdiff", 1e-12) ||
                !arma::approx_equal(reads[i][j], fast, "absdiff", 1e-12)) {
                std::cerr << "ch03_rot180: the backward pass of output (" << i << ", " << j
                          << ") differs from row " << i * O + j << " of conv_matrix2d or from the optimized path\n";
                return 1;
            }
        }

    // Panel 2's map: the tap through which each output reads the centre pixel. It must be rot180(W).
    arma::mat centre_taps(O, O);
    for (std::size_t i = 0; i < O; ++i)
        for (std::size_t j = 0; j < O; ++j) centre_taps(i, j) = reads[i][j](centre, centre);
    if (!arma::approx_equal(centre_taps, arma::mat(cnnlab::rot180(taps)), "absdiff", 0.0)) {
        std::cerr << "ch03_rot180: the taps reading x_22 are not rot180(W)\n";
        return 1;
    }
    // Panel 3: how many outputs read each input, and the terms of the edge pixel's gradient.
    arma::mat counts(M, M, arma::fill::zeros);
    for (std::size_t i = 0; i < O; ++i)
        for (std::size_t j = 0; j < O; ++j) counts += arma::conv_to<arma::mat>::from(reads[i][j] != 0.0);
    struct Term {
        std::size_t tap, i, j;
    };
    std::vector<Term> edge_terms;
    for (std::size_t i = 0; i < O; ++i)
        for (std::size_t j = 0; j < O; ++j)
            if (reads[i][j](edge_row, edge_col) != 0)
                edge_terms.push_back({std::size_t(reads[i][j](edge_row, edge_col)) - 1, i, j});

    const double width = 760, top = 64;
    const double h1 = 236, h2 = 196, h3 = 330, gap = 10;
    Svg svg(width, top + h1 + h2 + h3 + 2 * gap + 10);
    svg.text(width / 2, 26, "Where rot180 comes from: the gradient of a cross-correlation", {.size = 17, .anchor = "middle", .weight = "bold"});
    svg.text_markup(width / 2, 50,
                    "5×5 input, 3×3 kernel, valid:   " + sub("y", "ij") + "= " + sub("Σ", "u,v", 14, false) +
                        sub("w", "uv") + sub("x", "i+u, j+v") + "   (indices from 0)",
                    {.size = 14, .anchor = "middle"});

    // Panel 1: the forward pass.
    const double c1 = 34;  // cell size of panels 1 and 2
    double y0 = top;
    panel(svg, y0, h1, width, "1  Forward: output (i, j) reads input (i + u, j + v) through tap (u, v)");
    {
        const double x_in = 40, y_in = y0 + 56;
        label(svg, x_in + 2.5 * c1, y_in - 10, "input <tspan font-style=\"italic\">X</tspan>");
        for (std::size_t s = 0; s < M; ++s)
            for (std::size_t t = 0; t < M; ++t)
                cell(svg, x_in + double(t) * c1, y_in + double(s) * c1, c1, "white", indexed("x", s, t));
        svg.rect(x_in + double(centre) * c1, y_in + double(centre) * c1, c1, c1, "none", highlight, 3);
        const double mid = y_in + 2.5 * c1;
        svg.text(x_in + 5 * c1 + 28, mid + 8, "⊗", {.size = 24, .anchor = "middle"});
        const double x_w = x_in + 5 * c1 + 56, y_w = mid - 1.5 * c1;
        label(svg, x_w + 1.5 * c1, y_w - 10, "kernel <tspan font-style=\"italic\">W</tspan>");
        for (std::size_t u = 0; u < K; ++u)
            for (std::size_t v = 0; v < K; ++v)
                cell(svg, x_w + double(v) * c1, y_w + double(u) * c1, c1, tap_colour[u * K + v], tap_name(u * K + v));
        svg.text(x_w + 3 * c1 + 26, mid + 8, "=", {.size = 24, .anchor = "middle"});
        const double x_y = x_w + 3 * c1 + 52;
        label(svg, x_y + 1.5 * c1, y_w - 10, "output <tspan font-style=\"italic\">Y</tspan>");
        for (std::size_t i = 0; i < O; ++i)
            for (std::size_t j = 0; j < O; ++j)
                cell(svg, x_y + double(j) * c1, y_w + double(i) * c1, c1, "white", indexed("y", i, j));
        const double x_note = x_y + 3 * c1 + 26;
        const TextStyle note{.size = 13, .fill = "#333"};
        svg.text(x_note, y_w + 10, "Every one of the 9 windows", note);
        svg.text_markup(x_note, y_w + 28, "contains " + indexed("x", centre, centre) + "(red), each", note);
        svg.text(x_note, y_w + 46, "at a different place:", note);
        svg.text_markup(x_note, y_w + 64,
                        indexed("y", 0, 0) + "reads it through " + tap_name(centre_taps(0, 0) - 1, 13, ","), note);
        svg.text_markup(x_note, y_w + 82,
                        indexed("y", O - 1, O - 1) + "through " + tap_name(centre_taps(O - 1, O - 1) - 1, 13, "."), note);
    }

    // Panel 2: the outputs that read x_22, coloured by their tap.
    y0 += h1 + gap;
    panel(svg, y0, h2, width, "2  Which outputs read x₂₂, and through which tap?");
    {
        const double x_map = 40, y_map = y0 + 72;
        label(svg, x_map + 1.5 * c1, y_map - 28, "at output (i, j):");
        label(svg, x_map + 1.5 * c1, y_map - 10, "tap that reads " + indexed("x", centre, centre));
        for (std::size_t i = 0; i < O; ++i)
            for (std::size_t j = 0; j < O; ++j) {
                const std::size_t tap = std::size_t(centre_taps(i, j)) - 1;
                cell(svg, x_map + double(j) * c1, y_map + double(i) * c1, c1, tap_colour[tap], tap_name(tap));
            }
        svg.text(x_map + 3 * c1 + 30, y_map + 1.5 * c1 + 8, "=", {.size = 24, .anchor = "middle"});
        const double x_rot = x_map + 3 * c1 + 60;
        svg.text_markup(x_rot + 1.5 * c1, y_map + 1.5 * c1 + 6, "rot180(<tspan font-style=\"italic\">W</tspan>)",
                        {.size = 16, .anchor = "middle"});
        const double x_text = x_rot + 3 * c1 + 34;
        const TextStyle note{.size = 13, .fill = "#333"};
        svg.text_markup(x_text, y_map - 4,
                        "Output (i, j) reads " + indexed("x", centre, centre) + "through tap (u, v) = (2 − i, 2 − j):", note);
        svg.text(x_text, y_map + 16, "as the output index grows, the tap index falls —", note);
        svg.text(x_text, y_map + 34, "the kernel is walked backwards. By the chain rule", note);
        svg.text_markup(x_text, y_map + 60,
                        "∂<tspan font-style=\"italic\">f</tspan>/∂" + indexed("x", centre, centre, 14) + "= " +
                            sub("Σ", "u,v", 14, false) + sub("w", "uv", 14) + sub("δ", "2−u, 2−v", 14) + "= " +
                            sub("Σ", "i,j", 14, false) + sub("rot180(<tspan font-style=\"italic\">W</tspan>)", "ij", 14, false) +
                            sub("δ", "ij", 14),
                        {.size = 14, .fill = "#222"});
        svg.text(x_text, y_map + 86, "δ is read by the rotated kernel: a cross-correlation", note);
        svg.text(x_text, y_map + 104, "of δ with rot180(W).", note);
    }

    // Panel 3: how many outputs read each input; the wide correlation for the edge pixel.
    y0 += h2 + gap;
    panel(svg, y0, h3, width, "3  At the edges fewer outputs read: δ is padded with K − 1 = 2 zeros (wide correlation)");
    {
        const double c3 = 30;
        const double x_cnt = 40, y_cnt = y0 + 84;
        label(svg, x_cnt + 2.5 * c3, y_cnt - 28, "outputs reading " + figures::scripted("x", "", "st"), 13);
        label(svg, x_cnt + 2.5 * c3, y_cnt - 10, "(nonzeros of the 9 maps)", 12);
        for (std::size_t s = 0; s < M; ++s)
            for (std::size_t t = 0; t < M; ++t)
                cell(svg, x_cnt + double(t) * c3, y_cnt + double(s) * c3, c3, count_fill(counts(s, t)),
                     figures::number(counts(s, t)));
        svg.rect(x_cnt + double(edge_col) * c3, y_cnt + double(edge_row) * c3, c3, c3, "none", highlight, 3);
        svg.rect(x_cnt + double(centre) * c3, y_cnt + double(centre) * c3, c3, c3, "none", "#555", 2.5);

        // δ padded by K − 1 on every side; the rotated kernel placed for x_st covers padded rows
        // s..s+K−1 and columns t..t+K−1.
        const std::size_t P = O + 2 * (K - 1);
        const double x_pad = x_cnt + 5 * c3 + 60, y_pad = y_cnt - 16;
        label(svg, x_pad + double(P) * c3 / 2, y_pad - 10, "δ padded by 2, with rot180(<tspan font-style=\"italic\">W</tspan>) placed for " +
                                                              indexed("x", edge_row, edge_col), 13);
        for (std::size_t a = 0; a < P; ++a)
            for (std::size_t b = 0; b < P; ++b) {
                const bool real = a >= K - 1 && b >= K - 1 && a < K - 1 + O && b < K - 1 + O;
                const bool under = a >= edge_row && a < edge_row + K && b >= edge_col && b < edge_col + K;
                // Under the window, position (a − s, b − t) of rot180(W) is tap (K−1−(a−s), K−1−(b−t)).
                const std::size_t tap = under ? (K - 1 - (a - edge_row)) * K + (K - 1 - (b - edge_col)) : 0;
                if (real)
                    cell(svg, x_pad + double(b) * c3, y_pad + double(a) * c3, c3, under ? tap_colour[tap] : "white",
                         indexed("δ", a - (K - 1), b - (K - 1), 12), 12);
                else
                    cell(svg, x_pad + double(b) * c3, y_pad + double(a) * c3, c3, zero_fill,
                         under ? tap_name(tap, 10) : "0", under ? 10 : 12, "#999");
            }
        svg.rect(x_pad + double(edge_col) * c3, y_pad + double(edge_row) * c3, K * c3, K * c3, "none", highlight, 3);

        // The edge pixel's gradient, term by term, as the library found it.
        std::string sum = "∂<tspan font-style=\"italic\">f</tspan>/∂" + indexed("x", edge_row, edge_col, 14) + "=";
        for (std::size_t k = 0; k < edge_terms.size(); ++k)
            sum += (k ? " + " : " ") + tap_name(edge_terms[k].tap, 14) + indexed("δ", edge_terms[k].i, edge_terms[k].j, 14);
        const double x_text = x_pad + double(P) * c3 + 24;
        const TextStyle note{.size = 13, .fill = "#333"};
        svg.text_markup(x_text, y_pad + 20, sum, {.size = 14});
        svg.text(x_text, y_pad + 46, std::to_string(edge_terms.size()) + " outputs read it;", note);
        svg.text(x_text, y_pad + 64, "the other " + std::to_string(K * K - edge_terms.size()) + " taps of the", note);
        svg.text(x_text, y_pad + 82, "window fall on the", note);
        svg.text(x_text, y_pad + 100, "zero padding (grey).", note);
        svg.text(x_text, y_pad + 128, "Placed for the centre,", note);
        svg.text(x_text, y_pad + 146, "the window covers all", note);
        svg.text(x_text, y_pad + 164, "of δ: 9 outputs.", note);
        svg.text(x_text, y_pad + 192, "Padding K − 1 gives", note);
        svg.text(x_text, y_pad + 210, "(3 + 2·2) − 3 + 1 = 5", note);
        svg.text(x_text, y_pad + 228, "positions: X's size.", note);
    }
    svg.save(argv[1], "Where rot180 comes from: which outputs read an input pixel, and through which tap "
                      "(computed by cnnlab::ref::xcorr2d_backward_input on one-hot upstream gradients)");
    return 0;
}
