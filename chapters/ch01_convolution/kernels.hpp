/// \file
/// \brief The classic image kernels of note 000 §1.3 (identity, two edge detectors, sharpen, box
/// blur, Gaussian blur) and the Laplacian of nndl exercise 5-1, as a table the gallery walks.
#pragma once

#include "chapters/ch01_convolution/convolution.hpp"

#include <armadillo>
#include <string>
#include <vector>

namespace cnnlab {

/// One named 3×3 image kernel. Every kernel of the table equals its own 180° rotation, so
/// convolution and cross-correlation give the same picture with it (which is why Chapter 1's tests
/// use asymmetric kernels instead).
struct ClassicKernel {
    std::string name;          ///< file-name friendly English name, e.g. "gaussian_blur"
    std::string chinese_name;  ///< the name in note 000's table, e.g. "高斯模糊"
    arma::fmat matrix;         ///< the 3×3 weights
    std::string note;          ///< what it does to an image, one line
};

/// The kernel table in the order of note 000 §1.3, with the Laplacian of ex 5-1 appended:
///
/// | name | 中文 | kernel |
/// | --- | --- | --- |
/// | identity | 输出原图 | \f$\left[\begin{smallmatrix}0&0&0\\0&1&0\\0&0&0\end{smallmatrix}\right]\f$ |
/// | edge_diagonal | 边缘检测（突出边缘差异） | \f$\left[\begin{smallmatrix}1&0&-1\\0&0&0\\-1&0&1\end{smallmatrix}\right]\f$ |
/// | edge_surround | 边缘检测（突出中间值） | \f$\left[\begin{smallmatrix}-1&-1&-1\\-1&8&-1\\-1&-1&-1\end{smallmatrix}\right]\f$ |
/// | sharpen | 图像锐化 | \f$\left[\begin{smallmatrix}0&-1&0\\-1&5&-1\\0&-1&0\end{smallmatrix}\right]\f$ |
/// | box_blur | 方块模糊 | \f$\frac19\left[\begin{smallmatrix}1&1&1\\1&1&1\\1&1&1\end{smallmatrix}\right]\f$ |
/// | gaussian_blur | 高斯模糊 | \f$\frac1{16}\left[\begin{smallmatrix}1&2&1\\2&4&2\\1&2&1\end{smallmatrix}\right]\f$ |
/// | laplacian | 拉普拉斯算子 | \f$\left[\begin{smallmatrix}0&1&0\\1&-4&1\\0&1&0\end{smallmatrix}\right]\f$ |
inline std::vector<ClassicKernel> classic_kernels() {
    return {
        {"identity", "输出原图", arma::fmat{{0, 0, 0}, {0, 1, 0}, {0, 0, 0}}, "returns the image unchanged"},
        {"edge_diagonal", "边缘检测（突出边缘差异）", arma::fmat{{1, 0, -1}, {0, 0, 0}, {-1, 0, 1}},
         "difference of the two diagonals: responds to edges, zero on flat regions"},
        {"edge_surround", "边缘检测（突出中间值）", arma::fmat{{-1, -1, -1}, {-1, 8, -1}, {-1, -1, -1}},
         "centre minus its 8 neighbours: every edge and texture, zero on flat regions"},
        {"sharpen", "图像锐化", arma::fmat{{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}},
         "identity minus the Laplacian: boosts local contrast, weights sum to 1"},
        {"box_blur", "方块模糊", arma::fmat(3, 3, arma::fill::value(1.0f / 9.0f)),
         "mean of the 3×3 window (a 2-D moving average)"},
        {"gaussian_blur", "高斯模糊", arma::fmat{{1, 2, 1}, {2, 4, 2}, {1, 2, 1}} / 16.0f,
         "binomial approximation of a Gaussian; separable: [1,2,1]ᵀ[1,2,1]/16"},
        {"laplacian", "拉普拉斯算子", arma::fmat{{0, 1, 0}, {1, -4, 1}, {0, 1, 0}},
         "five-point ∇² (nndl ex 5-1); note 003's L0 is its negative"},
    };
}

/// Applies `kernel` to every channel of an H×W×C image by 2-D convolution (cnnlab::conv2d,
/// equal-width 等宽 `same` mode, so each output channel is H×W).
inline arma::Cube<float> filter_channels(const arma::Cube<float>& image, const arma::fmat& kernel) {
    arma::Cube<float> out(arma::size(image));
    for (arma::uword c = 0; c < image.n_slices; ++c)
        out.slice(c) = conv2d(arma::fmat(image.slice(c)), kernel, {.padding = Mode::same});
    return out;
}

}  // namespace cnnlab
