// One SGD step (see optimizers.hpp), element by element as PyTorch's SGD.
#include "chapters/ch07_networks/optimizers.hpp"

#include "chapters/ch00_foundation/errors.hpp"

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

}  // namespace cnnlab
