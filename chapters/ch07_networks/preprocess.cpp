// Preprocessing of the data input layer (see preprocess.hpp): mean removal, normalization, PCA, whitening.
#include "chapters/ch07_networks/preprocess.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <cmath>

namespace cnnlab {

namespace {

/// The checks every fit shares: at least one feature and two samples.
void check_training_samples(const char* op, const arma::fmat& samples) {
    if (samples.n_cols == 0)
        throw shape_error(str(op, ": the samples (", samples.n_rows, "×", samples.n_cols,
                              ") have no feature; one sample per row, one feature per column"));
    if (samples.n_rows < 2)
        throw argument_error(str(op, ": ", samples.n_rows, " sample(s) (", samples.n_rows, "×", samples.n_cols,
                                 "); fitting a mean and a spread needs at least 2 samples, one per row"));
}

/// Refuses samples whose feature count differs from the fitted one.
void check_features(const char* op, const arma::fmat& samples, arma::uword fitted) {
    if (samples.n_cols != fitted)
        throw shape_error(str(op, ": the samples (", samples.n_rows, "×", samples.n_cols, ") have ", samples.n_cols,
                              " features but the statistics were fitted on ", fitted));
}

}  // namespace

Standardizer fit_standardizer(const arma::fmat& samples, bool divide_by_std) {
    check_training_samples("fit_standardizer", samples);
    const arma::uword n = samples.n_rows, d = samples.n_cols;
    Standardizer s{arma::frowvec(d), arma::frowvec(d, arma::fill::ones)};
    for (arma::uword j = 0; j < d; ++j) {
        // Two passes in double: float sums of thousands of samples lose digits.
        const float* column = samples.colptr(j);
        double sum = 0;
        for (arma::uword i = 0; i < n; ++i) sum += column[i];
        const double mean = sum / double(n);
        s.mean(j) = float(mean);
        if (!divide_by_std) continue;
        double squares = 0;
        for (arma::uword i = 0; i < n; ++i) squares += (column[i] - mean) * (column[i] - mean);
        const double deviation = std::sqrt(squares / double(n));
        // A constant feature is only centred: 1/0 would turn every value into ±inf or NaN.
        if (deviation > 0) s.scale(j) = float(1.0 / deviation);
    }
    return s;
}

arma::fmat apply(const Standardizer& standardizer, const arma::fmat& samples) {
    if (standardizer.scale.n_elem != standardizer.mean.n_elem)
        throw shape_error(str("apply: the Standardizer has ", standardizer.mean.n_elem, " means but ",
                              standardizer.scale.n_elem, " scales"));
    check_features("apply", samples, standardizer.mean.n_elem);
    arma::fmat out = samples;
    out.each_row() -= standardizer.mean;
    out.each_row() %= standardizer.scale;
    return out;
}

ChannelStatistics channel_statistics(const Tensor4<float>& images) {
    const Shape4 shape = images.shape();
    if (shape.elements() == 0)
        throw argument_error(str("channel_statistics: the images (", shape.str(), ") hold no value"));
    const std::size_t plane = shape.h * shape.w;
    const double count = double(shape.n * plane);
    ChannelStatistics statistics{arma::fvec(shape.c), arma::fvec(shape.c)};
    for (std::size_t c = 0; c < shape.c; ++c) {
        double sum = 0;
        for (std::size_t n = 0; n < shape.n; ++n) {
            const float* values = images.data() + (n * shape.c + c) * plane;
            for (std::size_t i = 0; i < plane; ++i) sum += values[i];
        }
        const double mean = sum / count;
        double squares = 0;
        for (std::size_t n = 0; n < shape.n; ++n) {
            const float* values = images.data() + (n * shape.c + c) * plane;
            for (std::size_t i = 0; i < plane; ++i) squares += (values[i] - mean) * (values[i] - mean);
        }
        statistics.mean(c) = float(mean);
        statistics.std(c) = float(std::sqrt(squares / count));
    }
    return statistics;
}

void normalize_channels(Tensor4<float>& images, const ChannelStatistics& statistics) {
    const Shape4 shape = images.shape();
    if (statistics.mean.n_elem != shape.c || statistics.std.n_elem != shape.c)
        throw shape_error(str("normalize_channels: images ", shape.str(), " have ", shape.c, " channels but the statistics hold ",
                              statistics.mean.n_elem, " means and ", statistics.std.n_elem, " standard deviations"));
    for (std::size_t c = 0; c < shape.c; ++c)
        if (!(statistics.std(c) > 0))
            throw argument_error(str("normalize_channels: channel ", c, " has standard deviation ", statistics.std(c),
                                     "; dividing by it needs a value > 0"));
    const std::size_t plane = shape.h * shape.w;
    for (std::size_t n = 0; n < shape.n; ++n)
        for (std::size_t c = 0; c < shape.c; ++c) {
            float* values = images.data() + (n * shape.c + c) * plane;
            const float mean = statistics.mean(c), inverse = 1.0f / statistics.std(c);
            for (std::size_t i = 0; i < plane; ++i) values[i] = (values[i] - mean) * inverse;
        }
}

Whitening fit_pca_whitening(const arma::fmat& samples, std::size_t keep, float epsilon, bool zca) {
    check_training_samples("fit_pca_whitening", samples);
    const arma::uword d = samples.n_cols;
    if (keep > d)
        throw argument_error(str("fit_pca_whitening: keep = ", keep, " components but the samples (", samples.n_rows,
                                 "×", d, ") have only ", d, " features"));
    if (!(epsilon >= 0))
        throw argument_error(str("fit_pca_whitening: epsilon = ", epsilon, "; it must be ≥ 0"));
    const arma::uword k = keep == 0 ? d : arma::uword(keep);

    arma::fmat coefficients, scores;
    arma::fvec latent;
    if (!arma::princomp(coefficients, scores, latent, samples))
        throw argument_error(str("fit_pca_whitening: the SVD of the centred samples (", samples.n_rows, "×", d,
                                 ") did not converge (non-finite values?)"));

    Whitening w;
    w.mean = arma::mean(samples, 0);
    w.components = coefficients.cols(0, k - 1);
    // Fix each direction's sign: its largest-magnitude entry positive.
    for (arma::uword i = 0; i < k; ++i) {
        const arma::uword largest = arma::abs(w.components.col(i)).index_max();
        if (w.components(largest, i) < 0) w.components.col(i) *= -1.0f;
    }
    w.variances = latent;
    w.zca = zca;
    w.epsilon = epsilon;
    return w;
}

arma::fmat project(const Whitening& whitening, const arma::fmat& samples) {
    check_features("project", samples, whitening.mean.n_elem);
    arma::fmat centred = samples;
    centred.each_row() -= whitening.mean;
    return centred * whitening.components;
}

arma::fmat whiten(const Whitening& whitening, const arma::fmat& samples) {
    check_features("whiten", samples, whitening.mean.n_elem);
    const arma::uword k = whitening.components.n_cols;
    if (whitening.variances.n_elem < k)
        throw shape_error(str("whiten: ", k, " components but only ", whitening.variances.n_elem, " variances"));
    arma::frowvec inverse_deviation(k);
    for (arma::uword i = 0; i < k; ++i) {
        const float denominator = whitening.variances(i) + whitening.epsilon;
        if (!(denominator > 0))
            throw argument_error(str("whiten: component ", i, " has variance ", whitening.variances(i), " and epsilon ",
                                     whitening.epsilon, "; λ + ε must be > 0 (use epsilon > 0 or keep fewer components)"));
        inverse_deviation(i) = 1.0f / std::sqrt(denominator);
    }
    arma::fmat rotated = project(whitening, samples);
    rotated.each_row() %= inverse_deviation;
    if (!whitening.zca) return rotated;
    return rotated * whitening.components.t();
}

double explained_variance_ratio(const Whitening& whitening, std::size_t k) {
    const arma::uword d = whitening.variances.n_elem;
    if (k > d)
        throw argument_error(str("explained_variance_ratio: k = ", k, " but there are only ", d, " variances"));
    if (k == 0) return 0;
    double part = 0, total = 0;
    for (arma::uword i = 0; i < d; ++i) {
        total += whitening.variances(i);
        if (i < k) part += whitening.variances(i);
    }
    return total > 0 ? part / total : 1.0;
}

}  // namespace cnnlab
