// Chapter 7's training claims for `cnnlab verify` (note 004: Batch_Size 批尺寸, 数据输入层 preprocessing;
// d2l §6.6 training LeNet), measured on the committed Fashion-MNIST subset: the mini-batch gradient's
// error against the full-batch gradient, the loss of an untrained classifier, one SGD step through
// the network against a hand computation, and PCA whitening.
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/verify.hpp"
#include "chapters/ch07_networks/datasets.hpp"
#include "chapters/ch07_networks/loss.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/preprocess.hpp"
#include "chapters/ch07_networks/training.hpp"

#include <cmath>
#include <filesystem>
#include <numeric>

namespace cnnlab::verify {
namespace {

std::filesystem::path subset_directory() {
    const std::filesystem::path candidates[] = {
        "data/fashion-mnist-subset", std::filesystem::path(__FILE__).parent_path() / "../../data/fashion-mnist-subset"};
    for (const std::filesystem::path& p : candidates)
        if (std::filesystem::is_directory(p)) return p;
    throw data_error("verify ch07: data/fashion-mnist-subset not found (run from the repository root)");
}

// The gradient of the mean loss over `indices`, all parameters in one vector (double for the norms).
arma::vec batch_gradient(Layer& net, const Dataset& data, const std::vector<std::size_t>& indices) {
    const auto [images, labels] = gather_batch(data, indices);
    TrainingContext context;
    const SoftmaxCrossEntropy<float> loss = softmax_cross_entropy(net.forward_train(images, context), labels);
    net.backward(softmax_cross_entropy_backward(loss.probabilities, labels), Implementation::optimized, false);
    std::vector<double> all;
    for (const Parameter& p : parameters(net)) all.insert(all.end(), p.gradient.begin(), p.gradient.end());
    return arma::vec(all);
}

// Least-squares slope of y over x.
double slope(const std::vector<double>& x, const std::vector<double>& y) {
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / x.size();
    const double my = std::accumulate(y.begin(), y.end(), 0.0) / y.size();
    double sxy = 0, sxx = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
}

}  // namespace

void register_ch07_training_claims(Registry& r) {
    r.add({"ch07.minibatch-gradient-error", 7,
           R"(\frac{\lVert g_B - g\rVert}{\lVert g\rVert}\propto\frac{1}{\sqrt{B}}\sqrt{\tfrac{N-B}{N-1}}\ \text{(LeNet at initialization)})",
           "004 Batch_Size (小批量梯度 ≈ 全数据梯度)", [] {
               // d2l's LeNet (Xavier init) on the 2,000 training images of the subset: the full-batch
               // gradient g, then 30 random batches of each size B (drawn without replacement). For a
               // mean of B of N per-sample gradients, E‖g_B − g‖² = tr Σ / B · (N − B)/(N − 1): after
               // dividing out the finite-population factor, log error against log B has slope −1/2.
               const Dataset data = load_fashion_mnist(subset_directory(), Split::train);
               auto net = lenet();
               initialize(*net, 1, WeightInit::xavier_uniform);
               const std::size_t n = data.images.shape().n;
               std::vector<std::size_t> all(n);
               std::iota(all.begin(), all.end(), std::size_t{0});
               const arma::vec full = batch_gradient(*net, data, all);
               Random random(5);
               std::vector<double> log_b, log_error;
               std::string detail;
               for (std::size_t b : {8u, 32u, 128u, 512u, 1000u}) {
                   double squares = 0;
                   constexpr int repeats = 30;
                   for (int k = 0; k < repeats; ++k) {
                       std::vector<std::size_t> order = all;  // a random B-subset: partial Fisher–Yates
                       for (std::size_t i = 0; i < b; ++i) std::swap(order[i], order[i + random() % (n - i)]);
                       const std::vector<std::size_t> batch(order.begin(), order.begin() + b);
                       squares += std::pow(arma::norm(batch_gradient(*net, data, batch) - full), 2);
                   }
                   const double error = std::sqrt(squares / repeats) / arma::norm(full);
                   detail += str(detail.empty() ? "" : ", ", "B=", b, ": ", std::round(error * 1000) / 1000);
                   log_b.push_back(std::log(double(b)));
                   log_error.push_back(std::log(error / std::sqrt(double(n - b) / double(n - 1))));
               }
               const double fitted = slope(log_b, log_error);
               return Measurement{std::abs(fitted + 0.5), 0.1,
                                  str("fitted slope ", std::round(fitted * 1000) / 1000, " (theory −0.5); relative error ",
                                      detail, " of N=", n)};
           }});

    r.add({"ch07.initial-loss", 7,
           R"(L_0\approx\ln K+\tfrac{\sigma^2}{2}-\tfrac{e^{\sigma^2}-1}{2K}\ \to\ \ln 10\approx2.303\ \text{as the logits' spread }\sigma\to0)",
           "d2l §6.6 (the first epoch's loss); 001 LeNet", [] {
               // An untrained net's logits z_1…z_K of a sample are spread around their mean with a
               // variance σ² that does not depend on the label, so E[z_y − mean] = 0 and
               // L₀ = E[log Σ_k e^{z_k} − z_y] ≈ ln K + σ²/2 − (e^{σ²} − 1)/(2K) (second-order
               // expansion for normal logits): near ln K only when the last layer starts small.
               // Measured as the first step sees it (training mode: batch norm with the batch's
               // statistics), Xavier initialization, on the subset's 500 test images.
               const Dataset test = load_fashion_mnist(subset_directory(), Split::test);
               std::vector<std::size_t> all(test.images.shape().n);
               std::iota(all.begin(), all.end(), std::size_t{0});
               const auto [images, labels] = gather_batch(test, all);
               double worst = 0;
               std::string detail;
               for (const std::string name : {"lenet", "lenet_modern", "resnet18_mini"}) {
                   auto net = make_net(name, 10);
                   initialize(*net, 1, WeightInit::xavier_uniform);
                   TrainingContext context;
                   const Tensor4<float> logits = net->forward_train(images, context);
                   const double loss = softmax_cross_entropy(logits, labels).loss;
                   const std::size_t k = logits.shape().c;
                   double spread = 0;  // the mean over samples of the logits' variance across classes
                   for (std::size_t n = 0; n < logits.shape().n; ++n) {
                       arma::vec z(k);
                       for (std::size_t c = 0; c < k; ++c) z[c] = logits(n, c, 0, 0);
                       spread += arma::var(z, 1) / logits.shape().n;
                   }
                   const double predicted = std::log(double(k)) + spread / 2 - (std::exp(spread) - 1) / (2.0 * k);
                   worst = std::max(worst, std::abs(loss - predicted) / predicted);
                   detail += str(detail.empty() ? "" : "; ", name, " L₀ ", std::round(loss * 1000) / 1000, " vs ",
                                 std::round(predicted * 1000) / 1000, " (σ² ", std::round(spread * 1000) / 1000, ")");
               }
               return Measurement{worst, 0.05, str("max |L₀ − predicted| / predicted; ", detail)};
           }});

    r.add({"ch07.sgd-step-by-hand", 7,
           R"(W\leftarrow W-\eta\,(p-e_y)\,x^\top:\ W=0,\ x=(1,2),\ y=0,\ \eta=0.1\Rightarrow W=\begin{pmatrix}0.05&0.1\\-0.05&-0.1\end{pmatrix})",
           "d2l §3.6 (softmax regression step); 004 Batch_Size", [] {
               // p = (½, ½) at W = 0, b = 0; ∂L/∂z = p − e_0 = (−½, ½); ∂L/∂W = (∂L/∂z) xᵀ; ∂L/∂b = ∂L/∂z.
               std::vector<LayerPtr> parts;
               parts.push_back(layers::flatten());
               parts.push_back(layers::linear(2, 2));
               auto net = layers::sequence(std::move(parts));
               initialize(*net, 1);
               auto& linear = static_cast<Linear&>(*net->layers()[1]);
               linear.weight().zeros();
               linear.bias().zeros();
               Tensor4<float> x({1, 2, 1, 1});
               x(0, 0, 0, 0) = 1;
               x(0, 1, 0, 0) = 2;
               TrainingOptions options;
               options.learning_rate = 0.1;
               TrainingRun run(options);
               const StepResult step = train_step(*net, x, {0}, run);
               const arma::fmat expected_w = {{0.05f, 0.1f}, {-0.05f, -0.1f}};
               const arma::fvec expected_b = {0.05f, -0.05f};
               const double error = std::max({double(arma::abs(linear.weight() - expected_w).max()),
                                              double(arma::abs(linear.bias() - expected_b).max()),
                                              std::abs(step.loss - std::log(2.0))});
               return Measurement{error, 1e-6, "max |Δ| of W, b and the loss (ln 2) against the hand computation"};
           }});

    r.add({"ch07.pca-whitening", 7, R"(\tilde X=(X-\mu)\,U_k\,\Lambda_k^{-1/2}\Rightarrow\operatorname{Cov}(\tilde X)=I_k)",
           "004 数据输入层 (去均值, 归一化, PCA/白化)", [] {
               // PCA whitening of the subset's 2,000 training images (784 pixels, 50 components kept,
               // ε = 0): the whitened features are uncorrelated with unit variance.
               const Dataset data = load_fashion_mnist(subset_directory(), Split::train);
               const Shape4& s = data.images.shape();
               // One sample per row: the planes are column-major, any fixed pixel order will do.
               const arma::fmat samples = arma::fmat(data.images.data(), s.h * s.w, s.n).t();
               const Whitening whitening = fit_pca_whitening(samples, 50, 0.0f);
               const arma::fmat whitened = whiten(whitening, samples);
               const arma::mat covariance = arma::cov(arma::conv_to<arma::mat>::from(whitened));
               const double error = arma::abs(covariance - arma::eye(50, 50)).max();
               return Measurement{error, 1e-3,
                                  str("max |Cov − I| over 50×50 entries; 50 components explain ",
                                      std::round(explained_variance_ratio(whitening, 50) * 1000) / 10, " % of the variance")};
           }});
}

}  // namespace cnnlab::verify
