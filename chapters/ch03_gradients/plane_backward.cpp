// The backward passes of the single-channel xcorr2d / conv2d of Chapter 1, written as the nndl
// identities themselves so that they run on Chapter 1's fastest paths (FFT, im2col, direct):
//   dX = rot180(W) ⊗̃ δ    (stride 1; otherwise the layer's GEMM + col2im on one channel)
//   dW = δ ⊗ X            (with the forward's stride and dilation exchanged, then cropped to U × V)
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch03_gradients/backward.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <algorithm>

namespace cnnlab {
namespace {

/// A 1×1×rows×cols tensor holding a copy of `m`.
template <class T>
Tensor4<T> as_tensor(const arma::Mat<T>& m) {
    Tensor4<T> t({1, 1, m.n_rows, m.n_cols});
    std::copy(m.begin(), m.end(), t.data());
    return t;
}

/// The forward padding of `g` as explicit sides (a Mode resolved).
Sides2 forward_padding(const Geometry2d& g) { return {g.rows.pad, g.cols.pad}; }

}  // namespace

void check_upstream_gradient(std::string_view op, std::size_t dy_rows, std::size_t dy_cols, const Geometry2d& g) {
    if (dy_rows != g.rows.output || dy_cols != g.cols.output)
        throw shape_error(str(op, ": dY is ", size_string(dy_rows, dy_cols), " but the forward's output is ",
                              size_string(g.rows.output, g.cols.output), " (input ", size_string(g.rows.input, g.cols.input),
                              ", kernel ", size_string(g.rows.kernel, g.cols.kernel),
                              "): dY must have the shape of the forward's output"));
}

template <class T>
arma::Mat<T> xcorr2d_backward_input(const arma::Mat<T>& w, const arma::Mat<T>& dy, std::size_t input_rows,
                                    std::size_t input_cols, const Options2d& options) {
    constexpr std::string_view op = "xcorr2d_backward_input";
    const Geometry2d g = resolve_geometry(op, input_rows, input_cols, w.n_rows, w.n_cols, options);
    check_upstream_gradient(op, dy.n_rows, dy.n_cols, g);
    const LayerGeometry layer = resolve_conv2d_layer(op, {1, 1, input_rows, input_cols}, {1, 1, w.n_rows, w.n_cols}, 0,
                                                     {.padding = forward_padding(g),
                                                      .stride = {g.rows.stride, g.cols.stride},
                                                      .dilation = {g.rows.dilation, g.cols.dilation}});
    const RotatedForward rotated = rotated_forward_of(layer);
    if (rotated.applies)  // rot180(W) ⊗̃ δ, with the padding that makes it wide
        return xcorr2d(dy, rot180(w), {.padding = rotated.options.padding, .dilation = rotated.options.dilation});
    const Tensor4<T> dx = conv2d_layer_backward_input(as_tensor(w), as_tensor(dy), layer.input,
                                                      {.padding = forward_padding(g),
                                                       .stride = {g.rows.stride, g.cols.stride},
                                                       .dilation = {g.rows.dilation, g.cols.dilation}},
                                                      BackwardInputAlgorithm::gemm_col2im);
    return dx.plane_copy(0, 0);
}

template <class T>
arma::Mat<T> xcorr2d_backward_weight(const arma::Mat<T>& x, const arma::Mat<T>& dy, std::size_t kernel_rows,
                                     std::size_t kernel_cols, const Options2d& options) {
    constexpr std::string_view op = "xcorr2d_backward_weight";
    const Geometry2d g = resolve_geometry(op, x.n_rows, x.n_cols, kernel_rows, kernel_cols, options);
    check_upstream_gradient(op, dy.n_rows, dy.n_cols, g);
    // dw(u, v) = Σ_ij dy(i, j) x(i s + u d - p): δ slides over X as a kernel dilated by the stride,
    // in steps of the dilation. Floor division in the output size can leave extra rows: crop them.
    const arma::Mat<T> full = xcorr2d(x, dy,
                                      {.padding = forward_padding(g),
                                       .stride = {g.rows.dilation, g.cols.dilation},
                                       .dilation = {g.rows.stride, g.cols.stride}});
    return full.submat(0, 0, kernel_rows - 1, kernel_cols - 1);
}

template <class T>
arma::Mat<T> conv2d_backward_input(const arma::Mat<T>& w, const arma::Mat<T>& dy, std::size_t input_rows,
                                   std::size_t input_cols, const Options2d& options) {
    return xcorr2d_backward_input(arma::Mat<T>(rot180(w)), dy, input_rows, input_cols, options);
}

template <class T>
arma::Mat<T> conv2d_backward_weight(const arma::Mat<T>& x, const arma::Mat<T>& dy, std::size_t kernel_rows,
                                    std::size_t kernel_cols, const Options2d& options) {
    return rot180(xcorr2d_backward_weight(x, dy, kernel_rows, kernel_cols, options));
}

#define CNNLAB_INSTANTIATE_PLANE_BACKWARD(T)                                                                       \
    template arma::Mat<T> xcorr2d_backward_input(const arma::Mat<T>&, const arma::Mat<T>&, std::size_t,            \
                                                 std::size_t, const Options2d&);                                   \
    template arma::Mat<T> xcorr2d_backward_weight(const arma::Mat<T>&, const arma::Mat<T>&, std::size_t,           \
                                                  std::size_t, const Options2d&);                                  \
    template arma::Mat<T> conv2d_backward_input(const arma::Mat<T>&, const arma::Mat<T>&, std::size_t,             \
                                                std::size_t, const Options2d&);                                    \
    template arma::Mat<T> conv2d_backward_weight(const arma::Mat<T>&, const arma::Mat<T>&, std::size_t,            \
                                                 std::size_t, const Options2d&);
CNNLAB_INSTANTIATE_PLANE_BACKWARD(float)
CNNLAB_INSTANTIATE_PLANE_BACKWARD(double)

}  // namespace cnnlab
