// Chapter 2 example: every path of cnnlab::conv2d_layer gives the reference's answer, and
// `automatic` picks one per shape (cnnlab::choose_layer_algorithm).
#include "chapters/ch02_layers/layer.hpp"
#include "reference/layers.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>

namespace {

/// Uniform(−1, 1) values, fixed seed.
cnnlab::Tensor4<float> random_tensor(cnnlab::Shape4 shape) {
    static std::mt19937 rng(2);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    cnnlab::Tensor4<float> t(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = uniform(rng);
    return t;
}

}  // namespace

int main() {
    using cnnlab::LayerAlgorithm;
    bool ok = true;
    //! [paths]
    // A 3×3 layer, 16 → 32 channels, 'same' padding, on 2 samples of 20×20.
    const auto x = random_tensor({2, 16, 20, 20});
    const auto w = random_tensor({32, 16, 3, 3});
    const arma::fvec b = arma::randu<arma::fvec>(32);
    const cnnlab::Conv2dOptions options{.padding = cnnlab::Mode::same};
    const auto reference = cnnlab::ref::conv2d_layer(x, w, b, options);  // the 7 loops
    for (LayerAlgorithm path : {LayerAlgorithm::im2col_gemm, LayerAlgorithm::winograd_f2x2_3x3,
                                LayerAlgorithm::winograd_f4x4_3x3, LayerAlgorithm::automatic}) {
        const auto y = cnnlab::conv2d_layer(x, w, b, options, path);
        float worst = 0;
        for (std::size_t i = 0; i < y.size(); ++i)
            worst = std::max(worst, std::abs(y.data()[i] - reference.data()[i]));
        std::cout << cnnlab::layer_algorithm_name(path) << ": max |difference from the reference| = " << worst
                  << '\n';
        ok = ok && worst < 1e-4f;
    }
    //! [paths]

    //! [choose]
    using cnnlab::Mode;
    const auto show = [](cnnlab::Shape4 input, cnnlab::Shape4 weight, cnnlab::Conv2dOptions o) {
        const cnnlab::LayerGeometry g = cnnlab::resolve_conv2d_layer("example", input, weight, 0, o);
        std::cout << g.str() << ", stride " << g.plane.rows.stride << " -> "
                  << cnnlab::layer_algorithm_name(cnnlab::choose_layer_algorithm<float>(g)) << '\n';
    };
    show({8, 256, 56, 56}, {64, 256, 1, 1}, {});                                     // 1×1
    show({8, 256, 56, 56}, {256, 1, 3, 3}, {.padding = Mode::same, .groups = 256});  // depthwise
    show({1, 256, 56, 56}, {256, 256, 3, 3}, {.padding = Mode::same});               // VGG conv3
    show({256, 1, 28, 28}, {6, 1, 3, 3}, {.padding = Mode::same});                   // one input channel
    show({8, 3, 224, 224}, {64, 3, 11, 11}, {.stride = {4, 4}});                     // AlexNet conv1: 363 taps
    show({8, 3, 32, 32}, {64, 3, 3, 3}, {.padding = Mode::same});                    // an image's 3×3: 27 taps
    //! [choose]
    return ok ? 0 : 1;
}
