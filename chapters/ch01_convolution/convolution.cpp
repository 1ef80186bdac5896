#include "chapters/ch01_convolution/convolution.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch01_convolution/paths.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

namespace cnnlab {

Algorithm parse_algorithm(std::string_view name) {
    if (name == "auto" || name == "automatic") return Algorithm::automatic;
    if (name == "direct") return Algorithm::direct;
    if (name == "im2col" || name == "im2col_gemm") return Algorithm::im2col_gemm;
    if (name == "fft") return Algorithm::fft;
    if (name == "separable") return Algorithm::separable;
    throw argument_error(str("algorithm: unknown algorithm '", name, "' (expected auto|direct|im2col|fft|separable)"));
}

std::string_view algorithm_name(Algorithm algorithm) {
    switch (algorithm) {
        case Algorithm::automatic: return "auto";
        case Algorithm::direct: return "direct";
        case Algorithm::im2col_gemm: return "im2col";
        case Algorithm::fft: return "fft";
        case Algorithm::separable: return "separable";
    }
    return "?";
}

template <class T>
arma::Mat<T> rot180(const arma::Mat<T>& w) {
    return arma::fliplr(arma::flipud(w));
}

template <class T>
arma::Col<T> rot180(const arma::Col<T>& w) {
    return arma::reverse(w);
}

template <class T>
arma::Mat<T> zero_pad(const arma::Mat<T>& x, const Sides2& pad) {
    if (pad.rows.before + pad.rows.after + pad.cols.before + pad.cols.after == 0) return x;
    arma::Mat<T> padded(x.n_rows + pad.rows.before + pad.rows.after, x.n_cols + pad.cols.before + pad.cols.after,
                        arma::fill::zeros);
    padded.submat(pad.rows.before, pad.cols.before, arma::size(x)) = x;
    return padded;
}

template <class T>
RankOneFactors<T> rank_one_factors(const arma::Mat<T>& w) {
    arma::mat u, v;
    arma::vec s;
    if (w.is_empty() || !arma::svd(u, s, v, arma::conv_to<arma::mat>::from(w)) || s(0) == 0.0) return {};
    // Numerically rank 1: the second singular value is at rounding level of the first.
    const double tolerance = 16.0 * std::numeric_limits<T>::epsilon() * double(std::max(w.n_rows, w.n_cols)) * s(0);
    if (s.n_elem > 1 && s(1) > tolerance) return {};
    const double scale = std::sqrt(s(0));
    return {arma::conv_to<arma::Col<T>>::from(scale * u.col(0)), arma::conv_to<arma::Col<T>>::from(scale * v.col(0))};
}

template <class T>
Algorithm choose_algorithm(const Geometry2d& geometry, const arma::Mat<T>& w) {
    if (w.n_rows >= 3 && w.n_cols >= 3 && w.n_elem >= separable_min_taps && rank_one_factors(w).found())
        return Algorithm::separable;
    if (geometry.rows.stride == 1 && geometry.cols.stride == 1 && w.n_elem >= fft_min_taps) return Algorithm::fft;
    return Algorithm::direct;
}

namespace {

/// Resolves the geometry (throws with `op` in the message), pads once, and runs one path.
template <class T>
arma::Mat<T> run_xcorr2d(std::string_view op, const arma::Mat<T>& x, const arma::Mat<T>& w, const Geometry2d& geometry,
                         Algorithm algorithm) {
    if (algorithm == Algorithm::automatic) algorithm = choose_algorithm(geometry, w);
    const Sides2 pad{geometry.rows.pad, geometry.cols.pad};
    const bool no_padding = pad.rows.before + pad.rows.after + pad.cols.before + pad.cols.after == 0;
    const arma::Mat<T> padded_copy = no_padding ? arma::Mat<T>() : zero_pad(x, pad);
    const arma::Mat<T>& padded = no_padding ? x : padded_copy;  // no copy of an unpadded input
    const Geometry2d g = detail::without_padding(geometry);
    switch (algorithm) {
        case Algorithm::direct: return detail::xcorr2d_direct(padded, w, g);
        case Algorithm::im2col_gemm: return detail::xcorr2d_im2col(padded, w, g);
        case Algorithm::fft: return detail::xcorr2d_fft(padded, w, g);
        case Algorithm::separable: {
            const RankOneFactors<T> factors = rank_one_factors(w);
            if (!factors.found())
                throw argument_error(str(op, ": algorithm 'separable' needs a rank-1 kernel (W = a b^T), but this ",
                                         size_string(w.n_rows, w.n_cols), " kernel has rank ", arma::rank(w)));
            return detail::xcorr2d_separable(padded, factors.column, factors.row, g);
        }
        case Algorithm::automatic: break;
    }
    throw argument_error(str(op, ": no algorithm selected"));
}

template <class T>
Options2d as_plane_options(const Axis& axis) {
    return {Sides2{axis.pad, {}}, {axis.stride, 1}, {axis.dilation, 1}};
}

}  // namespace

template <class T>
arma::Mat<T> xcorr2d(const arma::Mat<T>& x, const arma::Mat<T>& w, const Options2d& options, Algorithm algorithm) {
    const Geometry2d g = resolve_geometry("xcorr2d", x.n_rows, x.n_cols, w.n_rows, w.n_cols, options);
    return run_xcorr2d("xcorr2d", x, w, g, algorithm);
}

template <class T>
arma::Mat<T> conv2d(const arma::Mat<T>& x, const arma::Mat<T>& w, const Options2d& options, Algorithm algorithm) {
    const Geometry2d g = resolve_geometry("conv2d", x.n_rows, x.n_cols, w.n_rows, w.n_cols, options);
    return run_xcorr2d("conv2d", x, rot180(w), g, algorithm);
}

template <class T>
arma::Col<T> xcorr1d(const arma::Col<T>& x, const arma::Col<T>& w, const Options1d& options, Algorithm algorithm) {
    const Axis axis = resolve_geometry("xcorr1d", x.n_elem, w.n_elem, options);
    const Geometry2d g = resolve_geometry("xcorr1d", x.n_elem, 1, w.n_elem, 1, as_plane_options<T>(axis));
    return arma::vectorise(run_xcorr2d("xcorr1d", arma::Mat<T>(x), arma::Mat<T>(w), g, algorithm));
}

template <class T>
arma::Col<T> conv1d(const arma::Col<T>& x, const arma::Col<T>& w, const Options1d& options, Algorithm algorithm) {
    const Axis axis = resolve_geometry("conv1d", x.n_elem, w.n_elem, options);
    const Geometry2d g = resolve_geometry("conv1d", x.n_elem, 1, w.n_elem, 1, as_plane_options<T>(axis));
    return arma::vectorise(run_xcorr2d("conv1d", arma::Mat<T>(x), arma::Mat<T>(rot180(w)), g, algorithm));
}

template <class T>
arma::SpMat<T> conv_matrix2d(const arma::Mat<T>& w, std::size_t input_rows, std::size_t input_cols, const Options2d& options) {
    const Geometry2d g = resolve_geometry("conv_matrix2d", input_rows, input_cols, w.n_rows, w.n_cols, options);
    std::vector<arma::uword> rows, cols;
    std::vector<T> values;
    for (std::size_t i = 0; i < g.rows.output; ++i)
        for (std::size_t u = 0; u < w.n_rows; ++u) {
            const std::ptrdiff_t r = std::ptrdiff_t(i * g.rows.stride + u * g.rows.dilation) - std::ptrdiff_t(g.rows.pad.before);
            if (r < 0 || r >= std::ptrdiff_t(input_rows)) continue;  // tap on padding: no column
            for (std::size_t j = 0; j < g.cols.output; ++j)
                for (std::size_t v = 0; v < w.n_cols; ++v) {
                    const std::ptrdiff_t s = std::ptrdiff_t(j * g.cols.stride + v * g.cols.dilation) - std::ptrdiff_t(g.cols.pad.before);
                    if (s < 0 || s >= std::ptrdiff_t(input_cols)) continue;
                    rows.push_back(i * g.cols.output + j);
                    cols.push_back(std::size_t(r) * input_cols + std::size_t(s));
                    values.push_back(w(u, v));
                }
        }
    arma::umat locations(2, rows.size());
    for (std::size_t e = 0; e < rows.size(); ++e) {
        locations(0, e) = rows[e];
        locations(1, e) = cols[e];
    }
    return arma::SpMat<T>(locations, arma::Col<T>(values), g.rows.output * g.cols.output, input_rows * input_cols);
}

template <class T>
arma::SpMat<T> conv_matrix1d(const arma::Col<T>& w, std::size_t input, const Options1d& options) {
    const Axis axis = resolve_geometry("conv_matrix1d", input, w.n_elem, options);
    return conv_matrix2d(arma::Mat<T>(w), input, 1, as_plane_options<T>(axis));
}

#define CNNLAB_INSTANTIATE(T)                                                                                          \
    template arma::Mat<T> rot180(const arma::Mat<T>&);                                                                 \
    template arma::Col<T> rot180(const arma::Col<T>&);                                                                 \
    template arma::Mat<T> zero_pad(const arma::Mat<T>&, const Sides2&);                                                \
    template RankOneFactors<T> rank_one_factors(const arma::Mat<T>&);                                                  \
    template Algorithm choose_algorithm(const Geometry2d&, const arma::Mat<T>&);                                       \
    template arma::Mat<T> xcorr2d(const arma::Mat<T>&, const arma::Mat<T>&, const Options2d&, Algorithm);              \
    template arma::Mat<T> conv2d(const arma::Mat<T>&, const arma::Mat<T>&, const Options2d&, Algorithm);               \
    template arma::Col<T> xcorr1d(const arma::Col<T>&, const arma::Col<T>&, const Options1d&, Algorithm);              \
    template arma::Col<T> conv1d(const arma::Col<T>&, const arma::Col<T>&, const Options1d&, Algorithm);               \
    template arma::SpMat<T> conv_matrix2d(const arma::Mat<T>&, std::size_t, std::size_t, const Options2d&);           \
    template arma::SpMat<T> conv_matrix1d(const arma::Col<T>&, std::size_t, const Options1d&);
CNNLAB_INSTANTIATE(float)
CNNLAB_INSTANTIATE(double)
#undef CNNLAB_INSTANTIATE

}  // namespace cnnlab
