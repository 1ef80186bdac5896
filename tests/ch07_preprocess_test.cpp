/// \file
/// \brief Chapter 7 suite for the preprocessing of the data input layer
/// (chapters/ch07_networks/preprocess.hpp): mean removal, normalization, PCA and whitening against
/// hand-computed values of a 3×2 matrix, against identities (standardized columns have mean 0 and
/// std 1; whitened data has covariance I; ZCA is the symmetric whitening nearest the input,
/// \f$W = C^{-1/2}\f$), against an independent eigen-decomposition (`arma::eig_sym` of `arma::cov`,
/// in double), and on the committed Fashion-MNIST subset against numbers computed with numpy; then
/// every refused input.
#define BOOST_TEST_MODULE ch07_preprocess
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/datasets.hpp"
#include "chapters/ch07_networks/preprocess.hpp"
#include "tests/check_close.hpp"

#include <armadillo>
#include <cmath>
#include <exception>
#include <filesystem>
#include <string>

using namespace cnnlab;
using cnnlab::testing::check_close;

namespace {

/// The 3×2 example worked by hand: three samples (rows) of two features.
const arma::fmat example{{1, 4}, {2, 0}, {6, 2}};

/// A predicate for BOOST_CHECK_EXCEPTION: the message contains `part`.
auto says(const std::string& part) {
    return [part](const std::exception& e) { return std::string(e.what()).find(part) != std::string::npos; };
}

/// N samples of D correlated features with different offsets and scales: Z A + offset, Z standard normal.
arma::fmat correlated_samples(arma::uword n, arma::uword d, arma::uword seed) {
    arma::arma_rng::set_seed(seed);
    const arma::mat z = arma::randn<arma::mat>(n, d);
    arma::mat mixing = arma::randn<arma::mat>(d, d);
    mixing.each_row() %= arma::linspace<arma::rowvec>(0.5, 20.0, d);  // spreads from 0.5 to 20
    arma::mat x = z * mixing;
    x.each_row() += arma::linspace<arma::rowvec>(-3.0, 100.0, d);
    return arma::conv_to<arma::fmat>::from(x);
}

/// The whitening matrix W of a fitted Whitening (whiten(X) = (X − 1μ) W): whiten the rows μ + e_i.
arma::mat whitening_matrix(const Whitening& w) {
    arma::fmat unit_rows = arma::eye<arma::fmat>(w.mean.n_elem, w.mean.n_elem);
    unit_rows.each_row() += w.mean;
    return arma::conv_to<arma::mat>::from(whiten(w, unit_rows));
}

/// The training split of the committed Fashion-MNIST subset, one image (784 pixels) per row.
arma::fmat fashion_rows(const Tensor4<float>& images) {
    const std::size_t pixels = images.shape().h * images.shape().w;
    // N×1×28×28 memory is image after image, so it is a 784×N column-major matrix: transpose it.
    return arma::fmat(const_cast<float*>(images.data()), pixels, images.shape().n, false, true).t();
}

}  // namespace

BOOST_AUTO_TEST_CASE(standardizer_on_the_hand_worked_3x2_example) {
    // μ = (9/3, 6/3) = (3, 2); centred rows (−2, 2), (−1, −2), (3, 0);
    // σ² (÷N) = (4+1+9)/3 = 14/3 and (4+4+0)/3 = 8/3.
    const Standardizer s = fit_standardizer(example);
    check_close(s.mean, arma::frowvec{3, 2}, 1e-7, "mean");
    check_close(s.scale, arma::frowvec{float(1 / std::sqrt(14.0 / 3)), float(1 / std::sqrt(8.0 / 3))}, 1e-7, "scale");
    const arma::fmat expected{{-0.9258201f, 1.2247449f}, {-0.4629100f, -1.2247449f}, {1.3887301f, 0.0f}};
    check_close(apply(s, example), expected, 1e-6, "standardized");

    const Standardizer centre_only = fit_standardizer(example, false);
    check_close(centre_only.scale, arma::frowvec{1, 1}, 0, "scale without division");
    check_close(apply(centre_only, example), arma::fmat{{-2, 2}, {-1, -2}, {3, 0}}, 0, "centred");
}

BOOST_AUTO_TEST_CASE(pca_on_the_hand_worked_3x2_example) {
    // Covariance (÷(N−1)) of the centred rows: [[14/2, −2/2], [−2/2, 8/2]] = [[7, −1], [−1, 4]];
    // λ = (11 ± √13)/2; (C − λ₁I)u = 0 gives u₁ ∝ (1, −t), u₂ ∝ (t, 1) with t = (√13 − 3)/2
    // (signs: each direction's largest entry positive).
    const double root13 = std::sqrt(13.0), t = (root13 - 3) / 2, norm = std::sqrt(1 + t * t);
    const double lambda1 = (11 + root13) / 2, lambda2 = (11 - root13) / 2;
    const arma::mat u{{1 / norm, t / norm}, {-t / norm, 1 / norm}};
    const arma::mat centred{{-2, 2}, {-1, -2}, {3, 0}};

    const Whitening w = fit_pca_whitening(example, 0, 0.0f);
    check_close(w.mean, arma::frowvec{3, 2}, 1e-7, "mean");
    check_close(w.variances, arma::vec{lambda1, lambda2}, 1e-6, "variances");
    check_close(w.components, u, 1e-6, "components");
    check_close(project(w, example), arma::mat(centred * u), 1e-6, "projection");
    const arma::mat pca_white = centred * u * arma::diagmat(arma::vec{1 / std::sqrt(lambda1), 1 / std::sqrt(lambda2)});
    check_close(whiten(w, example), pca_white, 1e-6, "PCA whitening");
    BOOST_TEST(explained_variance_ratio(w, 1) == lambda1 / 11, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(explained_variance_ratio(w, 2) == 1.0, boost::test_tools::tolerance(1e-12));

    Whitening zca = fit_pca_whitening(example, 0, 0.0f, true);
    check_close(whiten(zca, example), arma::mat(pca_white * u.t()), 1e-6, "ZCA whitening");
    // keep = 1: one direction, but the whole spectrum stays for the explained variance.
    const Whitening first = fit_pca_whitening(example, 1);
    BOOST_TEST(first.components.n_cols == 1u);
    BOOST_TEST(first.variances.n_elem == 2u);
    check_close(project(first, example), arma::mat(centred * u.col(0)), 1e-6, "projection on u1");
}

BOOST_AUTO_TEST_CASE(standardized_training_columns_have_mean_0_and_std_1) {
    arma::fmat train = correlated_samples(500, 7, 11);
    train.col(3).fill(42.0f);  // a constant feature: centred, scale 1
    const Standardizer s = fit_standardizer(train);
    const arma::mat y = arma::conv_to<arma::mat>::from(apply(s, train));
    check_close(arma::rowvec(arma::mean(y, 0)), arma::rowvec(7, arma::fill::zeros), 1e-5, "column means");
    arma::rowvec expected_std(7, arma::fill::ones);
    expected_std(3) = 0;
    check_close(arma::rowvec(arma::stddev(y, 1, 0)), expected_std, 1e-5, "column std (÷N)");
    BOOST_TEST(s.scale(3) == 1.0f);

    // Another split is transformed with the training statistics, not its own.
    const arma::fmat test = correlated_samples(50, 7, 12) + 5.0f;
    arma::fmat expected = test;
    for (arma::uword j = 0; j < 7; ++j) expected.col(j) = (test.col(j) - s.mean(j)) * s.scale(j);
    check_close(apply(s, test), expected, 1e-6, "test split");
    BOOST_TEST(std::abs(arma::mean(arma::conv_to<arma::mat>::from(apply(s, test)).col(0))) > 0.01);
}

BOOST_AUTO_TEST_CASE(whitened_training_data_has_identity_covariance) {
    const arma::fmat x = correlated_samples(400, 6, 21);
    for (const bool zca : {false, true}) {
        BOOST_TEST_CONTEXT((zca ? "ZCA" : "PCA whitening")) {
            const Whitening w = fit_pca_whitening(x, 0, 0.0f, zca);
            const arma::mat y = arma::conv_to<arma::mat>::from(whiten(w, x));
            BOOST_TEST(arma::norm(arma::cov(y) - arma::eye(6, 6), "fro") < 1e-3);
            check_close(arma::rowvec(arma::mean(y, 0)), arma::rowvec(6, arma::fill::zeros), 1e-4, "means");
        }
    }
    // Three of six components: covariance I₃.
    const Whitening w3 = fit_pca_whitening(x, 3, 0.0f);
    const arma::mat y3 = arma::conv_to<arma::mat>::from(whiten(w3, x));
    BOOST_TEST(y3.n_cols == 3u);
    BOOST_TEST(arma::norm(arma::cov(y3) - arma::eye(3, 3), "fro") < 1e-3);
    // ε > 0 shrinks: the variance of component i becomes λᵢ/(λᵢ+ε) < 1.
    const Whitening shrunk = fit_pca_whitening(x, 0, 1.0f);
    const arma::mat ys = arma::conv_to<arma::mat>::from(whiten(shrunk, x));
    const arma::vec lambda = arma::conv_to<arma::vec>::from(shrunk.variances);
    check_close(arma::vec(arma::mat(arma::cov(ys)).diag()), arma::vec(lambda / (lambda + 1.0)), 1e-4, "λ/(λ+ε)");
}

BOOST_AUTO_TEST_CASE(zca_is_the_symmetric_whitening_nearest_the_input) {
    const arma::fmat x = correlated_samples(300, 5, 31);
    const Whitening zca = fit_pca_whitening(x, 0, 0.0f, true);
    const Whitening pca = fit_pca_whitening(x, 0, 0.0f, false);
    const arma::mat w_zca = whitening_matrix(zca), w_pca = whitening_matrix(pca);

    // Symmetric, and with ε = 0 it is C^{-1/2}: W C W = I, computed from arma::cov in double.
    BOOST_TEST(arma::norm(w_zca - w_zca.t(), "fro") <= 1e-5 * arma::norm(w_zca, "fro"));
    BOOST_TEST(arma::norm(w_pca - w_pca.t(), "fro") > 1e-2 * arma::norm(w_pca, "fro"));  // PCA whitening is not
    const arma::mat c = arma::cov(arma::conv_to<arma::mat>::from(x));
    BOOST_TEST(arma::norm(w_zca * c * w_zca - arma::eye(5, 5), "fro") < 1e-3);

    // Every whitening is W_pca R with R orthogonal; ZCA (R = Uᵀ) changes the centred data least.
    arma::mat centred = arma::conv_to<arma::mat>::from(x);
    centred.each_row() -= arma::mean(centred, 0);
    const double zca_distance = arma::norm(centred * w_zca - centred, "fro");
    BOOST_TEST(zca_distance < arma::norm(centred * w_pca - centred, "fro"));
    arma::arma_rng::set_seed(32);
    for (int trial = 0; trial < 20; ++trial) {
        arma::mat q, r;
        arma::qr(q, r, arma::randn<arma::mat>(5, 5));
        BOOST_TEST(zca_distance <= arma::norm(centred * w_pca * q - centred, "fro"));
    }
}

BOOST_AUTO_TEST_CASE(pca_equals_an_independent_eigen_decomposition) {
    const arma::fmat x = correlated_samples(250, 6, 41);
    const Whitening w = fit_pca_whitening(x, 4);
    const arma::mat xd = arma::conv_to<arma::mat>::from(x);
    arma::vec eigenvalues;
    arma::mat eigenvectors;
    arma::eig_sym(eigenvalues, eigenvectors, arma::cov(xd));  // ascending
    const arma::vec lambda = arma::reverse(eigenvalues);
    arma::mat u = arma::fliplr(eigenvectors).eval().cols(0, 3);

    check_close(w.variances, lambda, 1e-5, "variances = eigenvalues of cov (÷(N−1))");
    for (arma::uword i = 0; i < 4; ++i)  // an eigenvector's sign is arbitrary: align to ours
        if (arma::dot(u.col(i), arma::conv_to<arma::vec>::from(w.components.col(i))) < 0) u.col(i) *= -1;
    check_close(w.components, u, 1e-4, "components");
    arma::mat centred = xd;
    centred.each_row() -= arma::mean(xd, 0);
    check_close(project(w, x), arma::mat(centred * u), 1e-4, "projection");
    // Orthonormal directions.
    check_close(arma::conv_to<arma::mat>::from(w.components.t() * w.components), arma::mat(arma::eye(4, 4)), 1e-5, "UᵀU");
}

BOOST_AUTO_TEST_CASE(explained_variance_grows_to_1) {
    const Whitening w = fit_pca_whitening(correlated_samples(200, 8, 51), 2);
    BOOST_TEST(explained_variance_ratio(w, 0) == 0.0);
    double previous = 0;
    for (std::size_t k = 1; k <= 8; ++k) {
        const double ratio = explained_variance_ratio(w, k);
        BOOST_TEST(ratio >= previous);
        previous = ratio;
    }
    BOOST_TEST(previous == 1.0, boost::test_tools::tolerance(1e-12));
    // Constant data: nothing to explain.
    const Whitening flat = fit_pca_whitening(arma::fmat(4, 3, arma::fill::value(2.0f)), 0, 1e-5f);
    BOOST_TEST(explained_variance_ratio(flat, 1) == 1.0);
}

BOOST_AUTO_TEST_CASE(fashion_mnist_subset_statistics) {
    const auto dir = std::filesystem::path(CNNLAB_SOURCE_DIR) / "data" / "fashion-mnist-subset";
    Dataset train = load_fashion_mnist(dir, Split::train);
    BOOST_TEST_REQUIRE(train.images.shape() == (Shape4{2000, 1, 28, 28}));

    // Expected values: numpy on the same gzip'd IDX file, independently of the C++ reader —
    //   x = np.frombuffer(gzip.open('train-images-idx3-ubyte.gz').read(), np.uint8, offset=16)
    //         .reshape(2000, 784).astype(np.float32) / np.float32(255)
    //   x.mean() = 0.2839382979, x.std() (÷N) = 0.3535018613
    //   λ = np.linalg.eigh(np.cov(x, rowvar=False))[0][::-1]; λ[:50].sum() / λ.sum() = 0.8721217797
    //   (λ.sum() = 68.4689312039; the full training set of 60,000 gives mean 0.2860, std 0.3530.)
    const ChannelStatistics statistics = channel_statistics(train.images);
    BOOST_TEST_REQUIRE(statistics.mean.n_elem == 1u);
    BOOST_TEST(statistics.mean(0) == 0.2839382979f, boost::test_tools::tolerance(1e-5f));
    BOOST_TEST(statistics.std(0) == 0.3535018613f, boost::test_tools::tolerance(1e-5f));

    const arma::fmat rows = fashion_rows(train.images);
    const Whitening w = fit_pca_whitening(rows, 50);
    BOOST_TEST(w.components.n_cols == 50u);
    BOOST_TEST(explained_variance_ratio(w, 50) == 0.8721217797, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(arma::accu(arma::conv_to<arma::vec>::from(w.variances)) == 68.4689312039,
               boost::test_tools::tolerance(1e-5));

    normalize_channels(train.images, statistics);
    const ChannelStatistics after = channel_statistics(train.images);
    BOOST_TEST(std::abs(after.mean(0)) < 1e-5f);
    BOOST_TEST(after.std(0) == 1.0f, boost::test_tools::tolerance(1e-5f));
}

BOOST_AUTO_TEST_CASE(refused_inputs_name_the_function_and_the_sizes) {
    const Standardizer s = fit_standardizer(example);
    BOOST_CHECK_EXCEPTION(apply(s, arma::fmat(4, 3, arma::fill::zeros)), shape_error,
                          says("apply: the samples (4×3) have 3 features but the statistics were fitted on 2"));
    BOOST_CHECK_EXCEPTION(fit_standardizer(arma::fmat{{1, 2}}), argument_error,
                          says("fit_standardizer: 1 sample(s) (1×2)"));
    BOOST_CHECK_EXCEPTION(fit_standardizer(arma::fmat(5, 0)), shape_error, says("fit_standardizer: the samples (5×0) have no feature"));
    BOOST_CHECK_EXCEPTION(fit_pca_whitening(arma::fmat{{1, 2, 3}}, 0), argument_error,
                          says("fit_pca_whitening: 1 sample(s) (1×3)"));
    BOOST_CHECK_EXCEPTION(fit_pca_whitening(example, 3), argument_error,
                          says("fit_pca_whitening: keep = 3 components but the samples (3×2) have only 2 features"));
    BOOST_CHECK_EXCEPTION(fit_pca_whitening(example, 0, -1e-3f), argument_error, says("fit_pca_whitening: epsilon = -0.001"));
    BOOST_CHECK_EXCEPTION(fit_pca_whitening(example, 0, std::nanf("")), argument_error, says("must be ≥ 0"));

    const Whitening w = fit_pca_whitening(example, 0);
    BOOST_CHECK_EXCEPTION(project(w, arma::fmat(2, 5, arma::fill::zeros)), shape_error,
                          says("project: the samples (2×5) have 5 features but the statistics were fitted on 2"));
    BOOST_CHECK_EXCEPTION(whiten(w, arma::fmat(2, 1, arma::fill::zeros)), shape_error, says("whiten: the samples (2×1)"));
    BOOST_CHECK_EXCEPTION(explained_variance_ratio(w, 3), argument_error,
                          says("explained_variance_ratio: k = 3 but there are only 2 variances"));
    // Two samples in three dimensions: λ₂ = λ₃ = 0, so ε = 0 cannot whiten them.
    const Whitening degenerate = fit_pca_whitening(arma::fmat{{0, 1, 2}, {3, 1, 0}}, 0, 0.0f);
    BOOST_CHECK_EXCEPTION(whiten(degenerate, arma::fmat{{0, 1, 2}}), argument_error, says("whiten: component 1 has variance 0"));

    Tensor4<float> images({2, 3, 2, 2});
    BOOST_CHECK_EXCEPTION(normalize_channels(images, ChannelStatistics{arma::fvec{0, 0}, arma::fvec{1, 1}}), shape_error,
                          says("normalize_channels: images 2×3×2×2 have 3 channels but the statistics hold 2 means"));
    BOOST_CHECK_EXCEPTION(normalize_channels(images, ChannelStatistics{arma::fvec{0, 0, 0}, arma::fvec{1, 0, 1}}),
                          argument_error, says("normalize_channels: channel 1 has standard deviation 0"));
    BOOST_CHECK_EXCEPTION(channel_statistics(Tensor4<float>({0, 1, 28, 28})), argument_error,
                          says("channel_statistics: the images (0×1×28×28) hold no value"));
}
