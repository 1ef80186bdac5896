// Chapter 2's claims for `cnnlab verify`: the conv layer of nndl §5.2 / d2l's channel sections,
// its parameter arithmetic and receptive fields, measured on the layers cnnlab computes.
#include "chapters/ch00_foundation/verify.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch02_layers/arithmetic.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "reference/layers.hpp"
#include "reference/winograd.hpp"

#include <cmath>
#include <random>
#include <set>

namespace cnnlab::verify {
namespace {

using arma::mat;
using arma::vec;
using Tensor = Tensor4<double>;

/// Uniform(−1, 1) values from a seeded engine, so every run measures the same numbers.
Tensor random_tensor(Shape4 shape, std::mt19937& rng) {
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    Tensor t(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = uniform(rng);
    return t;
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
    if (!(a.shape() == b.shape())) return INFINITY;
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a.data()[i] - b.data()[i]));
    return worst;
}

Tensor from_rows(Shape4 shape, const std::vector<double>& row_major) { return Tensor::from_row_major(shape, row_major); }

/// The d2l example input: two 3×3 channels 0..8 and 1..9.
Tensor d2l_input() { return from_rows({1, 2, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9}); }

void add_layer_claims(Registry& r) {
    r.add({"ch02.multichannel-sum", 2, R"(Z^{p}=\sum_{d=1}^{D}W^{p,d}\otimes X^{d}+b^{p})", "nndl (5.27), 003 §5.2.1", [] {
               // The layer (automatic path) against the formula built from Chapter 1's single-channel ⊗.
               std::mt19937 rng(41);
               std::uniform_int_distribution<int> channels(1, 4), size(4, 11), k(1, 4);
               double worst = 0;
               for (int trial = 0; trial < 40; ++trial) {
                   const std::size_t d_in = channels(rng), p_out = channels(rng);
                   const Tensor x = random_tensor({2, d_in, std::size_t(size(rng)), std::size_t(size(rng))}, rng);
                   const Tensor w = random_tensor({p_out, d_in, std::size_t(k(rng)), std::size_t(k(rng))}, rng);
                   const vec b = arma::randu<vec>(p_out);
                   const Tensor y = conv2d_layer(x, w, b);
                   for (std::size_t n = 0; n < 2; ++n)
                       for (std::size_t p = 0; p < p_out; ++p) {
                           mat z(y.shape().h, y.shape().w, arma::fill::value(b(p)));
                           for (std::size_t d = 0; d < d_in; ++d) z += xcorr2d(mat(x.plane(n, d)), mat(w.plane(p, d)));
                           worst = std::max(worst, arma::abs(z - y.plane(n, p)).max());
                       }
               }
               return Measurement{worst, 1e-12, "max |Δ| over 40 random layers (D, P ≤ 4, batch 2)"};
           }});
    r.add({"ch02.d2l-multi-input-example", 2,
           R"(\sum_{d}\begin{pmatrix}0&1&2\\3&4&5\\6&7&8\end{pmatrix}_{d=1}\!\!\otimes\begin{pmatrix}0&1\\2&3\end{pmatrix}+\dots=\begin{pmatrix}56&72\\104&120\end{pmatrix})",
           "001 多输入通道 (d2l corr2d_multi_in)", [] {
               const Tensor k = from_rows({1, 2, 2, 2}, {0, 1, 2, 3, 1, 2, 3, 4});
               const mat expected{{56, 72}, {104, 120}};
               const double err = std::max(arma::abs(mat(ref::conv2d_layer(d2l_input(), k).plane_copy(0, 0)) - expected).max(),
                                           arma::abs(mat(conv2d_layer(d2l_input(), k).plane_copy(0, 0)) - expected).max());
               return Measurement{err, 0.0, "ref::conv2d_layer and conv2d_layer against the book's literal"};
           }});
    r.add({"ch02.d2l-multi-output-example", 2, R"(K\to(K,\,K{+}1,\,K{+}2):\ Y_{1}=\begin{pmatrix}76&100\\148&172\end{pmatrix},\ Y_{2}=\begin{pmatrix}96&128\\192&224\end{pmatrix})",
           "001 多输出通道 (d2l corr2d_multi_in_out)", [] {
               std::vector<double> stacked;
               for (double shift : {0.0, 1.0, 2.0})
                   for (double v : {0, 1, 2, 3, 1, 2, 3, 4}) stacked.push_back(v + shift);
               const Tensor y = conv2d_layer(d2l_input(), from_rows({3, 2, 2, 2}, stacked));
               const mat expected[] = {{{56, 72}, {104, 120}}, {{76, 100}, {148, 172}}, {{96, 128}, {192, 224}}};
               double err = 0;
               for (std::size_t p = 0; p < 3; ++p) err = std::max(err, arma::abs(mat(y.plane(0, p)) - expected[p]).max());
               return Measurement{err, 0.0, "three output channels against the book's literals"};
           }});
    r.add({"ch02.pytorch-shape-examples", 2,
           R"(x_{4\times2\times3\times5}\xrightarrow{\mathrm{Conv2d}(2,3,(3,5),p=(1,2))}4\times3\times3\times5;\ \ x_{2\times1\times7\times3}\xrightarrow{\mathrm{Conv2d}(1,8,(2,3))}2\times8\times6\times1)",
           "001 卷积层的简洁实现", [] {
               std::mt19937 rng(42);
               const Tensor y1 = conv2d_layer(random_tensor({4, 2, 3, 5}, rng), random_tensor({3, 2, 3, 5}, rng),
                                              vec(3, arma::fill::zeros), Conv2dOptions{Sides2::symmetric(1, 2)});
               const Tensor y2 = conv2d_layer(random_tensor({2, 1, 7, 3}, rng), random_tensor({8, 1, 2, 3}, rng), vec(8, arma::fill::zeros));
               const double wrong = double(!(y1.shape() == Shape4{4, 3, 3, 5})) + double(!(y2.shape() == Shape4{2, 8, 6, 1}));
               return Measurement{wrong, 0.0, "output shapes that differ: got " + y1.shape().str() + " and " + y2.shape().str()};
           }});
    r.add({"ch02.output-size-has-floor", 2, R"(L_{out}=\Big\lfloor\frac{L_{in}+2p-d(k-1)-1}{s}\Big\rfloor+1)", "000 §1.6 (Conv1d, Conv2d)", [] {
               double mismatches = 0, note_mismatches = 0;
               for (std::size_t n = 5; n <= 16; ++n)
                   for (std::size_t s = 1; s <= 3; ++s) {
                       const Tensor x({1, 1, 1, n});
                       const Tensor w({1, 1, 1, 3});
                       const double actual = double(conv1d_layer(x, w, {}, {Sides{1, 1}, s, 1}).shape().w);
                       const double exact = double(n + 2 - 2 - 1) / double(s) + 1;  // the note's fraction
                       mismatches += actual != std::floor(exact - 1) + 1;
                       note_mismatches += actual != exact;
                   }
               Measurement m{mismatches, 0.0, "lengths that differ from conv1d_layer, k=3, p=1, n=5..16, s=1..3"};
               m.note_error = note_mismatches;
               return m;
           },
           Erratum{"000 §1.6", "L_out = (L_in + 2p − d(k−1) − 1)/s + 1 (no floor: a fraction when s does not divide)",
                   "⌊(L_in + 2p − d(k−1) − 1)/s⌋ + 1"}});
}

void add_arithmetic_claims(Registry& r) {
    r.add({"ch02.parameter-count", 2, R"(\#\theta=P\cdot D\cdot U\cdot V+P\quad(\text{with groups: }P\cdot\tfrac{D}{g}\cdot U V+P))",
           "nndl §5.2.2, 003 §5.2.1; 001 卷积层与全连接层的对比", [] {
               // Against the number of values a layer really holds: weight tensor plus bias.
               double wrong = 0;
               int layers = 0;
               for (std::size_t d : {1, 2, 6})
                   for (std::size_t p : {2, 6, 12})
                       for (std::size_t g : {1, 2})
                           for (std::size_t u : {1, 3, 5})
                               if (d % g == 0 && p % g == 0) {
                                   const Tensor w({p, d / g, u, u + 1});
                                   const vec b(p);
                                   wrong += conv_layer_parameters(d, p, u, u + 1, g) != w.size() + b.n_elem;
                                   ++layers;
                               }
               return Measurement{wrong, 0.0, "formulas that differ from the allocated weights+bias of " + std::to_string(layers) + " layers"};
           }});
    r.add({"ch02.one-by-one-is-fully-connected", 2, R"(1\times1:\ \ Y_{:,i,j}=W\,X_{:,i,j}+b\quad\text{at every pixel }(i,j))",
           "nndl ex 5-3; 001 1×1卷积层; 000 QA 8", [] {
               std::mt19937 rng(44);
               const Tensor x = random_tensor({2, 7, 5, 6}, rng), w = random_tensor({4, 7, 1, 1}, rng);
               const vec b = {1, -2, 0.5, 3};
               const Tensor y = conv2d_layer(x, w, b);
               mat weights(4, 7);
               for (std::size_t p = 0; p < 4; ++p)
                   for (std::size_t c = 0; c < 7; ++c) weights(p, c) = w(p, c, 0, 0);
               double worst = 0;
               for (std::size_t n = 0; n < 2; ++n)
                   for (std::size_t i = 0; i < 5; ++i)
                       for (std::size_t j = 0; j < 6; ++j) {
                           vec pixel(7), out(4);
                           for (std::size_t c = 0; c < 7; ++c) pixel(c) = x(n, c, i, j);
                           for (std::size_t p = 0; p < 4; ++p) out(p) = y(n, p, i, j);
                           worst = std::max(worst, arma::abs(weights * pixel + b - out).max());
                       }
               return Measurement{worst, 1e-13, "1×1 layer vs a dense 4×7 layer applied pixel by pixel"};
           }});
    r.add({"ch02.conv-vs-fully-connected", 2,
           R"(\text{FC}:\ c_1c_2h_1w_1h_2w_2\ \text{weights};\ \text{conv}:\ c_1c_2k_hk_w)", "001 卷积层与全连接层的对比", [] {
               // The layer is a linear map: probe it with unit inputs to get its dense matrix (the FC
               // layer that equals it), count that matrix's entries and its distinct non-zero values.
               std::mt19937 rng(45);
               const Shape4 in{1, 2, 4, 5}, weight{3, 2, 3, 2};
               const Tensor w = random_tensor(weight, rng);
               const std::size_t inputs = in.elements();
               mat dense;
               for (std::size_t e = 0; e < inputs; ++e) {
                   Tensor unit(in);
                   unit.data()[e] = 1;
                   const Tensor column = conv2d_layer(unit, w);
                   if (dense.is_empty()) dense.set_size(column.size(), inputs);
                   dense.col(e) = vec(const_cast<double*>(column.data()), column.size(), false, true);
               }
               const Shape4 out = conv2d_layer(Tensor(in), w).shape();
               std::set<double> distinct;
               for (double v : dense)
                   if (v != 0) distinct.insert(v);
               const double fc = fully_connected_parameters(in.c, in.h, in.w, out.c, out.h, out.w);
               const double err = std::abs(double(dense.n_elem) - fc) + std::abs(double(distinct.size()) - double(w.size()));
               const LayerCounts ex54 = conv2d_layer_counts({1, 256, 100, 100}, {256, 256, 3, 3}, true, {Mode::same});
               const double ex54_fc = fully_connected_parameters(256, 100, 100, 256, 100, 100);
               return Measurement{err, 0.0,
                                  str("2×4×5 → 3×3×4: dense matrix ", dense.n_rows, "×", dense.n_cols, " = c1c2h1w1h2w2 = ", fc,
                                      " entries, ", distinct.size(), " distinct weights; ex 5-4's layer: FC ", ex54_fc,
                                      " vs conv ", ex54.parameters, " (", ex54_fc / double(ex54.parameters), "×)")};
           }});
    r.add({"ch02.depthwise-separable", 2,
           R"(K^2CC'\ \to\ K^2C+CC':\ \ \mathrm{pw}(\mathrm{dw}(X))=X\circledast\big(W^{\mathrm{pw}}_{p,c}\,W^{\mathrm{dw}}_{c}\big)_{p,c})",
           "000 QA 10", [] {
               // A depthwise K×K layer then a 1×1 layer equals one full K×K layer whose kernel
               // W[p,c] = pw[p,c]·dw[c]: the factorised kernel the parameter saving comes from.
               std::mt19937 rng(46);
               const std::size_t c = 6, c2 = 5, k = 3;
               const Tensor x = random_tensor({2, c, 9, 8}, rng), dw = random_tensor({c, 1, k, k}, rng),
                            pw = random_tensor({c2, c, 1, 1}, rng);
               Conv2dOptions depthwise{Mode::same};
               depthwise.groups = c;
               const Tensor two_layers = conv2d_layer(conv2d_layer(x, dw, {}, depthwise), pw);
               Tensor full({c2, c, k, k});
               for (std::size_t p = 0; p < c2; ++p)
                   for (std::size_t d = 0; d < c; ++d) full.plane(p, d) = pw(p, d, 0, 0) * dw.plane(d, 0);
               const double err = max_abs_diff(two_layers, conv2d_layer(x, full, {}, Conv2dOptions{Mode::same}));
               const double counted = double(dw.size() + pw.size());
               const double count_err = std::abs(counted - double(depthwise_separable_parameters(k, c, c2))) +
                                        std::abs(double(full.size()) - double(k * k * c * c2));
               return Measurement{err + count_err, 1e-13,
                                  str("dw+pw vs one full layer (max |Δ|) and counted weights: ", counted, " vs ", full.size(),
                                      "; for K=3, 256→256: ", depthwise_separable_parameters(3, 256, 256), " vs ", 9 * 256 * 256)};
           }});
}

/// Which input pixels reach output (0,0) of a stack of single-channel layers with positive
/// kernels: the receptive field, measured by pushing each unit input through the stack.
std::size_t probed_receptive_field(std::size_t side, const std::vector<std::size_t>& kernels) {
    std::size_t reached = 0;
    for (std::size_t e = 0; e < side * side; ++e) {
        Tensor t({1, 1, side, side});
        t.data()[e] = 1;
        for (std::size_t k : kernels) {
            Tensor w({1, 1, k, k});
            w.plane(0, 0).fill(1);
            t = conv2d_layer(t, w);
        }
        reached += t(0, 0, 0, 0) != 0;
    }
    return reached;
}

void add_receptive_field_claims(Registry& r) {
    r.add({"ch02.receptive-field-2x2", 2, R"(3\times3\xrightarrow{2\times2}Y_{2\times2}\xrightarrow{2\times2}z:\ z\ \text{sees all }9\ \text{inputs})",
           "001 特征图和感受野", [] {
               const double probed = double(probed_receptive_field(3, {2, 2}));
               const double formula = std::pow(double(receptive_field({{2}, {2}}).size), 2);
               return Measurement{std::abs(probed - 9) + std::abs(formula - 9), 0.0,
                                  str("inputs reaching z: probed ", probed, ", receptive_field() ", formula)};
           }});
    r.add({"ch02.stacked-3x3-vs-5x5", 2, R"(3{\times}3\circ3{\times}3:\ 5{\times}5\ \text{field},\ 2(9C^2+C)\ \text{vs}\ 25C^2+C\ \text{parameters})",
           "000 §1.7, QA 9; 003 §5.4 (VGG)", [] {
               const double probed = double(probed_receptive_field(7, {3, 3}));
               double count_err = 0;
               for (std::size_t c : {1, 2, 16, 64}) {
                   const Tensor w3({c, c, 3, 3}), w5({c, c, 5, 5});
                   count_err += std::abs(double(2 * (w3.size() + c)) - double(2 * conv_layer_parameters(c, c, 3, 3)));
                   count_err += std::abs(double(w5.size() + c) - double(conv_layer_parameters(c, c, 5, 5)));
               }
               Measurement m{std::abs(probed - 25) + count_err, 0.0,
                             str("probed field ", probed, " inputs; one channel: two 3×3 layers hold ",
                                 2 * conv_layer_parameters(1, 1, 3, 3), " parameters, one 5×5 ", conv_layer_parameters(1, 1, 5, 5))};
               m.note_error = std::abs(double(2 * conv_layer_parameters(1, 1, 3, 3)) - (3 * 3 * 2 + 1));
               return m;
           },
           Erratum{"000 §1.7", "two stacked 3×3: 3×3×2+1 = 19 parameters", "each layer has its bias: 2·(3·3+1) = 20 (C channels: 2(9C²+C))"}});
}

void add_winograd_claims(Registry& r) {
    r.add({"ch02.winograd-tile", 2, R"(Y=A^{\top}\big[(G\,g\,G^{\top})\odot(B^{\top}d\,B)\big]A\;=\;g\otimes d\quad(F(2{\times}2,3{\times}3),\ F(4{\times}4,3{\times}3)))",
           "Lavin & Gray 2016; GUIDE §9", [] {
               std::mt19937 rng(48);
               std::uniform_real_distribution<double> uniform(-1.0, 1.0);
               double worst = 0;
               for (std::size_t m : {2, 4})
                   for (int trial = 0; trial < 50; ++trial) {
                       mat d(m + 2, m + 2), g(3, 3);
                       d.imbue([&] { return uniform(rng); });
                       g.imbue([&] { return uniform(rng); });
                       worst = std::max(worst, arma::abs(ref::winograd_tile(d, g, m) - xcorr2d(d, g)).max());
                   }
               return Measurement{worst, 1e-13, "one tile by the transforms vs Chapter 1's xcorr2d, 50 random tiles per m"};
           }});
    r.add({"ch02.winograd-multiplies", 2, R"(F(2{\times}2,3{\times}3):\ 16\ \text{vs}\ 36;\ \ F(4{\times}4,3{\times}3):\ 36\ \text{vs}\ 144\ \text{multiplies per tile})",
           "Lavin & Gray 2016", [] {
               // Counted by running the tile on a scalar type that counts data×data products.
               const double w2 = double(ref::winograd_tile_multiplies(2)), d2 = double(ref::direct_tile_multiplies(2));
               const double w4 = double(ref::winograd_tile_multiplies(4)), d4 = double(ref::direct_tile_multiplies(4));
               return Measurement{std::abs(w2 - 16) + std::abs(d2 - 36) + std::abs(w4 - 36) + std::abs(d4 - 144), 0.0,
                                  str("counted: F(2,3) ", w2, " vs direct ", d2, "; F(4,3) ", w4, " vs direct ", d4, " (",
                                      d4 / w4, "× fewer)")};
           }});
}

void add_activation_claims(Registry& r) {
    r.add({"ch02.tanh-is-scaled-sigmoid", 2, R"(\tanh(z)=2\sigma(2z)-1)", "nndl (4.5)–(4.7)", [] {
               std::mt19937 rng(47);
               Tensor z = random_tensor({1, 1, 50, 40}, rng);
               for (std::size_t i = 0; i < z.size(); ++i) z.data()[i] *= 10;
               Tensor t = z, s = z;
               for (std::size_t i = 0; i < s.size(); ++i) s.data()[i] *= 2;
               apply_activation(t, Activation::tanh);
               apply_activation(s, Activation::sigmoid);
               double worst = 0;
               for (std::size_t i = 0; i < z.size(); ++i) worst = std::max(worst, std::abs(t.data()[i] - (2 * s.data()[i] - 1)));
               return Measurement{worst, 1e-15 * 8, "max |Δ| over 2000 z in [−10, 10]"};
           }});
}

}  // namespace

void register_ch02_claims(Registry& registry) {
    add_layer_claims(registry);
    add_arithmetic_claims(registry);
    add_receptive_field_claims(registry);
    add_winograd_claims(registry);
    add_activation_claims(registry);
}

}  // namespace cnnlab::verify
