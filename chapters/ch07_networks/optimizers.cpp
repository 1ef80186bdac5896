// One SGD step and one Adam step (see optimizers.hpp), element by element as PyTorch's SGD and Adam.
#include "chapters/ch07_networks/optimizers.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <cmath>

namespace cnnlab {

template <class T>
void sgd_step(std::span<T> parameters, std::span<const T> gradient, SgdState<T>& state, const SgdOptions& o) {
    if (parameters.size() != gradient.size())
        throw shape_error(str("sgd_step: ", parameters.size(), " parameters but ", gradient.size(),
                              " gradient values; they must have the same length"));
    if (!(o.learning_rate > 0) || o.momentum < 0 || o.weight_decay < 0)
        throw argument_error(str("sgd_step: learning rate ", o.learning_rate, " must be > 0, momentum ", o.momentum,
                                 " and weight decay ", o.weight_decay, " must be ≥ 0"));
    if (o.nesterov && (o.momentum <= 0 || o.dampening != 0))
        throw argument_error("sgd_step: Nesterov momentum needs a momentum > 0 and zero dampening");
    const bool with_momentum = o.momentum != 0;
    const bool first = with_momentum && state.momentum.empty();
    if (first) state.momentum.resize(parameters.size());
    if (with_momentum && state.momentum.size() != parameters.size())
        throw shape_error(str("sgd_step: the momentum buffer holds ", state.momentum.size(), " values for ",
                              parameters.size(), " parameters (a state belongs to one parameter tensor)"));
    const T lr = T(o.learning_rate), mu = T(o.momentum), keep = T(1 - o.dampening), decay = T(o.weight_decay);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        T g = gradient[i] + decay * parameters[i];
        if (with_momentum) {
            T& b = state.momentum[i];
            b = first ? g : mu * b + keep * g;
            g = o.nesterov ? g + mu * b : b;
        }
        parameters[i] -= lr * g;
    }
}

template void sgd_step(std::span<float>, std::span<const float>, SgdState<float>&, const SgdOptions&);
template void sgd_step(std::span<double>, std::span<const double>, SgdState<double>&, const SgdOptions&);

namespace {

/// Every refusal of adam_step that depends on the options alone (PyTorch's checks, lr > 0 as for sgd_step).
void check_adam_options(const AdamOptions& o) {
    // Written as !(valid) so that a NaN is refused too.
    if (!(o.learning_rate > 0))
        throw argument_error(str("adam_step: learning rate ", o.learning_rate, " must be > 0"));
    if (!(o.beta1 >= 0 && o.beta1 < 1))
        throw argument_error(str("adam_step: beta1 ", o.beta1, " must lie in [0, 1)"));
    if (!(o.beta2 >= 0 && o.beta2 < 1))
        throw argument_error(str("adam_step: beta2 ", o.beta2, " must lie in [0, 1)"));
    if (!(o.epsilon >= 0)) throw argument_error(str("adam_step: epsilon ", o.epsilon, " must be ≥ 0"));
    if (!(o.weight_decay >= 0))
        throw argument_error(str("adam_step: weight decay ", o.weight_decay, " must be ≥ 0"));
}

}  // namespace

template <class T>
void adam_step(std::span<T> parameters, std::span<const T> gradient, AdamState<T>& state, const AdamOptions& o) {
    const std::size_t n = parameters.size();
    if (n != gradient.size())
        throw shape_error(str("adam_step: ", n, " parameters but ", gradient.size(),
                              " gradient values; they must have the same length"));
    // A fresh state (no moments, no steps) is sized on this step; any other must match the parameters.
    const bool fresh = state.first_moment.empty() && state.second_moment.empty() && state.steps == 0;
    if (!fresh && (state.first_moment.size() != n || state.second_moment.size() != n))
        throw shape_error(str("adam_step: the state holds ", state.first_moment.size(), " first and ",
                              state.second_moment.size(), " second moment values for ", n,
                              " parameters (a state belongs to one parameter tensor)"));
    check_adam_options(o);

    // Nothing is modified before this point, so a refused step leaves parameters and state as they were.
    if (fresh) {
        state.first_moment.assign(n, T(0));
        state.second_moment.assign(n, T(0));
    }
    ++state.steps;
    // The scalars in double as PyTorch computes them in Python, then in T as its kernels use them.
    const double t = double(state.steps);
    const double bias_correction1 = 1 - std::pow(o.beta1, t);
    const double bias_correction2 = 1 - std::pow(o.beta2, t);
    const T beta1 = T(o.beta1), beta2 = T(o.beta2), keep1 = T(1 - o.beta1), keep2 = T(1 - o.beta2);
    const T decay = T(o.weight_decay), shrink = T(1 - o.learning_rate * o.weight_decay);
    const T negative_step_size = T(-(o.learning_rate / bias_correction1));
    const T bias_correction2_sqrt = T(std::sqrt(bias_correction2)), epsilon = T(o.epsilon);
    const bool coupled_decay = !o.decoupled_weight_decay && o.weight_decay != 0;
    for (std::size_t i = 0; i < n; ++i) {
        T& theta = parameters[i];
        if (o.decoupled_weight_decay) theta *= shrink;  // AdamW: decay the weights, not the gradient
        const T g = coupled_decay ? gradient[i] + decay * theta : gradient[i];
        T& m = state.first_moment[i];
        T& v = state.second_moment[i];
        m = m * beta1 + keep1 * g;
        v = v * beta2 + keep2 * g * g;
        const T denominator = std::sqrt(v) / bias_correction2_sqrt + epsilon;
        theta += negative_step_size * m / denominator;
    }
}

template void adam_step(std::span<float>, std::span<const float>, AdamState<float>&, const AdamOptions&);
template void adam_step(std::span<double>, std::span<const double>, AdamState<double>&, const AdamOptions&);

}  // namespace cnnlab
