/// \file
/// \brief Chapter 7: the original LeNet-5 (LeCun, Bottou, Bengio, Haffner 1998, "Gradient-based
/// learning applied to document recognition", §II.B) and the four layers it has that PyTorch lacks:
/// the connection-table convolution of C3, the trainable subsampling of S2 and S4, the scaled tanh and
/// the Euclidean RBF output.
///
/// The network, on a 1×32×32 input (each layer but the output followed by the scaled tanh, as the
/// paper says of "units in layers up to F6"):
///
/// | layer | what | output | parameters | connections |
/// |---|---|---|---:|---:|
/// | C1 | conv 6@5×5 | 6×28×28 | 156 | 122,304 |
/// | S2 | subsampling 2×2 | 6×14×14 | 12 | 5,880 |
/// | C3 | conv 16@5×5, Table I's connections | 16×10×10 | 1,516 | 151,600 |
/// | S4 | subsampling 2×2 | 16×5×5 | 32 | 2,000 |
/// | C5 | conv 120@5×5 | 120×1×1 | 48,120 | 48,120 |
/// | F6 | linear 120 → 84 | 84 | 10,164 | 10,164 |
/// | output | Euclidean RBF 84 → 10, fixed weights | 10 | 0 | 840 |
///
/// 60,000 trainable parameters, the paper's figure. The paper's "connections" count, for every output
/// value, its inputs plus its bias; the multiply-accumulates of the summary count, as for every other
/// net here, the products of conv and linear layers only (see network.hpp):
/// - a connection-table conv costs its **connected** taps, \f$H_{out} W_{out} K_h K_w \sum_p |S_p|\f$
///   (150,000 for C3, not the 240,000 of a full 6→16 conv): those are the products it has to compute.
///   Its reference forward runs one convolution per output map over the maps it is connected to, so
///   the multiply-accumulates the references execute (ref::MacCounter) are exactly these; the
///   optimized forward runs one full convolution with the unconnected taps zeroed (more products,
///   one GEMM);
/// - a subsampling layer costs none: its window sum is additions (as average pooling), its one
///   multiplication per output a scale (as batch norm's), neither of which the convention counts;
/// - the RBF output costs \f$\mathit{in} \cdot \mathit{out}\f$ = 840: each \f$(x_j - w_{ij})^2\f$ is one
///   multiply-accumulate after a subtraction, as \f$w_{ij} x_j\f$ is in a linear layer.
/// Total 326,520 multiply-accumulates per sample.
#pragma once

#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/network.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace cnnlab {

/// LeCun's squashing function \f$f(a) = A \tanh(S a)\f$ with \f$A = 1.7159\f$ and \f$S = 2/3\f$,
/// chosen so that \f$f(\pm 1) = \pm 1\f$ and the second derivative is largest at \f$\pm 1\f$ (the
/// paper's Appendix A).
class ScaledTanh : public LeafLayer {
public:
    /// \f$A\f$, the amplitude.
    static constexpr float amplitude = 1.7159f;
    /// \f$S\f$, the slope at the origin divided by \f$A\f$.
    static constexpr float slope = 2.0f / 3.0f;
    using LeafLayer::LeafLayer;
    std::string kind() const override { return "ScaledTanh"; }  ///< "ScaledTanh"
    /// \f$A\f$ · ref::tanh_formula(\f$S a\f$) element by element, or apply_activation's tanh between two scalings.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;

protected:
    /// output = input.
    void describe(LayerInfo& info) const override;
};

/// LeNet-5's trainable subsampling (S2, S4): each map's non-overlapping \f$k \times k\f$ windows summed,
/// times a trainable coefficient \f$a_c\f$, plus a trainable bias \f$b_c\f$:
/// \f[ y_{n,c,i,j} = a_c \sum_{u,v=0}^{k-1} x_{n,c,ik+u,jk+v} + b_c. \f]
/// \f$2C\f$ parameters; no multiply-accumulates counted (see the file's notes).
class Subsampling : public LeafLayer {
public:
    /// Subsamples `channels` maps with a window × window window, stride window.
    explicit Subsampling(std::size_t channels, std::size_t window = 2, std::string name = {});
    std::string kind() const override { return "Subsampling"; }  ///< "Subsampling"
    /// ref::avg_pool2d or avg_pool2d, times \f$k^2 a_c\f$, plus \f$b_c\f$.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// The coefficient He-uniform with fan-in \f$k^2\f$ (it is a \f$k \times k\f$ kernel of equal
    /// taps), the bias uniform in \f$\pm 1/k\f$, as a conv of that kernel.
    void initialize_parameters(Random& random) override;
    arma::fvec& coefficient() { return coefficient_; }  ///< \f$a\f$, one per map (empty until initialized)
    arma::fvec& bias() { return bias_; }                ///< \f$b\f$, one per map (empty until initialized)

protected:
    /// The pooling's output size; \f$2C\f$ parameters; the window widens the receptive field.
    /// \throws shape_error when the input has another channel count or is smaller than the window
    void describe(LayerInfo& info) const override;

private:
    Pool2dOptions pool_options() const;
    std::size_t channels_, window_;
    arma::fvec coefficient_, bias_;
};

/// A convolution whose output map \f$p\f$ reads only the input maps \f$S_p\f$ of a connection table
/// (LeNet-5's C3, the paper's Table I):
/// \f[ Y_{n,p,i,j} = b_p + \sum_{c \in S_p} \sum_{u,v} W_{p,c,u,v}\, X_{n,c,i+u,j+v}. \f]
/// Stride 1, no padding. The weight is held as a full \f$C_{out} \times C_{in} \times K_h \times K_w\f$
/// tensor whose taps outside the table are ignored (treated as zero); parameters and
/// multiply-accumulates count the connected taps only.
class TableConv2d : public LeafLayer {
public:
    /// \f$C_{in} \to\f$ table.size() maps; `table[p]` lists the input maps output map \f$p\f$ reads.
    /// \throws argument_error when a map is listed twice, is not below in_channels, or an output reads none
    TableConv2d(std::size_t in_channels, std::vector<std::vector<std::size_t>> table, Step2 kernel,
                std::string name = {});
    std::string kind() const override { return "TableConv2d"; }  ///< "TableConv2d"
    /// The connection table.
    const std::vector<std::vector<std::size_t>>& table() const { return table_; }
    /// Reference: per output map, ref::conv2d_layer over its connected input maps only (so the
    /// counted multiply-accumulates are the connected taps). Optimized: one conv2d_layer with the
    /// weight masked by the table.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// Per output map, He-uniform connected taps and a uniform bias with the map's own fan-in
    /// \f$|S_p| K_h K_w\f$; unconnected taps zero.
    void initialize_parameters(Random& random) override;
    /// The full weight (empty until initialized); taps outside the table are ignored by forward.
    Tensor4<float>& weight() { return weight_; }
    /// The bias, one per output map (empty until initialized).
    arma::fvec& bias() { return bias_; }

protected:
    /// resolve_conv2d_layer's output; parameters \f$K_h K_w \sum_p |S_p| + C_{out}\f$, multiply-accumulates
    /// \f$H_{out} W_{out} K_h K_w \sum_p |S_p|\f$.
    void describe(LayerInfo& info) const override;

private:
    std::size_t connected_inputs() const;  // Σ_p |S_p|
    std::size_t in_;
    std::vector<std::vector<std::size_t>> table_;
    Step2 kernel_;
    Tensor4<float> weight_;
    arma::fvec bias_;
};

/// LeNet-5's output layer: Euclidean radial basis function units,
/// \f[ y_{n,i} = \sum_j (x_{n,j} - w_{ij})^2, \f]
/// the squared distance of the input to each class's fixed parameter vector (the paper's stylized
/// 7×12 bitmaps of ±1; not trained, so no parameters counted). Input N×in×1×1, output N×out×1×1.
class EuclideanRbf : public LeafLayer {
public:
    /// `outputs` units over `inputs` features.
    EuclideanRbf(std::size_t inputs, std::size_t outputs, std::string name = {});
    std::string kind() const override { return "EuclideanRBF"; }  ///< "EuclideanRBF"
    /// Reference: the double sum as written. Optimized:
    /// \f$\|x_n\|^2 - 2 (W x_n)_i + \|w_i\|^2\f$ with one GEMM \f$W X\f$ for the batch.
    Tensor4<float> forward(const Tensor4<float>& x, Implementation implementation) const override;
    /// Each weight \f$\pm 1\f$ with equal odds: the range of the paper's bitmaps, without the bitmaps.
    void initialize_parameters(Random& random) override;
    /// The fixed weights, out × in (empty until initialized).
    arma::fmat& weight() { return weight_; }

protected:
    /// No parameters; \f$\mathit{in} \cdot \mathit{out}\f$ multiply-accumulates.
    /// \throws shape_error when the input is not N×in×1×1
    void describe(LayerInfo& info) const override;

private:
    std::size_t in_, out_;
    arma::fmat weight_;
};

/// Table I of the paper: the S2 maps each of C3's 16 maps reads. Maps 0–5 read 3 contiguous maps,
/// 6–11 four contiguous, 12–14 four discontinuous, 15 all six (60 connections).
std::vector<std::vector<std::size_t>> lenet1998_c3_table();

/// The original LeNet-5 (layers named C1, S2, C3, S4, C5, F6, output as in the paper; the squashing
/// functions tanh1 … tanh6). `classes` RBF units; F6's inputs follow C5's output (120 for 32×32).
std::unique_ptr<Sequential> lenet1998(std::size_t classes = 10, NetInput input = {1, 32, 32});

}  // namespace cnnlab
