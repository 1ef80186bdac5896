#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch01_convolution/paths.hpp"

namespace cnnlab {

template <class T>
arma::Mat<T> im2col(const arma::Mat<T>& x, const Geometry2d& geometry) {
    const Geometry2d g = detail::without_padding(geometry);
    const arma::Mat<T> padded = zero_pad(x, {geometry.rows.pad, geometry.cols.pad});
    const std::size_t taps = g.rows.kernel * g.cols.kernel;
    arma::Mat<T> columns(taps, g.rows.output * g.cols.output);
    for (std::size_t j = 0; j < g.cols.output; ++j)
        for (std::size_t i = 0; i < g.rows.output; ++i) {
            T* column = columns.colptr(i + g.rows.output * j);
            for (std::size_t v = 0; v < g.cols.kernel; ++v) {
                const T* in = padded.colptr(j * g.cols.stride + v * g.cols.dilation) + i * g.rows.stride;
                for (std::size_t u = 0; u < g.rows.kernel; ++u) column[u + g.rows.kernel * v] = in[u * g.rows.dilation];
            }
        }
    return columns;
}

namespace detail {
template <class T>
arma::Mat<T> xcorr2d_im2col(const arma::Mat<T>& padded, const arma::Mat<T>& w, const Geometry2d& g) {
    const arma::Mat<T> columns = im2col(padded, g);
    const arma::Row<T> flat = arma::vectorise(w).t() * columns;  // one BLAS gemv/gemm
    return arma::reshape(flat, g.rows.output, g.cols.output);
}
template arma::Mat<float> xcorr2d_im2col(const arma::Mat<float>&, const arma::Mat<float>&, const Geometry2d&);
template arma::Mat<double> xcorr2d_im2col(const arma::Mat<double>&, const arma::Mat<double>&, const Geometry2d&);
}  // namespace detail

template arma::Mat<float> im2col(const arma::Mat<float>&, const Geometry2d&);
template arma::Mat<double> im2col(const arma::Mat<double>&, const Geometry2d&);

}  // namespace cnnlab
