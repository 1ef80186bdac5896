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
//
// Stride-1 layers have a second input-gradient path, nndl's dX = rot180(W) ⊗̃ δ taken literally:
// a forward layer over δ with the rotated, channel-swapped weight, so that the Winograd, 1×1 and
// depthwise paths of Chapter 2 serve the backward pass too.
#include "chapters/ch03_gradients/backward.hpp"

#include "chapters/ch00_foundation/blas.hpp"
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch02_layers/im2col_columns.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/winograd_weight.hpp"

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
using detail::Tap;
using detail::tap_of;



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
    // A 1×1, stride-1, unpadded layer's im2col is its input planes themselves: no copy. (Not when
    // the geometry's output is cut shorter than the input — a transposed conv's adjoint with
    // output_padding ≥ stride: the planes are then larger than the columns.)
    const bool planes_are_columns = layer_algorithm_applies(LayerAlgorithm::gemm_1x1, g) &&
                                    g.output.h == g.input.h && g.output.w == g.input.w;
    T* a = planes_are_columns ? nullptr : thread_buffer<T>(pixels * inner);
    for (std::size_t group = 0; group < g.groups; ++group) {
        const std::size_t channel = group * per_group;
        const T* columns = a;
        if (planes_are_columns)
            columns = x.data() + plane_start(x, n, group * g.in_per_group());
        else
            for (std::size_t k = 0; k < inner; ++k) fill_im2col_column(x, g, n, group, k, a);
        const arma::Mat<T> a_view = matrix_over(columns, pixels, inner);
        const arma::Mat<T> dy_view = matrix_over(dy.data() + plane_start(dy, n, channel), pixels, per_group);
        arma::Mat<T> dw_view = matrix_over(dw + channel * inner, inner, per_group);
        dw_view += a_view.t() * dy_view;  // one GEMM with beta = 1 (transposed A)
    }
}

/// The padding \f$(K-1)d - p\f$ of the rotated forward on one axis (`applies` false when negative).
Sides rotated_padding(const Axis& axis, bool& applies) {
    const std::size_t span = axis.effective_kernel() - 1;
    if (axis.stride != 1 || axis.pad.before > span || axis.pad.after > span) {
        applies = false;
        return {};
    }
    return {span - axis.pad.before, span - axis.pad.after};
}

/// ∂f/∂W of a depthwise layer (one input channel per group) by direct loops: per output channel
/// p and tap k, Σ_n Σ_ij δ(n, p, i, j) · x(n, group, i·s_h + offset_h, j·s_w + offset_w) over the
/// outputs whose tap lies inside the input. The products are added element by element into one
/// column of partial sums per tap (vector FMAs, no horizontal sum per column), summed once at the
/// end. Output channels are independent: OpenMP splits them, no reduction needed.
template <class T>
void backward_weight_depthwise(const Tensor4<T>& x, const Tensor4<T>& dy, const LayerGeometry& g, Tensor4<T>& dw) {
    const std::size_t taps = g.weight.h * g.weight.w, out_h = g.output.h, in_h = g.input.h;
    const std::size_t row_stride = g.plane.rows.stride, col_stride = g.plane.cols.stride;
    const bool parallel = !omp_in_parallel() && g.flops() > 1e6;
#pragma omp parallel if (parallel)
    {
        std::vector<T> partial(out_h);
#pragma omp for schedule(static)
        for (std::size_t p = 0; p < g.output.c; ++p) {
            const std::size_t group = p / g.out_per_group();
            for (std::size_t k = 0; k < taps; ++k) {
                const Tap tap = tap_of(g, group, k);
                std::fill(partial.begin(), partial.end(), T(0));
                T* const acc = partial.data();
                for (std::size_t n = 0; n < g.output.n; ++n) {
                    const T* delta = dy.data() + plane_start(dy, n, p);
                    const T* input = x.data() + plane_start(x, n, group);
                    for (std::size_t j = tap.cols.first; j < tap.cols.last; ++j) {
                        const T* delta_column = delta + j * out_h;
                        const T* input_column = input + (std::ptrdiff_t(j * col_stride) + tap.col_offset) * std::ptrdiff_t(in_h) +
                                                tap.row_offset;
                        if (row_stride == 1) {
#pragma omp simd
                            for (std::size_t i = tap.rows.first; i < tap.rows.last; ++i)
                                acc[i] += delta_column[i] * input_column[i];
                        } else {
                            for (std::size_t i = tap.rows.first; i < tap.rows.last; ++i)
                                acc[i] += delta_column[i] * input_column[i * row_stride];
                        }
                    }
                }
                T sum = T(0);
                for (std::size_t i = 0; i < out_h; ++i) sum += acc[i];
                dw.data()[p * taps + k] = sum;
            }
        }
    }
}

}  // namespace

BackwardWeightAlgorithm parse_backward_weight_algorithm(std::string_view name) {
    for (auto a : {BackwardWeightAlgorithm::automatic, BackwardWeightAlgorithm::im2col_gemm,
                   BackwardWeightAlgorithm::winograd_f4x4_3x3, BackwardWeightAlgorithm::depthwise_direct,
                   BackwardWeightAlgorithm::direct})
        if (backward_weight_algorithm_name(a) == name) return a;
    throw argument_error(str("backward weight algorithm: unknown name '", name,
                             "' (expected automatic|im2col_gemm|winograd_f4x4_3x3|depthwise_direct|direct)"));
}

std::string_view backward_weight_algorithm_name(BackwardWeightAlgorithm algorithm) {
    switch (algorithm) {
        case BackwardWeightAlgorithm::automatic: return "automatic";
        case BackwardWeightAlgorithm::im2col_gemm: return "im2col_gemm";
        case BackwardWeightAlgorithm::winograd_f4x4_3x3: return "winograd_f4x4_3x3";
        case BackwardWeightAlgorithm::depthwise_direct: return "depthwise_direct";
        case BackwardWeightAlgorithm::direct: return "direct";
    }
    return "?";
}

BackwardInputAlgorithm parse_backward_input_algorithm(std::string_view name) {
    for (auto a : {BackwardInputAlgorithm::automatic, BackwardInputAlgorithm::gemm_col2im,
                   BackwardInputAlgorithm::rotated_forward})
        if (backward_input_algorithm_name(a) == name) return a;
    throw argument_error(
        str("backward input algorithm: unknown name '", name, "' (expected automatic|gemm_col2im|rotated_forward)"));
}

std::string_view backward_input_algorithm_name(BackwardInputAlgorithm algorithm) {
    switch (algorithm) {
        case BackwardInputAlgorithm::automatic: return "automatic";
        case BackwardInputAlgorithm::gemm_col2im: return "gemm_col2im";
        case BackwardInputAlgorithm::rotated_forward: return "rotated_forward";
    }
    return "?";
}

LayerGeometry rotated_forward_geometry(const LayerGeometry& g, const RotatedForward& rotated) {
    return resolve_conv2d_layer("conv2d_layer_backward_input", g.output,
                                Shape4{g.input.c, g.out_per_group(), g.weight.h, g.weight.w}, 0, rotated.options);
}

template <class T>
BackwardInputAlgorithm choose_backward_input_algorithm(const LayerGeometry& g) {
    const RotatedForward rotated = rotated_forward_of(g);
    const bool pays = rotated.applies &&
                      choose_layer_algorithm<T>(rotated_forward_geometry(g, rotated)) != LayerAlgorithm::im2col_gemm;
    return pays ? BackwardInputAlgorithm::rotated_forward : BackwardInputAlgorithm::gemm_col2im;
}

bool backward_weight_algorithm_applies(BackwardWeightAlgorithm algorithm, const LayerGeometry& g) {
    switch (algorithm) {
        case BackwardWeightAlgorithm::automatic:
        case BackwardWeightAlgorithm::im2col_gemm: return true;
        case BackwardWeightAlgorithm::winograd_f4x4_3x3: return layer_algorithm_applies(LayerAlgorithm::winograd_f4x4_3x3, g);
        case BackwardWeightAlgorithm::depthwise_direct: return g.depthwise();
        case BackwardWeightAlgorithm::direct:  // the flattened grid of direct_layout.hpp
            return g.unit_steps() && g.groups == 1;
    }
    return false;
}

template <class T>
BackwardWeightAlgorithm choose_backward_weight_algorithm(const LayerGeometry& g) {
    const LayerAlgorithm forward = choose_layer_algorithm<T>(g);
    if (forward == LayerAlgorithm::winograd_f4x4_3x3) return BackwardWeightAlgorithm::winograd_f4x4_3x3;
    if (forward == LayerAlgorithm::direct && backward_weight_algorithm_applies(BackwardWeightAlgorithm::direct, g))
        return BackwardWeightAlgorithm::direct;
    if (g.depthwise() && g.groups > 1) return BackwardWeightAlgorithm::depthwise_direct;
    return BackwardWeightAlgorithm::im2col_gemm;
}

RotatedForward rotated_forward_of(const LayerGeometry& g) {
    RotatedForward rotated{.applies = true, .options = {}};
    const Sides rows = rotated_padding(g.plane.rows, rotated.applies);
    const Sides cols = rotated_padding(g.plane.cols, rotated.applies);
    rotated.options = {.padding = Sides2{rows, cols},
                       .stride = {},
                       .dilation = {g.plane.rows.dilation, g.plane.cols.dilation},
                       .groups = g.groups};
    return rotated;
}

template <class T>
Tensor4<T> rotated_weight(const Tensor4<T>& weight, std::size_t groups) {
    const Shape4& s = weight.shape();
    if (groups == 0 || s.n % groups != 0)
        throw argument_error(str("rotated_weight: groups = ", groups, " must divide the weight's C_out = ", s.n,
                                 " (weight ", s.str(), ")"));
    const std::size_t out_per_group = s.n / groups, in_per_group = s.c;
    Tensor4<T> rotated({groups * in_per_group, out_per_group, s.h, s.w}, uninitialized);
    // rotated(g·C_in/g + c, q, K_h−1−u, K_w−1−v) = weight(p, c, u, v): a kernel plane, stored column by
    // column, rotated by 180° is the same values in reverse order.
    const std::size_t taps = s.h * s.w;
    for (std::size_t p = 0; p < s.n; ++p) {
        const std::size_t group = p / out_per_group, q = p - group * out_per_group;
        for (std::size_t c = 0; c < in_per_group; ++c) {
            const T* from = weight.data() + (p * in_per_group + c) * taps;
            std::reverse_copy(from, from + taps, rotated.data() + ((group * in_per_group + c) * out_per_group + q) * taps);
        }
    }
    return rotated;
}

void check_upstream_gradient(std::string_view op, const Shape4& dy, const LayerGeometry& g) {
    if (!(dy == g.output))
        throw shape_error(cnnlab::str(op, ": dY is ", dy.str(), " but the forward's output is ", g.output.str(), " (",
                                      g.str(), "): dY must have the shape of the forward's output"));
}

template <class T>
Tensor4<T> conv2d_layer_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                       const Conv2dOptions& options, BackwardInputAlgorithm algorithm) {
    constexpr std::string_view op = "conv2d_layer_backward_input";
    const LayerGeometry g = resolve_conv2d_layer(op, input_shape, weight.shape(), 0, options);
    check_upstream_gradient(op, dy.shape(), g);
    const RotatedForward rotated = rotated_forward_of(g);
    if (algorithm == BackwardInputAlgorithm::rotated_forward && !rotated.applies)
        throw argument_error(str(op, ": rotated_forward needs stride 1 and padding at most (K-1)·dilation on every "
                                 "side, but the layer is ", g.str()));
    if (algorithm == BackwardInputAlgorithm::automatic) algorithm = choose_backward_input_algorithm<T>(g);
    if (algorithm == BackwardInputAlgorithm::rotated_forward)
        return conv2d_layer(dy, rotated_weight(weight, g.groups), arma::Col<T>{}, rotated.options);
    return detail::backward_input_gemm_col2im(weight, dy, g);
}

template <class T>
Tensor4<T> conv2d_layer_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy, const Shape4& weight_shape,
                                        const Conv2dOptions& options, BackwardWeightAlgorithm algorithm) {
    constexpr std::string_view op = "conv2d_layer_backward_weight";
    const LayerGeometry g = resolve_conv2d_layer(op, x.shape(), weight_shape, 0, options);
    check_upstream_gradient(op, dy.shape(), g);
    Tensor4<T> dw(g.weight);
    const bool winograd_fits = layer_algorithm_applies(LayerAlgorithm::winograd_f4x4_3x3, g);
    if (algorithm == BackwardWeightAlgorithm::winograd_f4x4_3x3 && !winograd_fits)
        throw argument_error(str(op, ": winograd_f4x4_3x3 needs a 3×3 kernel, stride 1, dilation 1 and one group, "
                                 "but the layer is ", g.str()));
    if (algorithm == BackwardWeightAlgorithm::depthwise_direct && !g.depthwise())
        throw argument_error(str(op, ": depthwise_direct needs one input channel per group, but the layer is ", g.str()));
    if (algorithm == BackwardWeightAlgorithm::direct && !backward_weight_algorithm_applies(algorithm, g))
        throw argument_error(str(op, ": direct needs stride 1, dilation 1 and one group, but the layer is ", g.str(),
                                 ", stride ", g.plane.rows.stride, "×", g.plane.cols.stride, ", dilation ",
                                 g.plane.rows.dilation, "×", g.plane.cols.dilation));
    if (algorithm == BackwardWeightAlgorithm::automatic) algorithm = choose_backward_weight_algorithm<T>(g);
    if (algorithm == BackwardWeightAlgorithm::winograd_f4x4_3x3) {
        detail::conv2d_layer_backward_weight_winograd(x, dy, g, dw);
        return dw;
    }
    if (algorithm == BackwardWeightAlgorithm::depthwise_direct) {
        backward_weight_depthwise(x, dy, g, dw);
        return dw;
    }
    if (algorithm == BackwardWeightAlgorithm::direct) {
        detail::backward_weight_direct(x, dy, g, dw);
        return dw;
    }
    return detail::backward_weight_im2col_gemm(x, dy, g);
}

namespace detail {

template <class T>
Tensor4<T> backward_input_gemm_col2im(const Tensor4<T>& weight, const Tensor4<T>& dy, const LayerGeometry& g) {
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
Tensor4<T> backward_weight_im2col_gemm(const Tensor4<T>& x, const Tensor4<T>& dy, const LayerGeometry& g) {
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

template Tensor4<float> backward_input_gemm_col2im(const Tensor4<float>&, const Tensor4<float>&, const LayerGeometry&);
template Tensor4<double> backward_input_gemm_col2im(const Tensor4<double>&, const Tensor4<double>&, const LayerGeometry&);
template Tensor4<float> backward_weight_im2col_gemm(const Tensor4<float>&, const Tensor4<float>&, const LayerGeometry&);
template Tensor4<double> backward_weight_im2col_gemm(const Tensor4<double>&, const Tensor4<double>&, const LayerGeometry&);

}  // namespace detail

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

namespace {
/// Throws shape_error unless every tensor of a 1-D layer is held with height 1.
void check_height_one(std::string_view op, const Shape4& a, const Shape4& b, const Shape4& c) {
    if (a.h != 1 || b.h != 1 || c.h != 1)
        throw shape_error(str(op, ": shapes ", a.str(), ", ", b.str(), " and ", c.str(),
                              " must be held as N×C×1×L, C_out×C_in/g×1×K (height 1)"));
}
}  // namespace

template <class T>
Tensor4<T> conv1d_layer_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                       const Conv1dOptions& options) {
    check_height_one("conv1d_layer_backward_input", weight.shape(), dy.shape(), input_shape);
    return conv2d_layer_backward_input(weight, dy, input_shape, as_conv2d_options(options, weight.shape().w));
}

template <class T>
Tensor4<T> conv1d_layer_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy, const Shape4& weight_shape,
                                        const Conv1dOptions& options) {
    check_height_one("conv1d_layer_backward_weight", x.shape(), dy.shape(), weight_shape);
    return conv2d_layer_backward_weight(x, dy, weight_shape, as_conv2d_options(options, weight_shape.w));
}

#define CNNLAB_INSTANTIATE_BACKWARD(T)                                                                             \
    template BackwardInputAlgorithm choose_backward_input_algorithm<T>(const LayerGeometry&);                      \
    template BackwardWeightAlgorithm choose_backward_weight_algorithm<T>(const LayerGeometry&);                    \
    template Tensor4<T> rotated_weight(const Tensor4<T>&, std::size_t);                                            \
    template Tensor4<T> conv2d_layer_backward_input(const Tensor4<T>&, const Tensor4<T>&, const Shape4&,           \
                                                    const Conv2dOptions&, BackwardInputAlgorithm);                 \
    template Tensor4<T> conv1d_layer_backward_input(const Tensor4<T>&, const Tensor4<T>&, const Shape4&,           \
                                                    const Conv1dOptions&);                                         \
    template Tensor4<T> conv1d_layer_backward_weight(const Tensor4<T>&, const Tensor4<T>&, const Shape4&,          \
                                                     const Conv1dOptions&);
CNNLAB_INSTANTIATE_BACKWARD(float)
CNNLAB_INSTANTIATE_BACKWARD(double)

template Tensor4<float> conv2d_layer_backward_weight(const Tensor4<float>&, const Tensor4<float>&, const Shape4&,
                                                     const Conv2dOptions&, BackwardWeightAlgorithm);
template Tensor4<double> conv2d_layer_backward_weight(const Tensor4<double>&, const Tensor4<double>&, const Shape4&,
                                                      const Conv2dOptions&, BackwardWeightAlgorithm);
template arma::Col<float> conv2d_layer_backward_bias(const Tensor4<float>&);
template arma::Col<double> conv2d_layer_backward_bias(const Tensor4<double>&);

}  // namespace cnnlab
