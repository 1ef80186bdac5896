// Chapter 3 — solutions to the exercises of exercises/ch03/ch03_exercises.cpp (same functions).
// Built into the `cnnlab_check_solutions` program, which must report every exercise RIGHT. Try the
// exercise first: each statement is in ch03_exercises.cpp.
#include "exercises/ch03/ch03_exercises.hpp"

#include "chapters/ch01_convolution/convolution.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cnnlab::exercises::ch03 {

arma::mat convolution_matrix(const arma::vec& w, std::size_t n) {
    // Row i is output y_i = Σ_k w_k x_{i+k}: the kernel, unrotated, starting in column i.
    const std::size_t K = w.n_elem, outputs = n - K + 1;
    arma::mat C(outputs, n, arma::fill::zeros);
    for (std::size_t i = 0; i < outputs; ++i)
        for (std::size_t k = 0; k < K; ++k) C(i, i + k) = w(k);
    return C;
}

arma::mat backward_by_transpose(const arma::mat& W, const arma::mat& delta) {
    const std::size_t U = W.n_rows, V = W.n_cols, Ho = delta.n_rows, Wo = delta.n_cols;
    const std::size_t M = Ho + U - 1, N = Wo + V - 1;
    // Row i·Wo + j of C is output (i, j); it reads x(i+u, j+v), element (i+u)·N + (j+v) of vecᵣ(X).
    arma::mat C(Ho * Wo, M * N, arma::fill::zeros);
    for (std::size_t i = 0; i < Ho; ++i)
        for (std::size_t j = 0; j < Wo; ++j)
            for (std::size_t u = 0; u < U; ++u)
                for (std::size_t v = 0; v < V; ++v) C(i * Wo + j, (i + u) * N + (j + v)) = W(u, v);
    const arma::vec dx = C.t() * cnnlab::vec_rows(delta);
    // Fold back row by row: element r·N + c is x(r, c). (reshape fills column by column, so fill
    // the N×M transpose and turn it.)
    return arma::reshape(dx, N, M).t();
}

arma::mat input_gradient(const arma::mat& W, const arma::mat& delta) {
    return cnnlab::xcorr2d(delta, cnnlab::rot180(W), {.padding = Mode::full});
}

arma::mat weight_gradient(const arma::mat& X, const arma::mat& delta) {
    return cnnlab::xcorr2d(X, delta);  // δ slides over X as the kernel
}

arma::vec central_difference_gradient(const ScalarFunction& f, const arma::vec& x) {
    arma::vec point = x, gradient(x.n_elem);
    for (arma::uword i = 0; i < x.n_elem; ++i) {
        const double h = std::cbrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::abs(x(i)));
        const double plus = x(i) + h, minus = x(i) - h;
        point(i) = plus;
        const double f_plus = f(point);
        point(i) = minus;
        const double f_minus = f(point);
        point(i) = x(i);
        // The distance actually stored between the two points, not 2h: removes the rounding of x ± h.
        gradient(i) = (f_plus - f_minus) / (plus - minus);
    }
    return gradient;
}

bool gradient_agrees(const ScalarFunction& f, const arma::vec& x, const arma::vec& analytic) {
    const arma::vec numeric = central_difference_gradient(f, x);
    if (numeric.n_elem != analytic.n_elem) return false;
    if (numeric.is_empty()) return true;
    const double difference = arma::abs(analytic - numeric).max();
    const double scale = arma::abs(analytic).max() + arma::abs(numeric).max();
    const double error = difference / std::max(std::numeric_limits<double>::min(), scale);
    return error <= 1e-6;  // false for NaN
}

// MXNet's autograd refuses to record a write into an existing array; PyTorch records
// Y[i, j] = ... as a copy into a slice (CopySlices) and differentiates through it.
AutogradOutcome autograd_outcome_mxnet() { return AutogradOutcome::inplace_not_supported; }

AutogradOutcome autograd_outcome_pytorch() { return AutogradOutcome::no_error; }

arma::mat activation_delta(const arma::mat& z, const arma::mat& da, Activation activation, double slope) {
    arma::mat dz(arma::size(z));
    for (arma::uword k = 0; k < z.n_elem; ++k) {
        const double zk = z(k);
        double derivative = 1;
        switch (activation) {
            case Activation::identity: derivative = 1; break;
            case Activation::relu: derivative = zk > 0 ? 1 : 0; break;
            case Activation::leaky_relu: derivative = zk > 0 ? 1 : slope; break;
            case Activation::sigmoid: {
                const double s = 1 / (1 + std::exp(-zk));  // exp(800) = inf gives s = 0: no NaN
                derivative = s * (1 - s);
                break;
            }
            case Activation::tanh: {
                const double t = std::tanh(zk);
                derivative = 1 - t * t;
                break;
            }
        }
        dz(k) = derivative * da(k);
    }
    return dz;
}

}  // namespace cnnlab::exercises::ch03
