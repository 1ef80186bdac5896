/// \file
/// \brief Chapter 7: a network 网络 as a tree of layers — its description, shape inference and
/// counting (parameters, multiply-accumulates, activations, receptive field) — without running it.
///
/// A Layer turns an input shape \f$N \times C \times H \times W\f$ into an output shape. Leaf layers
/// (Conv2d, Linear, BatchNorm2d, …) reuse the shape rules of Chapters 2 and 4; composite layers
/// (Sequential, Concat, Residual) combine their children. Counting follows torchvision and the usual
/// FLOP counters:
/// - parameters: learnable tensors only (a BatchNorm2d has \f$2C\f$: its running mean and variance
///   are buffers);
/// - multiply-accumulates (MACs) per sample, conv and linear layers only: a convolution costs
///   \f$C_{out} H_{out} W_{out} (C_{in}/g) K_h K_w\f$, a linear layer \f$\mathit{in} \cdot \mathit{out}\f$;
/// - receptive field 感受野 and jump along each axis, layer by layer:
///   \f$r_{out} = r_{in} + (d(K-1)+1-1)\,j_{in}\f$, \f$j_{out} = j_{in} s\f$; across parallel branches
///   the largest.
///
/// A network also runs: initialize() fills its parameters from a seeded generator, and forward()
/// computes its output (inference mode: batch norm with running statistics, dropout as identity)
/// either with the naive references of `reference/` or with the optimized ops of Chapters 2–7 —
/// the same tree, two implementations, held equal by tests.
///
/// Every shape error names the layer by its full path ("features.3 (Conv2d)") and both shapes.
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/arithmetic.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "chapters/ch07_networks/dense_ops.hpp"

#include <armadillo>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cnnlab {

/// The receptive field of one output element along both axes.
struct Field2d {
    ReceptiveField rows;  ///< along the height
    ReceptiveField cols;  ///< along the width
};

/// What shape inference says about one layer (a leaf, or a composite as a whole).
struct LayerInfo {
    std::string path;             ///< full path name, e.g. "layer1.0.conv1" (the network's name for the root)
    std::string kind;             ///< "Conv2d", "Sequential", …
    std::size_t depth = 0;        ///< nesting level: 0 for the root
    bool composite = false;       ///< true for Sequential, Concat, Residual (the counts are their children's sums)
    Shape4 input;                 ///< input shape
    Shape4 output;                ///< output shape
    std::uint64_t parameters = 0; ///< learnable values (weights and biases)
    std::uint64_t macs = 0;       ///< multiply-accumulates per sample (conv and linear layers)
    Field2d field;                ///< receptive field and jump of one output element, in input pixels
    /// Output values per sample, \f$C_{out} H_{out} W_{out}\f$ (the activation memory, in elements).
    std::uint64_t activations() const { return std::uint64_t{output.c} * output.h * output.w; }
};

/// Which implementation a forward pass runs.
enum class Implementation {
    reference,  ///< the naive loops of `reference/` (ref::conv2d_layer, ref::max_pool2d, …)
    optimized,  ///< the optimized ops (conv2d_layer with its automatic algorithm, max_pool2d, …)
};

/// The random source of parameter initialization, shuffling and dropout: same seed, same run.
using Random = std::mt19937_64;

/// A learnable tensor (or a buffer such as a running mean) seen as flat arrays: what an optimizer
/// steps and a checkpoint stores.
struct Parameter {
    std::string name;           ///< full path, e.g. "features.0.weight" (PyTorch's state_dict key)
    std::span<float> values;    ///< the values, in the layer's storage order
    std::span<float> gradient;  ///< \f$\partial L/\partial\,\mathit{values}\f$ of the last backward (empty for a buffer)
};

/// What a training-mode forward pass needs besides its input.
struct TrainingContext {
    Implementation implementation = Implementation::optimized;  ///< which ops run (both have a backward)
    Random* random = nullptr;                                   ///< dropout's masks (needed by nets with Dropout)
    float batch_norm_momentum = 0.1f;                           ///< running-statistics momentum (PyTorch's 0.1)
};

/// One layer of a network: its shape rule (trace), its parameters and its forward pass.
class Layer {
public:
    /// A layer with a local name ("conv1"); empty names are filled in by the parent (its index).
    explicit Layer(std::string name = {}) : name_(std::move(name)) {}
    /// Layers are held by unique_ptr and destroyed through this base.
    virtual ~Layer() = default;
    /// The local name, as in PyTorch's named_children().
    const std::string& name() const { return name_; }
    /// Sets the local name.
    void set_name(std::string name) { name_ = std::move(name); }
    /// The layer type's name as PyTorch prints it ("Conv2d").
    virtual std::string kind() const = 0;
    /// Shape inference from scratch: output shape, parameters, MACs and receptive field of the whole layer.
    /// \throws shape_error naming the layer's path and both shapes when the input does not fit
    LayerInfo infer(const Shape4& input) const;
    /// Shape inference inside a network: `field` is the receptive field of the input, `path` this
    /// layer's full name and `depth` its level. When `rows` is not null, appends this layer's row and
    /// then (composites) its children's rows, in order.
    virtual LayerInfo trace(const Shape4& input, const Field2d& field, const std::string& path, std::size_t depth,
                            std::vector<LayerInfo>* rows) const = 0;
    /// The inference-mode forward pass of a batch.
    /// \throws shape_error when the input does not fit; argument_error when parameters are not initialized
    virtual Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const = 0;
    /// The direct children (empty for a leaf), in order.
    virtual std::vector<Layer*> children() { return {}; }
    /// Fills this layer's own parameters (not its children's) from `random`; layers without parameters do nothing.
    virtual void initialize_parameters(Random& random) { (void)random; }

    /// The training-mode forward pass 训练模式: batch norm normalizes with the batch's statistics (and
    /// updates its running ones), dropout draws a fresh mask; the layer keeps what backward() needs.
    /// \throws argument_error for a layer without a backward pass (the 1998 LeNet's special layers)
    virtual Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context);
    /// The backward pass 反向传播 of the last forward_train: from \f$\delta = \partial L/\partial y\f$,
    /// sets the gradients of this layer's parameters (overwriting, not accumulating) and returns
    /// \f$\partial L/\partial x\f$ — or an empty tensor when `input_gradient` is false (the first
    /// layer of a network: nobody needs it, and it is a third of a convolution's backward cost).
    /// \throws argument_error when forward_train has not run; shape_error when dy is not its output's shape
    virtual Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient = true);
    /// Appends this layer's own learnable tensors (not its children's), named under `path`.
    virtual void own_parameters(const std::string& path, std::vector<Parameter>& out) { (void)path, (void)out; }
    /// Appends this layer's own buffers (batch norm's running statistics), named under `path`.
    virtual void own_buffers(const std::string& path, std::vector<Parameter>& out) { (void)path, (void)out; }

protected:
    /// "features.3 (Conv2d)": how errors name the layer.
    std::string where(const std::string& path) const;

private:
    std::string name_;
};

/// An owned layer.
using LayerPtr = std::unique_ptr<Layer>;

/// Calls `visit` on `layer` and then on every layer below it, depth-first in order.
void for_each_layer(Layer& layer, const std::function<void(Layer&)>& visit);
/// Every learnable tensor of a network with its gradient, depth-first, named like PyTorch's
/// `named_parameters()` ("0.weight", "features.3.bias").
std::vector<Parameter> parameters(Layer& network);
/// Every buffer of a network (running means and variances), named like PyTorch's `named_buffers()`.
std::vector<Parameter> buffers(Layer& network);
/// How initialize() draws conv and linear weights.
enum class WeightInit {
    he_uniform,     ///< Kaiming He's, for ReLU nets (the default)
    xavier_uniform  ///< Xavier Glorot's, for sigmoid and tanh nets
};
/// "he" or "xavier". \throws argument_error for another name
WeightInit parse_weight_init(std::string_view name);
/// Initializes every parameter of a network from one seed (depth-first order): conv and linear weights
/// He-uniform \f$\mathcal{U}(\pm\sqrt{6/\mathit{fan_{in}}})\f$ (variance \f$2/\mathit{fan_{in}}\f$), biases uniform in
/// \f$\pm 1/\sqrt{\mathit{fan_{in}}}\f$ (PyTorch's default), batch norm \f$\gamma = 1\f$,
/// \f$\beta = 0\f$, running mean 0 and variance 1.
///
/// With WeightInit::xavier_uniform, conv and linear weights are then drawn again (from the same
/// generator) from Glorot & Bengio's \f$\mathcal{U}(\pm\sqrt{6/(\mathit{fan_{in}} + \mathit{fan_{out}})})\f$,
/// variance \f$2/(\mathit{fan_{in}} + \mathit{fan_{out}})\f$ — what d2l's `init_weights` does before
/// training LeNet (sigmoid units saturate under He's larger scale).
void initialize(Layer& network, std::uint64_t seed, WeightInit scheme = WeightInit::he_uniform);

/// A layer without children: trace appends one row built by describe.
class LeafLayer : public Layer {
public:
    using Layer::Layer;
    /// Runs describe and records its row.
    LayerInfo trace(const Shape4& input, const Field2d& field, const std::string& path, std::size_t depth,
                    std::vector<LayerInfo>* rows) const final;

protected:
    /// Fills output, parameters, macs and field of `info` (input, path, kind and the input field are set).
    virtual void describe(LayerInfo& info) const = 0;
};

/// 2-D convolution (PyTorch `Conv2d`); the shape rule and its errors are resolve_conv2d_layer's.
class Conv2d : public LeafLayer {
public:
    /// \f$C_{in} \to C_{out}\f$ with a \f$K_h \times K_w\f$ kernel.
    Conv2d(std::size_t in_channels, std::size_t out_channels, Step2 kernel, Conv2dOptions options = {}, bool bias = true,
           std::string name = {});
    std::string kind() const override { return "Conv2d"; }  ///< "Conv2d"
    /// \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
    Shape4 weight_shape() const;
    /// ref::conv2d_layer or conv2d_layer (automatic algorithm).
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// He-uniform weights, uniform bias.
    void initialize_parameters(Random& random) override;
    /// Keeps the input for the weight gradient.
    Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context) override;
    /// conv2d_layer_backward_input / _weight / _bias (or their references).
    Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) override;
    /// "weight", "bias".
    void own_parameters(const std::string& path, std::vector<Parameter>& out) override;
    /// The weight (empty until initialized).
    Tensor4<float>& weight() { return weight_; }
    /// The bias (empty when the layer has none or is not initialized).
    arma::fvec& bias() { return bias_values_; }

protected:
    /// resolve_conv2d_layer's output; parameters \f$C_{out}(C_{in}/g)K_hK_w + C_{out}\f$.
    void describe(LayerInfo& info) const override;

private:
    std::size_t in_, out_;
    Step2 kernel_;
    Conv2dOptions options_;
    bool bias_;
    Tensor4<float> weight_, weight_gradient_, input_;
    arma::fvec bias_values_, bias_gradient_;
};

/// Fully connected layer (PyTorch `Linear`) on N×F×1×1 (after Flatten).
class Linear : public LeafLayer {
public:
    /// in_features → out_features, with or without bias.
    Linear(std::size_t in_features, std::size_t out_features, bool bias = true, std::string name = {});
    std::string kind() const override { return "Linear"; }  ///< "Linear"
    /// ref::linear or linear (one GEMM).
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// He-uniform weights, uniform bias.
    void initialize_parameters(Random& random) override;
    /// Keeps the input for the weight gradient.
    Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context) override;
    /// linear_backward_input / _weight / _bias (or their references).
    Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) override;
    /// "weight", "bias".
    void own_parameters(const std::string& path, std::vector<Parameter>& out) override;
    /// The weight, out × in (empty until initialized).
    arma::fmat& weight() { return weight_; }
    /// The bias (empty when the layer has none or is not initialized).
    arma::fvec& bias() { return bias_values_; }

protected:
    /// \throws shape_error when the input is not N×in×1×1
    void describe(LayerInfo& info) const override;

private:
    std::size_t in_, out_;
    bool bias_;
    arma::fmat weight_, weight_gradient_;
    arma::fvec bias_values_, bias_gradient_;
    Tensor4<float> input_;
};

/// Batch normalization over channels (PyTorch `BatchNorm2d`): \f$2C\f$ parameters (scale and shift).
class BatchNorm2d : public LeafLayer {
public:
    /// Normalizes `channels` channels.
    /// `eps` is added to the variance (PyTorch's default 1e-5; torchvision's GoogLeNet uses 1e-3).
    explicit BatchNorm2d(std::size_t channels, float eps = 1e-5f, std::string name = {});
    std::string kind() const override { return "BatchNorm2d"; }  ///< "BatchNorm2d"
    /// Inference mode: ref::batch_norm2d_inference or batch_norm2d_inference with the running statistics.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// \f$\gamma = 1, \beta = 0\f$, running mean 0, running variance 1.
    void initialize_parameters(Random& random) override;
    /// batch_norm2d_training with the batch's statistics, then update_running_stats.
    Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context) override;
    /// batch_norm2d_backward (through the batch statistics).
    Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) override;
    /// "weight" (\f$\gamma\f$) and "bias" (\f$\beta\f$), PyTorch's names.
    void own_parameters(const std::string& path, std::vector<Parameter>& out) override;
    /// "running_mean", "running_var".
    void own_buffers(const std::string& path, std::vector<Parameter>& out) override;
    arma::fvec& gamma() { return gamma_; }                ///< the scale \f$\gamma\f$
    arma::fvec& beta() { return beta_; }                  ///< the shift \f$\beta\f$
    arma::fvec& running_mean() { return running_mean_; }  ///< the running mean (a buffer, not a parameter)
    arma::fvec& running_var() { return running_var_; }    ///< the running variance (a buffer)

protected:
    /// \throws shape_error when the input has another channel count
    void describe(LayerInfo& info) const override;

private:
    std::size_t channels_;
    float eps_;
    arma::fvec gamma_, beta_, running_mean_, running_var_, gamma_gradient_, beta_gradient_;
    Tensor4<float> input_;
    BatchNormTraining<float> saved_;
};

/// An element-wise layer without parameters: ReLU, Sigmoid, Tanh, Dropout (the identity at
/// inference) or Identity.
///
/// Dropout 丢弃法 in training zeroes each value with probability \f$p\f$ and scales the others by
/// \f$1/(1-p)\f$ (inverted dropout, as PyTorch), so inference needs no rescaling.
class Elementwise : public LeafLayer {
public:
    /// The function applied.
    enum class Function { relu, sigmoid, tanh, dropout, identity };
    /// A layer applying `function`; `probability` is dropout's \f$p \in [0, 1)\f$ (ignored otherwise).
    /// \throws argument_error for a dropout probability outside [0, 1)
    explicit Elementwise(Function function, std::string name = {}, float probability = 0.5f);
    /// "ReLU", "Sigmoid", "Tanh", "Dropout" or "Identity".
    std::string kind() const override;
    /// The scalar formulas of reference/layers.hpp element by element, or apply_activation.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// As forward, but dropout draws a mask from the context's random source.
    /// \throws argument_error for dropout without a random source
    Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context) override;
    /// \f$f'(z) \odot \delta\f$: activation_backward (or ref::activation_backward); dropout's mask.
    Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) override;

protected:
    /// output = input.
    void describe(LayerInfo& info) const override;

private:
    Function function_;
    float probability_;
    // What backward needs: the output y (optimized: f'(z) from y is one multiply, no second exp), the
    // pre-activation z (reference: ref::activation_backward, the formula at z), or dropout's mask
    // scaled by 1/(1 − p).
    Tensor4<float> kept_;
    bool kept_output_ = false;
};

/// Max or average pooling (PyTorch `MaxPool2d` / `AvgPool2d`); shapes by resolve_pool2d / resolve_avg_pool2d.
class Pool2d : public LeafLayer {
public:
    /// Max pooling when `max` is true, average pooling otherwise.
    Pool2d(bool max, Pool2dOptions options, std::string name = {});
    std::string kind() const override { return max_ ? "MaxPool2d" : "AvgPool2d"; }  ///< "MaxPool2d" or "AvgPool2d"
    /// ref::max_pool2d / ref::avg_pool2d or max_pool2d / avg_pool2d.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// Keeps the arg-maxes (optimized) or the input (reference).
    Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context) override;
    /// max_pool2d_backward / avg_pool2d_backward (or their references).
    Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) override;

protected:
    /// The pooling's output size; the window widens the receptive field like a kernel.
    void describe(LayerInfo& info) const override;

private:
    bool max_;
    Pool2dOptions options_;
    Shape4 input_shape_;
    Tensor4<float> input_;
    std::vector<std::uint32_t> argmax_;
};

/// Adaptive average pooling to a fixed \f$H_{out} \times W_{out}\f$ (PyTorch `AdaptiveAvgPool2d`).
class AdaptiveAvgPool2d : public LeafLayer {
public:
    /// Pools every plane to rows × cols.
    AdaptiveAvgPool2d(std::size_t rows, std::size_t cols, std::string name = {});
    std::string kind() const override { return "AdaptiveAvgPool2d"; }  ///< "AdaptiveAvgPool2d"
    /// ref::adaptive_avg_pool2d or adaptive_avg_pool2d.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// Keeps the input's shape.
    Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context) override;
    /// adaptive_avg_pool2d_backward (or its reference).
    Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) override;

protected:
    /// Receptive field as a window of \f$\lceil H/H_{out} \rceil\f$ with stride \f$\max(1, \lfloor H/H_{out} \rfloor)\f$.
    void describe(LayerInfo& info) const override;

private:
    std::size_t rows_, cols_;
    Shape4 input_shape_;
};

/// N×C×H×W → N×(CHW)×1×1 (PyTorch `Flatten`). Every output then sees the whole input plane, so the
/// receptive field grows as under a window of the plane's size.
class Flatten : public LeafLayer {
public:
    using LeafLayer::LeafLayer;
    std::string kind() const override { return "Flatten"; }  ///< "Flatten"
    /// The features of each sample in PyTorch's order, \f$(c \cdot H + h) W + w\f$ (a permutation:
    /// the same code for both implementations).
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// Keeps the input's shape.
    Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context) override;
    /// The inverse permutation.
    Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) override;

protected:
    /// \f$C H W\f$ features.
    void describe(LayerInfo& info) const override;

private:
    Shape4 input_shape_;
};

/// Children applied one after the other (PyTorch `Sequential`).
class Sequential : public Layer {
public:
    using Layer::Layer;
    /// Appends a child; an unnamed child is named by its index ("0", "1", …). Returns *this.
    Sequential& add(LayerPtr layer);
    /// Appends a child under `name`. Returns *this.
    Sequential& add(std::string name, LayerPtr layer);
    /// The children in order.
    const std::vector<LayerPtr>& layers() const { return children_; }
    std::vector<Layer*> children() override;
    std::string kind() const override { return "Sequential"; }  ///< "Sequential"
    /// Each child's forward on the previous one's output.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// Each child's forward_train in order.
    Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context) override;
    /// Each child's backward in reverse order (the first child is told whether the input gradient is needed).
    Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) override;
    /// Threads the shape and the receptive field through the children.
    LayerInfo trace(const Shape4& input, const Field2d& field, const std::string& path, std::size_t depth,
                    std::vector<LayerInfo>* rows) const override;

private:
    std::vector<LayerPtr> children_;
};

/// Parallel branches on the same input, concatenated along channels (GoogLeNet's Inception block,
/// DenseNet's layers). Branches must agree on N, H and W.
class Concat : public Layer {
public:
    using Layer::Layer;
    /// Adds a branch (unnamed: "branch1", "branch2", …). Returns *this.
    Concat& add(LayerPtr branch);
    std::string kind() const override { return "Concat"; }  ///< "Concat"
    std::vector<Layer*> children() override;
    /// Every branch on x, the outputs stacked along channels in branch order.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// Every branch's forward_train; keeps the branches' channel counts.
    Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context) override;
    /// Splits \f$\delta\f$ along channels, one part per branch; \f$\partial L/\partial x\f$ is the sum of the branches'.
    Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) override;
    /// Output channels: the sum over branches; receptive field: the largest.
    /// \throws shape_error naming the branch whose N, H or W differ from the first branch's
    LayerInfo trace(const Shape4& input, const Field2d& field, const std::string& path, std::size_t depth,
                    std::vector<LayerInfo>* rows) const override;

private:
    Tensor4<float> stack(const std::vector<Tensor4<float>>& outputs) const;
    std::vector<LayerPtr> branches_;
    std::vector<std::size_t> branch_channels_;
};

/// A residual block 残差块: \f$y = a(F(x) + P(x))\f$ with the main branch \f$F\f$, the shortcut
/// \f$P\f$ (identity, or a projection such as a 1×1 conv + BatchNorm) and an optional activation
/// \f$a\f$ after the sum. The main branch's children are named directly under the block (torchvision's
/// "layer1.0.conv1"), the projection "downsample".
class Residual : public Layer {
public:
    /// `projection` and `after` may be null (identity shortcut, no activation).
    Residual(std::unique_ptr<Sequential> main, LayerPtr projection = nullptr, LayerPtr after = nullptr,
             std::string name = {});
    std::string kind() const override { return "Residual"; }  ///< "Residual"
    /// The main branch's children, then the projection and the activation when present.
    std::vector<Layer*> children() override;
    /// \f$a(F(x) + P(x))\f$.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// The same in training mode.
    Tensor4<float> forward_train(const Tensor4<float>& x, TrainingContext& context) override;
    /// \f$\delta_s = a'(\cdot)\,\delta\f$ goes to both branches; \f$\partial L/\partial x = F^\top\delta_s + P^\top\delta_s\f$
    /// (the identity shortcut passes \f$\delta_s\f$ through unchanged — why deep residual nets train).
    Tensor4<float> backward(const Tensor4<float>& dy, Implementation implementation, bool input_gradient) override;
    /// \throws shape_error naming the block when the shortcut's shape differs from the main branch's
    LayerInfo trace(const Shape4& input, const Field2d& field, const std::string& path, std::size_t depth,
                    std::vector<LayerInfo>* rows) const override;

private:
    std::unique_ptr<Sequential> main_;
    LayerPtr projection_, after_;
};

/// The leaf layers' factories, so that a network reads like its PyTorch definition.
namespace layers {
/// ReLU.
LayerPtr relu();
/// Logistic sigmoid.
LayerPtr sigmoid();
/// tanh.
LayerPtr tanh();
/// Dropout with probability \f$p\f$ (no effect on shapes; the identity at inference).
LayerPtr dropout(float probability = 0.5f);
/// The identity (DenseNet's pass-through branch).
LayerPtr identity();
/// Flatten.
LayerPtr flatten();
/// Square-kernel Conv2d with symmetric padding, as PyTorch's `Conv2d(in, out, k, stride, padding, bias)`.
LayerPtr conv(std::size_t in, std::size_t out, std::size_t kernel, std::size_t stride = 1, std::size_t padding = 0,
              bool bias = true);
/// A Sequential of `parts`, in order (unnamed children are named by their index).
std::unique_ptr<Sequential> sequence(std::vector<LayerPtr> parts);
/// Linear.
LayerPtr linear(std::size_t in, std::size_t out, bool bias = true);
/// BatchNorm2d (eps 1e-5 unless given).
LayerPtr batch_norm(std::size_t channels, float eps = 1e-5f);
/// MaxPool2d(kernel, stride, padding, ceil_mode).
LayerPtr max_pool(std::size_t kernel, std::size_t stride, std::size_t padding = 0, bool ceil_mode = false);
/// AvgPool2d(kernel, stride, padding).
LayerPtr avg_pool(std::size_t kernel, std::size_t stride, std::size_t padding = 0);
/// AdaptiveAvgPool2d(rows, cols).
LayerPtr adaptive_avg_pool(std::size_t rows, std::size_t cols);
}  // namespace layers

/// Names a layer and returns it: `named("conv1", layers::conv(…))`.
LayerPtr named(std::string name, LayerPtr layer);

/// Every row of a network's shape inference: the root first, then each layer in order (depth-first).
/// \throws shape_error naming the first layer whose input does not fit
std::vector<LayerInfo> summarize(const Layer& network, const Shape4& input);

/// The activation memory of a traced network in values per sample: the sum of
/// LayerInfo::activations() over the leaf rows of summarize (every layer's output, the element-wise
/// ones included, as a framework without in-place layers stores them).
std::uint64_t leaf_activations(const std::vector<LayerInfo>& rows);

/// Parameters and MACs summed over the rows of one kind ("Conv2d", "Linear", …).
struct KindTotals {
    std::uint64_t parameters = 0;  ///< the rows' parameters
    std::uint64_t macs = 0;        ///< the rows' multiply-accumulates
};
/// The totals of the rows whose kind is `kind` (e.g. how much of a net sits in its Linear layers).
KindTotals totals_of_kind(const std::vector<LayerInfo>& rows, const std::string& kind);

}  // namespace cnnlab
