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
/// Every shape error names the layer by its full path ("features.3 (Conv2d)") and both shapes.
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/arithmetic.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch04_pooling/pooling.hpp"

#include <cstdint>
#include <memory>
#include <string>
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

/// One layer of a network. Subclasses describe their shape rule; a forward pass can be added later
/// as another virtual method beside trace.
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

protected:
    /// "features.3 (Conv2d)": how errors name the layer.
    std::string where(const std::string& path) const;

private:
    std::string name_;
};

/// An owned layer.
using LayerPtr = std::unique_ptr<Layer>;

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

protected:
    /// resolve_conv2d_layer's output; parameters \f$C_{out}(C_{in}/g)K_hK_w + C_{out}\f$.
    void describe(LayerInfo& info) const override;

private:
    std::size_t in_, out_;
    Step2 kernel_;
    Conv2dOptions options_;
    bool bias_;
};

/// Fully connected layer (PyTorch `Linear`) on N×F×1×1 (after Flatten).
class Linear : public LeafLayer {
public:
    /// in_features → out_features, with or without bias.
    Linear(std::size_t in_features, std::size_t out_features, bool bias = true, std::string name = {});
    std::string kind() const override { return "Linear"; }  ///< "Linear"

protected:
    /// \throws shape_error when the input is not N×in×1×1
    void describe(LayerInfo& info) const override;

private:
    std::size_t in_, out_;
    bool bias_;
};

/// Batch normalization over channels (PyTorch `BatchNorm2d`): \f$2C\f$ parameters (scale and shift).
class BatchNorm2d : public LeafLayer {
public:
    /// Normalizes `channels` channels.
    explicit BatchNorm2d(std::size_t channels, std::string name = {});
    std::string kind() const override { return "BatchNorm2d"; }  ///< "BatchNorm2d"

protected:
    /// \throws shape_error when the input has another channel count
    void describe(LayerInfo& info) const override;

private:
    std::size_t channels_;
};

/// A layer that keeps the shape and has no parameters: ReLU, Sigmoid, Tanh, Dropout,
/// LocalResponseNorm, Identity.
class ShapePreserving : public LeafLayer {
public:
    /// `kind` is the name printed ("ReLU").
    explicit ShapePreserving(std::string kind, std::string name = {});
    std::string kind() const override { return kind_; }  ///< the kind given at construction

protected:
    /// output = input.
    void describe(LayerInfo& info) const override;

private:
    std::string kind_;
};

/// Max or average pooling (PyTorch `MaxPool2d` / `AvgPool2d`); shapes by resolve_pool2d / resolve_avg_pool2d.
class Pool2d : public LeafLayer {
public:
    /// Max pooling when `max` is true, average pooling otherwise.
    Pool2d(bool max, Pool2dOptions options, std::string name = {});
    std::string kind() const override { return max_ ? "MaxPool2d" : "AvgPool2d"; }  ///< "MaxPool2d" or "AvgPool2d"

protected:
    /// The pooling's output size; the window widens the receptive field like a kernel.
    void describe(LayerInfo& info) const override;

private:
    bool max_;
    Pool2dOptions options_;
};

/// Adaptive average pooling to a fixed \f$H_{out} \times W_{out}\f$ (PyTorch `AdaptiveAvgPool2d`).
class AdaptiveAvgPool2d : public LeafLayer {
public:
    /// Pools every plane to rows × cols.
    AdaptiveAvgPool2d(std::size_t rows, std::size_t cols, std::string name = {});
    std::string kind() const override { return "AdaptiveAvgPool2d"; }  ///< "AdaptiveAvgPool2d"

protected:
    /// Receptive field as a window of \f$\lceil H/H_{out} \rceil\f$ with stride \f$\max(1, \lfloor H/H_{out} \rfloor)\f$.
    void describe(LayerInfo& info) const override;

private:
    std::size_t rows_, cols_;
};

/// N×C×H×W → N×(CHW)×1×1 (PyTorch `Flatten`). Every output then sees the whole input plane, so the
/// receptive field grows as under a window of the plane's size.
class Flatten : public LeafLayer {
public:
    using LeafLayer::LeafLayer;
    std::string kind() const override { return "Flatten"; }  ///< "Flatten"

protected:
    /// \f$C H W\f$ features.
    void describe(LayerInfo& info) const override;
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
    const std::vector<LayerPtr>& children() const { return children_; }
    std::string kind() const override { return "Sequential"; }  ///< "Sequential"
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
    /// Output channels: the sum over branches; receptive field: the largest.
    /// \throws shape_error naming the branch whose N, H or W differ from the first branch's
    LayerInfo trace(const Shape4& input, const Field2d& field, const std::string& path, std::size_t depth,
                    std::vector<LayerInfo>* rows) const override;

private:
    std::vector<LayerPtr> branches_;
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
/// Dropout (no effect on shapes).
LayerPtr dropout();
/// Local response normalization (AlexNet's original; no parameters).
LayerPtr local_response_norm();
/// The identity (DenseNet's pass-through branch).
LayerPtr identity();
/// Flatten.
LayerPtr flatten();
/// Square-kernel Conv2d with symmetric padding, as PyTorch's `Conv2d(in, out, k, stride, padding, bias)`.
LayerPtr conv(std::size_t in, std::size_t out, std::size_t kernel, std::size_t stride = 1, std::size_t padding = 0,
              bool bias = true);
/// Linear.
LayerPtr linear(std::size_t in, std::size_t out, bool bias = true);
/// BatchNorm2d.
LayerPtr batch_norm(std::size_t channels);
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

}  // namespace cnnlab
