// Chapter 2 example: groups (a depthwise layer) and the 1×1 layer as a matrix applied to every
// pixel. Built and run by the docs target; the Chapter 2 page shows its code and output.
#include "chapters/ch02_layers/layer.hpp"

#include <iostream>

using Tensor = cnnlab::Tensor4<double>;

int main() {
    bool ok = true;
    // d2l's two-channel input, as in ch02_channels.cpp.
    const Tensor X = Tensor::from_row_major({1, 2, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9});

    //! [groups]
    // groups = C_in = C_out = 2: a depthwise layer. The weight is C_out × C_in/g × K_h × K_w = 2×1×2×2,
    // and output channel p sees input channel p only: Y^0 = W^{0,0} ⊗ X^0, Y^1 = W^{1,0} ⊗ X^1.
    const Tensor depthwise_weight = Tensor::from_row_major({2, 1, 2, 2}, {0, 1, 2, 3, 1, 2, 3, 4});
    const Tensor D = cnnlab::conv2d_layer(X, depthwise_weight, {}, cnnlab::Conv2dOptions{.groups = 2});
    D.plane(0, 0).raw_print("depthwise Y^0 =");  // [[19, 25], [37, 43]]: Chapter 1's example
    D.plane(0, 1).raw_print("depthwise Y^1 =");  // [[37, 47], [67, 77]]
    // With groups = 1 the same kernels are summed over the channels: 56 72 / 104 120.
    //! [groups]
    ok = ok && D(0, 0, 0, 0) + D(0, 1, 0, 0) == 56 && D(0, 1, 1, 1) == 77;

    //! [one-by-one]
    // A 1×1 layer from 3 to 2 channels is the 2×3 matrix W applied to every pixel's channel vector.
    const Tensor P = Tensor::from_row_major({1, 3, 2, 2}, {1, 2, 3, 4,  5, 6, 7, 8,  9, 10, 11, 12});
    const Tensor W1x1 = Tensor::from_row_major({2, 3, 1, 1}, {1, 0, -1,  0.5, 0.5, 0.5});
    const Tensor Q = cnnlab::conv2d_layer(P, W1x1);  // takes the gemm_1x1 path: no im2col
    const arma::mat W{{1, 0, -1}, {0.5, 0.5, 0.5}};
    const arma::vec pixel{P(0, 0, 1, 0), P(0, 1, 1, 0), P(0, 2, 1, 0)};  // channels of pixel (1, 0)
    (W * pixel).t().raw_print("W * x(1,0)         =");
    arma::rowvec{Q(0, 0, 1, 0), Q(0, 1, 1, 0)}.raw_print("layer output (1,0) =");
    //! [one-by-one]
    ok = ok && Q(0, 0, 1, 0) == -8 && Q(0, 1, 1, 0) == 10.5;
    return ok ? 0 : 1;
}
