// Chapter 4 example: note 000 §4's comparison of a convolution layer and a pooling layer, with
// numbers. A conv layer (3×3, same padding, 3 → 16 channels, then ReLU) and 2×2 max and mean
// pooling on its output, all on the photo data/chelsea.png. Prints one Markdown table that the
// docs build splices into the Chapter 4 page, so every number in it is measured here, none typed.
#include "chapters/ch00_foundation/image_io.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch02_layers/arithmetic.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch04_pooling/pooling.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>

namespace {

using Tensor = cnnlab::Tensor4<double>;

/// The photo, found from the repository root or next to this source.
std::string photo_path() {
    for (const std::filesystem::path& p :
         {std::filesystem::path("data/chelsea.png"), std::filesystem::path(__FILE__).parent_path() / "../../data/chelsea.png"})
        if (std::filesystem::exists(p)) return p.string();
    throw std::runtime_error("ch04_conv_vs_pool: data/chelsea.png not found");
}

/// rows × cols of the RGB photo from (top, left), as a 1×3×rows×cols tensor.
Tensor crop(const arma::Cube<float>& image, std::size_t top, std::size_t left, std::size_t rows, std::size_t cols) {
    Tensor t({1, 3, rows, cols});
    for (std::size_t c = 0; c < 3; ++c)
        t.plane(0, c) = arma::conv_to<arma::mat>::from(image.slice(c).submat(top, left, top + rows - 1, left + cols - 1));
    return t;
}

/// ‖b − a‖ / ‖a‖ over a whole tensor.
double relative_change(const Tensor& a, const Tensor& b) {
    double difference = 0, size = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        difference += (b.data()[i] - a.data()[i]) * (b.data()[i] - a.data()[i]);
        size += a.data()[i] * a.data()[i];
    }
    return std::sqrt(difference / size);
}

/// Fraction of the cells of `x` whose change by ε changes `op(x)`.
template <class Op>
double responding_cells(Tensor x, Op op) {
    const Tensor base = op(x);
    std::size_t moved = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double saved = x.data()[i];
        x.data()[i] += 1e-3;
        const Tensor y = op(x);
        x.data()[i] = saved;
        bool changed = false;
        for (std::size_t k = 0; k < y.size() && !changed; ++k) changed = y.data()[k] != base.data()[k];
        moved += changed;
    }
    return double(moved) / double(x.size());
}

std::string fixed(double value, int decimals = 2) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}
std::string percent(double fraction) { return fixed(100 * fraction, 0) + " %"; }

void row(const std::string& what, const std::string& conv, const std::string& max, const std::string& mean) {
    std::cout << "| " << what << " | " << conv << " | " << max << " | " << mean << " |\n";
}

}  // namespace

int main() {
    const arma::Cube<float> photo = cnnlab::load_image(photo_path());
    const std::size_t rows = 2 * ((photo.n_rows - 1) / 2), cols = 2 * ((photo.n_cols - 1) / 2);

    // A conv layer with seeded random weights, and its ReLU feature map F: the pooling layers' input.
    std::mt19937_64 rng(4);
    std::uniform_real_distribution<double> uniform(-1, 1);
    Tensor w({16, 3, 3, 3});
    for (std::size_t i = 0; i < w.size(); ++i) w.data()[i] = uniform(rng);
    arma::vec b(16);
    b.imbue([&] { return 0.1 * uniform(rng); });
    const cnnlab::Conv2dOptions same{.padding = cnnlab::Mode::same};
    auto conv = [&](const Tensor& x) { return cnnlab::conv2d_layer(x, w, b, same); };
    auto layer = [&](const Tensor& x) {
        Tensor f = conv(x);
        cnnlab::apply_activation(f, cnnlab::Activation::relu);
        return f;
    };
    const cnnlab::Pool2dOptions pool{.kernel = {2, 2}};
    auto max_pool = [&](const Tensor& f) { return cnnlab::max_pool2d(f, pool); };
    auto mean_pool = [&](const Tensor& f) { return cnnlab::avg_pool2d(f, pool); };

    const Tensor x = crop(photo, 1, 1, rows, cols), shifted = crop(photo, 1, 0, rows, cols);  // one pixel to the right
    const Tensor f = layer(x), f_shifted = layer(shifted);
    const Tensor p = max_pool(f), m = mean_pool(f);

    // A window's worth of change: every cell of a 12×12 patch moved by ε = 10⁻³ in turn.
    const Tensor patch = crop(photo, 100, 200, 12, 12);
    const Tensor feature_patch = layer(patch);

    std::cout << "| | conv layer 卷积层: 3×3, same, 3 → 16 channels | max pooling 最大汇聚: 2×2, stride 2 "
                 "| mean pooling 平均汇聚: 2×2, stride 2 |\n| --- | --- | --- | --- |\n";
    row("结构 shape: input → output", x.shape().str() + " → " + f.shape().str(), f.shape().str() + " → " + p.shape().str(),
        f.shape().str() + " → " + m.shape().str());
    row("参数量 parameters", std::to_string(cnnlab::conv_layer_parameters(3, 16, 3, 3)) + " (16·3·3·3 + 16)", "0", "0");
    const std::size_t taps = w.shape().c * w.shape().h * w.shape().w, window = pool.kernel.rows * pool.kernel.cols;
    row("arithmetic per output value", std::to_string(taps) + " multiply-adds", std::to_string(window - 1) + " comparisons",
        std::to_string(window - 1) + " additions, 1 division");
    // Windows the ReLU set to 0 everywhere: a tie, so raising any of their cells moves the maximum.
    const Tensor patch_max = max_pool(feature_patch);
    std::size_t zero_windows = 0;
    for (std::size_t k = 0; k < patch_max.size(); ++k) zero_windows += patch_max.data()[k] == 0;
    row("稳定性: input cells whose rise by ε changes the output (12×12 patch)",
        percent(responding_cells(patch, conv)) + " (every output that reads it moves by \\f$w_{uv}\\varepsilon\\f$)",
        percent(responding_cells(feature_patch, max_pool)) + " (the maximum of each window, and every cell of the " +
            percent(double(zero_windows) / double(patch_max.size())) + " of windows the ReLU set to 0: a tie)",
        percent(responding_cells(feature_patch, mean_pool)) + " (each by \\f$\\varepsilon/4\\f$)");
    row("稳定性: photo shifted by one pixel, relative change of the input → of the output",
        fixed(relative_change(x, shifted)) + " → " + fixed(relative_change(f, f_shifted)),
        fixed(relative_change(f, f_shifted)) + " → " + fixed(relative_change(p, max_pool(f_shifted))),
        fixed(relative_change(f, f_shifted)) + " → " + fixed(relative_change(m, mean_pool(f_shifted))));
    return 0;
}
