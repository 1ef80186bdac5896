/// \file
/// \brief Mini-batch stochastic gradient descent 小批量随机梯度下降 with momentum and weight decay, as
/// PyTorch's `torch.optim.SGD` defines one step, and Adam as `torch.optim.Adam` / `torch.optim.AdamW`.
///
/// SGD: for parameters \f$\theta\f$ with gradient \f$g\f$, learning rate \f$\eta\f$, momentum \f$\mu\f$,
/// dampening \f$\tau\f$ and weight decay \f$\lambda\f$:
/// \f[ g \leftarrow g + \lambda\theta, \qquad
///     b \leftarrow \begin{cases} g & \text{first step} \\ \mu b + (1-\tau) g & \text{after} \end{cases}, \qquad
///     \theta \leftarrow \theta - \eta\,(g + \mu b \text{ (Nesterov) or } b). \f]
/// Without momentum (\f$\mu = 0\f$) this is the plain \f$\theta \leftarrow \theta - \eta (g + \lambda\theta)\f$.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cnnlab {

/// The hyper-parameters of one SGD step (PyTorch's names and defaults, the learning rate required).
struct SgdOptions {
    double learning_rate = 0.1;  ///< \f$\eta > 0\f$
    double momentum = 0.0;       ///< \f$\mu \ge 0\f$
    double dampening = 0.0;      ///< \f$\tau\f$
    double weight_decay = 0.0;   ///< \f$\lambda \ge 0\f$ (L2 penalty \f$\tfrac{\lambda}{2}\lVert\theta\rVert^2\f$)
    bool nesterov = false;       ///< Nesterov momentum (needs \f$\mu > 0\f$ and \f$\tau = 0\f$)
};

/// The momentum buffer of one parameter tensor (empty until the first step with momentum).
template <class T>
struct SgdState {
    std::vector<T> momentum;  ///< \f$b\f$
};

/// One SGD step on `parameters` in place, given their `gradient` (same length).
/// \throws shape_error when the lengths differ; argument_error for a learning rate ≤ 0, a negative
/// momentum or weight decay, or Nesterov without momentum or with dampening
template <class T>
void sgd_step(std::span<T> parameters, std::span<const T> gradient, SgdState<T>& state, const SgdOptions& options);

/// The hyper-parameters of one Adam step (PyTorch's names and defaults; `amsgrad` is not offered, as
/// PyTorch's default `amsgrad=False`).
struct AdamOptions {
    double learning_rate = 1e-3;          ///< \f$\eta > 0\f$
    double beta1 = 0.9;                   ///< \f$\beta_1 \in [0, 1)\f$, decay of the first moment
    double beta2 = 0.999;                 ///< \f$\beta_2 \in [0, 1)\f$, decay of the second moment
    double epsilon = 1e-8;                ///< \f$\epsilon \ge 0\f$, added to \f$\sqrt{\hat v}\f$
    double weight_decay = 0.0;            ///< \f$\lambda \ge 0\f$
    bool decoupled_weight_decay = false;  ///< `false`: L2 penalty added to the gradient (Adam); `true`: AdamW
};

/// The moment estimates of one parameter tensor (empty until its first Adam step) and the steps taken.
template <class T>
struct AdamState {
    std::vector<T> first_moment;   ///< \f$m\f$
    std::vector<T> second_moment;  ///< \f$v\f$
    std::uint64_t steps = 0;       ///< \f$t\f$, the number of steps taken so far
};

/// One Adam step on `parameters` in place, given their `gradient` (same length), as PyTorch 1.13's
/// `torch.optim.Adam` (or `torch.optim.AdamW` with `decoupled_weight_decay`) takes it.
///
/// With \f$t\f$ the step number after this step, learning rate \f$\eta\f$ and weight decay \f$\lambda\f$:
/// \f[ g \leftarrow g + \lambda\theta \text{ (Adam)} \quad\text{or}\quad
///     \theta \leftarrow \theta\,(1 - \eta\lambda) \text{ (AdamW)}, \f]
/// \f[ m \leftarrow \beta_1 m + (1-\beta_1)\,g, \qquad v \leftarrow \beta_2 v + (1-\beta_2)\,g^2, \qquad
///     \hat m = \frac{m}{1-\beta_1^t}, \qquad \hat v = \frac{v}{1-\beta_2^t}, \qquad
///     \theta \leftarrow \theta - \eta\,\frac{\hat m}{\sqrt{\hat v} + \epsilon}. \f]
/// The arithmetic follows PyTorch's order, \f$\theta \leftarrow \theta - \frac{\eta}{1-\beta_1^t}\cdot
/// \frac{m}{\sqrt{v}/\sqrt{1-\beta_2^t} + \epsilon}\f$, so double results equal PyTorch's to rounding.
/// With the bias correction the first step moves each parameter by about \f$-\eta\,\mathrm{sign}(g)\f$.
/// \throws shape_error when the lengths differ or `state` holds moments of a different length;
/// argument_error for a learning rate ≤ 0, a \f$\beta\f$ outside \f$[0, 1)\f$, a negative
/// \f$\epsilon\f$ or weight decay. A refused step changes neither the parameters nor the state.
template <class T>
void adam_step(std::span<T> parameters, std::span<const T> gradient, AdamState<T>& state, const AdamOptions& options);

}  // namespace cnnlab
