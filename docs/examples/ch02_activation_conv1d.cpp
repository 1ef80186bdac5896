// Chapter 2 example: an activation applied to a layer's output, and a 1-D layer (a text CNN's
// filters). Built and run by the docs target; the Chapter 2 page shows its code and output.
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch02_layers/layer.hpp"

#include <iostream>

using Tensor = cnnlab::Tensor4<double>;

int main() {
    bool ok = true;

    //! [activation]
    // Y^p = f(Z^p): the activation applied in place to every element of a layer's output Z.
    Tensor Z = Tensor::from_row_major({1, 1, 2, 3}, {-4, 28, -0.5, 92, 0, -124});
    cnnlab::apply_activation(Z, cnnlab::Activation::relu);
    Z.plane(0, 0).raw_print("relu(Z) =");  // the negative values become 0
    Tensor S = Tensor::from_row_major({1, 1, 1, 3}, {-2, 0, 2});
    cnnlab::apply_activation(S, cnnlab::Activation::tanh);
    S.plane(0, 0).raw_print("tanh([-2, 0, 2]) =");
    //! [activation]
    ok = ok && Z(0, 0, 0, 0) == 0 && Z(0, 0, 0, 1) == 28 && S(0, 0, 0, 1) == 0;

    //! [conv1d]
    // A text CNN's 1-D layer: 1 sentence of 6 words with 4-dimensional embeddings (N×C×L = 1×4×6,
    // held as 1×4×1×6), 2 filters of width 3 (weight 2×4×3, held as 2×4×1×3).
    Tensor sentence(cnnlab::Shape4{1, 4, 1, 6});
    for (std::size_t c = 0; c < 4; ++c)
        for (std::size_t t = 0; t < 6; ++t) sentence(0, c, 0, t) = double(c + t);
    Tensor filters(cnnlab::Shape4{2, 4, 1, 3});
    filters.plane(0, 0).fill(1.0);  // filter 0 sums channel 0 over 3 words
    filters(1, 3, 0, 2) = 1.0;      // filter 1 picks channel 3 of the window's last word
    const Tensor features = cnnlab::conv1d_layer(sentence, filters);
    std::cout << "conv1d output " << features.shape() << '\n';  // 1×2×1×4: L_out = 6 − 3 + 1
    features.plane(0, 0).raw_print("filter 0:");
    features.plane(0, 1).raw_print("filter 1:");
    //! [conv1d]
    ok = ok && features.shape() == cnnlab::Shape4{1, 2, 1, 4} && features(0, 0, 0, 0) == 3 &&
         features(0, 1, 0, 0) == 5;
    return ok ? 0 : 1;
}
