/// \file
/// \brief Mini-batch stochastic gradient descent 小批量随机梯度下降 with momentum and weight decay, as
/// PyTorch's `torch.optim.SGD` defines one step.
///
/// For parameters \f$\theta\f$ with gradient \f$g\f$, learning rate \f$\eta\f$, momentum \f$\mu\f$,
/// dampening \f$\tau\f$ and weight decay \f$\lambda\f$:
/// \f[ g \leftarrow g + \lambda\theta, \qquad
///     b \leftarrow \begin{cases} g & \text{first step} \\ \mu b + (1-\tau) g & \text{after} \end{cases}, \qquad
///     \theta \leftarrow \theta - \eta\,(g + \mu b \text{ (Nesterov) or } b). \f]
/// Without momentum (\f$\mu = 0\f$) this is the plain \f$\theta \leftarrow \theta - \eta (g + \lambda\theta)\f$.
#pragma once

#include <cstddef>
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

}  // namespace cnnlab
