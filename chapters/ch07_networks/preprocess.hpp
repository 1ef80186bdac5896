/// \file
/// \brief Chapter 7: preprocessing in the data input layer 数据输入层 — mean removal 去均值,
/// normalization 归一化, PCA 主成分分析 and whitening 白化.
///
/// \par Layout
/// A data set is an `arma::fmat` with **one sample per row** and one feature per column: \f$N\f$
/// samples of \f$D\f$ features form an \f$N \times D\f$ matrix \f$X\f$ (rows \f$x_n^\top\f$). Images
/// keep their own layout: channel_statistics and normalize_channels work on an N×C×H×W Tensor4.
///
/// \par Fit on the training split, apply to every split
/// Every statistic here (mean, standard deviation, principal directions, variances) is *fitted* on
/// the training data only and then *applied* unchanged to the validation and test data. Fitting on
/// the test data would let the test set leak into the model (its mean and spread would shape the
/// inputs the network is judged on), and the test data would no longer be transformed the same way
/// as the training data the network learned from.
///
/// \par Variance conventions
/// Mean removal and normalization (Standardizer, ChannelStatistics) divide by \f$N\f$, as
/// `numpy.std` and the usual per-channel image statistics do:
/// \f$\sigma_j^2 = \frac{1}{N}\sum_n (x_{nj} - \mu_j)^2\f$.
/// PCA and whitening (Whitening) use `arma::princomp`, whose variances divide by \f$N - 1\f$, the
/// sample covariance \f$C = \frac{1}{N-1}(X - \mathbf{1}\mu)^\top (X - \mathbf{1}\mu)\f$ of
/// `arma::cov` and `numpy.cov`; whitened training data therefore has this \f$N-1\f$ covariance
/// equal to the identity (when \f$\epsilon = 0\f$).
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"

#include <armadillo>
#include <cstddef>

namespace cnnlab {

/// Per-feature statistics for mean removal 去均值 and normalization 归一化, fitted on the training
/// split by fit_standardizer and applied to any split by apply(const Standardizer&, const arma::fmat&)
/// (never fitted on test data: see the file comment).
struct Standardizer {
    arma::frowvec mean;   ///< \f$\mu_j = \frac{1}{N}\sum_n x_{nj}\f$, 1×D
    arma::frowvec scale;  ///< \f$1/\sigma_j\f$ (\f$\sigma\f$ divided by \f$N\f$); 1 for a constant feature, and 1 everywhere without division by the std
};

/// Fits mean removal 去均值 and, when `divide_by_std`, normalization 归一化 to unit standard
/// deviation on training samples: \f$\mu_j = \frac{1}{N}\sum_n x_{nj}\f$,
/// \f$\sigma_j = \sqrt{\frac{1}{N}\sum_n (x_{nj}-\mu_j)^2}\f$, scale \f$1/\sigma_j\f$. A constant
/// feature (\f$\sigma_j = 0\f$) gets scale 1 (it is only centred), so it never becomes \f$\pm\infty\f$
/// or NaN. Sums are accumulated in double.
/// \param samples N×D, one sample per row
/// \param divide_by_std false: mean removal only (all scales 1)
/// \throws argument_error for fewer than 2 samples; shape_error for no feature (D = 0)
Standardizer fit_standardizer(const arma::fmat& samples, bool divide_by_std = true);

/// Applies a fitted Standardizer: \f$y_{nj} = (x_{nj} - \mu_j)\, s_j\f$.
/// \param standardizer the statistics fit_standardizer fitted on the training split
/// \param samples M×D, one sample per row, any split (M may differ from the training N)
/// \throws shape_error when D differs from the fitted feature count
arma::fmat apply(const Standardizer& standardizer, const arma::fmat& samples);

/// Per-channel mean and standard deviation of a batch of images, the normalization LeNet training
/// uses (on all 60,000 Fashion-MNIST training images: mean 0.2860, std 0.3530).
struct ChannelStatistics {
    arma::fvec mean;  ///< \f$\mu_c\f$, one per channel
    arma::fvec std;   ///< \f$\sigma_c\f$ (divided by \f$N H W\f$), one per channel
};

/// The mean and standard deviation of each channel over all \f$M = N H W\f$ of its values:
/// \f$\mu_c = \frac{1}{M}\sum_{n,h,w} x_{nchw}\f$,
/// \f$\sigma_c = \sqrt{\frac{1}{M}\sum_{n,h,w} (x_{nchw} - \mu_c)^2}\f$ (two passes, in double).
/// \param images N×C×H×W, the training split
/// \throws argument_error when the tensor holds no value
ChannelStatistics channel_statistics(const Tensor4<float>& images);

/// Normalizes images in place, channel by channel: \f$x_{nchw} \leftarrow (x_{nchw} - \mu_c)/\sigma_c\f$
/// (PyTorch's `transforms.Normalize(mean, std)`).
/// \throws shape_error when the statistics do not have C means and C standard deviations;
/// argument_error when a \f$\sigma_c \le 0\f$ (a constant channel cannot be scaled to unit spread)
void normalize_channels(Tensor4<float>& images, const ChannelStatistics& statistics);

/// PCA 主成分分析 and whitening 白化 fitted on training data by fit_pca_whitening.
///
/// With the sample covariance \f$C = U \Lambda U^\top\f$ (eigenvalues
/// \f$\lambda_1 \ge \dots \ge \lambda_D \ge 0\f$, divided by \f$N-1\f$) and \f$U_k\f$ its first
/// \f$k\f$ eigenvectors:
/// \f[ \text{PCA: } y = (x - \mu)^\top U_k, \qquad
///     \text{PCA whitening: } y = (x - \mu)^\top U_k\, \mathrm{diag}\big(1/\sqrt{\lambda_i + \epsilon}\big), \qquad
///     \text{ZCA: } y = (x - \mu)^\top U_k\, \mathrm{diag}\big(1/\sqrt{\lambda_i + \epsilon}\big)\, U_k^\top. \f]
/// Each principal direction's sign is fixed so that its entry of largest magnitude is positive
/// (an eigenvector is only defined up to sign; this makes the result reproducible).
struct Whitening {
    arma::frowvec mean;       ///< \f$\mu\f$, 1×D
    arma::fmat components;    ///< \f$U_k\f$, D×k, one principal direction per column, by decreasing variance
    arma::fvec variances;     ///< all D eigenvalues \f$\lambda_1 \ge \dots \ge \lambda_D\f$ of \f$C\f$ (the whole spectrum, for explained_variance_ratio); the first k belong to the components
    bool zca = false;         ///< whiten rotates back with \f$U_k^\top\f$ (ZCA whitening)
    float epsilon = 1e-5f;    ///< \f$\epsilon\f$ added to each \f$\lambda_i\f$ before the square root
};

/// Fits PCA 主成分分析 and whitening 白化 on training samples with `arma::princomp` (an SVD of the
/// centred data, in float): the mean, the first `keep` principal directions and all variances
/// (divided by \f$N-1\f$, see the file comment).
/// \param samples N×D, one sample per row
/// \param keep    number of components k to keep, \f$1 \le k \le D\f$; 0 keeps all D
/// \param epsilon \f$\epsilon \ge 0\f$ regularizing the whitening of small variances
/// \param zca     whiten with ZCA (\f$\cdot U_k^\top\f$) instead of PCA whitening
/// \throws argument_error for fewer than 2 samples, keep > D, epsilon < 0 (or NaN), or when princomp's
/// SVD fails; shape_error for no feature (D = 0)
Whitening fit_pca_whitening(const arma::fmat& samples, std::size_t keep, float epsilon = 1e-5f, bool zca = false);

/// The PCA projection (dimension reduction 降维), without scaling: \f$Y = (X - \mathbf{1}\mu)\, U_k\f$,
/// M×k.
/// \throws shape_error when the samples do not have D features
arma::fmat project(const Whitening& whitening, const arma::fmat& samples);

/// Whitens: \f$Y = (X - \mathbf{1}\mu)\, U_k\, \mathrm{diag}(1/\sqrt{\lambda_i+\epsilon})\f$ (M×k), and
/// with `zca` then \f$\cdot\, U_k^\top\f$ (M×D, back in the input's coordinates). With
/// \f$\epsilon = 0\f$ the whitened training data has covariance \f$I\f$; ZCA is the whitening
/// \f$W\f$ (symmetric, \f$W = U_k D U_k^\top\f$) that keeps \f$XW\f$ closest to \f$X\f$.
/// \throws shape_error when the samples do not have D features; argument_error when a kept
/// \f$\lambda_i + \epsilon \le 0\f$ (a zero variance with \f$\epsilon = 0\f$)
arma::fmat whiten(const Whitening& whitening, const arma::fmat& samples);

/// The fraction of the total variance the first k components explain:
/// \f$\sum_{i<k} \lambda_i \big/ \sum_{i<D} \lambda_i\f$: 0 for k = 0, 1 for k = D; for constant
/// training data (all \f$\lambda_i = 0\f$, nothing to explain) 1 for every k ≥ 1.
/// \throws argument_error when k > D
double explained_variance_ratio(const Whitening& whitening, std::size_t k);

}  // namespace cnnlab
