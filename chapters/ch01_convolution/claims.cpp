// Chapter 1's claims for `cnnlab verify`: each formula of nndl §5.1 / d2l's conv chapter, measured.
#include "chapters/ch00_foundation/verify.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "reference/convolution.hpp"

#include <cmath>
#include <random>

namespace cnnlab::verify {
namespace {

using arma::mat;
using arma::vec;

/// Uniform(−1, 1) matrix from a seeded engine, so every run measures the same numbers.
mat random_mat(std::size_t rows, std::size_t cols, std::mt19937& rng) {
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    mat m(rows, cols);
    m.imbue([&] { return uniform(rng); });
    return m;
}

double max_abs_diff(const mat& a, const mat& b) {
    if (arma::size(a) != arma::size(b)) return INFINITY;
    return a.is_empty() ? 0.0 : arma::abs(a - b).max();
}

/// A random geometry: stride 1–3, dilation 1–2, a mode or random per-side padding.
Options2d random_options(std::mt19937& rng) {
    std::uniform_int_distribution<int> pick(0, 5), step(1, 3), dil(1, 2), pad(0, 2);
    Options2d o;
    switch (pick(rng)) {
        case 0: o.padding = Mode::valid; break;
        case 1: o.padding = Mode::same; break;
        case 2: o.padding = Mode::full; break;
        default:
            o.padding = Sides2{{std::size_t(pad(rng)), std::size_t(pad(rng))}, {std::size_t(pad(rng)), std::size_t(pad(rng))}};
    }
    o.stride = {std::size_t(step(rng)), std::size_t(step(rng))};
    o.dilation = {std::size_t(dil(rng)), std::size_t(dil(rng))};
    return o;
}

/// Runs `trial` over `count` random (X, W, options) with a kernel that fits; returns the worst error.
template <class Trial>
double worst_over_random_shapes(int count, unsigned seed, Trial trial) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> size(1, 12), ksize(1, 5);
    double worst = 0;
    for (int done = 0; done < count;) {
        const mat x = random_mat(size(rng), size(rng), rng), w = random_mat(ksize(rng), ksize(rng), rng);
        const Options2d o = random_options(rng);
        try {
            resolve_geometry("claim", x.n_rows, x.n_cols, w.n_rows, w.n_cols, o);
        } catch (const std::invalid_argument&) {
            continue;  // kernel does not fit this input: draw again
        }
        worst = std::max(worst, trial(x, w, o));
        ++done;
    }
    return worst;
}

void add_definition_claims(Registry& r) {
    r.add({"ch01.xcorr2d-d2l-example", 1,
           R"(\begin{pmatrix}0&1&2\\3&4&5\\6&7&8\end{pmatrix}\otimes\begin{pmatrix}0&1\\2&3\end{pmatrix}=\begin{pmatrix}19&25\\37&43\end{pmatrix})",
           "001 二维互相关运算 (d2l corr2d)", [] {
               const mat x{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, k{{0, 1}, {2, 3}}, expected{{19, 25}, {37, 43}};
               return Measurement{std::max(max_abs_diff(ref::xcorr2d(x, k), expected), max_abs_diff(xcorr2d(x, k), expected)),
                                  0.0, "max |Δ| of ref::xcorr2d and xcorr2d against the book's literal"};
           }});
    r.add({"ch01.conv1d-formula", 1, R"(y_t=\sum_{k=1}^{K}w_k\,x_{t-k+1})", "nndl (5.1), 003 §5.1.1", [] {
               // The formula typed 1-based, as in the book, over the full (wide) output t = 1..n+K-1.
               std::mt19937 rng(11);
               const vec x = random_mat(13, 1, rng), w = random_mat(4, 1, rng);
               const std::size_t n = x.n_elem, K = w.n_elem;
               vec by_formula(n + K - 1, arma::fill::zeros);
               for (std::size_t t = 1; t <= n + K - 1; ++t)
                   for (std::size_t k = 1; k <= K; ++k)
                       if (t + 1 > k && t - k + 1 <= n) by_formula(t - 1) += w(k - 1) * x(t - k);  // x_{t-k+1}, 1-based
               const double err = std::max(max_abs_diff(ref::conv1d(x, w, {.padding = Mode::full}), by_formula),
                                           max_abs_diff(conv1d(x, w, {.padding = Mode::full}), by_formula));
               return Measurement{err, 1e-14, "full conv1d (ref and optimized) vs the 1-based formula, n=13, K=4"};
           }});
    r.add({"ch01.conv-is-rotated-xcorr", 1, R"(W * X=\mathrm{rot180}(W)\otimes X)", "nndl (5.12), 003 §5.1.2; 002 §二", [] {
               const double err = worst_over_random_shapes(300, 12, [](const mat& x, const mat& w, const Options2d& o) {
                   return max_abs_diff(ref::conv2d(x, w, o), ref::xcorr2d(x, ref::rot180(w), o));
               });
               return Measurement{err, 1e-13,
                                  "ref::conv2d (flipped-index loops) vs ref::xcorr2d with rot180(W), 300 random shapes and geometries"};
           }});
    r.add({"ch01.optimized-equals-reference", 1, R"(\texttt{xcorr2d}_{\mathrm{algo}}(X,W)=\texttt{ref::xcorr2d}(X,W))",
           "GUIDE §5 (each operation written twice)", [] {
               double worst = 0;
               for (Algorithm a : {Algorithm::direct, Algorithm::im2col_gemm, Algorithm::fft, Algorithm::automatic})
                   worst = std::max(worst, worst_over_random_shapes(150, 13, [a](const mat& x, const mat& w, const Options2d& o) {
                                        return max_abs_diff(xcorr2d(x, w, o, a), ref::xcorr2d(x, w, o));
                                    }));
               return Measurement{worst, 1e-12, "direct, im2col+GEMM, FFT, auto vs reference, 150 random cases each (double)"};
           }});
}

void add_signal_claims(Registry& r) {
    r.add({"ch01.moving-average", 1, R"(w=[1/K,\dots,1/K]\;\Rightarrow\;y_t=\tfrac1K\sum_{k=1}^{K}x_{t-k+1})",
           "nndl §5.1.1, 003 §5.1.1", [] {
               std::mt19937 rng(21);
               const vec x = random_mat(50, 1, rng);
               const std::size_t K = 5;
               const vec y = conv1d(x, vec(K, arma::fill::value(1.0 / K)));
               double err = 0;
               for (std::size_t t = 0; t < y.n_elem; ++t) err = std::max(err, std::abs(y(t) - arma::mean(x.subvec(t, t + K - 1))));
               return Measurement{err, 1e-14, "valid conv1d with 1/K taps vs the mean of each window, K=5, n=50"};
           }});
    r.add({"ch01.second-difference-exact", 1, R"([1,-2,1]*t^2=2)", "nndl (5.6), ex 5-1(1)", [] {
               vec t2 = arma::square(arma::regspace<vec>(-20, 20));
               const vec y = conv1d(t2, vec{1, -2, 1});
               return Measurement{arma::abs(y - 2.0).max(), 1e-12,
                                  "max |y−2| over t=−19..19: the second difference of t² is exactly x''=2"};
           }});
    r.add({"ch01.second-difference-order", 1, R"(\frac{x(t+h)-2x(t)+x(t-h)}{h^2}=x''(t)+O(h^2))", "nndl (5.6), ex 5-1(1)", [] {
               // Error of [1,-2,1]/h^2 on sin at step h and h/2: the ratio 4 means second order.
               auto error_at = [](double h) {
                   const vec t = arma::regspace<vec>(0, h, 3.0);
                   const vec y = conv1d(vec(arma::sin(t)), vec{1, -2, 1}) / (h * h);
                   return arma::abs(y + arma::sin(t.subvec(1, t.n_elem - 2))).max();  // (sin)'' = −sin
               };
               const double order = std::log2(error_at(0.02) / error_at(0.01));
               return Measurement{std::abs(order - 2.0), 0.02, "measured order log2(e(h)/e(h/2)) = " + std::to_string(order) + " on sin, h=0.02"};
           }});
    r.add({"ch01.laplacian-kernel", 1,
           R"(\nabla^2 f\approx\begin{pmatrix}0&1&0\\1&-4&1\\0&1&0\end{pmatrix}* f)", "nndl ex 5-1(2); 003 ex 5-1",
           [] {
               // f(x,y) = x^2 + y^2 on a grid: the 5-point Laplacian is exactly 4.
               const vec axis = arma::regspace<vec>(-6, 6);
               mat f(axis.n_elem, axis.n_elem);
               f.each_col([&](vec& c) { c = arma::square(axis); });
               f += arma::repmat(arma::square(axis).t(), axis.n_elem, 1);
               const mat laplacian{{0, 1, 0}, {1, -4, 1}, {0, 1, 0}}, note_l0{{0, -1, 0}, {-1, 4, -1}, {0, -1, 0}};
               Measurement m{arma::abs(conv2d(f, laplacian) - 4.0).max(), 1e-12, "on f=x²+y², where ∇²f = 4 exactly"};
               m.note_error = arma::abs(conv2d(f, note_l0) - 4.0).max();
               return m;
           },
           Erratum{"003 ex 5-1(2)", "L0 = [[0,−1,0],[−1,4,−1],[0,−1,0]] approximates ∇²",
                   "that kernel gives −∇² (−4 on x²+y²); its own derivation gives [[0,1,0],[1,−4,1],[0,1,0]]"}});
}

void add_mode_claims(Registry& r) {
    r.add({"ch01.narrow-is-p0", 1, R"(\text{narrow (窄卷积)}: P=0,\ n-K+1\ \text{outputs})", "003 §5.1.3; nndl §5.1.3",
           [] {
               double err = 0, note_err = 0;
               for (std::size_t n = 3; n <= 12; ++n)
                   for (std::size_t k = 1; k <= 3; ++k) {
                       const double narrow = double(conv1d(vec(n, arma::fill::ones), vec(k, arma::fill::ones)).n_elem);
                       err = std::max(err, std::abs(narrow - double(n - k + 1)));
                       const double with_p1 = double(conv1d(vec(n, arma::fill::ones), vec(k, arma::fill::ones), {.padding = Sides{1, 1}}).n_elem);
                       note_err = std::max(note_err, std::abs(with_p1 - double(n - k + 1)));
                   }
               Measurement m{err, 0.0, "valid-mode output length vs n−K+1, n=3..12, K=1..3"};
               m.note_error = note_err;
               return m;
           },
           Erratum{"003 §5.1.3", "narrow convolution 窄卷积: P = 1", "P = 0 (P = 1 gives n−K+3 outputs)"}});
    r.add({"ch01.same-is-equal-width", 1, R"(\text{SAME}=\text{equal-width (等宽)}: n\ \text{outputs};\ \text{wide (宽)}: n+K-1)",
           "000 QA 13, QA 7", [] {
               double err = 0, note_err = 0;
               for (std::size_t n = 4; n <= 12; ++n)
                   for (std::size_t k = 2; k <= 4; ++k) {
                       const vec x(n, arma::fill::ones), w(k, arma::fill::ones);
                       err = std::max(err, std::abs(double(conv1d(x, w, {.padding = Mode::same}).n_elem) - double(n)));
                       err = std::max(err, std::abs(double(conv1d(x, w, {.padding = Mode::full}).n_elem) - double(n + k - 1)));
                       // The note calls SAME "wide": a wide output would have n+K−1 elements.
                       note_err = std::max(note_err, std::abs(double(conv1d(x, w, {.padding = Mode::same}).n_elem) - double(n + k - 1)));
                   }
               Measurement m{err, 0.0, "output lengths of same and full modes, n=4..12, K=2..4"};
               m.note_error = note_err;
               return m;
           },
           Erratum{"000 QA 13", "SAME: 宽卷积 (wide convolution)", "SAME is equal-width 等宽 (n outputs); wide 宽 is FULL (n+K−1)"}});
    r.add({"ch01.odd-same-padding", 1, R"(K\ \text{odd},\ P=\tfrac{K-1}{2}\;\Rightarrow\;n_{\mathrm{out}}=n)", "nndl §5.1.3; 001 填充", [] {
               double mismatches = 0;
               for (std::size_t n = 1; n <= 30; ++n)
                   for (std::size_t k = 1; k <= n && k <= 9; k += 2)
                       mismatches += xcorr1d(vec(n, arma::fill::ones), vec(k, arma::fill::ones), {.padding = Sides{(k - 1) / 2, (k - 1) / 2}}).n_elem != n;
               return Measurement{mismatches, 0.0, "sizes that differ from n, n=1..30, odd K=1..9"};
           }});
    r.add({"ch01.even-kernel-same", 1, R"(K\ \text{even}:\ P_{\mathrm{before}}=\tfrac{K}{2}-1,\ P_{\mathrm{after}}=\tfrac{K}{2})",
           "000 QA 2 (why odd kernels); cnnlab's rule = PyTorch padding='same'", [] {
               // A kernel whose only tap is the first reads y_i = x_{i - P_before}: an impulse at x_0
               // comes out at index P_before, which shows where the padding went.
               double err = 0;
               for (std::size_t k = 2; k <= 8; k += 2) {
                   vec x(10, arma::fill::zeros), w(k, arma::fill::zeros);
                   x(0) = 1;
                   w(0) = 1;
                   const vec y = xcorr1d(x, w, {.padding = Mode::same});
                   err = std::max(err, std::abs(double(y.index_max()) - double(k / 2 - 1)));
               }
               return Measurement{err, 0.0, "impulse position after same-mode xcorr1d with a first-tap kernel, K=2,4,6,8"};
           }});
}

void add_property_claims(Registry& r) {
    r.add({"ch01.wide-conv-commutes", 1, R"(\mathrm{rot180}(W)\,\tilde\otimes\,X=\mathrm{rot180}(X)\,\tilde\otimes\,W)",
           "nndl (5.13), ex 5-2; 003 §5.1.4", [] {
               std::mt19937 rng(31);
               std::uniform_int_distribution<int> size(1, 9);
               double worst = 0;
               for (int trial = 0; trial < 200; ++trial) {
                   const mat x = random_mat(size(rng), size(rng), rng), w = random_mat(size(rng), size(rng), rng);
                   // A ⊗̃ B is the wide (full) cross-correlation of B with kernel A.
                   worst = std::max(worst, max_abs_diff(ref::xcorr2d(x, ref::rot180(w), {.padding = Mode::full}),
                                                        ref::xcorr2d(w, ref::rot180(x), {.padding = Mode::full})));
               }
               return Measurement{worst, 1e-13, "max |Δ| over 200 random pairs, either one may be the larger"};
           }});
    r.add({"ch01.conv-as-matrix", 1, R"(\mathrm{vec}(W\otimes X)=C\,\mathrm{vec}(X))", "nndl (5.45), ex 5-5", [] {
               const double err = worst_over_random_shapes(200, 32, [](const mat& x, const mat& w, const Options2d& o) {
                   const vec by_matrix = ref::conv_matrix2d(w, x.n_rows, x.n_cols, o) * vec_rows(x);
                   return arma::abs(by_matrix - vec_rows(ref::xcorr2d(x, w, o))).max();
               });
               return Measurement{err, 1e-13, "C·vec_r(X) vs vec_r(xcorr2d), 200 random shapes and geometries"};
           }});
    r.add({"ch01.ex5-5-pattern", 1,
           R"(C=\begin{pmatrix}w_{11}&w_{12}&0&w_{21}&w_{22}&0&0&0&0\\0&w_{11}&w_{12}&0&w_{21}&w_{22}&0&0&0\\0&0&0&w_{11}&w_{12}&0&w_{21}&w_{22}&0\\0&0&0&0&w_{11}&w_{12}&0&w_{21}&w_{22}\end{pmatrix})",
           "nndl ex 5-5, 003 ex 5-5", [] {
               const double w11 = 2, w12 = 3, w21 = 5, w22 = 7;  // distinct primes: a misplaced tap cannot hide
               const mat expected{{w11, w12, 0, w21, w22, 0, 0, 0, 0},
                                  {0, w11, w12, 0, w21, w22, 0, 0, 0},
                                  {0, 0, 0, w11, w12, 0, w21, w22, 0},
                                  {0, 0, 0, 0, w11, w12, 0, w21, w22}};
               const mat w{{w11, w12}, {w21, w22}};
               const double err = std::max(max_abs_diff(ref::conv_matrix2d(w, 3, 3), expected),
                                           max_abs_diff(mat(conv_matrix2d(w, 3, 3)), expected));
               return Measurement{err, 0.0, "ref and sparse conv_matrix2d of a 2×2 kernel on 3×3 vs the note's 4×9 matrix"};
           }});
    r.add({"ch01.output-size-formulas", 1,
           R"(n_{\mathrm{out}}=\Big\lfloor\frac{n+p-k+s}{s}\Big\rfloor=\Big\lfloor\frac{n+2p'-d(k-1)-1}{s}\Big\rfloor+1)",
           "001 填充和步幅 (d2l); 000 §1.6 (PyTorch)", [] {
               double mismatches = 0;
               int cases = 0;
               for (std::size_t n = 1; n <= 12; ++n)
                   for (std::size_t k = 1; k <= 6; ++k)
                       for (std::size_t p = 0; p <= 3; ++p)
                           for (std::size_t s = 1; s <= 4; ++s)
                               for (std::size_t d = 1; d <= 3; ++d) {
                                   if (n + 2 * p < d * (k - 1) + 1) continue;
                                   const std::size_t actual = ref::xcorr1d(vec(n, arma::fill::ones), vec(k, arma::fill::ones),
                                                                           {.padding = Sides{p, p}, .stride = s, .dilation = d}).n_elem;
                                   mismatches += actual != output_size_pytorch(n, k, p, s, d);
                                   if (d == 1) mismatches += actual != output_size_d2l(n, k, 2 * p, s);
                                   ++cases;
                               }
               return Measurement{mismatches, 0.0, "formulas that differ from the actual output length over " + std::to_string(cases) +
                                                       " (n≤12, k≤6, p≤3, s≤4, d≤3) cases"};
           }});
    r.add({"ch01.translation-equivariance", 1, R"(\big(W\otimes T_{a}X\big)=T_{a}\big(W\otimes X\big))",
           "003 (CNN 结构特性); 000 QA 11", [] {
               std::mt19937 rng(33);
               const mat x = random_mat(20, 24, rng), w = random_mat(3, 4, rng);
               const mat shifted = arma::shift(arma::shift(x, 2, 0), 3, 1);  // move content down 2, right 3
               const mat y = xcorr2d(x, w), ys = xcorr2d(shifted, w);
               // Compare where neither output saw the wrapped border.
               const double err = arma::abs(ys.submat(5, 6, ys.n_rows - 1, ys.n_cols - 1) - y.submat(3, 3, y.n_rows - 3, y.n_cols - 4)).max();
               return Measurement{err, 1e-14, "shift by (2,3): interior of W⊗T(X) vs T(W⊗X)"};
           }});
}

}  // namespace

void register_ch01_claims(Registry& registry) {
    add_definition_claims(registry);
    add_signal_claims(registry);
    add_mode_claims(registry);
    add_property_claims(registry);
}

}  // namespace cnnlab::verify
