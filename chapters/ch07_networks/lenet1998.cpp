// The original LeNet-5 and its four layers that PyTorch lacks (see lenet1998.hpp).
#include "chapters/ch07_networks/lenet1998.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "reference/layers.hpp"
#include "reference/mac_counter.hpp"
#include "reference/pooling.hpp"

#include <cmath>
#include <random>
#include <set>

namespace cnnlab {
namespace {

bool reference(Implementation implementation) { return implementation == Implementation::reference; }

ReceptiveField widen(const ReceptiveField& in, std::size_t kernel, std::size_t stride) {
    return {in.size + (kernel - 1) * in.jump, in.jump * stride};
}

void require_initialized(bool initialized, const std::string& where) {
    if (!initialized)
        throw argument_error(str(where, ": parameters are not initialized; call initialize(network, seed) first"));
}

// network_forward.cpp's convention: He-uniform weights U(±sqrt(6/fan_in)), biases U(±1/sqrt(fan_in)).
float he_uniform(std::size_t fan_in, Random& random) {
    const float bound = std::sqrt(6.0f / float(fan_in));
    return std::uniform_real_distribution<float>(-bound, bound)(random);
}
float uniform_bias(std::size_t fan_in, Random& random) {
    const float bound = 1.0f / std::sqrt(float(fan_in));
    return std::uniform_real_distribution<float>(-bound, bound)(random);
}

}  // namespace

// --- ScaledTanh ---

void ScaledTanh::describe(LayerInfo&) const {}

Tensor4<float> ScaledTanh::forward(const Tensor4<float>& x, Implementation implementation) const {
    Tensor4<float> y = x;
    float* v = y.data();
    if (reference(implementation)) {
        for (std::size_t i = 0; i < y.size(); ++i) v[i] = amplitude * ref::tanh_formula(slope * v[i]);
        return y;
    }
    for (std::size_t i = 0; i < y.size(); ++i) v[i] *= slope;
    apply_activation(y, Activation::tanh);
    for (std::size_t i = 0; i < y.size(); ++i) v[i] *= amplitude;
    return y;
}

// --- Subsampling ---

Subsampling::Subsampling(std::size_t channels, std::size_t window, std::string name)
    : LeafLayer(std::move(name)), channels_(channels), window_(window) {
    if (channels_ == 0 || window_ == 0)
        throw argument_error(str("Subsampling: ", channels_, " maps with a ", window_, "×", window_,
                                 " window; both must be at least 1"));
}

Pool2dOptions Subsampling::pool_options() const {
    Pool2dOptions options;
    options.kernel = {window_, window_};
    return options;  // stride = the window, no padding
}

void Subsampling::describe(LayerInfo& info) const {
    const std::string op = where(info.path);
    if (info.input.c != channels_)
        throw shape_error(str(op, ": input ", info.input.str(), " has ", info.input.c, " channels but the layer subsamples ",
                              channels_, " maps (coefficient and bias of shape ", channels_, ")"));
    const PoolGeometry g = resolve_avg_pool2d(op, info.input, pool_options());
    info.output = g.output;
    info.parameters = 2 * std::uint64_t{channels_};
    info.field.rows = widen(info.field.rows, window_, window_);
    info.field.cols = widen(info.field.cols, window_, window_);
}

Tensor4<float> Subsampling::forward(const Tensor4<float>& x, Implementation implementation) const {
    require_initialized(!coefficient_.is_empty(), where(name()));
    LayerInfo info;
    info.path = name();
    info.input = x.shape();
    describe(info);  // the shape checks, naming the layer
    const Pool2dOptions options = pool_options();
    const float taps = float(window_ * window_);  // the mean times the window's size is its sum
    if (reference(implementation)) {
        Tensor4<float> y = ref::avg_pool2d(x, options);
        const Shape4& s = y.shape();
        for (std::size_t n = 0; n < s.n; ++n)
            for (std::size_t c = 0; c < s.c; ++c)
                for (std::size_t i = 0; i < s.h; ++i)
                    for (std::size_t j = 0; j < s.w; ++j)
                        y(n, c, i, j) = coefficient_(c) * (taps * y(n, c, i, j)) + bias_(c);
        return y;
    }
    Tensor4<float> y = avg_pool2d(x, options);
    for (std::size_t n = 0; n < y.shape().n; ++n)
        for (std::size_t c = 0; c < y.shape().c; ++c) {
            arma::fmat plane = y.plane(n, c);  // a view
            plane = (taps * coefficient_(c)) * plane + bias_(c);
        }
    return y;
}

void Subsampling::initialize_parameters(Random& random) {
    const std::size_t fan_in = window_ * window_;
    coefficient_.set_size(channels_);
    bias_.set_size(channels_);
    for (float& a : coefficient_) a = he_uniform(fan_in, random);
    for (float& b : bias_) b = uniform_bias(fan_in, random);
}

// --- TableConv2d ---

TableConv2d::TableConv2d(std::size_t in_channels, std::vector<std::vector<std::size_t>> table, Step2 kernel,
                         std::string name)
    : LeafLayer(std::move(name)), in_(in_channels), table_(std::move(table)), kernel_(kernel) {
    if (table_.empty()) throw argument_error("TableConv2d: the connection table has no output maps");
    if (kernel_.rows == 0 || kernel_.cols == 0)
        throw argument_error(str("TableConv2d: kernel ", kernel_.rows, "×", kernel_.cols, " must be at least 1×1"));
    for (std::size_t p = 0; p < table_.size(); ++p) {
        if (table_[p].empty()) throw argument_error(str("TableConv2d: output map ", p, " reads no input map"));
        std::set<std::size_t> seen;
        for (std::size_t c : table_[p]) {
            if (c >= in_)
                throw argument_error(str("TableConv2d: output map ", p, " reads input map ", c, " but there are only ",
                                         in_, " (0 … ", in_ - 1, ")"));
            if (!seen.insert(c).second)
                throw argument_error(str("TableConv2d: output map ", p, " lists input map ", c, " twice"));
        }
    }
}

std::size_t TableConv2d::connected_inputs() const {
    std::size_t total = 0;
    for (const auto& inputs : table_) total += inputs.size();
    return total;
}

void TableConv2d::describe(LayerInfo& info) const {
    const Shape4 weight{table_.size(), in_, kernel_.rows, kernel_.cols};
    const LayerGeometry g = resolve_conv2d_layer(where(info.path), info.input, weight, table_.size(), {});
    info.output = g.output;
    const std::uint64_t taps = std::uint64_t{connected_inputs()} * kernel_.rows * kernel_.cols;
    info.parameters = taps + table_.size();
    info.macs = taps * g.output.h * g.output.w;
    info.field.rows = widen(info.field.rows, kernel_.rows, 1);
    info.field.cols = widen(info.field.cols, kernel_.cols, 1);
}

Tensor4<float> TableConv2d::forward(const Tensor4<float>& x, Implementation implementation) const {
    require_initialized(weight_.size() != 0, where(name()));
    LayerInfo info;
    info.path = name();
    info.input = x.shape();
    describe(info);  // the shape checks, naming the layer
    const Shape4& s = x.shape();
    if (!reference(implementation)) {
        Tensor4<float> masked(weight_.shape());  // zeros, then the connected taps
        for (std::size_t p = 0; p < table_.size(); ++p)
            for (std::size_t c : table_[p]) masked.plane(p, c) = weight_.plane(p, c);
        return conv2d_layer(x, masked, bias_, Conv2dOptions{});
    }
    // One convolution per output map, over the input maps it is connected to.
    Tensor4<float> y(info.output, uninitialized);
    for (std::size_t p = 0; p < table_.size(); ++p) {
        const std::vector<std::size_t>& inputs = table_[p];
        Tensor4<float> xp({s.n, inputs.size(), s.h, s.w}, uninitialized);
        Tensor4<float> wp({1, inputs.size(), kernel_.rows, kernel_.cols}, uninitialized);
        for (std::size_t k = 0; k < inputs.size(); ++k) {
            for (std::size_t n = 0; n < s.n; ++n) xp.plane(n, k) = x.plane(n, inputs[k]);
            wp.plane(0, k) = weight_.plane(p, inputs[k]);
        }
        const Tensor4<float> yp = ref::conv2d_layer(xp, wp, arma::fvec{bias_(p)}, Conv2dOptions{});
        for (std::size_t n = 0; n < s.n; ++n) y.plane(n, p) = yp.plane(n, 0);
    }
    return y;
}

void TableConv2d::initialize_parameters(Random& random) {
    weight_ = Tensor4<float>({table_.size(), in_, kernel_.rows, kernel_.cols});  // unconnected taps stay 0
    bias_.set_size(table_.size());
    for (std::size_t p = 0; p < table_.size(); ++p) {
        const std::size_t fan_in = table_[p].size() * kernel_.rows * kernel_.cols;
        for (std::size_t c : table_[p])
            for (std::size_t u = 0; u < kernel_.rows; ++u)
                for (std::size_t v = 0; v < kernel_.cols; ++v) weight_(p, c, u, v) = he_uniform(fan_in, random);
        bias_(p) = uniform_bias(fan_in, random);
    }
}

// --- EuclideanRbf ---

EuclideanRbf::EuclideanRbf(std::size_t inputs, std::size_t outputs, std::string name)
    : LeafLayer(std::move(name)), in_(inputs), out_(outputs) {
    if (in_ == 0 || out_ == 0)
        throw argument_error(str("EuclideanRBF: ", out_, " units over ", in_, " inputs; both must be at least 1"));
}

void EuclideanRbf::describe(LayerInfo& info) const {
    const Shape4& x = info.input;
    if (x.c != in_ || x.h != 1 || x.w != 1)
        throw shape_error(str(where(info.path), ": input ", x.str(), " does not fit weight ", out_, "×", in_,
                              " (out×in): the layer takes N×", in_, "×1×1 (", in_, " features)"));
    info.output = {x.n, out_, 1, 1};
    info.macs = std::uint64_t{in_} * out_;
}

Tensor4<float> EuclideanRbf::forward(const Tensor4<float>& x, Implementation implementation) const {
    require_initialized(!weight_.is_empty(), where(name()));
    LayerInfo info;
    info.path = name();
    info.input = x.shape();
    describe(info);
    const std::size_t batch = x.shape().n;
    Tensor4<float> y(info.output, uninitialized);
    if (reference(implementation)) {
        ref::MacCounter* const counter = ref::MacCounter::active();
        for (std::size_t n = 0; n < batch; ++n)
            for (std::size_t i = 0; i < out_; ++i) {
                float sum = 0;
                for (std::size_t j = 0; j < in_; ++j) {
                    const float d = x(n, j, 0, 0) - weight_(i, j);
                    sum += d * d;
                }
                y(n, i, 0, 0) = sum;
            }
        if (counter) counter->add(std::uint64_t{batch} * in_ * out_);
        return y;
    }
    // N×F×1×1 is a column-major F×N matrix, one sample per column (dense_ops.hpp).
    const arma::fmat X(const_cast<float*>(x.data()), in_, batch, false, true);
    arma::fmat Y(y.data(), out_, batch, false, true);
    Y = -2.0f * (weight_ * X);
    Y.each_col() += arma::sum(arma::square(weight_), 1);
    Y.each_row() += arma::sum(arma::square(X), 0);
    return y;
}

void EuclideanRbf::initialize_parameters(Random& random) {
    weight_.set_size(out_, in_);
    std::bernoulli_distribution coin(0.5);
    for (float& w : weight_) w = coin(random) ? 1.0f : -1.0f;
}

// --- the network ---

std::vector<std::vector<std::size_t>> lenet1998_c3_table() {
    return {{0, 1, 2},    {1, 2, 3},    {2, 3, 4},    {3, 4, 5},    {4, 5, 0},    {5, 0, 1},
            {0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 0}, {4, 5, 0, 1}, {5, 0, 1, 2},
            {0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5}, {0, 1, 2, 3, 4, 5}};
}

std::unique_ptr<Sequential> lenet1998(std::size_t classes, NetInput input) {
    auto net = std::make_unique<Sequential>("lenet1998");
    const auto squash = [] { return std::make_unique<ScaledTanh>(); };
    net->add("C1", layers::conv(input.channels, 6, 5)).add("tanh1", squash());
    net->add("S2", std::make_unique<Subsampling>(6)).add("tanh2", squash());
    net->add("C3", std::make_unique<TableConv2d>(6, lenet1998_c3_table(), Step2{5, 5})).add("tanh3", squash());
    net->add("S4", std::make_unique<Subsampling>(16)).add("tanh4", squash());
    net->add("C5", layers::conv(16, 120, 5)).add("tanh5", squash()).add("flatten", layers::flatten());
    const std::size_t features = net->infer(input.shape()).output.c;  // 120 for 32×32
    net->add("F6", layers::linear(features, 84)).add("tanh6", squash());
    net->add("output", std::make_unique<EuclideanRbf>(84, classes));
    return net;
}

}  // namespace cnnlab
