/// \file
/// \brief Chapter 3: the gradient checker — central finite differences in double, compared with an
/// analytic gradient by one relative error.
///
/// Usage: give the parameters as a buffer the function reads (a `std::vector<double>`, an
/// `arma::vec`, a `Tensor4<double>`'s storage), and a callable that evaluates the scalar function
/// from that buffer. The checker perturbs the buffer **in place**, one element at a time, and
/// restores every element bit for bit before it returns.
/// \code
/// std::vector<double> x = {0.3, -1.2};
/// auto f = [&] { return x[0] * x[0] * x[1]; };
/// std::vector<double> grad = {2 * x[0] * x[1], x[0] * x[0]};
/// GradientCheck check = check_gradient(f, std::span<double>(x), std::span<const double>(grad));
/// // check.relative_error ~ 1e-11
/// \endcode
#pragma once

#include "chapters/ch00_foundation/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace cnnlab {

/// The outcome of check_gradient: one relative error and where the two gradients differ most.
struct GradientCheck {
    /// \f$\max_i |a_i - b_i| \,/\, \max(\tau,\ \max_i |a_i| + \max_i |b_i|)\f$, see check_gradient.
    double relative_error = 0;
    /// \f$\max_i |a_i - b_i|\f$, the numerator of relative_error.
    double max_abs_difference = 0;
    /// The index \f$i\f$ of the largest \f$|a_i - b_i|\f$ (the first one on ties).
    std::size_t worst_index = 0;
    /// \f$a_i\f$, the analytic gradient at worst_index.
    double analytic = 0;
    /// \f$b_i\f$, the finite-difference gradient at worst_index.
    double numeric = 0;
    /// True when relative_error is at most `tolerance`.
    bool passed(double tolerance) const { return relative_error <= tolerance; }
};

/// The floor \f$\tau\f$ of the relative error's denominator: the smallest normal double, so two
/// gradients that are both exactly zero compare with error 0 instead of 0/0.
inline constexpr double gradient_check_tiny = std::numeric_limits<double>::min();

/// The step of the central difference for a parameter of value \f$x\f$:
/// \f$h = \sqrt[3]{\varepsilon}\,\max(1, |x|)\f$ with \f$\varepsilon = 2^{-52}\f$ (so
/// \f$h \approx 6.1\cdot10^{-6}\f$ for \f$|x| \le 1\f$). The cube root balances the truncation error
/// \f$O(h^2 f''')\f$ against the rounding error \f$O(\varepsilon |f| / h)\f$ of a central difference.
inline double central_difference_step(double x) {
    return std::cbrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::abs(x));
}

/// The numeric gradient of \f$f : \mathbb{R}^n \to \mathbb{R}\f$ by central differences,
/// \f[ b_i = \frac{f(x + h_i e_i) - f(x - h_i e_i)}{(x_i + h_i) - (x_i - h_i)}, \qquad
///     h_i = \sqrt[3]{\varepsilon}\,\max(1, |x_i|). \f]
/// The denominator is the distance between the two points as actually stored (not \f$2h_i\f$), which
/// removes the rounding of \f$x_i \pm h_i\f$ from the quotient.
/// \param f          callable `double()` that evaluates \f$f\f$ reading `parameters`
/// \param parameters the point \f$x\f$; perturbed in place during the call, restored on return
///                   (also when `f` throws)
template <class F>
std::vector<double> numeric_gradient(F&& f, std::span<double> parameters) {
    std::vector<double> gradient(parameters.size());
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        const double saved = parameters[i];
        // Restores x_i even if f throws, so the caller's buffer is never left perturbed.
        struct Restore {
            double& slot;
            double value;
            ~Restore() { slot = value; }
        } restore{parameters[i], saved};
        const double h = central_difference_step(saved);
        const double plus = saved + h, minus = saved - h;
        parameters[i] = plus;
        const double f_plus = f();
        parameters[i] = minus;
        const double f_minus = f();
        gradient[i] = (f_plus - f_minus) / (plus - minus);
    }
    return gradient;
}

/// Two gradients of one function held against each other by check_gradient's relative error
/// \f$\max_i |a_i - b_i| / \max(\tau, \max_i |a_i| + \max_i |b_i|)\f$ (a NaN anywhere makes it NaN).
/// \throws shape_error when the lengths differ
inline GradientCheck compare_gradients(std::span<const double> analytic, std::span<const double> numeric) {
    if (analytic.size() != numeric.size())
        throw shape_error(cnnlab::str("compare_gradients: ", analytic.size(), " analytic values but ", numeric.size(),
                                      " numeric ones; they must be equally long"));
    GradientCheck result;
    double max_analytic = 0, max_numeric = 0;
    for (std::size_t i = 0; i < numeric.size(); ++i) {
        const double difference = std::abs(analytic[i] - numeric[i]);
        // A NaN (f or the analytic gradient broken) becomes the worst element and stays it.
        const bool worse = difference > result.max_abs_difference ||
                           (std::isnan(difference) && !std::isnan(result.max_abs_difference));
        if (i == 0 || worse) {
            result.max_abs_difference = difference;
            result.worst_index = i;
        }
        max_analytic = std::max(max_analytic, std::abs(analytic[i]));
        max_numeric = std::max(max_numeric, std::abs(numeric[i]));
    }
    if (!numeric.empty()) {
        result.analytic = analytic[result.worst_index];
        result.numeric = numeric[result.worst_index];
    }
    result.relative_error = result.max_abs_difference / std::max(gradient_check_tiny, max_analytic + max_numeric);
    return result;
}

/// compare_gradients' relative error of any two equally long sequences, +∞ when the lengths
/// differ (the measure the claims of Chapters 3 and 4 report).
inline double relative_difference(std::span<const double> a, std::span<const double> b) {
    return a.size() == b.size() ? compare_gradients(a, b).relative_error : std::numeric_limits<double>::infinity();
}

/// Compares an analytic gradient \f$a\f$ with the central-difference gradient \f$b\f$ of
/// numeric_gradient by the relative error
/// \f[ e = \frac{\max_i |a_i - b_i|}{\max\left(\tau,\ \max_i |a_i| + \max_i |b_i|\right)},
///     \f]
/// where \f$\tau\f$ is gradient_check_tiny (the smallest normal double).
/// Both maxima run over the whole gradient, so a component that is zero in both gradients counts as
/// agreement, and \f$e \le 1\f$ always (\f$e\f$ near 1 means unrelated gradients, e.g. a sign flip).
/// For a function linear in the parameters (such as \f$\langle \delta, \mathrm{conv}(x)\rangle\f$)
/// the truncation error vanishes and \f$e\f$ is the rounding error, around \f$10^{-11}\f$.
/// \param f          callable `double()` that evaluates \f$f\f$ reading `parameters`
/// \param parameters the point \f$x\f$; perturbed in place during the call, restored on return
/// \param analytic   the gradient to check, \f$a_i = \partial f / \partial x_i\f$
/// \throws shape_error when `analytic` and `parameters` differ in length
template <class F>
GradientCheck check_gradient(F&& f, std::span<double> parameters, std::span<const double> analytic) {
    if (analytic.size() != parameters.size())
        throw shape_error(cnnlab::str("check_gradient: the analytic gradient has ", analytic.size(),
                                      " elements but there are ", parameters.size(),
                                      " parameters; it must have one element per parameter"));
    const std::vector<double> numeric = numeric_gradient(f, parameters);
    return compare_gradients(analytic, numeric);
}

}  // namespace cnnlab
