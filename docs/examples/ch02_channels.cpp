// Chapter 2 example: the convolution layer on N×C×H×W tensors — d2l's multi-channel examples and
// the two PyTorch shape examples of the notes. Built and run by the docs target; the Chapter 2
// page shows its code and output.
#include "chapters/ch02_layers/layer.hpp"

#include <iostream>
#include <string>
#include <vector>

using cnnlab::Conv2dOptions;
using cnnlab::Sides2;
using Tensor = cnnlab::Tensor4<double>;

int main() {
    bool ok = true;

    //! [d2l-multi-in]
    // d2l's example: 1 sample, 2 input channels of 3×3 (values in PyTorch's row-major order).
    const Tensor X = Tensor::from_row_major({1, 2, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8,    // X^0
                                                           1, 2, 3, 4, 5, 6, 7, 8, 9});  // X^1
    // One output channel: weight 1×2×2×2 (C_out × C_in × K_h × K_w), a 2×2 kernel per input channel.
    const Tensor K = Tensor::from_row_major({1, 2, 2, 2}, {0, 1, 2, 3,    // W^{0,0}
                                                           1, 2, 3, 4});  // W^{0,1}
    const Tensor Y = cnnlab::conv2d_layer(X, K);  // Y^0 = W^{0,0} ⊗ X^0 + W^{0,1} ⊗ X^1
    Y.plane(0, 0).raw_print("Y^0 =");             // [[56, 72], [104, 120]]
    //! [d2l-multi-in]
    ok = ok && arma::approx_equal(arma::mat(Y.plane(0, 0)), arma::mat{{56, 72}, {104, 120}}, "absdiff", 0.0);

    //! [multi-out]
    // Three output channels: the kernels K, K+1, K+2 stacked along the first axis (3×2×2×2),
    // and a bias, one value per output channel.
    std::vector<double> stacked;
    for (double shift : {0.0, 1.0, 2.0})
        for (double k : {0, 1, 2, 3, 1, 2, 3, 4}) stacked.push_back(k + shift);
    const Tensor K3 = Tensor::from_row_major({3, 2, 2, 2}, stacked);
    const arma::vec b{0, 0.5, -100};
    const Tensor Y3 = cnnlab::conv2d_layer(X, K3, b);
    std::cout << "output shape " << Y3.shape() << '\n';  // 1×3×2×2
    for (std::size_t p = 0; p < 3; ++p) Y3.plane(0, p).raw_print("Y^" + std::to_string(p) + " =");
    //! [multi-out]
    ok = ok && arma::approx_equal(arma::mat(Y3.plane(0, 1)), arma::mat{{76.5, 100.5}, {148.5, 172.5}}, "absdiff", 0.0);

    //! [pytorch-shapes]
    // Note 001: X = torch.rand(4, 2, 3, 5); nn.Conv2d(2, 3, kernel_size=(3, 5), padding=(1, 2)).
    const Tensor x1(cnnlab::Shape4{4, 2, 3, 5});
    const Tensor w1(cnnlab::Shape4{3, 2, 3, 5});  // weight.shape == (3, 2, 3, 5)
    const arma::vec b1(3, arma::fill::zeros);     // bias.shape == (3,)
    const Conv2dOptions padding{.padding = Sides2::symmetric(1, 2)};
    const Tensor y1 = cnnlab::conv2d_layer(x1, w1, b1, padding);
    std::cout << "x " << x1.shape() << ", weight " << w1.shape() << " -> y " << y1.shape() << '\n';

    // Note 004: x = torch.randn(2, 1, 7, 3); torch.nn.Conv2d(1, 8, (2, 3)).
    const Tensor x2(cnnlab::Shape4{2, 1, 7, 3});
    const Tensor w2(cnnlab::Shape4{8, 1, 2, 3});
    const Tensor y2 = cnnlab::conv2d_layer(x2, w2, arma::vec(8, arma::fill::zeros));
    std::cout << "x " << x2.shape() << ", weight " << w2.shape() << " -> y " << y2.shape() << '\n';
    //! [pytorch-shapes]
    ok = ok && y1.shape() == cnnlab::Shape4{4, 3, 3, 5} && y2.shape() == cnnlab::Shape4{2, 8, 6, 1};

    return ok ? 0 : 1;
}
