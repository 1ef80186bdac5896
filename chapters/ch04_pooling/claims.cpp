// Chapter 4's claims for `cnnlab verify`: pooling 汇聚/池化 as nndl §5.2.3 / §5.3.1 (note 003), note
// 000 §3–§4, d2l's pooling section (note 001) and note 002 §三 state it, each measured against an
// oracle that does not share its code — the books' literal examples, central finite differences
// (gradient_check.hpp), Chapter 2's convolution layer, Kronecker products, a counting of windows,
// or the naive reference.
//
// Gradient errors are relative, in GradientCheck's measure max|a − b| / (max|a| + max|b|), as in
// Chapter 3. Inputs of max pooling's gradient checks are tie-free: distinct values at least 2/n
// apart, far more than the central difference's step (≈ 6e-6), so no difference quotient crosses
// a change of the arg-max.
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/image_io.hpp"
#include "chapters/ch00_foundation/verify.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch02_layers/arithmetic.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/activation_backward.hpp"
#include "chapters/ch03_gradients/gradient_check.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "reference/pooling.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace cnnlab::verify {
namespace {

using arma::mat;
using Tensor = Tensor4<double>;

/// Finite differences of a double-precision gradient: GUIDE §6's bound.
constexpr double finite_difference_tolerance = 1e-7;
/// Two computations of the same sums in a different order.
constexpr double rounding_tolerance = 1e-12;

/// Uniform(−1, 1) values from a seeded engine, so every run measures the same numbers.
Tensor random_tensor(Shape4 shape, std::mt19937& rng) {
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    Tensor t(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = uniform(rng);
    return t;
}

/// Distinct values −1 + (2k + 1)/n, k = 0..n−1, in a random order: no window has a tie, and every
/// value is a multiple of 1/n away from the others (exact in binary when n is a power of two).
Tensor tie_free_tensor(Shape4 shape, std::mt19937& rng) {
    Tensor t(shape);
    std::vector<std::size_t> order(t.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    const double n = double(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = -1.0 + (2.0 * double(order[i]) + 1.0) / n;
    return t;
}

Tensor from_rows(Shape4 shape, const std::vector<double>& row_major) { return Tensor::from_row_major(shape, row_major); }

/// 0, 1, …, n−1 in PyTorch's row-major order: `torch.arange(n).view(shape)`.
Tensor arange(Shape4 shape) {
    std::vector<double> values(shape.elements());
    std::iota(values.begin(), values.end(), 0.0);
    return from_rows(shape, values);
}

std::span<double> values(Tensor& t) { return {t.data(), t.size()}; }
std::span<const double> values(const Tensor& t) { return {t.data(), t.size()}; }

/// max |a − b| over two tensors of one shape (infinite when the shapes differ).
template <class T>
double max_abs_diff(const Tensor4<T>& a, const Tensor4<T>& b) {
    if (!(a.shape() == b.shape())) return INFINITY;
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, double(std::abs(a.data()[i] - b.data()[i])));
    return worst;
}

using cnnlab::relative_difference;  // the sequences form, gradient_check.hpp
double relative_difference(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() ? relative_difference(values(a), values(b)) : INFINITY;
}

/// Relative error of `analytic` against the central differences of `f` over `parameters`.
template <class F>
double gradient_error(F&& f, std::span<double> parameters, std::span<const double> analytic) {
    return check_gradient(f, parameters, analytic).relative_error;
}

double inner(const Tensor& a, const Tensor& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += a.data()[i] * b.data()[i];
    return sum;
}

/// The Frobenius norm of a tensor, \f$\|a\|\f$.
double norm(const Tensor& a) { return std::sqrt(inner(a, a)); }

/// max |plane − literal| of plane (n, c) against a matrix written as the book prints it.
template <class T>
double literal_error(const Tensor4<T>& y, std::size_t n, std::size_t c, const mat& expected) {
    if (y.shape().h != expected.n_rows || y.shape().w != expected.n_cols) return INFINITY;
    return arma::abs(arma::conv_to<mat>::from(y.plane_copy(n, c)) - expected).max();
}


/// A square K×K window with stride K (PyTorch's default stride).
Pool2dOptions window(std::size_t k) { return {.kernel = {k, k}}; }

/// Geometries for optimized ≡ reference and for the gradient checks: non-overlapping, overlapping
/// with padding, non-square with dilation and ceil_mode, a cut last window, kernel = input, many channels.
struct PoolCase {
    Shape4 input;
    Pool2dOptions options;
};
const PoolCase max_cases[] = {
    {{2, 3, 8, 8}, {.kernel = {2, 2}}},
    {{2, 3, 9, 7}, {.kernel = {3, 3}, .stride = Step2{2, 2}, .padding = {1, 1}}},
    {{1, 4, 10, 9}, {.kernel = {3, 2}, .stride = Step2{2, 1}, .padding = {1, 1}, .dilation = {2, 1}, .ceil_mode = true}},
    {{3, 2, 7, 7}, {.kernel = {2, 2}, .stride = Step2{2, 2}, .ceil_mode = true}},
    {{1, 2, 6, 6}, {.kernel = {6, 6}}},
    {{2, 32, 6, 5}, {.kernel = {3, 3}, .stride = Step2{1, 1}, .padding = {1, 1}}},
};
const PoolCase avg_cases[] = {
    {{2, 3, 8, 8}, {.kernel = {2, 2}}},
    {{2, 3, 9, 7}, {.kernel = {3, 3}, .stride = Step2{2, 2}, .padding = {1, 1}}},
    {{2, 3, 9, 7}, {.kernel = {3, 3}, .stride = Step2{2, 2}, .padding = {1, 1}, .count_include_pad = false}},
    {{1, 4, 10, 9}, {.kernel = {3, 2}, .stride = Step2{2, 1}, .padding = {1, 1}, .ceil_mode = true}},
    {{3, 2, 7, 7}, {.kernel = {2, 2}, .stride = Step2{2, 2}, .ceil_mode = true, .count_include_pad = false}},
    {{2, 32, 6, 5}, {.kernel = {3, 3}, .stride = Step2{1, 1}, .padding = {1, 1}}},
};

void add_formula_claims(Registry& r) {
    r.add({"ch04.max-pool-formula", 4,
           R"(y_{ij}=\max_{r\in R_{ij}}x_r;\quad\max_{2\times2}\begin{pmatrix}0&1&2\\3&4&5\\6&7&8\end{pmatrix}=\begin{pmatrix}4&5\\7&8\end{pmatrix})",
           "nndl §5.2.3 (最大汇聚), 003 §5.2.3; 001 池化 (d2l pool2d, MaxPool2d)", [] {
               // The books' literal examples, on the reference and on the optimized code.
               const Pool2dOptions d2l{.kernel = {2, 2}, .stride = Step2{1, 1}};  // d2l's pool2d slides by 1
               const Pool2dOptions pad1_stride2{.kernel = {3, 3}, .stride = Step2{2, 2}, .padding = {1, 1}};
               const Pool2dOptions note001{.kernel = {3, 3}, .stride = Step2{2, 1}, .padding = {1, 1}};
               const Tensor x9 = arange({1, 1, 3, 3}), x16 = arange({1, 1, 4, 4}), x32 = arange({1, 2, 4, 4});
               double literal = 0;
               for (bool optimized : {false, true}) {
                   auto pool = [optimized](const Tensor& x, const Pool2dOptions& o) {
                       return optimized ? max_pool2d(x, o) : ref::max_pool2d(x, o);
                   };
                   literal = std::max({literal, literal_error(pool(x9, d2l), 0, 0, {{4, 5}, {7, 8}}),
                                       literal_error(pool(x16, window(3)), 0, 0, mat(1, 1, arma::fill::value(10.0))),
                                       literal_error(pool(x16, pad1_stride2), 0, 0, {{5, 7}, {13, 15}}),
                                       literal_error(pool(x32, note001), 0, 0, {{5, 6, 7, 7}, {13, 14, 15, 15}}),
                                       literal_error(pool(x32, note001), 0, 1, {{21, 22, 23, 23}, {29, 30, 31, 31}})});
               }
               // Optimized ≡ reference (exact: a maximum has no rounding), double and float, and the
               // value at the recorded arg-max is the maximum itself.
               std::mt19937 rng(401);
               double code = 0, at_argmax = 0;
               for (const PoolCase& c : max_cases) {
                   const Tensor x = random_tensor(c.input, rng);
                   const Tensor y = ref::max_pool2d(x, c.options);
                   code = std::max(code, max_abs_diff(max_pool2d(x, c.options), y));
                   const MaxPoolResult<double> with = max_pool2d_with_argmax(x, c.options);
                   code = std::max(code, max_abs_diff(with.y, y));
                   const std::size_t plane_in = c.input.h * c.input.w, plane_out = y.shape().h * y.shape().w;
                   for (std::size_t k = 0; k < y.size(); ++k)
                       if (with.argmax[k] != no_argmax)  // (a window of padding only has none)
                           at_argmax = std::max(at_argmax, std::abs(x.data()[(k / plane_out) * plane_in + with.argmax[k]] - y.data()[k]));
                   Tensor4<float> xf(c.input);
                   for (std::size_t i = 0; i < x.size(); ++i) xf.data()[i] = float(x.data()[i]);
                   code = std::max(code, max_abs_diff(max_pool2d(xf, c.options), ref::max_pool2d(xf, c.options)));
               }
               // Max over time: max_pool1d is max_pool2d with a 1×K window on N×C×1×L.
               const Tensor text = random_tensor({2, 3, 1, 11}, rng);
               const Pool1dOptions over_time{.kernel = 11};
               code = std::max(code, max_abs_diff(max_pool1d(text, over_time), ref::max_pool2d(text, as_pool2d_options(over_time))));
               return Measurement{std::max({literal, code, at_argmax}), 0.0,
                                  str("literals (d2l 2×2 on [[0..8]]; MaxPool2d(3) on arange(16) → [[10]]; padding 1, stride 2 → "
                                      "[[5,7],[13,15]]; note 001's stride (2,1) on arange(32)) on ref and optimized: ",
                                      sci(literal), "; optimized vs ref on 6 geometries, double and float, and 1-D max over time: ",
                                      sci(code), "; x at the recorded arg-max vs y: ", sci(at_argmax))};
           }});
    r.add({"ch04.mean-pool-formula", 4,
           R"(y_{ij}=\frac{1}{|R_{ij}|}\sum_{r\in R_{ij}}x_r;\quad\operatorname{mean}_{2\times2}\begin{pmatrix}0&1&2\\3&4&5\\6&7&8\end{pmatrix}=\begin{pmatrix}2&3\\5&6\end{pmatrix})",
           "nndl §5.2.3 (平均汇聚), 003 §5.2.3; 001 池化 (d2l pool2d mode='avg')", [] {
               const Pool2dOptions d2l{.kernel = {2, 2}, .stride = Step2{1, 1}};
               // Padding: the divisor counts the padded zeros (PyTorch's default) or not.
               const Pool2dOptions with_pad{.kernel = {3, 3}, .stride = Step2{1, 1}, .padding = {1, 1}};
               Pool2dOptions without_pad = with_pad;
               without_pad.count_include_pad = false;
               Tensor ones({1, 1, 3, 3});
               for (std::size_t i = 0; i < ones.size(); ++i) ones.data()[i] = 1;
               const mat counted = mat{{4, 6, 4}, {6, 9, 6}, {4, 6, 4}} / 9.0;
               double literal = 0;
               for (bool optimized : {false, true}) {
                   auto pool = [optimized](const Tensor& x, const Pool2dOptions& o) {
                       return optimized ? avg_pool2d(x, o) : ref::avg_pool2d(x, o);
                   };
                   literal = std::max({literal, literal_error(pool(arange({1, 1, 3, 3}), d2l), 0, 0, {{2, 3}, {5, 6}}),
                                       literal_error(pool(ones, with_pad), 0, 0, counted),
                                       literal_error(pool(ones, without_pad), 0, 0, mat(3, 3, arma::fill::ones))});
               }
               std::mt19937 rng(402);
               double code = 0;
               for (const PoolCase& c : avg_cases) {
                   const Tensor x = random_tensor(c.input, rng);
                   code = std::max(code, relative_difference(avg_pool2d(x, c.options), ref::avg_pool2d(x, c.options)));
               }
               const Tensor text = random_tensor({2, 3, 1, 11}, rng);
               const Pool1dOptions o1{.kernel = 3, .stride = 2, .padding = 1};
               code = std::max(code, relative_difference(avg_pool1d(text, o1), ref::avg_pool2d(text, as_pool2d_options(o1))));
               return Measurement{std::max(literal, code), rounding_tolerance,
                                  str("literals (d2l [[2,3],[5,6]]; 3×3 ones, padding 1: 4/9, 6/9, 1 with count_include_pad, all 1 "
                                      "without) on ref and optimized: ", sci(literal),
                                      "; optimized vs ref on 6 geometries and avg_pool1d (relative): ", sci(code))};
           }});
    r.add({"ch04.global-average", 4,
           R"(\mathrm{GAP}(X)_{n,c}=\frac{1}{HW}\sum_{i,j}x_{n,c,i,j}=\operatorname{mean}_{H\times W}(X)_{n,c}=\operatorname{adaptive}_{1\times1}(X)_{n,c})",
           "001 NiN (全局平均池化层可通过将池化窗口形状设置成输入的高和宽实现)", [] {
               std::mt19937 rng(403);
               const Tensor x = random_tensor({2, 5, 7, 6}, rng);
               const Tensor gap = global_avg_pool2d(x), full_window = avg_pool2d(x, {.kernel = {7, 6}}),
                            adaptive = adaptive_avg_pool2d(x, 1, 1);
               Tensor plane_means({2, 5, 1, 1});
               for (std::size_t n = 0; n < 2; ++n)
                   for (std::size_t c = 0; c < 5; ++c) plane_means(n, c, 0, 0) = arma::mean(arma::vectorise(x.plane(n, c)));
               const double forms = std::max({relative_difference(gap, plane_means), relative_difference(full_window, plane_means),
                                              relative_difference(adaptive, plane_means),
                                              relative_difference(ref::global_avg_pool2d(x), plane_means)});
               // Adaptive windows of other sizes against the reference (PyTorch's start/end rule).
               double code = 0;
               const std::pair<std::size_t, std::size_t> sizes[] = {{3, 2}, {7, 6}, {4, 5}, {2, 1}};
               for (auto [rows, cols] : sizes)
                   code = std::max(code, relative_difference(adaptive_avg_pool2d(x, rows, cols), ref::adaptive_avg_pool2d(x, rows, cols)));
               return Measurement{std::max(forms, code), rounding_tolerance,
                                  str("global_avg_pool2d, avg_pool2d with a 7×6 window, adaptive_avg_pool2d(1, 1) and ref vs the plane "
                                      "means (2×5×7×6, relative): ", sci(forms), "; adaptive 3×2, 7×6, 4×5, 2×1 vs ref: ", sci(code))};
           }});
}

void add_convolution_claims(Registry& r) {
    r.add({"ch04.avg-pool-is-depthwise-conv", 4,
           R"(\operatorname{mean}_{K\times K,\,s=K}(X)^{(c)}=\Big(\tfrac{1}{K^2}\mathbf{1}_{K\times K}\Big)\otimes_{s=K}X^{(c)}\quad(\text{depthwise: groups}=C))",
           "003 §5.2.3 (汇聚层可以看作特殊的卷积层); d2l pooling exercise (average pooling as a convolution)", [] {
               // Chapter 2's layer with groups = C and one constant kernel per channel.
               struct Case {
                   Shape4 input;
                   std::size_t kh, kw, pad;
               };
               const Case cases[] = {{{2, 3, 8, 9}, 2, 2, 0}, {{1, 4, 9, 9}, 3, 3, 0}, {{2, 2, 8, 9}, 2, 3, 0}, {{1, 3, 10, 8}, 3, 3, 1}};
               std::mt19937 rng(404);
               double worst = 0;
               for (const Case& c : cases) {
                   const Tensor x = random_tensor(c.input, rng);
                   Tensor kernel({c.input.c, 1, c.kh, c.kw});
                   for (std::size_t i = 0; i < kernel.size(); ++i) kernel.data()[i] = 1.0 / double(c.kh * c.kw);
                   const Conv2dOptions conv{.padding = Sides2::symmetric(c.pad, c.pad), .stride = {c.kh, c.kw}, .groups = c.input.c};
                   // count_include_pad (PyTorch's default): the padded zeros count, as in the convolution.
                   const Pool2dOptions pool{.kernel = {c.kh, c.kw}, .padding = {c.pad, c.pad}};
                   worst = std::max(worst, relative_difference(avg_pool2d(x, pool), conv2d_layer(x, kernel, arma::vec{}, conv)));
               }
               return Measurement{worst, rounding_tolerance,
                                  str("avg_pool2d vs conv2d_layer(groups = C, kernel 1/(K_h K_w), stride K) on 2×2, 3×3, 2×3 and 3×3 "
                                      "with padding 1 (count_include_pad): max relative difference ", sci(worst))};
           }});
    r.add({"ch04.max-pool-not-linear", 4,
           R"(\max_R(a+b)\le\max_R a+\max_R b,\ \ \text{strict for }a=e_1,\ b=e_2:\ 1\lt 2\ \Rightarrow\ \text{no kernel }W\text{ gives }\max_R x=\langle W,x\rangle)",
           "003 §5.2.3 (卷积核为max函数); 004 池化层 (运算规律不一样); d2l pooling exercise (why max pooling is not a convolution)", [] {
               // The counterexample: a and b one-hot in two cells of one 2×2 window.
               const Tensor a = from_rows({1, 1, 2, 2}, {1, 0, 0, 0}), b = from_rows({1, 1, 2, 2}, {0, 1, 0, 0});
               Tensor sum = a;
               for (std::size_t i = 0; i < sum.size(); ++i) sum.data()[i] += b.data()[i];
               const double of_sum = max_pool2d(sum, window(2)).data()[0];
               const double sum_of = max_pool2d(a, window(2)).data()[0] + max_pool2d(b, window(2)).data()[0];
               const double literal = std::abs(of_sum - 1) + std::abs(sum_of - 2);
               // Subadditivity on random pairs (a linear map would give equality).
               std::mt19937 rng(405);
               double violation = 0, gap = 0;
               for (int trial = 0; trial < 20; ++trial) {
                   Tensor p = random_tensor({1, 2, 6, 6}, rng), q = random_tensor({1, 2, 6, 6}, rng), pq = p;
                   for (std::size_t i = 0; i < pq.size(); ++i) pq.data()[i] += q.data()[i];
                   const Tensor y_pq = max_pool2d(pq, window(2)), y_p = max_pool2d(p, window(2)), y_q = max_pool2d(q, window(2));
                   for (std::size_t i = 0; i < y_pq.size(); ++i) {
                       violation = std::max(violation, y_pq.data()[i] - y_p.data()[i] - y_q.data()[i]);
                       gap = std::max(gap, y_p.data()[i] + y_q.data()[i] - y_pq.data()[i]);
                   }
               }
               // The best linear map of a 2×2 window (4 weights and a bias, least squares over 2000
               // random windows): exact for the mean, far off for the max.
               const std::size_t windows = 2000;
               const Tensor x = random_tensor({1, 1, 2, 2 * windows}, rng);
               const Tensor y_max = max_pool2d(x, window(2)), y_mean = avg_pool2d(x, window(2));
               mat design(windows, 5);
               arma::vec target_max(windows), target_mean(windows);
               for (std::size_t k = 0; k < windows; ++k) {
                   design.row(k) = arma::rowvec{x(0, 0, 0, 2 * k), x(0, 0, 0, 2 * k + 1), x(0, 0, 1, 2 * k), x(0, 0, 1, 2 * k + 1), 1.0};
                   target_max(k) = y_max(0, 0, 0, k);
                   target_mean(k) = y_mean(0, 0, 0, k);
               }
               auto residual = [&design](const arma::vec& target) {
                   const arma::vec fit = design * arma::vec(arma::solve(design, target));
                   return arma::norm(fit - target) / arma::norm(target - arma::mean(target));
               };
               const double residual_max = residual(target_max), residual_mean = residual(target_mean);
               // The claim fails if the counterexample or subadditivity fails, if the mean is not
               // linear, or if a linear map did fit the max (residual below 0.1).
               const double error = std::max({literal, std::max(0.0, violation), residual_mean, std::max(0.0, 0.1 - residual_max)});
               return Measurement{error, rounding_tolerance,
                                  str("max_pool2d: max(e₁+e₂) = ", of_sum, ", max e₁ + max e₂ = ", sum_of,
                                      "; 20 random pairs: largest max(a+b) − max a − max b = ", sci(violation),
                                      " (≤ 0), largest gap ", fixed(gap), "; best linear 2×2 kernel + bias over 2000 windows leaves ",
                                      fixed(residual_max), " of the max's spread unexplained, ", sci(residual_mean), " of the mean's")};
           }});
}

/// Central differences cost two forward passes per input cell: the 32-channel geometry (there for
/// the threaded code) is compared with the reference only.
constexpr std::size_t fd_limit = 500;

void add_backward_claims(Registry& r) {
    r.add({"ch04.max-backward-routes-to-argmax", 4,
           R"(\frac{\partial f}{\partial x_r}=\sum_{(i,j):\ r=\arg\max_{R_{ij}}x}\delta_{ij}\quad(\text{zero at every other cell}))",
           "000 §3 (max pooling: 误差项原封不动的传递到最大值所对应的神经元); nndl §5.3.1 up()", [] {
               std::mt19937 rng(406);
               double fd = 0, reference = 0, routed = 0;
               std::size_t nonzero = 0, cells = 0;
               for (const PoolCase& c : max_cases) {
                   Tensor x = tie_free_tensor(c.input, rng);
                   const MaxPoolResult<double> forward = max_pool2d_with_argmax(x, c.options);
                   const Tensor dy = random_tensor(forward.y.shape(), rng);
                   const Tensor dx = max_pool2d_backward(dy, forward.argmax, c.input, c.options);
                   if (x.size() <= fd_limit)
                       fd = std::max(fd, gradient_error([&] { return inner(dy, ref::max_pool2d(x, c.options)); }, values(x), values(dx)));
                   reference = std::max(reference, relative_difference(dx, ref::max_pool2d_backward(x, dy, c.options)));
                   // The routing rule itself: δ of output k added at its arg-max, nothing elsewhere.
                   Tensor rule(c.input);
                   const std::size_t plane_in = c.input.h * c.input.w, plane_out = dy.shape().h * dy.shape().w;
                   for (std::size_t k = 0; k < dy.size(); ++k)
                       if (forward.argmax[k] != no_argmax) rule.data()[(k / plane_out) * plane_in + forward.argmax[k]] += dy.data()[k];
                   routed = std::max(routed, relative_difference(dx, rule));
                   for (std::size_t i = 0; i < dx.size(); ++i) nonzero += dx.data()[i] != 0;
                   cells += dx.size();
               }
               return Measurement{std::max({fd, reference, routed}), finite_difference_tolerance,
                                  str("6 geometries (overlapping, padded, dilated, ceil_mode, 32 channels), tie-free inputs: max_pool2d_backward "
                                      "vs central differences (the 5 small ones) ", sci(fd), "; vs ref::max_pool2d_backward ", sci(reference),
                                      "; vs δ added at the recorded arg-maxes ", sci(routed), "; ", nonzero, " of ", cells,
                                      " input cells receive a gradient")};
           }});
    r.add({"ch04.mean-backward-spreads", 4,
           R"(\frac{\partial f}{\partial x_r}=\sum_{(i,j):\ r\in R_{ij}}\frac{\delta_{ij}}{|R_{ij}|})",
           "000 §3 (mean pooling: 误差项会均匀划分到该层的所有的神经元上); nndl §5.3.1 up()", [] {
               std::mt19937 rng(407);
               double fd = 0, reference = 0;
               for (const PoolCase& c : avg_cases) {
                   Tensor x = random_tensor(c.input, rng);
                   const Tensor dy = random_tensor(avg_pool2d(x, c.options).shape(), rng);
                   const Tensor dx = avg_pool2d_backward(dy, c.input, c.options);
                   if (x.size() <= fd_limit)
                       fd = std::max(fd, gradient_error([&] { return inner(dy, ref::avg_pool2d(x, c.options)); }, values(x), values(dx)));
                   reference = std::max(reference, relative_difference(dx, ref::avg_pool2d_backward(dy, c.input, c.options)));
               }
               // Adaptive windows overlap and differ in size (7 rows → 3: rows 0–2, 2–4, 4–6).
               Tensor x = random_tensor({2, 3, 7, 6}, rng);
               const Tensor dy = random_tensor({2, 3, 3, 4}, rng);
               const Tensor dx = adaptive_avg_pool2d_backward(dy, x.shape());
               fd = std::max(fd, gradient_error([&] { return inner(dy, ref::adaptive_avg_pool2d(x, 3, 4)); }, values(x), values(dx)));
               reference = std::max(reference, relative_difference(dx, ref::adaptive_avg_pool2d_backward(dy, x.shape())));
               return Measurement{std::max(fd, reference), finite_difference_tolerance,
                                  str("6 geometries (padding with and without count_include_pad, ceil_mode, overlapping, 32 channels) and "
                                      "adaptive 7×6 → 3×4: avg_pool2d_backward / adaptive_avg_pool2d_backward vs central differences "
                                      "(all but the 32-channel one) ",
                                      sci(fd), "; vs ref ", sci(reference))};
           }});
}

/// Pooling's δ recursion (note 003 §5.3.1, 汇聚层): layer l is Z → X = tanh(Z), layer l+1 pools X
/// 2×2 with stride 2, and L = ½‖Y − T‖², so δ^(l+1) = Y − T.
struct PoolingNet {
    Tensor z;       ///< Z^(l), tie-free (tanh is monotone, so X is tie-free too)
    Tensor target;  ///< T
    bool max = true;

    Tensor pooled() const {
        Tensor x = z;
        apply_activation(x, Activation::tanh);
        return max ? ref::max_pool2d(x, window(2)) : ref::avg_pool2d(x, window(2));
    }
    double loss() const {
        const Tensor y = pooled();
        double sum = 0;
        for (std::size_t i = 0; i < y.size(); ++i) sum += 0.5 * std::pow(y.data()[i] - target.data()[i], 2);
        return sum;
    }
    Tensor delta_next() const {
        Tensor delta = pooled();
        for (std::size_t i = 0; i < delta.size(); ++i) delta.data()[i] -= target.data()[i];
        return delta;
    }
    /// up(δ) written out: mean — the Kronecker product with \f$\frac14\mathbf{1}_{2\times2}\f$; max — δ
    /// placed at the cell of each window where X (equivalently Z) is largest.
    Tensor up(const Tensor& delta) const {
        Tensor out(z.shape());
        for (std::size_t n = 0; n < z.shape().n; ++n)
            for (std::size_t c = 0; c < z.shape().c; ++c) {
                const mat d = delta.plane_copy(n, c);
                if (!max) {
                    out.plane(n, c) = arma::kron(d, mat(2, 2, arma::fill::value(0.25)));
                    continue;
                }
                const mat zc = z.plane_copy(n, c);
                mat routed(zc.n_rows, zc.n_cols, arma::fill::zeros);
                for (arma::uword i = 0; i < d.n_rows; ++i)
                    for (arma::uword j = 0; j < d.n_cols; ++j) {
                        const arma::uword k = zc.submat(2 * i, 2 * j, 2 * i + 1, 2 * j + 1).index_max();
                        routed(2 * i + k % 2, 2 * j + k / 2) = d(i, j);
                    }
                out.plane(n, c) = routed;
            }
        return out;
    }
};

void add_recursion_claims(Registry& r) {
    r.add({"ch04.pooling-delta-up", 4,
           R"(\delta^{(l,p)}=f_l'\big(Z^{(l,p)}\big)\odot\mathrm{up}\big(\delta^{(l+1,p)}\big),\ \ \mathrm{up}_{\mathrm{mean}}(\delta)=\delta\otimes_{\mathrm{kron}}\tfrac{1}{K^2}\mathbf{1}_{K\times K},\ \ \mathrm{up}_{\max}(\delta)=\delta\ \text{at the arg-max})",
           "003 §5.3.1 汇聚层 (上采样与l层特征映射的激活值偏导数逐元素相乘); nndl (5.36)", [] {
               std::mt19937 rng(408);
               double fd = 0, library = 0;
               for (bool max : {true, false}) {
                   PoolingNet net{tie_free_tensor({2, 2, 6, 8}, rng), random_tensor({2, 2, 3, 4}, rng), max};
                   const Tensor delta = net.delta_next();
                   const Tensor up = net.up(delta);
                   const Tensor formula = activation_backward(net.z, up, Activation::tanh);
                   fd = std::max(fd, gradient_error([&] { return net.loss(); }, values(net.z), values(formula)));
                   // up() is the pooling's backward pass.
                   Tensor x = net.z;
                   apply_activation(x, Activation::tanh);
                   const Tensor backward = max ? max_pool2d_backward(delta, max_pool2d_with_argmax(x, window(2)).argmax, x.shape(), window(2))
                                               : avg_pool2d_backward(delta, x.shape(), window(2));
                   library = std::max(library, relative_difference(up, backward));
               }
               return Measurement{std::max(fd, library), finite_difference_tolerance,
                                  str("Z → tanh → 2×2 pooling, L = ½‖Y − T‖², max and mean: f′ ⊙ up(δ) (up by kron / by the window's "
                                      "arg-max) vs central differences of L over Z ", sci(fd),
                                      "; up(δ) vs max_pool2d_backward / avg_pool2d_backward ", sci(library))};
           }});
}

void add_exercise_claims(Registry& r) {
    r.add({"ch04.ex5-6-max-gradient", 4,
           R"(y=\max(x_1,\dots,x_D):\ \frac{\partial y}{\partial x}=e_{\arg\max_d x_d}\ (\text{one-hot});\ \text{at a tie }\partial_+y\ne\partial_-y)",
           "nndl exercise 5-6 (003 习题 5-6)", [] {
               // y = max over time of a 1×D sequence: max_pool1d with the whole length as its window.
               std::mt19937 rng(409);
               const std::size_t D = 9;
               const Pool2dOptions whole = as_pool2d_options(Pool1dOptions{.kernel = D});
               double fd = 0, one_hot = 0;
               for (int trial = 0; trial < 10; ++trial) {
                   Tensor x = tie_free_tensor({1, 1, 1, D}, rng);
                   const MaxPoolResult<double> forward = max_pool2d_with_argmax(x, whole);
                   const Tensor dx = max_pool2d_backward(from_rows({1, 1, 1, 1}, {1.0}), forward.argmax, x.shape(), whole);
                   fd = std::max(fd, gradient_error([&] { return max_pool1d(x, {.kernel = D}).data()[0]; }, values(x), values(dx)));
                   const std::size_t largest = std::size_t(std::max_element(x.data(), x.data() + D) - x.data());
                   for (std::size_t d = 0; d < D; ++d) one_hot = std::max(one_hot, std::abs(dx.data()[d] - (d == largest ? 1.0 : 0.0)));
               }
               // A tie: x₂ = x₃ = 0.75. Raising x₂ raises y; lowering it leaves y at x₃.
               Tensor tie = from_rows({1, 1, 1, 4}, {0.25, 0.75, 0.75, 0.125});
               const double h = 1.0 / 1024, y0 = max_pool1d(tie, {.kernel = 4}).data()[0];
               tie.data()[1] += h;
               const double right = (max_pool1d(tie, {.kernel = 4}).data()[0] - y0) / h;
               tie.data()[1] -= 2 * h;
               const double left = (y0 - max_pool1d(tie, {.kernel = 4}).data()[0]) / h;
               const double tie_error = std::abs(right - 1) + std::abs(left);
               return Measurement{std::max({fd, one_hot, tie_error}), finite_difference_tolerance,
                                  str("D = 9, 10 tie-free points: max_pool2d_backward(1) vs central differences ", sci(fd),
                                      ", vs the one-hot e_argmax ", sci(one_hot), "; at the tie x = (0.25, 0.75, 0.75, 0.125) the "
                                      "one-sided quotients in x₂ are ", right, " (right) and ", left,
                                      " (left): no derivative there, PyTorch's convention gives 1 to the first maximum")};
           }});
    r.add({"ch04.ex5-6-argmax-gradient", 4,
           R"(\frac{\partial\,\arg\max_d x_d}{\partial x}=0\ \text{almost everywhere};\ \text{at a tie it jumps: }\frac{\Delta\arg\max}{h}=\frac{1}{h}\to\infty)",
           "nndl exercise 5-6 (003 习题 5-6)", [] {
               std::mt19937 rng(410);
               const std::size_t D = 9;
               // The index of the maximum over the whole sequence (a window of its full length).
               auto argmax = [](const Tensor& x) {
                   return double(max_pool2d_with_argmax(x, as_pool2d_options(Pool1dOptions{.kernel = x.shape().w})).argmax[0]);
               };
               double generic = 0;
               for (int trial = 0; trial < 10; ++trial) {
                   Tensor x = tie_free_tensor({1, 1, 1, D}, rng);
                   for (double g : numeric_gradient([&] { return argmax(x); }, values(x))) generic = std::max(generic, std::abs(g));
               }
               // At the tie x₂ = x₃ the index is 1 (the first maximum); raising x₃ by any h > 0 moves it to 2.
               Tensor tie = from_rows({1, 1, 1, 4}, {0.25, 0.75, 0.75, 0.125});
               const double at_tie = argmax(tie);
               double jump_error = std::abs(at_tie - 1), down = 0;
               std::string quotients;
               for (double h : {1e-3, 1e-6, 1e-9}) {
                   Tensor up = tie, below = tie;
                   up.data()[2] += h;
                   below.data()[2] -= h;
                   jump_error = std::max(jump_error, std::abs(argmax(up) - at_tie - 1));
                   down = std::max(down, std::abs(argmax(below) - at_tie));
                   quotients += str(quotients.empty() ? "" : ", ", sci((argmax(up) - at_tie) / h));
               }
               return Measurement{std::max({generic, jump_error, down}), 0.0,
                                  str("arg-max index of max_pool2d_with_argmax, 10 tie-free points × 9 coordinates: largest central "
                                      "difference ", generic, "; at the tie (0.25, 0.75, 0.75, 0.125) raising x₃ by h = 1e-3, 1e-6, 1e-9 "
                                      "moves the index 1 → 2, quotients ", quotients, "; lowering it moves nothing")};
           }});
}

/// The repository's photo: from the working directory (the repository root) or next to this source.
std::string photo_path() {
    const std::filesystem::path candidates[] = {"data/chelsea.png",
                                                std::filesystem::path(__FILE__).parent_path() / "../../data/chelsea.png"};
    for (const std::filesystem::path& p : candidates)
        if (std::filesystem::exists(p)) return p.string();
    throw data_error("verify ch04: data/chelsea.png not found (run from the repository root)");
}

/// rows × cols of a gray image starting at (top, left), as a 1×1×rows×cols tensor.
Tensor crop(const arma::fmat& image, std::size_t top, std::size_t left, std::size_t rows, std::size_t cols) {
    Tensor t({1, 1, rows, cols});
    t.plane(0, 0) = arma::conv_to<mat>::from(image.submat(top, left, top + rows - 1, left + cols - 1));
    return t;
}

/// ‖b − a‖ / ‖a‖
double relative_change(const Tensor& a, const Tensor& b) {
    Tensor d = b;
    for (std::size_t i = 0; i < d.size(); ++i) d.data()[i] -= a.data()[i];
    return norm(d) / norm(a);
}

void add_table_claims(Registry& r) {
    r.add({"ch04.table-structure", 4,
           R"(\text{conv, zero padding: }C\times H\times W\to P\times H\times W;\quad\text{pool }K\times K/K:\ C\times H\times W\to C\times\lfloor H/K\rfloor\times\lfloor W/K\rfloor)",
           "000 §4 (结构); 001 池化 (输出通道数与输入通道数相等); 002 §三 (4×4 → 2×2)", [] {
               std::mt19937 rng(411);
               std::size_t mismatches = 0, checked = 0;
               for (Shape4 shape : {Shape4{1, 1, 4, 4}, Shape4{2, 3, 28, 28}, Shape4{1, 3, 75, 113}}) {
                   const Tensor x = random_tensor(shape, rng);
                   const Tensor w = random_tensor({8, shape.c, 3, 3}, rng);
                   const Shape4 conv = conv2d_layer(x, w, arma::vec{}, {.padding = Mode::same}).shape();
                   mismatches += !(conv == Shape4{shape.n, 8, shape.h, shape.w});
                   for (std::size_t k : {2, 3}) {
                       const Shape4 expected{shape.n, shape.c, shape.h / k, shape.w / k};
                       mismatches += !(max_pool2d(x, window(k)).shape() == expected);
                       mismatches += !(avg_pool2d(x, window(k)).shape() == expected);
                       checked += 2;
                   }
                   ++checked;
               }
               return Measurement{double(mismatches), 0.0,
                                  str(checked, " output shapes (4×4 as note 002, 2×3×28×28, 1×3×75×113; conv 3×3 same "
                                      "→ 8 channels; max and mean pooling 2×2/2, 3×3/3): ", mismatches, " differ from the rule")};
           }});
    r.add({"ch04.table-parameters", 4,
           R"(\#\theta_{\text{conv}}=P\,D\,UV+P,\quad\#\theta_{\text{pool}}=0;\quad\text{after }2\times2\text{ pooling a dense layer needs }\tfrac14\text{ of the weights})",
           "000 §3 (没有需要学习的参数; 能显著降低参数数量), §4 (参数量); 004 池化层", [] {
               // LeNet's second stage (note 001): 6×14×14 → conv 5×5 → 16×10×10 → pool 2×2 → 16×5×5 → 120.
               std::mt19937 rng(412);
               const Tensor x = random_tensor({1, 6, 14, 14}, rng), w = random_tensor({16, 6, 5, 5}, rng);
               const Tensor features = conv2d_layer(x, w);
               const Shape4 unpooled = features.shape(), pooled = max_pool2d(features, window(2)).shape();
               const double conv_params = double(conv_layer_parameters(6, 16, 5, 5));
               const double dense_unpooled = fully_connected_parameters(unpooled.c, unpooled.h, unpooled.w, 120, 1, 1);
               const double dense_pooled = fully_connected_parameters(pooled.c, pooled.h, pooled.w, 120, 1, 1);
               // What pooling itself owns: the backward pass returns ∂L/∂X and nothing else — the
               // API has no weight argument and no weight gradient to return.
               const double error = std::abs(conv_params - (16.0 * 6 * 25 + 16)) + std::abs(dense_unpooled / dense_pooled - 4);
               return Measurement{error, 0.0,
                                  str("LeNet stage 6×14×14 → conv 16@5×5 → ", unpooled.str(), " → max pool 2×2 → ", pooled.str(),
                                      " → 120: conv ", conv_params, " parameters, pooling 0; the dense layer needs ", dense_pooled,
                                      " weights after pooling, ", dense_unpooled, " without (×", dense_unpooled / dense_pooled, ")")};
           }});
    r.add({"ch04.local-invariance", 4,
           R"(\frac{\|\max_{2\times2}F(T_1X)-\max_{2\times2}F(X)\|}{\|\max_{2\times2}F(X)\|}\lt\frac{\|F(T_1X)-F(X)\|}{\|F(X)\|},\quad F=\mathrm{ReLU}(W\otimes X))",
           "000 §4 (稳定性), §3 (平移不变性); 001 池化 (缓解卷积层对位置的过度敏感性); 002 §三", [] {
               // The cat's face (192×288 of the photo, in gray), shifted by one pixel right and one
               // pixel down; F is a 3×3 conv layer (Sobel x, Sobel y, Laplacian — edge detectors,
               // sensitive to position) + ReLU.
               const arma::fmat gray = load_image_gray(photo_path());
               const std::size_t top = 40, left = 60, rows = 192, cols = 288;
               const Tensor w = from_rows({3, 1, 3, 3}, {-1, 0, 1, -2, 0, 2, -1, 0, 1,  //
                                                         -1, -2, -1, 0, 0, 0, 1, 2, 1,  //
                                                         0, 1, 0, 1, -4, 1, 0, 1, 0});
               auto features = [&w](const Tensor& x) {
                   Tensor f = conv2d_layer(x, w, arma::vec{}, {.padding = Mode::same});
                   apply_activation(f, Activation::relu);
                   return f;
               };
               const Tensor x = crop(gray, top, left, rows, cols);
               const Tensor f = features(x), f_max = max_pool2d(f, window(2)), f_mean = avg_pool2d(f, window(2));
               double worst = 0;
               std::string each;
               for (bool right : {true, false}) {
                   const Tensor shifted = right ? crop(gray, top, left - 1, rows, cols) : crop(gray, top - 1, left, rows, cols);
                   const Tensor g = features(shifted);
                   const double conv = relative_change(f, g), pooled = relative_change(f_max, max_pool2d(g, window(2)));
                   const double mean = relative_change(f_mean, avg_pool2d(g, window(2)));
                   const double image = relative_change(x, shifted), image_pooled = relative_change(max_pool2d(x, window(2)),
                                                                                                 max_pool2d(shifted, window(2)));
                   worst = std::max(worst, pooled / conv);
                   each += str(right ? "right" : "; down", ": conv ", fixed(conv), ", max-pooled ", fixed(pooled), " (×",
                               fixed(pooled / conv), "), mean-pooled ", fixed(mean), "; the image itself ", fixed(image),
                               ", max-pooled ", fixed(image_pooled));
               }
               return Measurement{worst, 1.0,
                                  str("data/chelsea.png, gray, ", rows, "×", cols, " from (", top, ", ", left, "), shifted by one pixel; relative change of the "
                                      "feature maps — ", each, ". error = the larger max-pooled/unpooled ratio (below 1: pooling changes less)")};
           }});
    r.add({"ch04.stability-row", 4,
           R"(\vert\Delta y\vert\le\max_{r\in R}\vert\Delta x_r\vert;\ \ \max:\ \Delta y=0\text{ if a non-maximal }x_r\text{ moves by less than its gap},\ \Delta y=\varepsilon\text{ if the maximum moves};\ \ \text{mean}:\ \Delta y=\varepsilon/\vert R\vert)",
           "000 §4 (稳定性: 感受域内的细微变化不影响输出结果)", [] {
               // Values −1 + (2k + 1)/16, 1/8 apart, and ε = 2⁻¹⁰: every sum and difference below is exact.
               std::mt19937 rng(413);
               const Tensor x = tie_free_tensor({1, 1, 4, 4}, rng);
               const double eps = 1.0 / 1024;
               const MaxPoolResult<double> base = max_pool2d_with_argmax(x, window(2));
               const Tensor base_mean = avg_pool2d(x, window(2));
               double right = 0, note = 0;
               for (std::size_t cell = 0; cell < x.size(); ++cell) {
                   Tensor moved = x;
                   moved.data()[cell] += eps;
                   const Tensor y = max_pool2d(moved, window(2)), mean = avg_pool2d(moved, window(2));
                   const std::size_t h = cell % 4, w = cell / 4, k = (w / 2) * 2 + h / 2;  // the window of the cell
                   const bool is_max = base.argmax[k] == cell;
                   const double dy = y.data()[k] - base.y.data()[k], dmean = mean.data()[k] - base_mean.data()[k];
                   // Non-maximal cells sit at least 1/8 below their maximum, far more than ε.
                   right = std::max({right, std::abs(dy - (is_max ? eps : 0.0)) / eps, std::abs(dmean - eps / 4) / eps});
                   note = std::max({note, std::abs(dy) / eps, std::abs(dmean) / eps});
               }
               // Lipschitz: random perturbations of every cell, |Δy| ≤ max |Δx| for both.
               double lipschitz = 0;
               for (int trial = 0; trial < 20; ++trial) {
                   Tensor moved = x;
                   const Tensor delta = random_tensor(x.shape(), rng);
                   double largest = 0;
                   for (std::size_t i = 0; i < x.size(); ++i) {
                       moved.data()[i] += 0.1 * delta.data()[i];
                       largest = std::max(largest, std::abs(0.1 * delta.data()[i]));
                   }
                   lipschitz = std::max({lipschitz, max_abs_diff(max_pool2d(moved, window(2)), base.y) - largest,
                                         max_abs_diff(avg_pool2d(moved, window(2)), base_mean) - largest});
               }
               Measurement m{std::max(right, std::max(0.0, lipschitz)), rounding_tolerance,
                             str("4×4 tie-free input, 2×2 windows, each of the 16 cells raised by ε = 2⁻¹⁰: max pooling's Δy/ε is 1 at "
                                 "the arg-max and 0 elsewhere, mean pooling's 1/4 everywhere (off by ", sci(right),
                                 "); 20 random perturbations: |Δy| − max|Δx| ≤ ", sci(lipschitz), "; the note's 'no change' is off by ")};
               m.note_error = note;
               m.detail += sci(note) + " (Δy/ε)";
               return m;
           },
           Erratum{"000 §4 (稳定性, 池化层)", "感受域内的细微变化不影响输出结果 — a small change inside the window does not affect the output",
                   "max pooling ignores a small change of a non-maximal cell but follows its maximum one to one; mean pooling "
                   "follows every cell by 1/|R|; both change by at most the largest change of the input"}});
    r.add({"ch04.output-size", 4,
           R"(n_{out}=\Big\lfloor\frac{n+2p-d(K-1)-1}{s}\Big\rfloor+1\quad(\lceil\cdot\rceil\text{ in ceil mode, minus 1 if the last window would start at or past }n+p))",
           "PyTorch MaxPool2d / AvgPool2d; 001 池化 (填充和步幅与卷积层一样); 002 §三 (池化核的大小k, 滑动间隔s)", [] {
               // Oracle: count the window starts i·s directly. Floor mode: the window fits in the
               // padded input. Ceil mode: it may hang over the end by less than a stride, but must
               // start inside the input or the left padding.
               auto count = [](std::size_t n, std::size_t k, std::size_t s, std::size_t p, std::size_t d, bool ceil) {
                   const long span = long(d * (k - 1)), padded = long(n + 2 * p);
                   std::size_t windows = 0;
                   for (long start = 0;; start += long(s)) {
                       const bool fits = ceil ? start <= padded - span - 1 + long(s) - 1 && start < long(n + p) : start + span <= padded - 1;
                       if (!fits) return windows;
                       ++windows;
                   }
               };
               std::size_t formula = 0, shapes = 0, refused = 0, cases = 0;
               for (std::size_t n = 1; n <= 12; ++n)
                   for (std::size_t k = 1; k <= 5; ++k)
                       for (std::size_t s = 1; s <= 4; ++s)
                           for (std::size_t p = 0; p <= k / 2; ++p)
                               for (std::size_t d = 1; d <= 3; ++d)
                                   for (bool ceil : {false, true}) {
                                       ++cases;
                                       const std::size_t expected = count(n, k, s, p, d, ceil);
                                       formula += pool_output_size(n, k, s, p, d, ceil) != expected;
                                       const Pool2dOptions o{.kernel = {k, 1}, .stride = Step2{s, 1}, .padding = {p, 0},
                                                             .dilation = {d, 1}, .ceil_mode = ceil};
                                       const Tensor x({1, 1, n, 2});
                                       if (expected == 0) {
                                           try {
                                               (void)max_pool2d(x, o);
                                               ++refused;  // should have thrown
                                           } catch (const shape_error&) {
                                           }
                                           continue;
                                       }
                                       shapes += max_pool2d(x, o).shape().h != expected;
                                       if (d == 1) shapes += avg_pool2d(x, o).shape().h != expected;
                                   }
               // Ceil mode on 5×5 = arange(25): the last windows are cut to 1×2, 2×1 and 1×1.
               const Tensor x25 = arange({1, 1, 5, 5});
               const Pool2dOptions ceil_2x2{.kernel = {2, 2}, .ceil_mode = true};
               const double literal = std::max(literal_error(max_pool2d(x25, ceil_2x2), 0, 0, {{6, 8, 9}, {16, 18, 19}, {21, 23, 24}}),
                                               literal_error(avg_pool2d(x25, ceil_2x2), 0, 0,
                                                             {{3, 5, 6.5}, {13, 15, 16.5}, {20.5, 22.5, 24}}));
               return Measurement{double(formula + shapes + refused) + literal, 0.0,
                                  str(cases, " cases (n ≤ 12, K ≤ 5, s ≤ 4, p ≤ K/2, d ≤ 3, floor and ceil): pool_output_size vs "
                                      "counting window starts ", formula, " differ; max_pool2d / avg_pool2d output sizes ", shapes,
                                      " differ; no-window cases not refused ", refused,
                                      "; ceil mode on arange(25), 2×2: [[6,8,9],[16,18,19],[21,23,24]] and the means of the cut "
                                      "windows (6.5 = (4+9)/2): off by ", literal)};
           }});
}

}  // namespace

void register_ch04_claims(Registry& registry) {
    add_formula_claims(registry);
    add_convolution_claims(registry);
    add_backward_claims(registry);
    add_recursion_claims(registry);
    add_exercise_claims(registry);
    add_table_claims(registry);
}

}  // namespace cnnlab::verify
