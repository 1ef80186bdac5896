// Depthwise layers (one input channel per group, output channel p reads input channel p / M for
// a channel multiplier M): every output plane is one single-channel cross-correlation, computed by
// Chapter 1's vectorized direct path; planes are spread over the cores.
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch01_convolution/paths.hpp"
#include "chapters/ch02_layers/layer_paths.hpp"

#include <algorithm>

namespace cnnlab::detail {

template <class T>
void conv2d_layer_depthwise(const Tensor4<T>& x, const Tensor4<T>& weight, const LayerGeometry& g, Tensor4<T>& y) {
    const std::size_t multiplier = g.out_per_group(), planes = g.output.n * g.output.c;
    const Sides2 pad{g.plane.rows.pad, g.plane.cols.pad};
    const Geometry2d unpadded = without_padding(g.plane);
#pragma omp parallel for schedule(dynamic, 4) if (planes > 1)
    for (std::size_t job = 0; job < planes; ++job) {
        const std::size_t n = job / g.output.c, p = job % g.output.c;
        const arma::Mat<T> padded = zero_pad(x.plane(n, p / multiplier), pad);
        const arma::Mat<T> kernel = weight.plane(p, 0);
        const arma::Mat<T> plane = xcorr2d_direct(padded, kernel, unpadded);
        std::copy(plane.begin(), plane.end(), y.plane(n, p).begin());
    }
}

template void conv2d_layer_depthwise(const Tensor4<float>&, const Tensor4<float>&, const LayerGeometry&,
                                     Tensor4<float>&);
template void conv2d_layer_depthwise(const Tensor4<double>&, const Tensor4<double>&, const LayerGeometry&,
                                     Tensor4<double>&);

}  // namespace cnnlab::detail
