// Chapter 4 — pooling 汇聚/池化: your answers.
//
// Each function below is an exercise. It starts as a stub that throws not_attempted; replace the
// `throw` with your answer, rebuild and check:
//
//     cmake --build build/release --target cnnlab_cli
//     build/release/bin/cnnlab check 4        # the whole chapter
//     build/release/bin/cnnlab check 5-6      # one exercise (5-6.1, 5-6.2 and 5-6.3)
//
// A K_h×K_w pooling with stride (s_h, s_w) and padding (p_h, p_w) gives output (i, j) from the
// window of rows i·s_h − p_h … i·s_h − p_h + K_h − 1 and columns j·s_w − p_w … j·s_w − p_w + K_w − 1;
// the output size per axis is ⌊(n + 2p − K)/s⌋ + 1. Indices are 0-based. You may call cnnlab's
// pooling (chapters/ch04_pooling/pooling.hpp) and convolution layers (chapters/ch02_layers/layer.hpp)
// where an exercise does not ask you to write them, or write loops.
#include "exercises/ch04/ch04_exercises.hpp"

#include "chapters/ch04_pooling/pooling.hpp"  // cnnlab::max_pool2d, avg_pool2d…, which you may call

#include <algorithm>
#include <cmath>

namespace cnnlab::exercises::ch04 {

/// **5-6.1** (nndl ex 5-6: "compute the gradient of y = max(x₁, …, x_D)"). Max pooling 最大汇聚
/// outputs the largest value of its window; return \f$\partial y / \partial x\f$ for one window,
/// a matrix of the window's shape. Where the maximum is unique, a small change of any other element
/// leaves \f$y\f$ unchanged and a change of the maximum passes straight through, so the gradient is
/// one-hot 独热: 1 at the arg-max, 0 elsewhere. Where several elements tie for the maximum, max has
/// no gradient, only a subgradient: any non-negative weights on the tied maxima that sum to 1 —
/// PyTorch and cnnlab put the 1 on the first maximum in row-major order. This is the rule that
/// routes δ back through max pooling (nndl §5.3.1).
arma::mat max_gradient(const arma::mat& window) {
    throw not_attempted{};
}

/// **5-6.2** (nndl ex 5-6: "… and the gradient of y = argmax(x₁, …, x_D)"). argmax returns an
/// index, the position of the largest element. At a point x where the maximum is unique, what is
/// its gradient? Return one of the ArgmaxGradient choices (ch04_exercises.hpp lists them, (a)–(e)).
/// Think of what happens to argmax(x + h·e_i) for a small h.
ArgmaxGradient argmax_gradient_unique() {
    throw not_attempted{};
}

/// **5-6.3** (nndl ex 5-6, continued). The same question at a point where two elements tie for the
/// maximum, e.g. x = (3, 9, 9, 1): what is the gradient of argmax there? Return one of the
/// ArgmaxGradient choices.
ArgmaxGradient argmax_gradient_at_tie() {
    throw not_attempted{};
}

/// **d2l-avg-as-conv** (d2l Pooling, ex 1: "implement average pooling through a convolution").
/// Return the weight and the options that make `cnnlab::conv2d_layer(x, weight, {}, options)`
/// equal `cnnlab::avg_pool2d(x, {.kernel = {kernel.rows, kernel.cols}})` for every input x with
/// `channels` channels. Mind the pooling's stride: PyTorch's default is the window itself. Each
/// channel is pooled on its own, so the convolution must not mix channels: a depthwise convolution
/// (groups = C) has a weight of shape C × 1 × K_h × K_w (`Tensor4<double> w({C, 1, K_h, K_w})`,
/// then `w.plane(c, 0)` is the kernel of channel c, an arma::mat you can assign or `.fill(…)`).
/// Options are `{.padding = cnnlab::Mode::valid, .stride = {…, …}, .groups = …}`.
PoolAsConv avg_pool_as_conv(std::size_t channels, Size2 kernel) {
    throw not_attempted{};
}

/// **d2l-max-not-conv** (d2l Pooling, ex 2: "prove that max pooling cannot be implemented through a
/// convolution alone"). A convolution is linear: conv(a + b) = conv(a) + conv(b) for all inputs.
/// Return two inputs a and b (matrices of the same shape, at least 2×2) for which 2×2 max pooling
/// with stride 2 is not additive: maxpool(a + b) ≠ maxpool(a) + maxpool(b) in some element. One
/// such pair shows that no convolution computes max pooling.
std::pair<arma::mat, arma::mat> max_pool_counterexample() {
    throw not_attempted{};
}

/// **d2l-max-relu.1** (d2l Pooling, ex 3 (1): "express max(a, b) using only ReLU operations",
/// ReLU(x) = max(x, 0)). A Real offers only `+`, `-` and `relu(…)` — no `<`, no `std::max`, no way
/// to read the number — so your answer is a formula. Hint: how much larger than b is max(a, b)?
Real max_by_relu(Real a, Real b) {
    throw not_attempted{};
}

/// **d2l-max-relu.2** (d2l Pooling, ex 3 (2): "use this to implement max pooling by means of
/// convolutions and ReLU layers"). The maximum of the 2×2 window [[x00, x01], [x10, x11]] with
/// only `+`, `-` and `relu`. (Each subtraction of two cells is a 2-tap convolution; how many ReLU
/// layers deep is your formula?)
Real window_max_by_relu(Real x00, Real x01, Real x10, Real x11) {
    throw not_attempted{};
}

/// **d2l-pool-cost** (d2l Pooling, ex 4: "what is the computational cost of the pooling layer?").
/// For a batch of N samples of C channels of H×W (`input` = {H, W}), a K_h×K_w window, `stride`, and
/// `padding` zeros on each side, return
/// - `outputs`: the number of output values, N·C·H_o·W_o with H_o = ⌊(H + 2p_h − K_h)/s_h⌋ + 1;
/// - `comparisons`: what max pooling spends finding the maximum of every window;
/// - `additions`: what average pooling spends summing every window (the divisions not counted).
///
/// Count operations on input cells only: cnnlab and PyTorch clip each window to the input, so padded
/// cells are never read (for max they would never win, for the mean they add 0). Taking the
/// maximum or the sum of r values costs r − 1 comparisons or additions.
PoolCost pooling_cost(std::size_t batch, std::size_t channels, Size2 input, Size2 kernel, Size2 stride, Size2 padding) {
    throw not_attempted{};
}

/// **impl-maxpool-backward** (implementation; nndl §5.3.1: "for max pooling, the error term of
/// each region passes to the neuron of the largest value, the others get 0"). Y = maxpool(X) with a
/// K_h×K_w window and `stride`, no padding; `dy` = ∂f/∂Y has Y's shape. Return ∂f/∂X, X's shape:
/// each dy(i, j) goes to the position of the maximum of window (i, j) — at a tie, the first maximum
/// in row-major order (row by row), as PyTorch — and everything else is 0. When windows overlap
/// (stride < kernel), one input cell can be the maximum of several windows: it receives the sum.
arma::mat max_pool_backward(const arma::mat& x, const arma::mat& dy, Size2 kernel, Size2 stride) {
    throw not_attempted{};
}

/// **impl-avgpool-padding** (implementation). Average pooling 平均汇聚 of one plane with `padding` zero rows
/// and columns on each side (PyTorch's `avg_pool2d`, no ceil_mode): output (i, j) is the sum of the
/// input cells of its window divided by
/// - K_h·K_w (the padded cells counted) when `count_include_pad` is true, PyTorch's default;
/// - the number of input cells in the window when it is false.
///
/// The output is H_o×W_o with H_o = ⌊(H + 2p_h − K_h)/s_h⌋ + 1.
arma::mat avg_pool(const arma::mat& x, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad) {
    throw not_attempted{};
}

}  // namespace cnnlab::exercises::ch04
