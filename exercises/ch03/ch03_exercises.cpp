// Chapter 3 — the gradients of convolution 卷积的梯度: your answers.
//
// Each function below is an exercise. It starts as a stub that throws not_attempted; replace the
// `throw` with your answer, rebuild and check:
//
//     cmake --build build/release --target cnnlab_cli
//     build/release/bin/cnnlab check 3        # the whole chapter
//     build/release/bin/cnnlab check 5-7      # one exercise (5-7.1 and 5-7.2)
//
// The layer of this chapter is nndl's Y = W ⊗ X: a valid cross-correlation, stride 1, of an M×N
// input X with a U×V kernel W; Y and the upstream gradient δ = ∂f/∂Y are (M−U+1)×(N−V+1). Indices
// are 0-based. You may call cnnlab::xcorr2d, cnnlab::xcorr1d and cnnlab::rot180
// (chapters/ch01_convolution/convolution.hpp), or write loops.
#include "exercises/ch03/ch03_exercises.hpp"

#include "chapters/ch01_convolution/convolution.hpp"  // cnnlab::xcorr2d, xcorr1d, rot180, which you may call

#include <cmath>

namespace cnnlab::exercises::ch03 {

/// **5-7.1** (nndl ex 5-7, 1-D). A valid cross-correlation is a linear map: for a kernel
/// \f$w = (w_0, \dots, w_{K-1})\f$ and an input of length \f$n\f$, \f$y_i = \sum_k w_k\, x_{i+k}\f$
/// (\f$0 \le i \le n-K\f$), i.e. \f$y = C x\f$. Return the \f$(n-K+1) \times n\f$ matrix \f$C\f$.
/// nndl §5.5.1 writes it for \f$K = 3\f$, \f$n = 5\f$:
/// \f[ C = \begin{bmatrix} w_1 & w_2 & w_3 & 0 & 0 \\ 0 & w_1 & w_2 & w_3 & 0 \\ 0 & 0 & w_1 & w_2 & w_3 \end{bmatrix}. \f]
/// The checker also multiplies your \f$C^\top\f$ with a \f$\delta\f$ and compares with nndl's
/// \f$\mathrm{rot180}(w) \,\tilde{\otimes}\, \delta\f$: the transpose of the forward map is the backward one.
arma::mat convolution_matrix(const arma::vec& w, std::size_t n) {
    throw not_attempted{};
}

/// **5-7.2** (nndl ex 5-7: "ignoring the activation, show that the forward and backward passes of
/// a conv layer are transposes of each other"). Forward: \f$\mathrm{vec}_r(Y) = C\,\mathrm{vec}_r(X)\f$
/// with \f$\mathrm{vec}_r\f$ reading a matrix row by row and \f$C\f$ the
/// \f$(M-U+1)(N-V+1) \times MN\f$ matrix of ex 5-5. Backward: \f$\mathrm{vec}_r(\partial f/\partial X) =
/// C^\top \mathrm{vec}_r(\delta)\f$ — the chain rule for a linear map. Compute the gradient that way:
/// build \f$C\f$ for the kernel `W` (the input is \f$M \times N\f$ with \f$M = H_o + U - 1\f$,
/// \f$N = W_o + V - 1\f$ for the \f$H_o \times W_o\f$ `delta`), multiply \f$C^\top\f$ by
/// \f$\mathrm{vec}_r(\delta)\f$, and fold the \f$MN\f$ values back into an \f$M \times N\f$ matrix,
/// row by row. The checker compares with cnnlab's backward pass and tests
/// \f$\langle C x, \delta \rangle = \langle x, C^\top \delta \rangle\f$ on random inputs.
arma::mat backward_by_transpose(const arma::mat& W, const arma::mat& delta) {
    throw not_attempted{};
}

/// **impl-grad-input** (nndl §5.1.4 (2), §5.3). For \f$Y = W \otimes X\f$ and the upstream gradient
/// \f$\delta\f$, each input pixel \f$x_{st}\f$ was read by every output whose window covered it:
/// \f$\partial f/\partial x_{st} = \sum_{u,v} w_{uv}\, \delta_{s-u,\,t-v}\f$ (terms with \f$\delta\f$
/// outside its range are 0). nndl writes this as a **wide** cross-correlation 宽卷积 of \f$\delta\f$
/// with the kernel turned by 180°: \f$\partial f / \partial X = \mathrm{rot180}(W) \,\tilde{\otimes}\, \delta\f$,
/// i.e. \f$\delta\f$ padded with \f$U-1\f$ zero rows and \f$V-1\f$ zero columns on each side,
/// then a valid cross-correlation with \f$\mathrm{rot180}(W)\f$. Return the \f$M \times N\f$
/// gradient (\f$M = H_o + U - 1\f$, \f$N = W_o + V - 1\f$). With cnnlab:
/// `cnnlab::xcorr2d(delta, cnnlab::rot180(W), {.padding = cnnlab::Mode::full})` — or loops.
arma::mat input_gradient(const arma::mat& W, const arma::mat& delta) {
    throw not_attempted{};
}

/// **impl-grad-weight** (nndl §5.1.4 (2), §5.3). Every output \f$y_{ij}\f$ used weight
/// \f$w_{uv}\f$ on input \f$x_{i+u,\,j+v}\f$, so \f$\partial f/\partial w_{uv} = \sum_{i,j}
/// \delta_{ij}\, x_{i+u,\,j+v}\f$: \f$\delta\f$ slides over \f$X\f$ as the kernel of a valid
/// cross-correlation, \f$\partial f / \partial W = \delta \otimes X\f$. Return the \f$U \times V\f$
/// gradient (\f$U = M - H_o + 1\f$, \f$V = N - W_o + 1\f$ for the \f$M \times N\f$ `X` and the
/// \f$H_o \times W_o\f$ `delta`).
arma::mat weight_gradient(const arma::mat& X, const arma::mat& delta) {
    throw not_attempted{};
}

/// **impl-grad-check.1** (implementation: the gradient checker, part 1). Return the gradient of
/// `f` at `x` by **central** differences, element \f$i\f$:
/// \f[ g_i = \frac{f(x + h e_i) - f(x - h e_i)}{2h} \f]
/// with \f$e_i\f$ the \f$i\f$-th unit vector. Choose the step: the truncation error is
/// \f$h^2 f'''/6\f$ and the rounding error about \f$\varepsilon |f| / h\f$
/// (\f$\varepsilon \approx 2.2\cdot10^{-16}\f$), so \f$h \approx \sqrt[3]{\varepsilon} \max(1, |x_i|)
/// \approx 6\cdot10^{-6}\f$ balances them. `x` is const: perturb a copy. The checker compares with
/// \f$\cos\f$ for \f$f = \sum_i \sin x_i\f$, with \f$Ax + b\f$ for a quadratic, and with cnnlab's
/// weight gradient for \f$f(W) = \langle \delta, W \otimes X \rangle\f$, to \f$10^{-7}\f$.
arma::vec central_difference_gradient(const ScalarFunction& f, const arma::vec& x) {
    throw not_attempted{};
}

/// **impl-grad-check.2** (implementation: the gradient checker, part 2). Return whether `analytic`
/// is the gradient of `f` at `x`: compute the numeric gradient \f$b\f$ with your
/// central_difference_gradient and accept \f$a\f$ = `analytic` when the relative error
/// \f[ e = \frac{\max_i |a_i - b_i|}{\max\left(\tau,\ \max_i |a_i| + \max_i |b_i|\right)} \le 10^{-6} \f]
/// (\f$\tau\f$ = `std::numeric_limits<double>::min()`, so that two zero gradients give 0, not 0/0).
/// The measure must not depend on the scale of \f$f\f$: the checker multiplies \f$f\f$ by
/// \f$10^{-9}\f$ and by \f$10^{6}\f$, puts a component where \f$\partial f/\partial x_i \approx 0\f$,
/// and hands you wrong gradients (a sign flip, one wrong element, a rotated kernel gradient) that
/// you must reject.
bool gradient_agrees(const ScalarFunction& f, const arma::vec& x, const arma::vec& analytic) {
    throw not_attempted{};
}

/// **d2l-autograd.1** (d2l, Convolutions for Images, ex 2: "when you try to automatically find the
/// gradient for the Conv2D class we created, what kind of error message do you see?"). d2l's
/// `corr2d` builds its output with `Y = zeros(...)` and fills it element by element,
/// `Y[i, j] = (X[i:i + h, j:j + w] * K).sum()`; `Conv2D.forward` returns `corr2d(x, self.weight) + self.bias`.
/// d2l's text was written for MXNet, where the forward pass runs inside `with autograd.record():`.
/// What happens there when you call `l.backward()` on a loss of the layer's output? Return one of
/// the AutogradOutcome choices (ch03_exercises.hpp lists them, (a)–(e)).
AutogradOutcome autograd_outcome_mxnet() {
    throw not_attempted{};
}

/// **d2l-autograd.2** (d2l, Convolutions for Images, ex 2, in PyTorch). The same `corr2d` and
/// `Conv2D` in PyTorch: `Y = torch.zeros(...)`, `Y[i, j] = (X[i:i + h, j:j + w] * K).sum()`,
/// `self.weight = nn.Parameter(torch.rand(kernel_size))`, and `l.sum().backward()`. What happens?
/// Return one of the AutogradOutcome choices. (If PyTorch is installed, you can try it.)
AutogradOutcome autograd_outcome_pytorch() {
    throw not_attempted{};
}

/// **impl-activation-grad** (nndl §5.3.1: \f$\delta^{(l)} = f_l'(Z^{(l)}) \odot \ldots\f$). A
/// layer applies an activation \f$A = f(Z)\f$ element by element, so the gradient with respect to
/// the pre-activation \f$Z\f$ is \f$f'(Z) \odot \partial f / \partial A\f$, with
/// - identity: \f$f'(z) = 1\f$;
/// - relu: \f$f'(z) = 1\f$ for \f$z > 0\f$, else 0 (at \f$z = 0\f$ take 0, as PyTorch and cnnlab do);
/// - leaky_relu: 1 for \f$z > 0\f$, else `slope`;
/// - sigmoid: \f$\sigma'(z) = \sigma(z)(1 - \sigma(z))\f$ with \f$\sigma(z) = 1/(1 + e^{-z})\f$;
/// - tanh: \f$1 - \tanh^2 z\f$.
///
/// Return the matrix \f$f'(z_{ij})\, da_{ij}\f$ (`z` and `da` have the same shape). Mind that
/// \f$f'\f$ is evaluated at \f$z\f$, the input of the activation, and that \f$z\f$ may be as large as
/// \f$\pm 800\f$: a formula that computes \f$e^{800}\f$ overflows.
arma::mat activation_delta(const arma::mat& z, const arma::mat& da, Activation activation, double slope) {
    throw not_attempted{};
}

}  // namespace cnnlab::exercises::ch03
