// Depthwise layers (one input channel per group, output channel p reads input channel p / M for
// a channel multiplier M): every output plane is one single-channel cross-correlation plus its
// bias, computed by Chapter 1's direct plane kernel (xcorr2d_direct_into); the planes are spread
// over the cores.
#include "chapters/ch01_convolution/paths.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"

#include <algorithm>
#include <vector>

namespace cnnlab::detail {

template <class T>
void conv2d_layer_depthwise(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias,
                            const LayerGeometry& g, Tensor4<T>& y) {
    const std::size_t multiplier = g.out_per_group(), planes = g.output.n * g.output.c;
    const std::size_t in_rows = g.input.h, in_cols = g.input.w, pad_top = g.plane.rows.pad.before,
                      pad_left = g.plane.cols.pad.before;
    const std::size_t padded_rows = g.plane.rows.padded_input(), padded_cols = g.plane.cols.padded_input();
    const bool padded = padded_rows != in_rows || padded_cols != in_cols;
    const std::size_t kernel_size = g.weight.h * g.weight.w, in_plane = in_rows * in_cols, out_plane = g.output.h * g.output.w;
#pragma omp parallel if (planes > 1)
    {
        std::vector<T> scratch(padded ? padded_rows * padded_cols : 0, T(0));  // this thread's padded plane
#pragma omp for schedule(static)
        for (std::size_t job = 0; job < planes; ++job) {
            const std::size_t n = job / g.output.c, p = job % g.output.c;
            const T* plane = x.data() + (n * g.input.c + p / multiplier) * in_plane;
            if (padded) {  // the border of `scratch` stays zero: only the interior is written
                for (std::size_t c = 0; c < in_cols; ++c)
                    std::copy_n(plane + c * in_rows, in_rows, scratch.data() + (c + pad_left) * padded_rows + pad_top);
                plane = scratch.data();
            }
            xcorr2d_direct_into(plane, padded_rows, weight.data() + p * kernel_size, g.weight.h, g.weight.w, g.plane,
                                bias.is_empty() ? T(0) : bias(p), y.data() + job * out_plane);
        }
    }
}

template void conv2d_layer_depthwise(const Tensor4<float>&, const Tensor4<float>&, const arma::Col<float>&,
                                     const LayerGeometry&, Tensor4<float>&);
template void conv2d_layer_depthwise(const Tensor4<double>&, const Tensor4<double>&, const arma::Col<double>&,
                                     const LayerGeometry&, Tensor4<double>&);

}  // namespace cnnlab::detail
