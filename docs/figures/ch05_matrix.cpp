// Figure: nndl §5.5.1's example drawn from the library's matrices. A 1-D cross-correlation of an
// input of 5 with a kernel (w₁, w₂, w₃) is z = Cx with the 3×5 matrix C; the transposed convolution
// is x' = Cᵀz, 3 numbers back to 5. The matrix is cnnlab::ref::convolution_matrix of an input
// 1×1×1×5 and a weight 1×1×1×3 whose taps hold their own numbers 1, 2, 3, so each entry names the
// tap it holds; the entries of Cᵀz are read off Cᵀ's nonzeros. Before drawing, the program checks
// C against Chapter 1's cnnlab::conv_matrix1d, Cx against cnnlab::xcorr1d, and Cᵀz against
// cnnlab::conv_transpose1d, cnnlab::ref::conv_transpose1d and the wide cross-correlation of z with
// the reversed kernel (nndl's rot180(w) ⊗̃ z). The last panel computes CᵀCx for one x: the
// transpose gives back the shape, not the values.
//
//     ch05_matrix <output.svg> <source-dir>
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

constexpr std::size_t L = 5;  // the conv's input length
constexpr std::size_t K = 3;  // kernel taps
constexpr double cell_size = 34;

/// One colour per tap w₁, w₂, w₃ (ColorBrewer Set3).
const std::array<std::string, K> tap_colour = {"#8dd3c7", "#fdb462", "#bebada"};

/// A symbol with a subscript, as SVG markup (w₁, z₃), followed by `after` on the base line — a
/// space by default, a hair space when empty: the tspan that raises the line again needs a glyph.
std::string sym(const std::string& base, std::size_t index, const std::string& after = " ", double size = 13) {
    const double small = size * 0.72, down = size * 0.25;
    return "<tspan font-style=\"italic\">" + figures::escape(base) + "</tspan><tspan dy=\"" + figures::number(down, 2) +
           "\" font-size=\"" + figures::number(small, 2) + "\">" + std::to_string(index) + "</tspan><tspan dy=\"-" +
           figures::number(down, 2) + "\">" + (after.empty() ? "\u200A" : figures::escape(after)) + "</tspan>";
}

/// A rectangle of the given width with a centred markup label.
void box(Svg& svg, double x, double y, double w, const std::string& fill, const std::string& markup, double font = 13,
         const std::string& text_fill = "#222") {
    svg.rect(x, y, w, cell_size, fill, "#666", 1);
    svg.text_markup(x + w / 2, y + cell_size / 2 + font * 0.36, markup, {.size = font, .anchor = "middle", .fill = text_fill});
}

/// A matrix of tap numbers (0 = empty entry) as a grid of coloured cells labelled w₁, w₂, w₃.
void tap_grid(Svg& svg, double x, double y, const arma::mat& m) {
    for (std::size_t r = 0; r < m.n_rows; ++r)
        for (std::size_t c = 0; c < m.n_cols; ++c) {
            const std::size_t tap = std::size_t(std::lround(m(r, c)));
            box(svg, x + double(c) * cell_size, y + double(r) * cell_size, cell_size, tap ? tap_colour[tap - 1] : "white",
                tap ? sym("w", tap) : "0", 13, tap ? "#222" : "#aaa");
        }
}

/// A column vector of symbols base₁ … baseₙ.
void symbol_column(Svg& svg, double x, double y, const std::string& base, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) box(svg, x, y + double(i) * cell_size, cell_size, "white", sym(base, i + 1));
}

/// A label (markup) centred above a block of the given width.
void heading(Svg& svg, double x, double y, double width, const std::string& markup) {
    svg.text_markup(x + width / 2, y - 9, markup, {.size = 13, .anchor = "middle"});
}

/// A panel's frame and heading.
void panel(Svg& svg, double y, double height, double width, const std::string& title) {
    svg.rect(10, y, width - 20, height, "#fafafa", "#ccc", 1, "rx=\"8\"");
    svg.text(24, y + 24, title, {.size = 14, .weight = "bold"});
}

/// A big sign centred at (x, y).
void sign(Svg& svg, double x, double y, const std::string& text) {
    svg.text(x, y + 7, text, {.size = 20, .anchor = "middle", .fill = "#444"});
}

/// "(14, 48, 108)" for a vector.
std::string tuple(const arma::vec& v) {
    std::string out = "(";
    for (std::size_t i = 0; i < v.n_elem; ++i) out += (i ? ", " : "") + figures::number(v(i));
    return out + ")";
}

/// A vector as an N×1×1×L tensor row (1-D layers hold N×C×1×L).
Tensor as_row(const arma::vec& v) {
    Tensor t({1, 1, 1, v.n_elem});
    for (std::size_t i = 0; i < v.n_elem; ++i) t(0, 0, 0, i) = v(i);
    return t;
}

arma::vec row_of(const Tensor& t) {
    arma::vec v(t.shape().w);
    for (std::size_t i = 0; i < v.n_elem; ++i) v(i) = t(0, 0, 0, i);
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: ch05_matrix <output.svg> <source-dir>\n";
        return 2;
    }
    // The kernel's taps hold their own numbers, so the matrix's entries name them.
    const Tensor taps = Tensor::from_row_major({1, 1, 1, K}, {1, 2, 3});
    const arma::mat C = cnnlab::ref::convolution_matrix(cnnlab::Shape4{1, 1, 1, L}, taps);
    const arma::mat Ct = C.t();
    const std::size_t O = C.n_rows;  // 3

    // Checks on numbers: a kernel, an x and a z.
    const arma::vec w_num{1, 2, 3}, x_num{1, 2, 3, 4, 5};
    const Tensor w_tensor = as_row(w_num);
    const arma::mat C_num = cnnlab::ref::convolution_matrix(cnnlab::Shape4{1, 1, 1, L}, w_tensor);
    const arma::vec z_num = C_num * x_num;
    const arma::vec back = C_num.t() * z_num;
    const arma::vec z_probe{2, -1, 3};
    const arma::vec transposed = C_num.t() * z_probe;
    const cnnlab::Options1d wide{.padding = cnnlab::Mode::full};
    const bool ok =
        arma::approx_equal(C, arma::mat(cnnlab::conv_matrix1d(arma::vec{1, 2, 3}, L)), "absdiff", 0.0) &&
        arma::approx_equal(z_num, cnnlab::xcorr1d(x_num, w_num), "absdiff", 1e-12) &&
        arma::approx_equal(transposed, row_of(cnnlab::conv_transpose1d(as_row(z_probe), w_tensor)), "absdiff", 1e-12) &&
        arma::approx_equal(transposed, row_of(cnnlab::ref::conv_transpose1d(as_row(z_probe), w_tensor)), "absdiff", 1e-12) &&
        arma::approx_equal(transposed, cnnlab::xcorr1d(z_probe, arma::vec(cnnlab::rot180(w_num)), wide), "absdiff", 1e-12);
    if (!ok) {
        std::cerr << "ch05_matrix: C, Cx or Cᵀz differ from Chapter 1's matrix, xcorr1d or conv_transpose1d\n";
        return 1;
    }

    const double width = 760, top = 64, gap = 10, h1 = 236, h2 = 236, h3 = 136;
    Svg svg(width, top + h1 + h2 + h3 + 2 * gap + 10);
    svg.text(width / 2, 26, "The transposed convolution is the transposed matrix", {.size = 17, .anchor = "middle", .weight = "bold"});
    svg.text(width / 2, 50, "nndl §5.5.1: input of 5, kernel (w₁, w₂, w₃), valid cross-correlation (the note's 1-based names)",
             {.size = 13, .anchor = "middle", .fill = "#444"});
    const TextStyle note{.size = 13, .fill = "#333"};

    // Panel 1: z = Cx.
    double y0 = top;
    panel(svg, y0, h1, width, "1  The convolution, 5 → 3:  z = w ⊗ x = Cx");
    {
        const double y_grid = y0 + 50, y_c = y_grid + cell_size;  // C is 3 tall, x 5 tall
        const double x_c = 40;
        heading(svg, x_c, y_c, double(L) * cell_size, "<tspan font-style=\"italic\">C</tspan> (3×5)");
        tap_grid(svg, x_c, y_c, C);
        const double x_x = x_c + double(L) * cell_size + 24;
        heading(svg, x_x, y_grid, cell_size, "<tspan font-style=\"italic\">x</tspan>");
        symbol_column(svg, x_x, y_grid, "x", L);
        sign(svg, x_x + cell_size + 24, y_grid + 2.5 * cell_size, "=");
        const double x_z = x_x + cell_size + 48;
        heading(svg, x_z, y_c, cell_size, "<tspan font-style=\"italic\">z</tspan>");
        symbol_column(svg, x_z, y_c, "z", O);
        const double x_note = x_z + cell_size + 30;
        svg.text(x_note, y_grid + 16, "Row i of C is the kernel, shifted right by i:", note);
        svg.text_markup(x_note, y_grid + 36, sym("z", 1) + "= " + sym("w", 1, "") + sym("x", 1) + "+ " + sym("w", 2, "") + sym("x", 2) + "+ " +
                                                 sym("w", 3, "") + sym("x", 3, ", and so on."),
                        note);
        svg.text(x_note, y_grid + 64, "Each output reads 3 neighbouring inputs;", note);
        svg.text(x_note, y_grid + 84, "the zeros are the inputs it does not read.", note);
        svg.text(x_note, y_grid + 112, "C is sparse and banded: 9 of its 15 entries", note);
        svg.text(x_note, y_grid + 132, "are taps, the same 3 weights in every row.", note);
    }

    // Panel 2: x' = Cᵀz, each entry read off Cᵀ's nonzeros.
    y0 += h1 + gap;
    panel(svg, y0, h2, width, "2  The transposed convolution, 3 → 5:  x′ = Cᵀz = rot180(w) ⊗̃ z");
    {
        const double y_grid = y0 + 50, y_z = y_grid + cell_size;
        const double x_ct = 40;
        heading(svg, x_ct, y_grid, double(O) * cell_size, "<tspan font-style=\"italic\">C</tspan>ᵀ (5×3)");
        tap_grid(svg, x_ct, y_grid, Ct);
        const double x_z = x_ct + double(O) * cell_size + 24;
        heading(svg, x_z, y_z, cell_size, "<tspan font-style=\"italic\">z</tspan>");
        symbol_column(svg, x_z, y_z, "z", O);
        sign(svg, x_z + cell_size + 24, y_grid + 2.5 * cell_size, "=");
        const double x_x = x_z + cell_size + 48, x_width = 170;
        heading(svg, x_x, y_grid, x_width, "<tspan font-style=\"italic\">x</tspan>′");
        for (std::size_t r = 0; r < L; ++r) {
            std::string terms;
            for (std::size_t c = 0; c < O; ++c) {
                const std::size_t tap = std::size_t(std::lround(Ct(r, c)));
                if (tap) terms += (terms.empty() ? "" : " + ") + sym("w", tap, "") + sym("z", c + 1, "");
            }
            box(svg, x_x, y_grid + double(r) * cell_size, x_width, "white", terms);
        }
        const double x_note = x_x + x_width + 24;
        svg.text(x_note, y_grid + 16, "Column j of Cᵀ is row j of C: input", note);
        svg.text_markup(x_note, y_grid + 36, sym("z", 1) + "spreads (" + sym("w", 1, ", ") + sym("w", 2, ", ") + sym("w", 3, ")") + " over",
                        note);
        svg.text_markup(x_note, y_grid + 56, sym("x", 1, "′ … ") + sym("x", 3, "′, ") + sym("z", 2) + "over " + sym("x", 2, "′ … ") +
                                                 sym("x", 4, "′: a scatter-add."),
                        note);
        svg.text(x_note, y_grid + 84, "Read along a row, the weights come", note);
        svg.text(x_note, y_grid + 104, "reversed: x′ is the wide (full)", note);
        svg.text(x_note, y_grid + 124, "cross-correlation of z with", note);
        svg.text_markup(x_note, y_grid + 144, "(" + sym("w", 3, ", ") + sym("w", 2, ", ") + sym("w", 1, ")") + " = rot180(w): 3 + 2·2 − 3 + 1 = 5.",
                        note);
    }

    // Panel 3: transposed, not inverse.
    y0 += h2 + gap;
    panel(svg, y0, h3, width, "3  Transposed, not inverse: Cᵀ restores the shape, not the values");
    {
        const double x_text = 40, y_text = y0 + 52;
        svg.text(x_text, y_text,
                 "w = " + tuple(w_num) + ",  x = " + tuple(x_num) + "   →   z = Cx = " + tuple(z_num) + "   →   CᵀCx = " + tuple(back),
                 {.size = 14});
        svg.text(x_text, y_text + 26,
                 "CᵀC is 5×5 of rank " + std::to_string(arma::rank(C_num.t() * C_num)) +
                     ": no matrix maps the 3 numbers of z back to the 5 of x.",
                 note);
        svg.text(x_text, y_text + 46, "A transposed convolution up-samples with weights of its own (learned, in a decoder); it is also called",
                 note);
        svg.text(x_text, y_text + 66, "a deconvolution 反卷积, but it does not undo the convolution.", note);
    }
    svg.save(argv[1], "The 3×5 matrix C of a 1-D cross-correlation and its transpose, the transposed convolution "
                      "(computed by cnnlab::ref::convolution_matrix)");
    return 0;
}
