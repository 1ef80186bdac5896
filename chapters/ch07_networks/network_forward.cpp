// The forward pass and parameter initialization of a network's layers (see network.hpp): each leaf
// calls either the reference op or the optimized one; the composites only move data between them.
#include "chapters/ch07_networks/network.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch07_networks/dense_ops.hpp"
#include "reference/dense.hpp"
#include "reference/layers.hpp"
#include "reference/pooling.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cnnlab {
namespace {

bool reference(Implementation implementation) { return implementation == Implementation::reference; }

// He-uniform weights, U(±sqrt(6/fan_in)), variance 2/fan_in (He et al. 2015; PyTorch's kaiming_uniform_
// with ReLU gain): keeps the activations' scale through ReLU layers. Uniform rather than normal
// because VGG-16 alone has 138 million weights to draw.
void he_uniform(float* values, std::size_t count, std::size_t fan_in, Random& random) {
    const float bound = std::sqrt(6.0f / float(fan_in));
    std::uniform_real_distribution<float> uniform(-bound, bound);
    for (std::size_t i = 0; i < count; ++i) values[i] = uniform(random);
}

// Glorot & Bengio's U(±sqrt(6/(fan_in + fan_out))), PyTorch's xavier_uniform_ with gain 1.
void xavier_uniform(float* values, std::size_t count, std::size_t fan_in, std::size_t fan_out, Random& random) {
    const float bound = std::sqrt(6.0f / float(fan_in + fan_out));
    std::uniform_real_distribution<float> uniform(-bound, bound);
    for (std::size_t i = 0; i < count; ++i) values[i] = uniform(random);
}

// PyTorch's default bias: uniform in ±1/sqrt(fan_in).
arma::fvec uniform_bias(std::size_t count, std::size_t fan_in, Random& random) {
    const float bound = 1.0f / std::sqrt(float(fan_in));
    std::uniform_real_distribution<float> uniform(-bound, bound);
    arma::fvec bias(count);
    for (float& b : bias) b = uniform(random);
    return bias;
}

void require_initialized(bool initialized, const std::string& where) {
    if (!initialized)
        throw argument_error(str(where, ": parameters are not initialized; call initialize(network, seed) first"));
}

}  // namespace

void for_each_layer(Layer& layer, const std::function<void(Layer&)>& visit) {
    visit(layer);
    for (Layer* child : layer.children()) for_each_layer(*child, visit);
}

WeightInit parse_weight_init(std::string_view name) {
    if (name == "he") return WeightInit::he_uniform;
    if (name == "xavier") return WeightInit::xavier_uniform;
    throw argument_error(str("unknown weight initialization '", name, "' (known: he, xavier)"));
}

void initialize(Layer& network, std::uint64_t seed, WeightInit scheme) {
    Random random(seed);
    for_each_layer(network, [&](Layer& layer) {
        layer.initialize_parameters(random);
        if (scheme != WeightInit::xavier_uniform) return;
        if (auto* conv = dynamic_cast<Conv2d*>(&layer)) {
            const Shape4 w = conv->weight().shape();  // C_out × C_in/g × K_h × K_w
            xavier_uniform(conv->weight().data(), w.elements(), w.c * w.h * w.w, w.n * w.h * w.w, random);
        } else if (auto* linear = dynamic_cast<Linear*>(&layer)) {
            arma::fmat& w = linear->weight();  // out × in
            xavier_uniform(w.memptr(), w.n_elem, w.n_cols, w.n_rows, random);
        }
    });
}

Tensor4<float> Conv2d::forward(const Tensor4<float>& x, Implementation implementation) const {
    require_initialized(weight_.size() != 0, where(name()));
    resolve_conv2d_layer(where(name()), x.shape(), weight_.shape(), bias_values_.n_elem, options_);  // names the layer
    return reference(implementation) ? ref::conv2d_layer(x, weight_, bias_values_, options_)
                                     : conv2d_layer(x, weight_, bias_values_, options_);
}

void Conv2d::initialize_parameters(Random& random) {
    const Shape4 shape = weight_shape();
    const std::size_t fan_in = shape.c * shape.h * shape.w;
    weight_ = Tensor4<float>(shape, uninitialized);
    he_uniform(weight_.data(), weight_.size(), fan_in, random);
    bias_values_ = bias_ ? uniform_bias(out_, fan_in, random) : arma::fvec();
}

Tensor4<float> Linear::forward(const Tensor4<float>& x, Implementation implementation) const {
    require_initialized(!weight_.is_empty(), where(name()));
    LayerInfo info;
    info.path = name();
    info.input = x.shape();
    describe(info);  // the shape check, naming the layer
    return reference(implementation) ? ref::linear(x, weight_, bias_values_) : linear(x, weight_, bias_values_);
}

void Linear::initialize_parameters(Random& random) {
    weight_.set_size(out_, in_);
    he_uniform(weight_.memptr(), weight_.n_elem, in_, random);
    bias_values_ = bias_ ? uniform_bias(out_, in_, random) : arma::fvec();
}

Tensor4<float> BatchNorm2d::forward(const Tensor4<float>& x, Implementation implementation) const {
    require_initialized(!gamma_.is_empty(), where(name()));
    LayerInfo info;
    info.path = name();
    info.input = x.shape();
    describe(info);
    return reference(implementation)
               ? ref::batch_norm2d_inference(x, gamma_, beta_, running_mean_, running_var_, eps_)
               : batch_norm2d_inference(x, gamma_, beta_, running_mean_, running_var_, eps_);
}

void BatchNorm2d::initialize_parameters(Random&) {
    gamma_.ones(channels_);
    beta_.zeros(channels_);
    running_mean_.zeros(channels_);
    running_var_.ones(channels_);
}

Tensor4<float> Elementwise::forward(const Tensor4<float>& x, Implementation implementation) const {
    if (function_ == Function::dropout || function_ == Function::identity) return x;  // dropout: identity at inference
    if (!reference(implementation))
        return activated(x, function_ == Function::relu      ? Activation::relu
                            : function_ == Function::sigmoid ? Activation::sigmoid
                                                             : Activation::tanh);
    Tensor4<float> y = x;
    float* v = y.data();
    for (std::size_t i = 0; i < y.size(); ++i)
        v[i] = function_ == Function::relu      ? ref::relu(v[i])
               : function_ == Function::sigmoid ? ref::sigmoid(v[i])
                                                : ref::tanh_formula(v[i]);
    return y;
}

Tensor4<float> Pool2d::forward(const Tensor4<float>& x, Implementation implementation) const {
    if (reference(implementation))
        return max_ ? ref::max_pool2d(x, options_) : ref::avg_pool2d(x, options_);
    return max_ ? max_pool2d(x, options_) : avg_pool2d(x, options_);
}

Tensor4<float> AdaptiveAvgPool2d::forward(const Tensor4<float>& x, Implementation implementation) const {
    return reference(implementation) ? ref::adaptive_avg_pool2d(x, rows_, cols_) : adaptive_avg_pool2d(x, rows_, cols_);
}

Tensor4<float> Flatten::forward(const Tensor4<float>& x, Implementation) const {
    const Shape4& s = x.shape();
    Tensor4<float> y({s.n, s.c * s.h * s.w, 1, 1}, uninitialized);
    for (std::size_t n = 0; n < s.n; ++n)
        for (std::size_t c = 0; c < s.c; ++c)
            for (std::size_t h = 0; h < s.h; ++h)
                for (std::size_t w = 0; w < s.w; ++w) y(n, (c * s.h + h) * s.w + w, 0, 0) = x(n, c, h, w);
    return y;
}

std::vector<Layer*> Sequential::children() {
    std::vector<Layer*> out;
    for (LayerPtr& child : children_) out.push_back(child.get());
    return out;
}

Tensor4<float> Sequential::forward(const Tensor4<float>& x, Implementation implementation) const {
    if (children_.empty()) return x;
    Tensor4<float> y = children_.front()->forward(x, implementation);
    for (std::size_t i = 1; i < children_.size(); ++i) y = children_[i]->forward(y, implementation);
    return y;
}

std::vector<Layer*> Concat::children() {
    std::vector<Layer*> out;
    for (LayerPtr& branch : branches_) out.push_back(branch.get());
    return out;
}

Tensor4<float> Concat::forward(const Tensor4<float>& x, Implementation implementation) const {
    std::vector<Tensor4<float>> outputs;
    for (const LayerPtr& branch : branches_) outputs.push_back(branch->forward(x, implementation));
    return stack(outputs);
}

Tensor4<float> Concat::stack(const std::vector<Tensor4<float>>& outputs) const {
    if (outputs.empty()) throw shape_error(str(where(name()), ": no branches to concatenate"));
    Shape4 shape = outputs.front().shape();
    for (std::size_t i = 1; i < outputs.size(); ++i) {
        const Shape4& b = outputs[i].shape();
        if (b.n != shape.n || b.h != shape.h || b.w != shape.w)
            throw shape_error(str(where(name()), ": branch ", branches_[i]->name(), " gives ", b.str(),
                                  " but the branches before give ", shape.str(),
                                  "; concatenation along channels needs equal N, H and W"));
        shape.c += b.c;
    }
    // Sample n of the result is the branches' sample n one after the other (planes are contiguous).
    Tensor4<float> y(shape, uninitialized);
    float* out = y.data();
    for (std::size_t n = 0; n < shape.n; ++n)
        for (const Tensor4<float>& b : outputs) {
            const std::size_t per_sample = b.size() / shape.n;
            std::memcpy(out, b.data() + n * per_sample, per_sample * sizeof(float));
            out += per_sample;
        }
    return y;
}

std::vector<Layer*> Residual::children() {
    std::vector<Layer*> out = main_->children();
    if (projection_) out.push_back(projection_.get());
    if (after_) out.push_back(after_.get());
    return out;
}

Tensor4<float> Residual::forward(const Tensor4<float>& x, Implementation implementation) const {
    Tensor4<float> y = main_->forward(x, implementation);
    const Tensor4<float> shortcut = projection_ ? projection_->forward(x, implementation) : Tensor4<float>();
    const Tensor4<float>& p = projection_ ? shortcut : x;
    if (p.shape() != y.shape())
        throw shape_error(str(where(name()), ": the main branch gives ", y.shape().str(), " but the shortcut gives ",
                              p.shape().str(), " (input ", x.shape().str(), "); the sum needs equal shapes"));
    float* out = y.data();
    const float* add = p.data();
    for (std::size_t i = 0; i < y.size(); ++i) out[i] += add[i];
    return after_ ? after_->forward(y, implementation) : y;
}

}  // namespace cnnlab
