// Chapter 5 example: d2l's transposed convolution of X = [[0, 1], [2, 3]] with K = [[0, 1], [2, 3]]
// at stride 1 and 2, a decoder's up-sampling layer (4×4 kernel, stride 2, padding 1) doubling
// 28×28, the output padding that picks 56 rather than 55 for a 3×3 kernel, and how many kernel
// copies land on each output cell (the checkerboard of a kernel the stride does not divide).
// Prints a Markdown table that the docs build splices into the Chapter 5 page; the program fails
// unless the optimized calls equal the scatter-add of cnnlab::ref and the book's numbers.
#include "chapters/ch05_transposed/transposed.hpp"
#include "reference/transposed.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Tensor = cnnlab::Tensor4<double>;

/// Plane (0, 0) as an inline LaTeX matrix: "\f$\begin{pmatrix}0&1\\2&3\end{pmatrix}\f$".
std::string latex(const Tensor& t) {
    std::ostringstream out;
    out << "\\f$\\begin{pmatrix}";
    for (std::size_t i = 0; i < t.shape().h; ++i) {
        for (std::size_t j = 0; j < t.shape().w; ++j) out << (j ? "&" : "") << t(0, 0, i, j);
        out << (i + 1 < t.shape().h ? "\\\\" : "");
    }
    out << "\\end{pmatrix}\\f$";
    return out.str();
}

bool close(const Tensor& a, const Tensor& b) {
    if (!(a.shape() == b.shape())) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::abs(a.data()[i] - b.data()[i]) > 1e-9) return false;
    return true;
}

/// A tensor of `shape` filled with `value`.
Tensor filled(cnnlab::Shape4 shape, double value) {
    Tensor t(shape);
    std::fill(t.data(), t.data() + t.size(), value);
    return t;
}

/// Deterministic values in [−1, 1) (no random engine needed for a shape check).
Tensor ramp(cnnlab::Shape4 shape) {
    Tensor t(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = double(i % 17) / 8.5 - 1.0;
    return t;
}

}  // namespace

int main() {
    bool ok = true;
    //! [d2l]
    // d2l's example: X = K = [[0, 1], [2, 3]]; every input cell spreads a copy of K, scaled by its
    // value, over the output (PyTorch's F.conv_transpose2d; weight C_in × C_out × K_h × K_w).
    const Tensor x = Tensor::from_row_major({1, 1, 2, 2}, {0, 1, 2, 3});
    const Tensor k = Tensor::from_row_major({1, 1, 2, 2}, {0, 1, 2, 3});
    const Tensor y1 = cnnlab::conv_transpose2d(x, k);                          // 3×3
    const Tensor y2 = cnnlab::conv_transpose2d(x, k, {}, {.stride = {2, 2}});  // 4×4
    //! [d2l]
    ok = ok && close(y1, Tensor::from_row_major({1, 1, 3, 3}, {0, 0, 1, 0, 4, 6, 4, 12, 9})) &&
         close(y2, Tensor::from_row_major({1, 1, 4, 4}, {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9})) &&
         close(y1, cnnlab::ref::conv_transpose2d(x, k)) &&
         close(y2, cnnlab::ref::conv_transpose2d(x, k, {}, {.stride = {2, 2}}));

    //! [decoder]
    // A decoder's up-sampling layer, 16 → 8 channels: 4×4 kernel, stride 2, padding 1
    // doubles the size, (28 − 1)·2 − 2·1 + (4 − 1) + 1 = 56.
    const Tensor z = ramp({1, 16, 28, 28});
    const Tensor w = ramp({16, 8, 4, 4});  // C_in × C_out/g × K × K
    const cnnlab::ConvTranspose2dOptions up{.stride = {2, 2}, .padding = {1, 1}};
    const Tensor decoded = cnnlab::conv_transpose2d(z, w, {}, up);  // 1×8×56×56
    // A 3×3 kernel with stride 2 and padding 1 reaches 55; the conv it transposes maps
    // both 55 and 56 to 28, and output_padding = 1 asks for the larger one.
    // Arguments: input, kernel, stride, padding, dilation, output_padding.
    const std::size_t n55 = cnnlab::transposed_output_size("example", 28, 3, 2, 1, 1, 0);
    const std::size_t n56 = cnnlab::transposed_output_size("example", 28, 3, 2, 1, 1, 1);
    //! [decoder]
    ok = ok && decoded.shape() == cnnlab::Shape4{1, 8, 56, 56} && n55 == 55 && n56 == 56 &&
         close(decoded, cnnlab::ref::conv_transpose2d(z, w, {}, up));

    // How many copies of the kernel reach each output cell: all-ones input and kernel.
    const Tensor ones_in = filled({1, 1, 4, 4}, 1);
    const Tensor overlap3 = cnnlab::conv_transpose2d(ones_in, filled({1, 1, 3, 3}, 1), {}, {.stride = {2, 2}, .padding = {1, 1}});
    const Tensor overlap4 = cnnlab::conv_transpose2d(ones_in, filled({1, 1, 4, 4}, 1), {}, up);
    ok = ok && close(overlap3, cnnlab::ref::conv_transpose2d(ones_in, filled({1, 1, 3, 3}, 1), {}, {.stride = {2, 2}, .padding = {1, 1}})) &&
         close(overlap4, cnnlab::ref::conv_transpose2d(ones_in, filled({1, 1, 4, 4}, 1), {}, up));

    std::cout << "| call | input | result |\n| --- | --- | --- |\n";
    std::cout << "| `conv_transpose2d(X, K)`, stride 1 | \\f$X = K = \\f$ " << latex(x) << " | " << latex(y1) << " ("
              << y1.shape().h << "×" << y1.shape().w << ") |\n";
    std::cout << "| `conv_transpose2d(X, K, {}, {.stride = {2, 2}})` | the same | " << latex(y2) << " (" << y2.shape().h
              << "×" << y2.shape().w << ") |\n";
    std::cout << "| decoder layer, \\f$4 \\times 4\\f$, stride 2, padding 1 | \\f$Z\\f$ " << z.shape().str() << ", weight "
              << w.shape().str() << " | " << decoded.shape().str() << " |\n";
    std::cout << "| `transposed_output_size`, \\f$3 \\times 3\\f$, stride 2, padding 1 | 28, output padding 0 / 1 | " << n55
              << " / " << n56 << " |\n";
    std::cout << "| kernel copies per output cell: ones \\f$3 \\times 3\\f$, stride 2, padding 1 | ones \\f$4 \\times 4\\f$ | "
              << latex(overlap3) << " |\n";
    std::cout << "| kernel copies per output cell: ones \\f$4 \\times 4\\f$, stride 2, padding 1 | ones \\f$4 \\times 4\\f$ | "
              << latex(overlap4) << " |\n";
    return ok ? 0 : 1;
}
