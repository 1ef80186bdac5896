// Uses the installed cnnlab: d2l's cross-correlation example and a small convolution layer.
// Prints the results; exits 1 if one is wrong.
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/layer.hpp"

#include <iostream>

int main() {
    // d2l: [[0,1,2],[3,4,5],[6,7,8]] ⋆ [[0,1],[2,3]] = [[19,25],[37,43]].
    const arma::mat X{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}};
    const arma::mat K{{0, 1}, {2, 3}};
    const arma::mat Y = cnnlab::xcorr2d(X, K);
    Y.raw_print(std::cout, "xcorr2d:");
    const bool xcorr_ok = arma::approx_equal(Y, arma::mat{{19, 25}, {37, 43}}, "absdiff", 0.0);

    // A conv2d layer: d2l's two input channels of 3×3, one 2×2 kernel per channel, bias 1.
    using Tensor = cnnlab::Tensor4<double>;
    const Tensor x = Tensor::from_row_major({1, 2, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8,    //
                                                           1, 2, 3, 4, 5, 6, 7, 8, 9});
    const Tensor w = Tensor::from_row_major({1, 2, 2, 2}, {0, 1, 2, 3, 1, 2, 3, 4});
    const Tensor y = cnnlab::conv2d_layer(x, w, arma::vec{1.0});
    std::cout << "conv2d_layer: output shape " << y.shape() << '\n';
    y.plane(0, 0).raw_print(std::cout, "conv2d_layer plane 0:");
    const bool layer_ok = y.shape() == cnnlab::Shape4{1, 1, 2, 2} &&
                          arma::approx_equal(arma::mat(y.plane(0, 0)), arma::mat{{57, 73}, {105, 121}}, "absdiff", 0.0);

    std::cout << (xcorr_ok && layer_ok ? "downstream: OK\n" : "downstream: WRONG\n");
    return xcorr_ok && layer_ok ? 0 : 1;
}
