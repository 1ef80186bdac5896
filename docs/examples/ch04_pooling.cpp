// Chapter 4 example: d2l's 2×2 max and mean pooling on [[0..8]], forward and backward, with the
// optimized calls and the naive reference side by side. Prints a Markdown table that the docs build
// splices into the Chapter 4 page; the program fails if the two disagree or the book's numbers
// do not come out.
#include "chapters/ch04_pooling/pooling.hpp"
#include "reference/pooling.hpp"

#include <algorithm>
#include <iostream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Tensor = cnnlab::Tensor4<double>;

/// Plane (0, 0) as an inline LaTeX matrix: "\f$\begin{pmatrix}4&5\\7&8\end{pmatrix}\f$".
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

bool same(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() && std::equal(a.data(), a.data() + a.size(), b.data());
}

}  // namespace

int main() {
    std::vector<double> values(9);
    std::iota(values.begin(), values.end(), 0.0);
    //! [forward]
    // d2l's example: X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]] as a 1×1×3×3 tensor, 2×2 windows sliding by 1.
    const Tensor x = Tensor::from_row_major({1, 1, 3, 3}, values);
    const cnnlab::Pool2dOptions options{.kernel = {2, 2}, .stride = cnnlab::Step2{1, 1}};

    const cnnlab::MaxPoolResult<double> max = cnnlab::max_pool2d_with_argmax(x, options);  // y and its arg-maxes
    const Tensor mean = cnnlab::avg_pool2d(x, options);
    //! [forward]
    //! [backward]
    // Backward with δ = 1 at every output: max routes each δ to its window's arg-max (summing where
    // windows overlap), mean spreads δ/4 over its window.
    Tensor delta(max.y.shape());
    for (std::size_t i = 0; i < delta.size(); ++i) delta.data()[i] = 1;
    const Tensor dx_max = cnnlab::max_pool2d_backward(delta, max.argmax, x.shape(), options);
    const Tensor dx_mean = cnnlab::avg_pool2d_backward(delta, x.shape(), options);
    //! [backward]

    const bool ok = same(max.y, cnnlab::ref::max_pool2d(x, options)) && same(mean, cnnlab::ref::avg_pool2d(x, options)) &&
                    same(dx_max, cnnlab::ref::max_pool2d_backward(x, delta, options)) &&
                    same(dx_mean, cnnlab::ref::avg_pool2d_backward(delta, x.shape(), options)) &&
                    same(max.y, Tensor::from_row_major({1, 1, 2, 2}, {4, 5, 7, 8})) &&
                    same(mean, Tensor::from_row_major({1, 1, 2, 2}, {2, 3, 5, 6}));
    std::cout << "| \\f$X\\f$ | | forward \\f$Y\\f$ | backward \\f$\\partial f/\\partial X\\f$ for \\f$\\delta = "
                 "\\mathbf{1}_{2\\times2}\\f$ |\n| --- | --- | --- | --- |\n";
    std::cout << "| " << latex(x) << " | max pooling, `max_pool2d_with_argmax` + `max_pool2d_backward` | " << latex(max.y)
              << " | " << latex(dx_max) << " |\n";
    std::cout << "| | mean pooling, `avg_pool2d` + `avg_pool2d_backward` | " << latex(mean) << " | " << latex(dx_mean)
              << " |\n";
    return ok ? 0 : 1;
}
