// The training-mode forward pass and the backward pass of a network's layers (see network.hpp):
// each leaf keeps what its backward needs and calls the Chapter 3–4 and dense backward ops (or their
// references); the composites route the gradients — reversed order, a split for Concat, a sum for
// the two branches of a residual block.
#include "chapters/ch07_networks/network.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch03_gradients/activation_backward.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "reference/dense.hpp"
#include "reference/gradients.hpp"
#include "reference/pooling.hpp"

#include <cstring>
#include <utility>

namespace cnnlab {
namespace {

bool reference(Implementation implementation) { return implementation == Implementation::reference; }

std::string join(const std::string& path, const std::string& name) { return path.empty() ? name : path + "." + name; }

std::span<float> span_of(Tensor4<float>& t) { return {t.data(), t.size()}; }
template <class M>
std::span<float> span_of(M& m) {
    return {m.memptr(), m.n_elem};
}

// Gradients are written into the storage that parameters() handed out (spans into it stay valid):
// a copy when the size is unchanged, a fresh allocation only the first time.
float* data_of(Tensor4<float>& t) { return t.data(); }
template <class M>
float* data_of(M& m) {
    return m.memptr();
}
std::size_t size_of(const Tensor4<float>& t) { return t.size(); }
template <class M>
std::size_t size_of(const M& m) {
    return m.n_elem;
}
template <class Storage, class Value>
void store_gradient(Storage& storage, Value&& value) {
    if (size_of(storage) == size_of(value))
        std::memcpy(data_of(storage), data_of(value), size_of(value) * sizeof(float));
    else
        storage = std::forward<Value>(value);
}

// A conv or linear layer's "weight" and (when it has one) "bias" with their gradients, the bias
// gradient's storage sized on first use.
void add_weight_and_bias(const std::string& path, std::vector<Parameter>& out, std::span<float> weight,
                         std::span<float> weight_gradient, bool has_bias, arma::fvec& bias, arma::fvec& bias_gradient) {
    out.push_back({join(path, "weight"), weight, weight_gradient});
    if (!has_bias) return;
    if (bias_gradient.n_elem != bias.n_elem) bias_gradient.zeros(bias.n_elem);
    out.push_back({join(path, "bias"), span_of(bias), span_of(bias_gradient)});
}

// A backward call needs the state of a forward_train call on the same layer.
void require_forward(bool ran, const std::string& where) {
    if (!ran) throw argument_error(str(where, ": backward needs a forward_train first (nothing is kept)"));
}

void require_gradient_shape(const Shape4& dy, const Shape4& expected, const std::string& where) {
    if (dy != expected)
        throw shape_error(str(where, ": the upstream gradient is ", dy.str(), " but the forward's output was ",
                              expected.str(), "; they must be equal"));
}

Activation activation_of(Elementwise::Function f) {
    return f == Elementwise::Function::relu ? Activation::relu
           : f == Elementwise::Function::sigmoid ? Activation::sigmoid
                                                 : Activation::tanh;
}

void collect(Layer& layer, const std::string& path, std::vector<Parameter>& out, bool buffers) {
    if (buffers)
        layer.own_buffers(path, out);
    else
        layer.own_parameters(path, out);
    for (Layer* child : layer.children()) collect(*child, join(path, child->name()), out, buffers);
}

}  // namespace

Tensor4<float> Layer::forward_train(const Tensor4<float>&, TrainingContext&) {
    throw argument_error(str(where(name()), ": this layer has no backward pass, so a network holding it cannot be "
                                            "trained (the inference forward works)"));
}

Tensor4<float> Layer::backward(const Tensor4<float>&, Implementation, bool) {
    throw argument_error(str(where(name()), ": this layer has no backward pass"));
}

std::vector<Parameter> parameters(Layer& network) {
    std::vector<Parameter> out;
    collect(network, "", out, false);
    return out;
}

std::vector<Parameter> buffers(Layer& network) {
    std::vector<Parameter> out;
    collect(network, "", out, true);
    return out;
}

// --- Conv2d ---------------------------------------------------------------------------------------

Tensor4<float> Conv2d::forward_train(const Tensor4<float>& x, TrainingContext& context) {
    Tensor4<float> y = forward(x, context.implementation);
    input_ = x;
    return y;
}

Tensor4<float> Conv2d::backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) {
    require_forward(input_.size() != 0, where(name()));
    const LayerGeometry g = resolve_conv2d_layer(where(name()), input_.shape(), weight_.shape(), bias_values_.n_elem,
                                                 options_);
    require_gradient_shape(dy.shape(), g.output, where(name()));
    const bool ref = reference(implementation);
    store_gradient(weight_gradient_, ref ? ref::conv2d_layer_backward_weight(input_, dy, weight_.shape(), options_)
                                         : conv2d_layer_backward_weight(input_, dy, weight_.shape(), options_));
    if (bias_) store_gradient(bias_gradient_, ref ? ref::conv2d_layer_backward_bias(dy) : conv2d_layer_backward_bias(dy));
    if (!input_gradient) return {};
    return ref ? ref::conv2d_layer_backward_input(weight_, dy, input_.shape(), options_)
               : conv2d_layer_backward_input(weight_, dy, input_.shape(), options_);
}

void Conv2d::own_parameters(const std::string& path, std::vector<Parameter>& out) {
    if (weight_gradient_.shape() != weight_.shape()) weight_gradient_ = Tensor4<float>(weight_.shape());
    add_weight_and_bias(path, out, span_of(weight_), span_of(weight_gradient_), bias_, bias_values_, bias_gradient_);
}

// --- Linear ---------------------------------------------------------------------------------------

Tensor4<float> Linear::forward_train(const Tensor4<float>& x, TrainingContext& context) {
    Tensor4<float> y = forward(x, context.implementation);
    input_ = x;
    return y;
}

Tensor4<float> Linear::backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) {
    require_forward(input_.size() != 0, where(name()));
    require_gradient_shape(dy.shape(), {input_.shape().n, out_, 1, 1}, where(name()));
    const bool ref = reference(implementation);
    store_gradient(weight_gradient_, ref ? ref::linear_backward_weight(input_, dy) : linear_backward_weight(input_, dy));
    if (bias_) store_gradient(bias_gradient_, ref ? ref::linear_backward_bias(dy) : linear_backward_bias(dy));
    if (!input_gradient) return {};
    return ref ? ref::linear_backward_input(weight_, dy) : linear_backward_input(weight_, dy);
}

void Linear::own_parameters(const std::string& path, std::vector<Parameter>& out) {
    if (weight_gradient_.n_rows != weight_.n_rows || weight_gradient_.n_cols != weight_.n_cols)
        weight_gradient_.zeros(weight_.n_rows, weight_.n_cols);
    add_weight_and_bias(path, out, span_of(weight_), span_of(weight_gradient_), bias_, bias_values_, bias_gradient_);
}

// --- BatchNorm2d ----------------------------------------------------------------------------------

Tensor4<float> BatchNorm2d::forward_train(const Tensor4<float>& x, TrainingContext& context) {
    if (gamma_.is_empty())
        throw argument_error(str(where(name()), ": parameters are not initialized; call initialize(network, seed) first"));
    LayerInfo info;
    info.path = name();
    info.input = x.shape();
    describe(info);  // the channel check, naming the layer
    const bool ref = reference(context.implementation);
    saved_ = ref ? ref::batch_norm2d_training(x, gamma_, beta_, eps_) : batch_norm2d_training(x, gamma_, beta_, eps_);
    if (ref)
        ref::update_running_stats(running_mean_, running_var_, saved_, context.batch_norm_momentum);
    else
        update_running_stats(running_mean_, running_var_, saved_, context.batch_norm_momentum);
    input_ = x;
    return std::move(saved_.y);  // the statistics stay for backward
}

Tensor4<float> BatchNorm2d::backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) {
    require_forward(input_.size() != 0, where(name()));
    require_gradient_shape(dy.shape(), input_.shape(), where(name()));
    BatchNormGradients<float> g = reference(implementation) ? ref::batch_norm2d_backward(input_, dy, gamma_, saved_)
                                                            : batch_norm2d_backward(input_, dy, gamma_, saved_);
    store_gradient(gamma_gradient_, g.dgamma);
    store_gradient(beta_gradient_, g.dbeta);
    return input_gradient ? std::move(g.dx) : Tensor4<float>();
}

void BatchNorm2d::own_parameters(const std::string& path, std::vector<Parameter>& out) {
    if (gamma_gradient_.n_elem != gamma_.n_elem) gamma_gradient_.zeros(gamma_.n_elem);
    if (beta_gradient_.n_elem != beta_.n_elem) beta_gradient_.zeros(beta_.n_elem);
    out.push_back({join(path, "weight"), span_of(gamma_), span_of(gamma_gradient_)});
    out.push_back({join(path, "bias"), span_of(beta_), span_of(beta_gradient_)});
}

void BatchNorm2d::own_buffers(const std::string& path, std::vector<Parameter>& out) {
    out.push_back({join(path, "running_mean"), span_of(running_mean_), {}});
    out.push_back({join(path, "running_var"), span_of(running_var_), {}});
}

// --- Elementwise ----------------------------------------------------------------------------------

Tensor4<float> Elementwise::forward_train(const Tensor4<float>& x, TrainingContext& context) {
    kept_output_ = false;
    if (function_ == Function::identity) {
        kept_ = Tensor4<float>(x.shape());  // only the shape matters
        return x;
    }
    if (function_ != Function::dropout) {
        if (reference(context.implementation)) {
            kept_ = x;
            return forward(x, context.implementation);
        }
        kept_ = forward(x, context.implementation);
        kept_output_ = true;
        return kept_;
    }
    if (context.random == nullptr)
        throw argument_error(str(where(name()), ": training-mode dropout needs a random source (TrainingContext::random)"));
    // Inverted dropout: keep with probability 1 − p and scale by 1/(1 − p); the mask is kept for backward.
    kept_ = Tensor4<float>(x.shape(), uninitialized);
    std::bernoulli_distribution keep(1.0 - probability_);
    const float scale = 1.0f / (1.0f - probability_);
    Tensor4<float> y(x.shape(), uninitialized);
    for (std::size_t i = 0; i < x.size(); ++i) {
        kept_.data()[i] = keep(*context.random) ? scale : 0.0f;
        y.data()[i] = x.data()[i] * kept_.data()[i];
    }
    return y;
}

Tensor4<float> Elementwise::backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) {
    require_forward(kept_.size() != 0, where(name()));
    require_gradient_shape(dy.shape(), kept_.shape(), where(name()));
    if (!input_gradient) return {};
    if (function_ == Function::identity) return dy;
    const float* k = kept_.data();
    const float* d = dy.data();
    Tensor4<float> dx(dy.shape(), uninitialized);
    float* out = dx.data();
    const std::size_t n = dy.size();
    const bool threaded = n >= detail::threaded_elements;
    if (function_ == Function::dropout) {
#pragma omp parallel for simd schedule(static) if (threaded)
        for (std::size_t i = 0; i < n; ++i) out[i] = d[i] * k[i];
    } else if (!kept_output_) {
        return reference(implementation) ? ref::activation_backward(kept_, dy, activation_of(function_))
                                         : activation_backward(kept_, dy, activation_of(function_));
    } else if (function_ == Function::relu) {  // z > 0 exactly where y > 0
#pragma omp parallel for simd schedule(static) if (threaded)
        for (std::size_t i = 0; i < n; ++i) out[i] = k[i] > 0.0f ? d[i] : 0.0f;
    } else if (function_ == Function::sigmoid) {  // σ'(z) = σ(z)(1 − σ(z)) = y(1 − y)
#pragma omp parallel for simd schedule(static) if (threaded)
        for (std::size_t i = 0; i < n; ++i) out[i] = k[i] * (1.0f - k[i]) * d[i];
    } else {  // tanh'(z) = 1 − tanh²(z) = 1 − y²
#pragma omp parallel for simd schedule(static) if (threaded)
        for (std::size_t i = 0; i < n; ++i) out[i] = (1.0f - k[i] * k[i]) * d[i];
    }
    return dx;
}

// --- Pooling and Flatten --------------------------------------------------------------------------

Tensor4<float> Pool2d::forward_train(const Tensor4<float>& x, TrainingContext& context) {
    input_shape_ = x.shape();
    if (!max_) return forward(x, context.implementation);
    if (reference(context.implementation)) {
        input_ = x;  // ref::max_pool2d_backward finds the arg-maxes again
        return ref::max_pool2d(x, options_);
    }
    MaxPoolResult<float> result = max_pool2d_with_argmax(x, options_);
    argmax_ = std::move(result.argmax);
    return std::move(result.y);
}

Tensor4<float> Pool2d::backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) {
    require_forward(input_shape_.elements() != 0, where(name()));
    if (!input_gradient) return {};
    if (!max_)
        return reference(implementation) ? ref::avg_pool2d_backward(dy, input_shape_, options_)
                                         : avg_pool2d_backward(dy, input_shape_, options_);
    if (reference(implementation)) {
        require_forward(input_.size() != 0, where(name()) + " (a reference backward after an optimized forward)");
        return ref::max_pool2d_backward(input_, dy, options_);
    }
    require_forward(!argmax_.empty(), where(name()) + " (an optimized backward after a reference forward)");
    return max_pool2d_backward(dy, argmax_, input_shape_, options_);
}

Tensor4<float> AdaptiveAvgPool2d::forward_train(const Tensor4<float>& x, TrainingContext& context) {
    input_shape_ = x.shape();
    return forward(x, context.implementation);
}

Tensor4<float> AdaptiveAvgPool2d::backward(const Tensor4<float>& dy, Implementation implementation,
                                           bool input_gradient) {
    require_forward(input_shape_.elements() != 0, where(name()));
    require_gradient_shape(dy.shape(), {input_shape_.n, input_shape_.c, rows_, cols_}, where(name()));
    if (!input_gradient) return {};
    return reference(implementation) ? ref::adaptive_avg_pool2d_backward(dy, input_shape_)
                                     : adaptive_avg_pool2d_backward(dy, input_shape_);
}

Tensor4<float> Flatten::forward_train(const Tensor4<float>& x, TrainingContext& context) {
    input_shape_ = x.shape();
    return forward(x, context.implementation);
}

Tensor4<float> Flatten::backward(const Tensor4<float>& dy, Implementation, bool input_gradient) {
    const Shape4& s = input_shape_;
    require_forward(s.elements() != 0, where(name()));
    require_gradient_shape(dy.shape(), {s.n, s.c * s.h * s.w, 1, 1}, where(name()));
    if (!input_gradient) return {};
    Tensor4<float> dx(s, uninitialized);
    for (std::size_t n = 0; n < s.n; ++n)
        for (std::size_t c = 0; c < s.c; ++c)
            for (std::size_t h = 0; h < s.h; ++h)
                for (std::size_t w = 0; w < s.w; ++w) dx(n, c, h, w) = dy(n, (c * s.h + h) * s.w + w, 0, 0);
    return dx;
}

// --- Composites -----------------------------------------------------------------------------------

Tensor4<float> Sequential::forward_train(const Tensor4<float>& x, TrainingContext& context) {
    if (children_.empty()) return x;
    Tensor4<float> y = children_.front()->forward_train(x, context);
    for (std::size_t i = 1; i < children_.size(); ++i) y = children_[i]->forward_train(y, context);
    return y;
}

Tensor4<float> Sequential::backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) {
    if (children_.empty()) return input_gradient ? dy : Tensor4<float>();
    Tensor4<float> d = dy;
    for (std::size_t i = children_.size(); i-- > 0;)
        d = children_[i]->backward(d, implementation, i > 0 || input_gradient);
    return d;
}

Tensor4<float> Concat::forward_train(const Tensor4<float>& x, TrainingContext& context) {
    std::vector<Tensor4<float>> outputs;
    branch_channels_.clear();
    for (LayerPtr& branch : branches_) {
        outputs.push_back(branch->forward_train(x, context));
        branch_channels_.push_back(outputs.back().shape().c);
    }
    return stack(outputs);
}

Tensor4<float> Concat::backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) {
    require_forward(!branch_channels_.empty(), where(name()));
    const Shape4& s = dy.shape();
    std::size_t channels = 0;
    for (std::size_t c : branch_channels_) channels += c;
    if (s.c != channels)
        throw shape_error(str(where(name()), ": the upstream gradient has ", s.c, " channels but the branches gave ",
                              channels));
    Tensor4<float> dx;
    std::size_t first_channel = 0;
    for (std::size_t b = 0; b < branches_.size(); ++b) {
        const std::size_t c = branch_channels_[b];
        Tensor4<float> part({s.n, c, s.h, s.w}, uninitialized);  // the branch's channels of every sample
        const std::size_t plane = s.h * s.w;
        for (std::size_t n = 0; n < s.n; ++n)
            std::memcpy(part.data() + n * c * plane, dy.data() + (n * s.c + first_channel) * plane,
                        c * plane * sizeof(float));
        first_channel += c;
        Tensor4<float> d = branches_[b]->backward(part, implementation, input_gradient);
        if (!input_gradient) continue;
        if (dx.size() == 0)
            dx = std::move(d);
        else
            for (std::size_t i = 0; i < dx.size(); ++i) dx.data()[i] += d.data()[i];
    }
    return dx;
}

Tensor4<float> Residual::forward_train(const Tensor4<float>& x, TrainingContext& context) {
    Tensor4<float> y = main_->forward_train(x, context);
    const Tensor4<float> shortcut = projection_ ? projection_->forward_train(x, context) : Tensor4<float>();
    const Tensor4<float>& p = projection_ ? shortcut : x;
    if (p.shape() != y.shape())
        throw shape_error(str(where(name()), ": the main branch gives ", y.shape().str(), " but the shortcut gives ",
                              p.shape().str(), " (input ", x.shape().str(), "); the sum needs equal shapes"));
    for (std::size_t i = 0; i < y.size(); ++i) y.data()[i] += p.data()[i];
    return after_ ? after_->forward_train(y, context) : y;
}

Tensor4<float> Residual::backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) {
    const Tensor4<float> d_sum = after_ ? after_->backward(dy, implementation, true) : dy;
    Tensor4<float> dx = main_->backward(d_sum, implementation, input_gradient);
    if (projection_) {
        const Tensor4<float> d_shortcut = projection_->backward(d_sum, implementation, input_gradient);
        if (input_gradient)
            for (std::size_t i = 0; i < dx.size(); ++i) dx.data()[i] += d_shortcut.data()[i];
    } else if (input_gradient) {
        for (std::size_t i = 0; i < dx.size(); ++i) dx.data()[i] += d_sum.data()[i];
    }
    return dx;
}

}  // namespace cnnlab
