// Chapter 3's claims for `cnnlab verify`: the gradients of convolution of nndl §5.1.4 / §5.3 (note
// 003), each measured against an oracle that does not share its code — central finite differences
// (gradient_check.hpp), Chapter 1's xcorr2d with rot180 and wide padding, the explicit conv matrix,
// or the naive reference.
//
// Errors are relative, in GradientCheck's one measure max|a − b| / (max|a| + max|b|), so a finite
// difference check and a formula-vs-code comparison read on the same scale.
#include "chapters/ch00_foundation/verify.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/activation_backward.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "chapters/ch03_gradients/gradient_check.hpp"
#include "reference/convolution.hpp"
#include "reference/gradients.hpp"
#include "reference/layers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace cnnlab::verify {
namespace {

using arma::mat;
using arma::vec;
using Tensor = Tensor4<double>;

/// Finite differences of a double-precision gradient: GUIDE §6's bound (they measure ~1e-11 here).
constexpr double finite_difference_tolerance = 1e-7;
/// Two exact computations of the same sum in a different order.
constexpr double rounding_tolerance = 1e-12;

/// Uniform(−1, 1) values from a seeded engine, so every run measures the same numbers.
mat random_mat(std::size_t rows, std::size_t cols, std::mt19937& rng) {
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    mat m(rows, cols);
    m.imbue([&] { return uniform(rng); });
    return m;
}

Tensor random_tensor(Shape4 shape, std::mt19937& rng) {
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    Tensor t(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = uniform(rng);
    return t;
}

std::span<double> values(mat& m) { return {m.memptr(), m.n_elem}; }
std::span<double> values(vec& v) { return {v.memptr(), v.n_elem}; }
std::span<double> values(Tensor& t) { return {t.data(), t.size()}; }
std::span<const double> values(const mat& m) { return {m.memptr(), m.n_elem}; }
std::span<const double> values(const vec& v) { return {v.memptr(), v.n_elem}; }
std::span<const double> values(const Tensor& t) { return {t.data(), t.size()}; }

using cnnlab::relative_difference;  // the sequences form, gradient_check.hpp
double relative_difference(const mat& a, const mat& b) {
    return arma::size(a) == arma::size(b) ? relative_difference(values(a), values(b)) : INFINITY;
}
double relative_difference(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() ? relative_difference(values(a), values(b)) : INFINITY;
}

/// Relative error of `analytic` against the central differences of `f` over `parameters`.
template <class F>
double gradient_error(F&& f, std::span<double> parameters, std::span<const double> analytic) {
    return check_gradient(f, parameters, analytic).relative_error;
}

double inner(const mat& a, const mat& b) { return arma::accu(a % b); }
double inner(const Tensor& a, const Tensor& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += a.data()[i] * b.data()[i];
    return sum;
}


/// The output shape of a layer, resolved by Chapter 2's one geometry function.
Shape4 output_shape(const Shape4& x, const Shape4& w, const Conv2dOptions& options = {}) {
    return resolve_conv2d_layer("verify ch03", x, w, 0, options).output;
}

/// nndl's wide cross-correlation A ⊗̃ B (A slides over B with K−1 zeros on every side), by Chapter 1's xcorr2d.
mat wide(const mat& kernel, const mat& input) { return xcorr2d(input, kernel, {.padding = Mode::full}); }

/// Single-plane shapes (input rows, cols, kernel rows, cols): even, odd, non-square and 1-wide kernels.
struct PlaneShape {
    std::size_t rows, cols, kernel_rows, kernel_cols;
};
constexpr PlaneShape plane_shapes[] = {{6, 7, 3, 2}, {5, 5, 2, 2}, {8, 6, 4, 3}, {4, 9, 1, 3}};

void add_single_channel_claims(Registry& r) {
    r.add({"ch03.dW-is-delta-xcorr-X", 3, R"(\frac{\partial f(Y)}{\partial W}=\frac{\partial f(Y)}{\partial Y}\otimes X,\quad Y=W\otimes X)",
           "nndl §5.1.4; 003 §5.1.4(2) 导数", [] {
               // f = ⟨δ, W ⊗ X⟩ has ∂f/∂Y = δ; the formula slides δ over X as the kernel.
               std::mt19937 rng(301);
               double fd = 0, code = 0;
               for (const PlaneShape& s : plane_shapes) {
                   const mat x = random_mat(s.rows, s.cols, rng);
                   mat w = random_mat(s.kernel_rows, s.kernel_cols, rng);
                   const mat delta = random_mat(s.rows - s.kernel_rows + 1, s.cols - s.kernel_cols + 1, rng);
                   const mat formula = xcorr2d(x, delta);
                   fd = std::max(fd, gradient_error([&] { return inner(delta, ref::xcorr2d(x, w)); }, values(w), values(formula)));
                   code = std::max(code, relative_difference(formula, xcorr2d_backward_weight(x, delta, s.kernel_rows, s.kernel_cols)));
               }
               return Measurement{std::max(fd, code), finite_difference_tolerance,
                                  str("xcorr2d(X, δ) vs central differences of f = ⟨δ, W⊗X⟩: ", sci(fd),
                                      "; vs xcorr2d_backward_weight: ", sci(code), " (4 shapes, relative)")};
           }});
    r.add({"ch03.dX-is-rot180-wide", 3,
           R"(\frac{\partial f(Y)}{\partial X}=\mathrm{rot180}(W)\,\tilde{\otimes}\,\frac{\partial f(Y)}{\partial Y}=\mathrm{rot180}\Big(\frac{\partial f(Y)}{\partial Y}\Big)\tilde{\otimes}\,W\quad(\tilde{\otimes}:\ \text{宽卷积}))",
           "nndl §5.1.4; 003 §5.1.4(2) 导数", [] {
               // The note writes both forms; the second is the first by the commutativity of the wide
               // convolution (§5.1.4(1)), so both are measured.
               std::mt19937 rng(302);
               double fd = 0, code = 0, second_form = 0;
               for (const PlaneShape& s : plane_shapes) {
                   mat x = random_mat(s.rows, s.cols, rng);
                   const mat w = random_mat(s.kernel_rows, s.kernel_cols, rng);
                   const mat delta = random_mat(s.rows - s.kernel_rows + 1, s.cols - s.kernel_cols + 1, rng);
                   const mat formula = wide(rot180(w), delta);
                   fd = std::max(fd, gradient_error([&] { return inner(delta, ref::xcorr2d(x, w)); }, values(x), values(formula)));
                   code = std::max(code, relative_difference(formula, xcorr2d_backward_input(w, delta, s.rows, s.cols)));
                   second_form = std::max(second_form, relative_difference(formula, wide(rot180(delta), w)));
               }
               return Measurement{std::max({fd, code, second_form}), finite_difference_tolerance,
                                  str("xcorr2d(δ, rot180(W), full) vs central differences: ", sci(fd),
                                      "; vs xcorr2d_backward_input: ", sci(code), "; vs rot180(δ) ⊗̃ W: ", sci(second_form),
                                      " (4 shapes, relative)")};
           }});
}

void add_layer_claims(Registry& r) {
    r.add({"ch03.layer-dW", 3, R"(\frac{\partial\mathcal{L}}{\partial W^{(l,p,d)}}=\delta^{(l,p)}\otimes X^{(l-1,d)})",
           "nndl §5.3; 003 §5.3 参数学习", [] {
               std::mt19937 rng(303);
               const Tensor x = random_tensor({1, 3, 6, 7}, rng);
               Tensor w = random_tensor({2, 3, 3, 2}, rng);
               const Tensor delta = random_tensor(output_shape(x.shape(), w.shape()), rng);
               Tensor formula(w.shape());
               for (std::size_t p = 0; p < 2; ++p)
                   for (std::size_t d = 0; d < 3; ++d) formula.plane(p, d) = xcorr2d(mat(x.plane(0, d)), mat(delta.plane(0, p)));
               const double fd = gradient_error([&] { return inner(delta, ref::conv2d_layer(x, w)); }, values(w), values(formula));
               const double code = relative_difference(formula, conv2d_layer_backward_weight(x, delta, w.shape()));
               return Measurement{std::max(fd, code), finite_difference_tolerance,
                                  str("D=3 → P=2, 3×2 kernels on 6×7: per-plane xcorr2d(X^d, δ^p) vs central differences of ⟨δ, Z⟩: ",
                                      sci(fd), "; vs conv2d_layer_backward_weight: ", sci(code))};
           }});
    r.add({"ch03.layer-dX", 3,
           R"(\frac{\partial\mathcal{L}}{\partial X^{(l-1,d)}}=\sum_{p=1}^{P}\mathrm{rot180}\big(W^{(l,p,d)}\big)\,\tilde{\otimes}\,\delta^{(l,p)})",
           "nndl §5.3.1 (the sum before f′); 003 §5.1.4(2) per channel pair", [] {
               std::mt19937 rng(304);
               Tensor x = random_tensor({1, 3, 6, 7}, rng);
               const Tensor w = random_tensor({2, 3, 3, 2}, rng);
               const Tensor delta = random_tensor(output_shape(x.shape(), w.shape()), rng);
               Tensor formula(x.shape());
               for (std::size_t d = 0; d < 3; ++d) {
                   mat sum(6, 7, arma::fill::zeros);
                   for (std::size_t p = 0; p < 2; ++p) sum += wide(rot180(mat(w.plane(p, d))), mat(delta.plane(0, p)));
                   formula.plane(0, d) = sum;
               }
               const double fd = gradient_error([&] { return inner(delta, ref::conv2d_layer(x, w)); }, values(x), values(formula));
               const double code = relative_difference(formula, conv2d_layer_backward_input(w, delta, x.shape()));
               return Measurement{std::max(fd, code), finite_difference_tolerance,
                                  str("D=3 → P=2: Σ_p xcorr2d(δ^p, rot180(W^{p,d}), full) vs central differences: ", sci(fd),
                                      "; vs conv2d_layer_backward_input: ", sci(code))};
           }});
    r.add({"ch03.dB-is-sum-of-delta", 3, R"(\frac{\partial\mathcal{L}}{\partial b^{(l,p)}}=\sum_{n}\sum_{i,j}\big[\delta^{(l,p)}_{n}\big]_{i,j})",
           "nndl §5.3; 003 §5.3 参数学习 (summed over the batch)", [] {
               std::mt19937 rng(305);
               const Conv2dOptions options{.padding = Sides2::symmetric(1, 1), .stride = {2, 2}};
               const Tensor x = random_tensor({3, 2, 6, 5}, rng), w = random_tensor({4, 2, 3, 2}, rng);
               vec b = random_mat(4, 1, rng);
               const Tensor delta = random_tensor(output_shape(x.shape(), w.shape(), options), rng);
               vec formula(4, arma::fill::zeros);
               for (std::size_t n = 0; n < 3; ++n)
                   for (std::size_t p = 0; p < 4; ++p) formula(p) += arma::accu(delta.plane(n, p));
               const double fd = gradient_error([&] { return inner(delta, ref::conv2d_layer(x, w, b, options)); }, values(b), values(formula));
               const vec code_db = conv2d_layer_backward_bias(delta);
               const double code = relative_difference(values(formula), values(code_db));
               return Measurement{std::max(fd, code), finite_difference_tolerance,
                                  str("batch 3, P=4, stride 2, padding 1: plane sums of δ vs central differences over b: ", sci(fd),
                                      "; vs conv2d_layer_backward_bias: ", sci(code))};
           }});
    r.add({"ch03.stride-dilation-swap", 3,
           R"(\frac{\partial f}{\partial w_{uv}}=\sum_{i,j}\delta_{ij}\,x_{is_h+ud_h-p_t,\;js_w+vd_w-p_l}=\Big[\delta\otimes_{\,p,\ \text{stride }d,\ \text{dilation }s}X\Big]_{u\lt U,\,v\lt V})",
           "nndl §5.3 generalised (stride 步长, dilation 空洞); 003 §5.1.4(2)", [] {
               // δ is the kernel: dilated by the forward's stride, stepped by the forward's dilation,
               // over X padded as in the forward; floor division can leave outputs past U×V: cropped.
               struct Case {
                   PlaneShape shape;
                   Options2d options;
               };
               const Case cases[] = {
                   {{9, 10, 3, 2}, {.padding = Sides2{{1, 0}, {0, 2}}, .stride = {2, 3}, .dilation = {1, 2}}},
                   {{8, 8, 2, 2}, {.padding = Mode::same, .stride = {2, 2}, .dilation = {2, 2}}},
                   {{7, 9, 3, 3}, {.padding = Mode::valid, .stride = {3, 1}, .dilation = {2, 1}}},
                   {{10, 7, 2, 3}, {.padding = Sides2::symmetric(2, 1), .stride = {1, 2}, .dilation = {3, 1}}},
               };
               std::mt19937 rng(306);
               double fd = 0, reference = 0, code = 0;
               for (const Case& c : cases) {
                   const PlaneShape& s = c.shape;
                   const Geometry2d g = resolve_geometry("verify ch03", s.rows, s.cols, s.kernel_rows, s.kernel_cols, c.options);
                   const mat x = random_mat(s.rows, s.cols, rng);
                   mat w = random_mat(s.kernel_rows, s.kernel_cols, rng);
                   const mat delta = random_mat(g.rows.output, g.cols.output, rng);
                   const mat swapped = xcorr2d(x, delta,
                                               {.padding = Sides2{g.rows.pad, g.cols.pad},
                                                .stride = {g.rows.dilation, g.cols.dilation},
                                                .dilation = {g.rows.stride, g.cols.stride}});
                   const mat formula = swapped.submat(0, 0, s.kernel_rows - 1, s.kernel_cols - 1);
                   fd = std::max(fd, gradient_error([&] { return inner(delta, ref::xcorr2d(x, w, c.options)); }, values(w), values(formula)));
                   const std::size_t u = s.kernel_rows, v = s.kernel_cols;
                   reference = std::max(reference, relative_difference(formula, ref::xcorr2d_backward_weight(x, delta, u, v, c.options)));
                   code = std::max(code, relative_difference(formula, xcorr2d_backward_weight(x, delta, u, v, c.options)));
               }
               return Measurement{std::max({fd, reference, code}), finite_difference_tolerance,
                                  str("xcorr2d(X, δ, {p, stride d, dilation s}) cropped to U×V, 4 geometries (s, d up to 3): vs central "
                                      "differences ", sci(fd), "; vs ref::xcorr2d_backward_weight ", sci(reference),
                                      "; vs xcorr2d_backward_weight ", sci(code))};
           }});
    r.add({"ch03.backward-is-transpose", 3,
           R"(z^{(l+1)}=C\,z^{(l)}\ \Rightarrow\ \delta^{(l)}=C^{\top}\delta^{(l+1)}:\quad\langle Cx,\delta\rangle=\langle x,C^{\top}\delta\rangle,\ \ C^{\top}\delta=\frac{\partial f}{\partial X})",
           "nndl ex 5-7; 003 ex 5-7", [] {
               // C from conv_matrix2d (row-by-row vectorisation, ex 5-5); Cᵀδ is compared with the
               // backward input of xcorr2d, and C x with the forward.
               struct Case {
                   PlaneShape shape;
                   Options2d options;
               };
               const Case cases[] = {
                   {{5, 6, 2, 3}, {}},
                   {{7, 8, 3, 3}, {.padding = Sides2{{1, 0}, {2, 1}}, .stride = {2, 2}}},
                   {{6, 6, 2, 2}, {.padding = Sides2::symmetric(1, 1), .stride = {2, 2}, .dilation = {2, 2}}},
               };
               std::mt19937 rng(307);
               double forward = 0, backward = 0, adjoint = 0;
               for (const Case& c : cases) {
                   const PlaneShape& s = c.shape;
                   const mat x = random_mat(s.rows, s.cols, rng), w = random_mat(s.kernel_rows, s.kernel_cols, rng);
                   const mat y = xcorr2d(x, w, c.options);
                   const mat delta = random_mat(y.n_rows, y.n_cols, rng);
                   const arma::sp_mat matrix = conv_matrix2d(w, s.rows, s.cols, c.options);
                   const vec cx = matrix * vec_rows(x), ct_delta = matrix.t() * vec_rows(delta);
                   const vec dx = vec_rows(xcorr2d_backward_input(w, delta, s.rows, s.cols, c.options));
                   forward = std::max(forward, relative_difference(values(cx), values(vec(vec_rows(y)))));
                   backward = std::max(backward, relative_difference(values(ct_delta), values(dx)));
                   const double left = arma::dot(cx, vec_rows(delta)), right = arma::dot(vec_rows(x), dx);
                   adjoint = std::max(adjoint, std::abs(left - right) / std::max(gradient_check_tiny, std::abs(left) + std::abs(right)));
               }
               return Measurement{std::max({forward, backward, adjoint}), rounding_tolerance,
                                  str("valid, stride 2 padded, stride 2 dilated: C·vec(X) vs xcorr2d ", sci(forward),
                                      "; Cᵀ·vec(δ) vs xcorr2d_backward_input ", sci(backward), "; ⟨Cx,δ⟩ vs ⟨x,Cᵀδ⟩ ",
                                      sci(adjoint), " (relative)")};
           }});
    r.add({"ch03.conv-kernel-gradient-rotated", 3,
           R"(Y=W*X=\mathrm{rot180}(W)\otimes X:\ \ \frac{\partial f}{\partial W}=\mathrm{rot180}\Big(\frac{\partial f}{\partial Y}\otimes X\Big),\ \ \frac{\partial f}{\partial X}=W\,\tilde{\otimes}\,\frac{\partial f}{\partial Y})",
           "nndl §5.1.2, §5.1.4; 003 §5.1.2 互相关, §5.1.4(2)", [] {
               std::mt19937 rng(308);
               double fd = 0, code = 0, unrotated = 0;
               for (const PlaneShape& s : plane_shapes) {
                   mat x = random_mat(s.rows, s.cols, rng), w = random_mat(s.kernel_rows, s.kernel_cols, rng);
                   const mat delta = random_mat(s.rows - s.kernel_rows + 1, s.cols - s.kernel_cols + 1, rng);
                   const mat dw = rot180(xcorr2d(x, delta)), dx = wide(w, delta);
                   auto f = [&] { return inner(delta, ref::conv2d(x, w)); };
                   fd = std::max({fd, gradient_error(f, values(w), values(dw)), gradient_error(f, values(x), values(dx))});
                   code = std::max({code, relative_difference(dw, conv2d_backward_weight(x, delta, s.kernel_rows, s.kernel_cols)),
                                    relative_difference(dx, conv2d_backward_input(w, delta, s.rows, s.cols))});
                   // The cross-correlation's formula, unrotated: wrong for conv2d unless W is symmetric.
                   if (s.kernel_rows * s.kernel_cols > 1)
                       unrotated = std::max(unrotated, gradient_error(f, values(w), values(mat(xcorr2d(x, delta)))));
               }
               return Measurement{std::max(fd, code), finite_difference_tolerance,
                                  str("conv2d, 4 shapes: rot180(xcorr2d(X, δ)) and xcorr2d(δ, W, full) vs central differences ",
                                      sci(fd), "; vs conv2d_backward_weight/_input ", sci(code),
                                      "; the unrotated δ ⊗ X would be off by ", sci(unrotated))};
           }});
}

void add_activation_claims(Registry& r) {
    r.add({"ch03.activation-derivatives", 3,
           R"(\mathrm{ReLU}'(z)=[z\gt 0],\ \ \mathrm{LeakyReLU}'(z)=\begin{cases}1&z\gt 0\\\gamma&z\lt 0\end{cases},\ \ \sigma'=\sigma(1-\sigma),\ \ \tanh'=1-\tanh^2)",
           "nndl §4.1; 003 §5.3.1 (f′_l); 000 §2 激活层", [] {
               // Points |z| ≥ 0.1, so no central difference straddles ReLU's kink; f from the scalar
               // definitions of reference/layers.hpp, f′ from cnnlab's activation_backward.
               std::mt19937 rng(309);
               std::uniform_real_distribution<double> magnitude(0.1, 3.0);
               std::bernoulli_distribution negative(0.5);
               Tensor z({1, 2, 5, 6});
               for (std::size_t i = 0; i < z.size(); ++i) z.data()[i] = negative(rng) ? -magnitude(rng) : magnitude(rng);
               const Tensor da = random_tensor(z.shape(), rng);
               const double slope = 0.1;
               auto forward = [slope](Activation a, double v) {
                   switch (a) {
                       case Activation::relu: return ref::relu(v);
                       case Activation::leaky_relu: return ref::leaky_relu(v, slope);
                       case Activation::sigmoid: return ref::sigmoid(v);
                       case Activation::tanh: return ref::tanh_formula(v);
                       case Activation::identity: return v;
                   }
                   return v;
               };
               double worst = 0;
               std::string each;
               for (Activation a : {Activation::relu, Activation::leaky_relu, Activation::sigmoid, Activation::tanh}) {
                   const Tensor dz = activation_backward(z, da, a, slope);
                   const double e = gradient_error(
                       [&] {
                           double sum = 0;
                           for (std::size_t i = 0; i < z.size(); ++i) sum += da.data()[i] * forward(a, z.data()[i]);
                           return sum;
                       },
                       values(z), values(dz));
                   worst = std::max(worst, e);
                   each += str(each.empty() ? "" : ", ", activation_name(a), " ", sci(e));
               }
               return Measurement{worst, finite_difference_tolerance,
                                  "activation_backward vs central differences of ⟨dA, f(Z)⟩, 60 points |z| in [0.1, 3], γ = 0.1: " + each};
           }});
}

/// A two-layer net around the δ recursion: Z^(l−1) = conv(X, W1) + b1 (D channels), X^(l−1) =
/// tanh(Z^(l−1)), Z^(l) = conv(X^(l−1), W2) + b2 (P channels) with the given padding,
/// L = ½‖Z^(l) − T‖², so δ^(l) = Z^(l) − T.
struct TwoLayerNet {
    Tensor z_prev;              ///< Z^(l−1), the point where ∂L/∂Z^(l−1) is taken
    Tensor w2;                  ///< W^(l), P × D × 3 × 3
    vec b2;                     ///< b^(l)
    Tensor target;              ///< T
    Conv2dOptions options;      ///< layer l's geometry (stride 1)

    TwoLayerNet(std::size_t d, std::size_t p, Padding2d padding, std::mt19937& rng) {
        options.padding = padding;
        const Tensor x = random_tensor({1, 2, 7, 7}, rng), w1 = random_tensor({d, 2, 3, 3}, rng);
        z_prev = ref::conv2d_layer(x, w1, vec(random_mat(d, 1, rng)));
        w2 = random_tensor({p, d, 3, 3}, rng);
        b2 = random_mat(p, 1, rng);
        target = random_tensor(output_shape(z_prev.shape(), w2.shape(), options), rng);
    }
    Tensor z_next() const {
        Tensor a = z_prev;
        apply_activation(a, Activation::tanh);
        return ref::conv2d_layer(a, w2, b2, options);
    }
    double loss() const {
        const Tensor z = z_next();
        double sum = 0;
        for (std::size_t i = 0; i < z.size(); ++i) sum += 0.5 * std::pow(z.data()[i] - target.data()[i], 2);
        return sum;
    }
    Tensor delta_next() const {
        Tensor delta = z_next();
        for (std::size_t i = 0; i < delta.size(); ++i) delta.data()[i] -= target.data()[i];
        return delta;
    }
    /// nndl's δ^(l−1,d) = f′(Z^(l−1,d)) ⊙ Σ_p rot180(W^(l,p,d)) ⊗̃ δ^(l,p), the wide result cropped
    /// by layer l's padding (none for a valid layer).
    Tensor delta_prev_right() const {
        const Tensor delta = delta_next();
        const Sides2 pad = std::get<Sides2>(options.padding);
        const Shape4& shape = z_prev.shape();
        Tensor sum(shape);
        for (std::size_t d = 0; d < shape.c; ++d) {
            mat wide_sum;
            for (std::size_t p = 0; p < w2.shape().n; ++p) {
                const mat term = wide(rot180(mat(w2.plane(p, d))), mat(delta.plane(0, p)));
                wide_sum = wide_sum.is_empty() ? term : mat(wide_sum + term);
            }
            sum.plane(0, d) = wide_sum.submat(pad.rows.before, pad.cols.before, pad.rows.before + shape.h - 1, pad.cols.before + shape.w - 1);
        }
        return activation_backward(z_prev, sum, Activation::tanh);
    }
    /// The note's δ^(l,p) = f′(Z^(l,p)) ⊙ up(δ^(l+1,p)), where it can be evaluated at all: a layer
    /// that keeps the size and the channel count, so up() has factor 1 (the identity) and p names
    /// a channel on both sides.
    Tensor delta_prev_note() const { return activation_backward(z_prev, delta_next(), Activation::tanh); }
};

void add_backpropagation_claims(Registry& r) {
    r.add({"ch03.delta-recursion", 3,
           R"(\delta^{(l-1,d)}=f'_{l-1}\big(Z^{(l-1,d)}\big)\odot\sum_{p=1}^{P}\mathrm{rot180}\big(W^{(l,p,d)}\big)\,\tilde{\otimes}\,\delta^{(l,p)})",
           "003 §5.3.1 卷积层; nndl (5.39), as 003 ex 5-7 cites it", [] {
               std::mt19937 rng(310);
               // A valid layer l (D = 2 → P = 3) for the formula exactly as written, and a same-size
               // layer (D = P = 2, padding 1) where the note's up() formula can be evaluated.
               TwoLayerNet valid(2, 3, Sides2{}, rng), same(2, 2, Sides2::symmetric(1, 1), rng);
               double right = 0;
               for (TwoLayerNet* net : {&valid, &same})
                   right = std::max(right, gradient_error([net] { return net->loss(); }, values(net->z_prev), values(net->delta_prev_right())));
               Measurement m{right, finite_difference_tolerance,
                             str("two conv layers with tanh, L = ½‖Z^(l) − T‖²: the recursion vs central differences of L over "
                                 "Z^(l−1): ", sci(right), " (valid D=2→P=3, and same D=P=2 cropped by the padding); the note's "
                                 "f′ ⊙ up(δ) on the same-size net (up = identity there): off by ")};
               m.note_error = gradient_error([&] { return same.loss(); }, values(same.z_prev), values(same.delta_prev_note()));
               m.detail += sci(*m.note_error);
               return m;
           },
           Erratum{"003 §5.3.1 (卷积层)",
                   "δ^(l,p) = f′_l(Z^(l,p)) ⊙ up(δ^(l+1,p)) — the 汇聚层 (pooling) formula above it, copied: up-sampling, "
                   "no W^(l+1), no sum over the channels",
                   "δ^(l,d) = f′_l(Z^(l,d)) ⊙ Σ_p rot180(W^(l+1,p,d)) ⊗̃ δ^(l+1,p)"}});
    r.add({"ch03.resnet-shortcut", 3,
           R"(h(x)=x+F(x)\ \Rightarrow\ \frac{\partial\mathcal{L}}{\partial x}=\delta+\Big(\frac{\partial F}{\partial x}\Big)^{\!\top}\delta,\quad\delta=\frac{\partial\mathcal{L}}{\partial h})",
           "003 §5.4 残差网络 (直连边 shortcut connection)", [] {
               // F is a same-size conv layer (C → C channels) so that x + F(x) is defined.
               std::mt19937 rng(311);
               const Conv2dOptions options{.padding = Mode::same};
               Tensor x = random_tensor({1, 3, 6, 6}, rng);
               const Tensor w = random_tensor({3, 3, 3, 3}, rng), delta = random_tensor(x.shape(), rng);
               const vec b = random_mat(3, 1, rng);
               auto residual = [&] { return inner(delta, ref::conv2d_layer(x, w, b, options)); };
               auto block = [&] { return inner(delta, x) + residual(); };
               const Tensor through_f = conv2d_layer_backward_input(w, delta, x.shape(), options);
               Tensor formula = through_f;
               for (std::size_t i = 0; i < formula.size(); ++i) formula.data()[i] += delta.data()[i];
               const double fd = gradient_error(block, values(x), values(formula));
               // The shortcut's own share: ∂L/∂x − ∂⟨δ,F⟩/∂x by finite differences, against δ.
               const std::vector<double> whole = numeric_gradient(block, values(x)), branch = numeric_gradient(residual, values(x));
               std::vector<double> shortcut(whole.size());
               for (std::size_t i = 0; i < whole.size(); ++i) shortcut[i] = whole[i] - branch[i];
               const double passes = relative_difference(std::span<const double>(shortcut), values(delta));
               const double without = gradient_error(block, values(x), values(through_f));
               return Measurement{std::max(fd, passes), finite_difference_tolerance,
                                  str("3-channel 3×3 same conv as F: δ + conv2d_layer_backward_input vs central differences ", sci(fd),
                                      "; shortcut's share (FD of h minus FD of F) vs δ ", sci(passes),
                                      "; without the shortcut's δ the gradient would be off by ", sci(without))};
           }});
}

void add_optimized_claim(Registry& r) {
    r.add({"ch03.optimized-equals-reference", 3,
           R"(\frac{\partial f}{\partial\{X,W,b\}}\Big|_{\text{gemm+col2im, rotated forward}}=\frac{\partial f}{\partial\{X,W,b\}}\Big|_{\texttt{ref::}})",
           "GUIDE §5 (each operation written twice)", [] {
               struct Case {
                   Shape4 input, weight;
                   Conv2dOptions options;
               };
               const Case cases[] = {
                   {{2, 3, 7, 6}, {4, 3, 3, 3}, {.padding = Mode::same}},
                   {{2, 4, 9, 8}, {6, 2, 3, 2}, {.padding = Sides2{{1, 1}, {0, 1}}, .stride = {2, 2}, .groups = 2}},
                   {{1, 3, 8, 9}, {2, 3, 2, 3}, {.padding = Sides2::symmetric(1, 1), .dilation = {2, 2}}},
                   {{2, 4, 6, 6}, {4, 1, 3, 3}, {.padding = Mode::same, .groups = 4}},
                   {{2, 5, 4, 5}, {3, 5, 1, 1}, {}},
                   {{1, 2, 9, 7}, {3, 2, 4, 3}, {.padding = Mode::valid, .stride = {3, 2}, .dilation = {1, 2}}},
               };
               std::mt19937 rng(312);
               double worst = 0;
               int comparisons = 0, rotated = 0;
               for (const Case& c : cases) {
                   const LayerGeometry g = resolve_conv2d_layer("verify ch03", c.input, c.weight, 0, c.options);
                   const Tensor x = random_tensor(c.input, rng), w = random_tensor(c.weight, rng), dy = random_tensor(g.output, rng);
                   const Tensor dx_ref = ref::conv2d_layer_backward_input(w, dy, c.input, c.options);
                   std::vector<BackwardInputAlgorithm> paths{BackwardInputAlgorithm::automatic, BackwardInputAlgorithm::gemm_col2im};
                   if (rotated_forward_of(g).applies) {
                       paths.push_back(BackwardInputAlgorithm::rotated_forward);
                       ++rotated;
                   }
                   for (BackwardInputAlgorithm path : paths) {
                       worst = std::max(worst, relative_difference(conv2d_layer_backward_input(w, dy, c.input, c.options, path), dx_ref));
                       ++comparisons;
                   }
                   worst = std::max(worst, relative_difference(conv2d_layer_backward_weight(x, dy, c.weight, c.options),
                                                               ref::conv2d_layer_backward_weight(x, dy, c.weight, c.options)));
                   const vec db = conv2d_layer_backward_bias(dy), db_ref = ref::conv2d_layer_backward_bias(dy);
                   worst = std::max(worst, relative_difference(values(db), values(db_ref)));
                   comparisons += 2;
               }
               return Measurement{worst, rounding_tolerance,
                                  str(comparisons, " comparisons on 6 layers (stride, padding, dilation, groups, depthwise, 1×1; "
                                      "rotated_forward on the ", rotated, " stride-1 ones): max relative difference")};
           }});
}

}  // namespace

void register_ch03_claims(Registry& registry) {
    add_single_channel_claims(registry);
    add_layer_claims(registry);
    add_activation_claims(registry);
    add_backpropagation_claims(registry);
    add_optimized_claim(registry);
}

}  // namespace cnnlab::verify
