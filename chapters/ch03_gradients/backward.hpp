/// \file
/// \brief Chapter 3: the optimized backward passes of the convolution layer (conv2d_layer), with
/// PyTorch's semantics — the gradients with respect to the input, the weight and the bias.
///
/// Each is the forward's im2col + GEMM run backwards. Per sample \f$n\f$ and group, the forward
/// computes \f$Y^\top = A\,W^\top\f$ with \f$A\f$ the \f$P \times K\f$ im2col matrix (row = output
/// pixel, column = tap \f$k = (c K_w + v) K_h + u\f$), \f$W^\top\f$ the \f$K \times C_{out}/g\f$
/// weight memory and \f$Y^\top\f$ the \f$P \times C_{out}/g\f$ output planes. For the upstream
/// gradient \f$\delta^\top\f$ (same layout as \f$Y^\top\f$) the chain rule gives
/// \f[ \frac{\partial f}{\partial A} = \delta^\top W, \qquad
///     \frac{\partial f}{\partial W^\top} = \sum_n A_n^\top \delta_n^\top, \qquad
///     \frac{\partial f}{\partial b_p} = \sum_{n,i,j} \delta_{n,p,i,j}, \f]
/// and \f$\partial f / \partial X\f$ is \f$\partial f / \partial A\f$ folded back onto the input
/// planes (col2im, the transpose of im2col: every input pixel sums the entries of \f$A\f$ that
/// copied it). The references are ref::conv2d_layer_backward_input, ref::conv2d_layer_backward_weight
/// and ref::conv2d_layer_backward_bias (reference/gradients.hpp); the tests hold them equal.
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/layer.hpp"

#include <armadillo>
#include <string_view>

namespace cnnlab {

/// Throws shape_error unless the upstream gradient `dy` of a layer has its forward's output shape
/// (every layer backward, reference and optimized, checks with this one function). `op` names
/// the operation in the message; `g` is the forward's geometry.
void check_upstream_gradient(std::string_view op, const Shape4& dy, const LayerGeometry& g);

/// \f$\partial f / \partial X\f$ of conv2d_layer for the upstream gradient
/// \f$\delta = \partial f / \partial Y\f$: per sample and group \f$\partial f / \partial A =
/// \delta^\top W\f$ (one GEMM), then col2im scatter-adds its columns into the input planes.
/// Threads: OpenMP over the samples (BLAS single-threaded inside), or BLAS's own threads for one sample.
/// \param weight      the forward's weight \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
/// \param dy          \f$\delta\f$, of the forward's output shape
/// \param input_shape the forward input's shape \f$N \times C_{in} \times H \times W\f$
/// \param options     the forward's padding, stride, dilation and groups
/// \return \f$\partial f / \partial X\f$, of shape `input_shape`
/// \throws shape_error when dy is not the forward's output shape; shape_error, argument_error as
/// resolve_conv2d_layer
template <class T>
Tensor4<T> conv2d_layer_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                       const Conv2dOptions& options = {});

/// \f$\partial f / \partial W\f$ of conv2d_layer for the upstream gradient
/// \f$\delta = \partial f / \partial Y\f$, summed over the batch: per sample and group
/// \f$\partial f / \partial W^\top \mathrel{+}= A^\top \delta^\top\f$ (im2col of the input, one GEMM).
/// Threads: OpenMP over the samples with one accumulator per thread (added up at the end), or
/// BLAS's own threads for one sample.
/// \param x            the forward's input \f$N \times C_{in} \times H \times W\f$
/// \param dy           \f$\delta\f$, of the forward's output shape
/// \param weight_shape the forward weight's shape \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
/// \param options      the forward's padding, stride, dilation and groups
/// \return \f$\partial f / \partial W\f$, of shape `weight_shape`
/// \throws shape_error when dy is not the forward's output shape; shape_error, argument_error as
/// resolve_conv2d_layer
template <class T>
Tensor4<T> conv2d_layer_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy, const Shape4& weight_shape,
                                        const Conv2dOptions& options = {});

/// \f$\partial f / \partial b\f$ of conv2d_layer: \f$\frac{\partial f}{\partial b_p} = \sum_n \sum_{i,j}
/// \delta_{n,p,i,j}\f$, the sums of the upstream gradient's planes.
/// \param dy \f$\delta = \partial f / \partial Y\f$, \f$N \times C_{out} \times H_{out} \times W_{out}\f$
/// \return \f$C_{out}\f$ values
template <class T>
arma::Col<T> conv2d_layer_backward_bias(const Tensor4<T>& dy);

}  // namespace cnnlab
