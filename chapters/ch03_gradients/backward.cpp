// The backward passes of conv2d_layer as the forward's im2col + GEMM run backwards.
//
// Layout (as in ch02_layers/layer_gemm.cpp), per sample n and group, on column-major memory:
//   A    P × K        im2col of the input: row = output pixel p = j·H_out + i, column = tap
//                     k = (c·K_w + v)·K_h + u (the order of a weight's memory)
//   W^T  K × C_out/g  the weight tensor's memory read as a matrix
//   dY^T P × C_out/g  the upstream gradient's planes of the sample and group
// Input:  dA = dY^T · W (P × K), then col2im adds each column of dA back onto the input plane it
//         was copied from.
// Weight: dW^T += A^T · dY^T (K × C_out/g), summed over the samples.
// Every GEMM runs on zero-copy Armadillo views of the tensors; the transposes are BLAS flags.
//
// The im2col/col2im pair is shared with the forward: chapters/ch02_layers/im2col_columns.hpp.
#include "chapters/ch03_gradients/backward.hpp"

#include "chapters/ch00_foundation/blas.hpp"
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch02_layers/im2col_columns.hpp"

#include <algorithm>
#include <omp.h>
#include <string_view>
#include <vector>

namespace cnnlab {
namespace {

using detail::add_col2im_column;
using detail::fill_im2col_column;
using detail::matrix_over;
using detail::plane_start;



/// The calling thread's P × K buffer, kept between calls (a fresh 100 MB allocation per call costs
/// page faults the GEMM then waits on).
template <class T>
T* thread_buffer(std::size_t size) {
    thread_local std::vector<T> buffer;
    if (buffer.size() < size) buffer.resize(size);
    return buffer.data();
}

/// Threads for a loop over `samples`: 1 (and BLAS keeps its own threads) inside an OpenMP region
/// or for a single sample; otherwise OpenMP's count, and the caller holds SingleThreadedBlas.
int sample_threads(std::size_t samples) {
    if (omp_in_parallel() || samples < 2) return 1;
    return std::min(omp_get_max_threads(), int(samples));
}

/// dX of sample n: for each group dA = dY^T · W, then col2im into dx.
template <class T>
void backward_input_sample(const Tensor4<T>& weight, const Tensor4<T>& dy, const LayerGeometry& g, std::size_t n,
                           Tensor4<T>& dx) {
    const std::size_t pixels = g.output.h * g.output.w, per_group = g.out_per_group();
    const std::size_t inner = g.in_per_group() * g.weight.h * g.weight.w;
    T* da = thread_buffer<T>(pixels * inner);
    for (std::size_t group = 0; group < g.groups; ++group) {
        const std::size_t channel = group * per_group;
        const arma::Mat<T> dy_view = matrix_over(dy.data() + plane_start(dy, n, channel), pixels, per_group);
        const arma::Mat<T> w_view = matrix_over(weight.data() + channel * inner, inner, per_group);
        arma::Mat<T> da_view = matrix_over(da, pixels, inner);
        da_view = dy_view * w_view.t();  // one GEMM (transposed B), written into the buffer
        for (std::size_t k = 0; k < inner; ++k) add_col2im_column(da, g, n, group, k, dx);
    }
}

/// dW^T += A^T · dY^T of sample n, for each group, into the K × C_out tensor memory `dw`.
template <class T>
void backward_weight_sample(const Tensor4<T>& x, const Tensor4<T>& dy, const LayerGeometry& g, std::size_t n, T* dw) {
    const std::size_t pixels = g.output.h * g.output.w, per_group = g.out_per_group();
    const std::size_t inner = g.in_per_group() * g.weight.h * g.weight.w;
    T* a = thread_buffer<T>(pixels * inner);
    for (std::size_t group = 0; group < g.groups; ++group) {
        const std::size_t channel = group * per_group;
        for (std::size_t k = 0; k < inner; ++k) fill_im2col_column(x, g, n, group, k, a);
        const arma::Mat<T> a_view = matrix_over(a, pixels, inner);
        const arma::Mat<T> dy_view = matrix_over(dy.data() + plane_start(dy, n, channel), pixels, per_group);
        arma::Mat<T> dw_view = matrix_over(dw + channel * inner, inner, per_group);
        dw_view += a_view.t() * dy_view;  // one GEMM with beta = 1 (transposed A)
    }
}

}  // namespace

void check_upstream_gradient(std::string_view op, const Shape4& dy, const LayerGeometry& g) {
    if (!(dy == g.output))
        throw shape_error(cnnlab::str(op, ": dY is ", dy.str(), " but the forward's output is ", g.output.str(), " (",
                                      g.str(), "): dY must have the shape of the forward's output"));
}

template <class T>
Tensor4<T> conv2d_layer_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                       const Conv2dOptions& options) {
    constexpr std::string_view op = "conv2d_layer_backward_input";
    const LayerGeometry g = resolve_conv2d_layer(op, input_shape, weight.shape(), 0, options);
    check_upstream_gradient(op, dy.shape(), g);
    Tensor4<T> dx(g.input);  // zeros: col2im adds
    const int threads = sample_threads(g.input.n);
    if (threads == 1) {
        for (std::size_t n = 0; n < g.input.n; ++n) backward_input_sample(weight, dy, g, n, dx);
        return dx;
    }
    const SingleThreadedBlas single;  // each OpenMP thread runs whole samples, BLAS one thread each
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::size_t n = 0; n < g.input.n; ++n) backward_input_sample(weight, dy, g, n, dx);  // disjoint samples of dx
    return dx;
}

template <class T>
Tensor4<T> conv2d_layer_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy, const Shape4& weight_shape,
                                        const Conv2dOptions& options) {
    constexpr std::string_view op = "conv2d_layer_backward_weight";
    const LayerGeometry g = resolve_conv2d_layer(op, x.shape(), weight_shape, 0, options);
    check_upstream_gradient(op, dy.shape(), g);
    Tensor4<T> dw(g.weight);
    const int threads = sample_threads(g.input.n);
    if (threads == 1) {
        for (std::size_t n = 0; n < g.input.n; ++n) backward_weight_sample(x, dy, g, n, dw.data());
        return dw;
    }
    // Every sample adds to all of dW: each thread accumulates its samples in its own copy, and
    // the copies are added up at the end (no atomics, no locks in the GEMM).
    std::vector<std::vector<T>> partial(std::size_t(threads), std::vector<T>(dw.size(), T(0)));
    {
        const SingleThreadedBlas single;
#pragma omp parallel num_threads(threads)
        {
            T* mine = partial[std::size_t(omp_get_thread_num())].data();
#pragma omp for schedule(dynamic, 1)
            for (std::size_t n = 0; n < g.input.n; ++n) backward_weight_sample(x, dy, g, n, mine);
        }
    }
    for (const std::vector<T>& p : partial)
        for (std::size_t i = 0; i < dw.size(); ++i) dw.data()[i] += p[i];
    return dw;
}

template <class T>
arma::Col<T> conv2d_layer_backward_bias(const Tensor4<T>& dy) {
    const Shape4& shape = dy.shape();
    const std::size_t pixels = shape.h * shape.w;
    arma::Col<T> db(shape.c, arma::fill::zeros);
    for (std::size_t n = 0; n < shape.n; ++n)
        for (std::size_t p = 0; p < shape.c; ++p) {
            const T* plane = dy.data() + (n * shape.c + p) * pixels;
            db(p) += arma::accu(arma::Col<T>(const_cast<T*>(plane), pixels, /*copy_aux_mem=*/false, /*strict=*/true));
        }
    return db;
}

template Tensor4<float> conv2d_layer_backward_input(const Tensor4<float>&, const Tensor4<float>&, const Shape4&,
                                                    const Conv2dOptions&);
template Tensor4<double> conv2d_layer_backward_input(const Tensor4<double>&, const Tensor4<double>&, const Shape4&,
                                                     const Conv2dOptions&);
template Tensor4<float> conv2d_layer_backward_weight(const Tensor4<float>&, const Tensor4<float>&, const Shape4&,
                                                     const Conv2dOptions&);
template Tensor4<double> conv2d_layer_backward_weight(const Tensor4<double>&, const Tensor4<double>&, const Shape4&,
                                                      const Conv2dOptions&);
template arma::Col<float> conv2d_layer_backward_bias(const Tensor4<float>&);
template arma::Col<double> conv2d_layer_backward_bias(const Tensor4<double>&);

}  // namespace cnnlab
