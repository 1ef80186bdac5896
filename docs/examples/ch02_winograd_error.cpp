// Chapter 2 example: how far the float paths of a 3×3 layer are from the exact result, measured — im2col + GEMM
// (the direct formula's sums), Winograd F(2×2, 3×3) and F(4×4, 3×3) — against the same layer computed in double by
// cnnlab::ref::conv2d_layer. The error of an output plane is its largest |float − double| over its scale
// Σ|w||x| + |b| (the largest such sum in the plane: Winograd mixes a whole tile into each output, so an output
// at the padded border carries the rounding of its neighbours), and the table gives the worst plane of 5 random
// layers per channel count, in units of float's ε = 2⁻²³ ≈ 1.19e-7. Prints Markdown that the docs build splices
// into the Chapter 2 page; exits 1 if an error passes the bound the tests hold (tests/ch02_winograd_test.cpp).
#include "chapters/ch02_layers/layer.hpp"
#include "reference/layers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <random>

namespace {

using cnnlab::LayerAlgorithm;
using cnnlab::Tensor4;

Tensor4<double> random_tensor(const cnnlab::Shape4& shape, std::mt19937& random) {
    Tensor4<double> t(shape);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = uniform(random);
    return t;
}

Tensor4<float> to_float(const Tensor4<double>& t) {
    Tensor4<float> f(t.shape());
    for (std::size_t i = 0; i < t.size(); ++i) f.data()[i] = float(t.data()[i]);
    return f;
}

Tensor4<double> absolute(const Tensor4<double>& t) {
    Tensor4<double> a(t.shape());
    for (std::size_t i = 0; i < t.size(); ++i) a.data()[i] = std::abs(t.data()[i]);
    return a;
}

/// The worst plane's largest |actual − exact| over the plane's largest Σ|w||x| + |b| (`scale`).
double worst_plane_error(const Tensor4<float>& actual, const Tensor4<double>& exact, const Tensor4<double>& scale) {
    const std::size_t plane = exact.shape().h * exact.shape().w;
    double worst = 0;
    for (std::size_t first = 0; first < exact.size(); first += plane) {
        double error = 0, size = 0;
        for (std::size_t k = first; k < first + plane; ++k) {
            error = std::max(error, std::abs(double(actual.data()[k]) - exact.data()[k]));
            size = std::max(size, scale.data()[k]);
        }
        worst = std::max(worst, error / size);
    }
    return worst;
}

}  // namespace

int main() {
    const double epsilon = std::numeric_limits<float>::epsilon();
    const LayerAlgorithm paths[] = {LayerAlgorithm::im2col_gemm, LayerAlgorithm::winograd_f2x2_3x3,
                                    LayerAlgorithm::winograd_f4x4_3x3};
    const double bounds[] = {1e-6, 1e-6, 1e-5};  // the tests' tolerances, relative to Σ|w||x| + |b|
    std::cout << "| input channels | im2col + GEMM | Winograd F(2×2, 3×3) | Winograd F(4×4, 3×3) |\n"
              << "| ---: | ---: | ---: | ---: |\n";
    bool within_bounds = true;
    cnnlab::Conv2dOptions options;
    options.padding = cnnlab::Sides2::symmetric(1, 1);
    for (const std::size_t channels : {4, 32, 256}) {
        double worst[3] = {0, 0, 0};
        for (unsigned seed = 1; seed <= 5; ++seed) {
            std::mt19937 random(seed);
            const Tensor4<double> x = random_tensor({2, channels, 20, 20}, random);
            const Tensor4<double> w = random_tensor({8, channels, 3, 3}, random);
            arma::vec b(8);
            std::uniform_real_distribution<double> uniform(-1.0, 1.0);
            for (double& v : b) v = uniform(random);
            const Tensor4<double> exact = cnnlab::ref::conv2d_layer(x, w, b, options);
            const Tensor4<double> scale = cnnlab::ref::conv2d_layer(absolute(x), absolute(w), arma::vec(arma::abs(b)), options);
            for (std::size_t p = 0; p < 3; ++p) {
                const Tensor4<float> y = cnnlab::conv2d_layer(to_float(x), to_float(w), arma::fvec(arma::conv_to<arma::fvec>::from(b)), options, paths[p]);
                worst[p] = std::max(worst[p], worst_plane_error(y, exact, scale));
            }
        }
        std::cout << "| " << channels;
        for (std::size_t p = 0; p < 3; ++p) {
            char cell[64];
            std::snprintf(cell, sizeof cell, "%.1e (%.1f ε)", worst[p], worst[p] / epsilon);
            std::cout << " | " << cell;
            within_bounds = within_bounds && worst[p] <= bounds[p];
        }
        std::cout << " |\n";
    }
    return within_bounds ? 0 : 1;
}
