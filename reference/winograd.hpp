/// \file
/// \brief Chapter 2 reference: Winograd's minimal filtering \f$F(m\times m, 3\times3)\f$ on one tile,
/// written as the formula, and the multiplications it saves, counted by running it.
///
/// A \f$3\times3\f$ cross-correlation of an \f$(m+2)\times(m+2)\f$ input tile \f$d\f$ gives an
/// \f$m\times m\f$ output tile. Winograd (Lavin & Gray, "Fast Algorithms for Convolutional Neural
/// Networks", 2016) writes it as
/// \f[ Y = A^\top \Big[ (G\,g\,G^\top) \odot (B^\top d\, B) \Big] A, \f]
/// where \f$\odot\f$ is the elementwise product. The filter transform \f$G g G^\top\f$ is done once
/// per filter and the input/output transforms use small constants only, so the multiplications
/// that count are the \f$(m+2)^2\f$ of the elementwise product, against \f$9m^2\f$ for the direct
/// formula: 16 instead of 36 for \f$m=2\f$, 36 instead of 144 for \f$m=4\f$.
///
/// The matrices come from polynomial interpolation at the points \f$0, \pm1\f$ and \f$\infty\f$
/// (\f$m=2\f$) and \f$0, \pm1, \pm2, \infty\f$ (\f$m=4\f$), Lavin & Gray's choice: small points keep
/// the entries, and with them the growth of rounding errors, small.
/// The fast layer path (chapters/ch02_layers/winograd.cpp) applies the same matrices to every tile
/// and channel at once; tests hold it equal to ref::conv2d_layer.
#pragma once

#include "chapters/ch00_foundation/errors.hpp"

#include <armadillo>
#include <cstddef>
#include <utility>
#include <vector>

namespace cnnlab::ref {

/// A small dense row-major matrix of any scalar type: the tile algebra of winograd_tile, which
/// must also run on CountingScalar (a type Armadillo does not accept as an element).
template <class S>
struct SmallMatrix {
    std::size_t rows = 0;  ///< number of rows
    std::size_t cols = 0;  ///< number of columns
    std::vector<S> values; ///< row-major, `rows * cols` entries

    /// A rows × cols matrix filled with `fill`.
    SmallMatrix(std::size_t r, std::size_t c, S fill = S(0)) : rows(r), cols(c), values(r * c, fill) {}
    /// Entry \f$(i, j)\f$.
    S& operator()(std::size_t i, std::size_t j) { return values[i * cols + j]; }
    /// \copydoc operator()(std::size_t,std::size_t)
    const S& operator()(std::size_t i, std::size_t j) const { return values[i * cols + j]; }
};

/// Matrix product \f$(AB)_{ij} = \sum_k a_{ik} b_{kj}\f$ (sizes must agree: shape_error otherwise).
template <class S>
SmallMatrix<S> operator*(const SmallMatrix<S>& a, const SmallMatrix<S>& b) {
    if (a.cols != b.rows)
        throw shape_error(str("ref::SmallMatrix product: ", a.rows, "×", a.cols, " times ", b.rows, "×", b.cols,
                              " (inner sizes differ)"));
    SmallMatrix<S> c(a.rows, b.cols);
    for (std::size_t i = 0; i < a.rows; ++i)
        for (std::size_t j = 0; j < b.cols; ++j) {
            S sum = S(0);
            for (std::size_t k = 0; k < a.cols; ++k) sum = sum + a(i, k) * b(k, j);
            c(i, j) = sum;
        }
    return c;
}

/// Transpose \f$(A^\top)_{ij} = a_{ji}\f$.
template <class S>
SmallMatrix<S> transpose(const SmallMatrix<S>& a) {
    SmallMatrix<S> t(a.cols, a.rows);
    for (std::size_t i = 0; i < a.rows; ++i)
        for (std::size_t j = 0; j < a.cols; ++j) t(j, i) = a(i, j);
    return t;
}

/// Elementwise (Hadamard) product \f$(A \odot B)_{ij} = a_{ij} b_{ij}\f$.
template <class S>
SmallMatrix<S> hadamard(const SmallMatrix<S>& a, const SmallMatrix<S>& b) {
    if (a.rows != b.rows || a.cols != b.cols)
        throw shape_error(str("ref::hadamard: ", a.rows, "×", a.cols, " and ", b.rows, "×", b.cols, " differ in size"));
    SmallMatrix<S> c(a.rows, a.cols);
    for (std::size_t k = 0; k < a.values.size(); ++k) c.values[k] = a.values[k] * b.values[k];
    return c;
}

/// The three transforms of \f$F(m\times m, 3\times3)\f$: \f$B^\top\f$ is \f$\alpha\times\alpha\f$,
/// \f$G\f$ is \f$\alpha\times3\f$, \f$A^\top\f$ is \f$m\times\alpha\f$, with \f$\alpha = m+2\f$.
template <class T>
struct WinogradMatrices {
    arma::Mat<T> BT;  ///< input transform \f$B^\top\f$ (\f$\alpha\times\alpha\f$)
    arma::Mat<T> G;   ///< filter transform \f$G\f$ (\f$\alpha\times3\f$)
    arma::Mat<T> AT;  ///< output transform \f$A^\top\f$ (\f$m\times\alpha\f$)
};

/// Lavin & Gray's matrices for \f$m = 2\f$ (points \f$0, \pm1, \infty\f$):
/// \f[ B^\top = \begin{pmatrix} 1&0&-1&0\\ 0&1&1&0\\ 0&-1&1&0\\ 0&1&0&-1 \end{pmatrix},\quad
///     G = \begin{pmatrix} 1&0&0\\ \frac12&\frac12&\frac12\\ \frac12&-\frac12&\frac12\\ 0&0&1 \end{pmatrix},\quad
///     A^\top = \begin{pmatrix} 1&1&1&0\\ 0&1&-1&-1 \end{pmatrix} \f]
/// and for \f$m = 4\f$ (points \f$0, \pm1, \pm2, \infty\f$):
/// \f[ B^\top = \begin{pmatrix} 4&0&-5&0&1&0\\ 0&-4&-4&1&1&0\\ 0&4&-4&-1&1&0\\ 0&-2&-1&2&1&0
///                              \\ 0&2&-1&-2&1&0\\ 0&4&0&-5&0&1 \end{pmatrix},\quad
///     G = \begin{pmatrix} \frac14&0&0\\ -\frac16&-\frac16&-\frac16\\ -\frac16&\frac16&-\frac16
///                         \\ \frac1{24}&\frac1{12}&\frac16\\ \frac1{24}&-\frac1{12}&\frac16\\ 0&0&1 \end{pmatrix},\quad
///     A^\top = \begin{pmatrix} 1&1&1&1&1&0\\ 0&1&-1&2&-2&0\\ 0&1&1&4&4&0\\ 0&1&-1&8&-8&1 \end{pmatrix}. \f]
/// Throws argument_error for any other \f$m\f$.
template <class T>
WinogradMatrices<T> winograd_matrices(std::size_t m) {
    WinogradMatrices<T> w;
    if (m == 2) {
        w.BT = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
        w.G = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
        w.AT = {{1, 1, 1, 0}, {0, 1, -1, -1}};
    } else if (m == 4) {
        w.BT = {{4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
        const T sixth = T(1) / T(6), twelfth = T(1) / T(12), twentyfourth = T(1) / T(24);
        w.G = {{T(0.25), 0, 0},
               {-sixth, -sixth, -sixth},
               {-sixth, sixth, -sixth},
               {twentyfourth, twelfth, sixth},
               {twentyfourth, -twelfth, sixth},
               {0, 0, 1}};
        w.AT = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};
    } else {
        throw argument_error(str("ref::winograd_matrices: m = ", m, " is not supported (F(m×m, 3×3) for m = 2 or 4)"));
    }
    return w;
}

/// An arma matrix as a SmallMatrix of scalar `S` (each entry converted with `S(value)`).
template <class S, class T>
SmallMatrix<S> small_matrix(const arma::Mat<T>& a) {
    SmallMatrix<S> s(a.n_rows, a.n_cols);
    for (std::size_t i = 0; i < a.n_rows; ++i)
        for (std::size_t j = 0; j < a.n_cols; ++j) s(i, j) = S(a(i, j));
    return s;
}

/// One output tile of \f$F(m\times m, 3\times3)\f$, the formula itself:
/// \f[ Y = A^\top \Big[ (G\,g\,G^\top) \odot (B^\top d\, B) \Big] A \f]
/// for an \f$(m+2)\times(m+2)\f$ input tile \f$d\f$ and a \f$3\times3\f$ filter \f$g\f$; equals the
/// valid cross-correlation \f$Y_{ij} = \sum_{u,v=0}^{2} g_{uv}\, d_{i+u,\,j+v}\f$.
/// `S` is any scalar with `+`, `*` and construction from `double` (the matrices' entries).
template <class S>
SmallMatrix<S> winograd_tile(const SmallMatrix<S>& d, const SmallMatrix<S>& g, std::size_t m) {
    const WinogradMatrices<double> w = winograd_matrices<double>(m);
    if (d.rows != m + 2 || d.cols != m + 2 || g.rows != 3 || g.cols != 3)
        throw shape_error(str("ref::winograd_tile: F(", m, "×", m, ", 3×3) needs a ", m + 2, "×", m + 2,
                              " tile and a 3×3 filter, got ", d.rows, "×", d.cols, " and ", g.rows, "×", g.cols));
    const SmallMatrix<S> BT = small_matrix<S>(w.BT), G = small_matrix<S>(w.G), AT = small_matrix<S>(w.AT);
    const SmallMatrix<S> filter = G * g * transpose(G);     // U = G g Gᵀ, (m+2)×(m+2)
    const SmallMatrix<S> input = BT * d * transpose(BT);    // V = Bᵀ d B, (m+2)×(m+2)
    return AT * hadamard(filter, input) * transpose(AT);    // Y = Aᵀ (U ⊙ V) A, m×m
}

/// winograd_tile on Armadillo matrices (the same formula, run on a SmallMatrix of `T`).
template <class T>
arma::Mat<T> winograd_tile(const arma::Mat<T>& d, const arma::Mat<T>& g, std::size_t m) {
    const SmallMatrix<T> y = winograd_tile(small_matrix<T>(d), small_matrix<T>(g), m);
    arma::Mat<T> out(y.rows, y.cols);
    for (std::size_t i = 0; i < y.rows; ++i)
        for (std::size_t j = 0; j < y.cols; ++j) out(i, j) = y(i, j);
    return out;
}

/// The direct valid \f$3\times3\f$ cross-correlation of a tile,
/// \f$Y_{ij} = \sum_{u,v=0}^{2} g_{uv}\, d_{i+u,\,j+v}\f$: \f$9\f$ multiplications per output.
template <class S>
SmallMatrix<S> direct_tile(const SmallMatrix<S>& d, const SmallMatrix<S>& g) {
    if (g.rows > d.rows || g.cols > d.cols)
        throw shape_error(str("ref::direct_tile: filter ", g.rows, "×", g.cols, " larger than tile ", d.rows, "×", d.cols));
    SmallMatrix<S> y(d.rows - g.rows + 1, d.cols - g.cols + 1);
    for (std::size_t i = 0; i < y.rows; ++i)
        for (std::size_t j = 0; j < y.cols; ++j) {
            S sum = S(0);
            for (std::size_t u = 0; u < g.rows; ++u)
                for (std::size_t v = 0; v < g.cols; ++v) sum = sum + g(u, v) * d(i + u, j + v);
            y(i, j) = sum;
        }
    return y;
}

/// A scalar that counts **multiplications of two non-constant values**.
///
/// A value is *constant* when it was built from a `double` (the entries of \f$B^\top, G, A^\top\f$)
/// or computed from constants only; it is *variable* when it depends on the data (input tile or
/// filter), made by CountingScalar::variable. `a * b` adds one to the counter when both `a` and
/// `b` are variable. Products with a constant (the transforms' scalings by \f$\pm1, \pm2, 4, 5,
/// \frac16, \dots\f$, additions and shifts in hardware, and the filter transform done once per
/// filter) and additions are not counted. In winograd_tile the only variable × variable products
/// are those of the elementwise stage \f$(G g G^\top) \odot (B^\top d B)\f$; in direct_tile they are
/// the \f$g_{uv}\, d_{i+u,j+v}\f$.
class CountingScalar {
public:
    /// A constant (counts nothing when multiplied by anything).
    CountingScalar(double value = 0) : value_(value) {}
    /// A variable whose products with other variables are counted in `*counter`.
    static CountingScalar variable(double value, std::size_t* counter) {
        CountingScalar s(value);
        s.counter_ = counter;
        return s;
    }
    /// The numeric value (so the counted run also computes the right answer).
    double value() const { return value_; }
    /// True for a data-dependent value.
    bool is_variable() const { return counter_ != nullptr; }

    /// Sum; variable when either operand is.
    friend CountingScalar operator+(const CountingScalar& a, const CountingScalar& b) {
        return a.derived(a.value_ + b.value_, b);
    }
    /// Product; counted when both operands are variable.
    friend CountingScalar operator*(const CountingScalar& a, const CountingScalar& b) {
        if (a.is_variable() && b.is_variable()) ++*a.counter_;
        return a.derived(a.value_ * b.value_, b);
    }

private:
    CountingScalar derived(double value, const CountingScalar& other) const {
        CountingScalar s(value);
        s.counter_ = counter_ ? counter_ : other.counter_;
        return s;
    }
    double value_ = 0;
    std::size_t* counter_ = nullptr;
};

/// An \f$(m+2)\times(m+2)\f$ tile and a \f$3\times3\f$ filter of CountingScalar variables (small
/// integer values) whose products are counted in `*counter`.
inline std::pair<SmallMatrix<CountingScalar>, SmallMatrix<CountingScalar>> counted_tile_and_filter(std::size_t m,
                                                                                                 std::size_t* counter) {
    SmallMatrix<CountingScalar> d(m + 2, m + 2), g(3, 3);
    for (std::size_t k = 0; k < d.values.size(); ++k) d.values[k] = CountingScalar::variable(double(k % 7) - 3, counter);
    for (std::size_t k = 0; k < g.values.size(); ++k) g.values[k] = CountingScalar::variable(double(k % 5) - 2, counter);
    return {d, g};
}

/// Multiplications of two data-dependent values in one \f$F(m\times m, 3\times3)\f$ tile, counted by
/// running winograd_tile on CountingScalar (see there for what counts): \f$(m+2)^2\f$ — 16 for
/// \f$m=2\f$, 36 for \f$m=4\f$.
inline std::size_t winograd_tile_multiplies(std::size_t m) {
    std::size_t counter = 0;
    const auto [d, g] = counted_tile_and_filter(m, &counter);
    (void)winograd_tile(d, g, m);
    return counter;
}

/// The same count for the direct formula on the same tile (direct_tile): \f$9m^2\f$ — 36 for
/// \f$m=2\f$, 144 for \f$m=4\f$.
inline std::size_t direct_tile_multiplies(std::size_t m) {
    std::size_t counter = 0;
    const auto [d, g] = counted_tile_and_filter(m, &counter);
    (void)direct_tile(d, g);
    return counter;
}

}  // namespace cnnlab::ref
