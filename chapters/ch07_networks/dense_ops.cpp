// Linear and BatchNorm2d, forward and backward (dense_ops.hpp).
//
// Linear: an N×F×1×1 tensor is, in memory, the column-major F×N matrix with one sample per column,
// so every pass is one GEMM on zero-copy Armadillo views of the tensors' storage. On several cores
// the batch is split into one block of columns per OpenMP thread, each multiplied by single-threaded
// BLAS: the other layers of a network run on OpenMP, and OpenBLAS's own threads, spinning while they
// wait for work, would take the cores those layers need (and the reverse), which made a two-thread
// training step slower than a one-thread one.
// BatchNorm2d: per channel, the sums run over the N planes of that channel (each contiguous) with
// double accumulators; the output pass applies one scale and shift per plane. Channels (statistics)
// and planes (output) are spread over the cores when the tensor is large enough.
#include "chapters/ch07_networks/dense_ops.hpp"

#include "chapters/ch00_foundation/blas.hpp"
#include "chapters/ch00_foundation/errors.hpp"

#include <cmath>
#include <omp.h>
#include <string>
#include <vector>

namespace cnnlab {

namespace detail {

namespace {

/// True for an N×F×1×1 batch of feature vectors.
bool is_feature_batch(const Shape4& s) { return s.h == 1 && s.w == 1; }

/// "rows×cols", as shapes are written.
std::string matrix_size(std::size_t rows, std::size_t cols) { return cnnlab::str(rows, "×", cols); }

}  // namespace

Shape4 check_linear(std::string_view op, const Shape4& x, std::size_t weight_rows, std::size_t weight_cols,
                    std::size_t bias_elements) {
    if (x.c != weight_cols || !is_feature_batch(x))
        throw shape_error(cnnlab::str(op, ": input ", x.str(), " does not fit weight ", matrix_size(weight_rows, weight_cols),
                                      " (out×in): the input must be N×in×1×1 = N×", weight_cols,
                                      "×1×1 (flatten a feature map first)"));
    if (bias_elements != 0 && bias_elements != weight_rows)
        throw shape_error(cnnlab::str(op, ": bias has ", bias_elements, " elements but weight ",
                                      matrix_size(weight_rows, weight_cols), " (out×in) has ", weight_rows,
                                      " outputs: the bias must be empty or have one element per output"));
    return {x.n, weight_rows, 1, 1};
}

void check_linear_backward_input(std::string_view op, std::size_t weight_rows, std::size_t weight_cols,
                                 const Shape4& dy) {
    if (dy.c != weight_rows || !is_feature_batch(dy))
        throw shape_error(cnnlab::str(op, ": dY is ", dy.str(), " but weight ", matrix_size(weight_rows, weight_cols),
                                      " (out×in) gives outputs N×", weight_rows,
                                      "×1×1: dY must have the shape of the forward's output"));
}

void check_linear_backward_weight(std::string_view op, const Shape4& x, const Shape4& dy) {
    if (!is_feature_batch(x) || !is_feature_batch(dy) || x.n != dy.n)
        throw shape_error(cnnlab::str(op, ": input ", x.str(), " and dY ", dy.str(),
                                      " do not fit: they must be N×in×1×1 and N×out×1×1 with the same N"));
}

void check_linear_backward_bias(std::string_view op, const Shape4& dy) {
    if (!is_feature_batch(dy))
        throw shape_error(cnnlab::str(op, ": dY is ", dy.str(), ": it must be N×out×1×1 (the forward's output)"));
}

namespace {

/// Throws unless a per-channel parameter has one element per channel of x.
void check_per_channel(std::string_view op, std::string_view name, std::size_t elements, const Shape4& x,
                       std::string_view rule) {
    if (elements != x.c)
        throw shape_error(cnnlab::str(op, ": ", name, " has ", elements, " elements but input ", x.str(), " has ", x.c,
                                      " channels: ", rule, " need one element per channel"));
}

/// Throws unless eps > 0 (NaN included).
void check_eps(std::string_view op, double eps) {
    if (!(eps > 0))
        throw argument_error(cnnlab::str(op, ": eps = ", eps, " must be > 0 (it keeps sqrt(var + eps) away from 0)"));
}

}  // namespace

void check_batch_norm2d_inference(std::string_view op, const Shape4& x, std::size_t gamma, std::size_t beta,
                                  std::size_t running_mean, std::size_t running_var, double eps) {
    constexpr std::string_view rule = "gamma, beta, running_mean and running_var";
    check_per_channel(op, "gamma", gamma, x, rule);
    check_per_channel(op, "beta", beta, x, rule);
    check_per_channel(op, "running_mean", running_mean, x, rule);
    check_per_channel(op, "running_var", running_var, x, rule);
    check_eps(op, eps);
}

void check_batch_norm2d_training(std::string_view op, const Shape4& x, std::size_t gamma, std::size_t beta,
                                 double eps) {
    check_per_channel(op, "gamma", gamma, x, "gamma and beta");
    check_per_channel(op, "beta", beta, x, "gamma and beta");
    check_eps(op, eps);
    const std::size_t values = x.n * x.h * x.w;
    if (values < 2)
        throw shape_error(cnnlab::str(op, ": input ", x.str(), " has N·H·W = ", values,
                                      " value(s) per channel: Expected more than 1 value per channel when training "
                                      "(the batch statistics need at least 2)"));
}

void check_batch_norm2d_backward(std::string_view op, const Shape4& x, const Shape4& dy, std::size_t gamma,
                                 std::size_t mean, std::size_t inv_std) {
    if (!(dy == x))
        throw shape_error(cnnlab::str(op, ": dY is ", dy.str(), " but the input is ", x.str(),
                                      ": dY must have the shape of the forward's output, which is the input's"));
    constexpr std::string_view rule = "gamma and the saved mean and inv_std";
    check_per_channel(op, "gamma", gamma, x, rule);
    check_per_channel(op, "saved mean", mean, x, rule);
    check_per_channel(op, "saved inv_std", inv_std, x, rule);
}

void check_running_stats(std::string_view op, std::size_t running_mean, std::size_t running_var,
                         std::size_t batch_mean, std::size_t batch_var, double momentum) {
    if (batch_var != batch_mean || running_mean != batch_mean || running_var != batch_mean)
        throw shape_error(cnnlab::str(op, ": running_mean has ", running_mean, " elements, running_var ", running_var,
                                      ", the batch's mean ", batch_mean, " and unbiased_var ", batch_var,
                                      ": all need one element per channel"));
    if (!(momentum >= 0 && momentum <= 1))
        throw argument_error(cnnlab::str(op, ": momentum = ", momentum, " must lie in [0, 1]"));
}

template <class T>
void check_running_var_values(std::string_view op, const arma::Col<T>& running_var) {
    for (arma::uword c = 0; c < running_var.n_elem; ++c)
        if (!(running_var[c] >= T(0)))
            throw argument_error(cnnlab::str(op, ": running_var[", c, "] = ", running_var[c],
                                             " is negative or NaN: a variance must be ≥ 0"));
}

template void check_running_var_values(std::string_view, const arma::Col<float>&);
template void check_running_var_values(std::string_view, const arma::Col<double>&);

}  // namespace detail

namespace {

/// Zero-copy view of `cols` columns of `rows` values starting at `data` (Armadillo has no const view
/// type; nothing writes through a view of const data).
template <class T>
arma::Mat<T> columns_at(const T* data, std::size_t rows, std::size_t cols) {
    return arma::Mat<T>(const_cast<T*>(data), rows, cols, /*copy_aux_mem=*/false, /*strict=*/true);
}
/// Zero-copy column-major rows×cols view of a tensor's storage (N×F×1×1 is F×N).
template <class T>
arma::Mat<T> matrix_view(Tensor4<T>& t, std::size_t rows, std::size_t cols) {
    return columns_at(t.data(), rows, cols);
}
/// Read-only version of matrix_view.
template <class T>
const arma::Mat<T> matrix_view(const Tensor4<T>& t, std::size_t rows, std::size_t cols) {
    return columns_at(t.data(), rows, cols);
}

/// Statistics and output run on several cores only for tensors large enough to pay for it.
bool worth_threads(std::size_t tasks, std::size_t elements) { return tasks > 1 && elements >= (std::size_t(1) << 15); }

/// Runs `block(thread, first, count)` on consecutive column blocks of [0, columns): one block per
/// OpenMP thread with BLAS single-threaded when `multiply_adds` is large enough to pay for the
/// threads, else one block on the calling thread (BLAS keeps its own thread count). Returns the
/// number of blocks.
template <class Block>
int split_columns(std::size_t columns, double multiply_adds, Block&& block) {
    const int threads = omp_in_parallel() ? 1 : std::min<int>(omp_get_max_threads(), int(columns));
    if (threads <= 1 || multiply_adds < 1e6) {
        block(0, std::size_t(0), columns);
        return 1;
    }
    const SingleThreadedBlas single;
#pragma omp parallel num_threads(threads)
    {
        const std::size_t t = std::size_t(omp_get_thread_num()), team = std::size_t(omp_get_num_threads());
        const std::size_t first = columns * t / team, last = columns * (t + 1) / team;
        if (last > first) block(int(t), first, last - first);
    }
    return threads;
}

/// \f$\sum_k p_k\f$ in double (the simd reduction lets the compiler vectorize the double sum).
template <class T>
double plane_sum(const T* p, std::size_t size) {
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (std::size_t k = 0; k < size; ++k) sum += double(p[k]);
    return sum;
}

/// \f$\sum_k (p_k - \mu)^2\f$ in double.
template <class T>
double plane_squared_deviation(const T* p, std::size_t size, double mean) {
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (std::size_t k = 0; k < size; ++k) {
        const double d = double(p[k]) - mean;
        sum += d * d;
    }
    return sum;
}

/// The channel mean \f$\mu\f$ (a double) as the sum of two T values, hi = T(μ) and lo = T(μ − hi), so
/// that \f$x - \mu\f$ is computed as (x − hi) − lo to a few ulp of the *difference*. Rounding μ to
/// float alone would cost ulp(μ)/2 absolutely, which a small spread (σ ≪ |μ|, e.g. two nearly equal
/// values far from 0) turns into a large error once divided by σ. For double, lo is 0.
template <class T>
struct SplitMean {
    T hi, lo;  ///< μ ≈ hi + lo
    explicit SplitMean(double mean) : hi(T(mean)), lo(T(mean - double(hi))) {}
};

}  // namespace

template <class T>
Tensor4<T> linear(const Tensor4<T>& x, const arma::Mat<T>& weight, const arma::Col<T>& bias) {
    const Shape4 out_shape = detail::check_linear("linear", x.shape(), weight.n_rows, weight.n_cols, bias.n_elem);
    Tensor4<T> y(out_shape, uninitialized);
    if (y.size() == 0) return y;
    arma::Mat<T> y_matrix = matrix_view(y, weight.n_rows, x.shape().n);
    if (x.size() == 0) {
        y_matrix.zeros();  // no input features: y is the bias alone
    } else {
        const std::size_t in = weight.n_cols, out = weight.n_rows;
        split_columns(x.shape().n, double(in) * double(out) * double(x.shape().n), [&](int, std::size_t first, std::size_t count) {
            arma::Mat<T> y_block = columns_at(y.data() + first * out, out, count);
            y_block = weight * columns_at(x.data() + first * in, in, count);  // one GEMM, in place into y's storage
        });
    }
    if (!bias.is_empty()) y_matrix.each_col() += bias;
    return y;
}

template <class T>
Tensor4<T> linear_backward_input(const arma::Mat<T>& weight, const Tensor4<T>& dy) {
    detail::check_linear_backward_input("linear_backward_input", weight.n_rows, weight.n_cols, dy.shape());
    Tensor4<T> dx(Shape4{dy.shape().n, weight.n_cols, 1, 1}, uninitialized);
    if (dx.size() == 0) return dx;
    arma::Mat<T> dx_matrix = matrix_view(dx, weight.n_cols, dy.shape().n);
    if (dy.size() == 0) {
        dx_matrix.zeros();
    } else {
        const std::size_t in = weight.n_cols, out = weight.n_rows;
        split_columns(dy.shape().n, double(in) * double(out) * double(dy.shape().n), [&](int, std::size_t first, std::size_t count) {
            arma::Mat<T> dx_block = columns_at(dx.data() + first * in, in, count);
            dx_block = weight.t() * columns_at(dy.data() + first * out, out, count);  // GEMM with Wᵀ, no transposed copy
        });
    }
    return dx;
}

template <class T>
arma::Mat<T> linear_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy) {
    detail::check_linear_backward_weight("linear_backward_weight", x.shape(), dy.shape());
    const std::size_t batch = x.shape().n, in = x.shape().c, out = dy.shape().c;
    if (batch == 0 || in == 0 || out == 0) return arma::Mat<T>(out, in, arma::fill::zeros);
    // A sum over the batch: each block of samples gives its own partial product, added up after.
    std::vector<arma::Mat<T>> partial(std::size_t(std::max(1, omp_get_max_threads())));
    const int blocks = split_columns(batch, double(in) * double(out) * double(batch), [&](int t, std::size_t first, std::size_t count) {
        partial[std::size_t(t)] = columns_at(dy.data() + first * out, out, count) * columns_at(x.data() + first * in, in, count).t();
    });
    arma::Mat<T> dw = std::move(partial[0]);
    for (int t = 1; t < blocks; ++t)
        if (!partial[std::size_t(t)].is_empty()) dw += partial[std::size_t(t)];
    return dw;
}

template <class T>
arma::Col<T> linear_backward_bias(const Tensor4<T>& dy) {
    detail::check_linear_backward_bias("linear_backward_bias", dy.shape());
    const std::size_t batch = dy.shape().n, out = dy.shape().c;
    if (batch == 0 || out == 0) return arma::Col<T>(out, arma::fill::zeros);
    const arma::Mat<T> dy_matrix = matrix_view(dy, out, batch);
    return arma::sum(dy_matrix, 1);
}

template <class T>
Tensor4<T> batch_norm2d_inference(const Tensor4<T>& x, const arma::Col<T>& gamma, const arma::Col<T>& beta,
                                  const arma::Col<T>& running_mean, const arma::Col<T>& running_var,
                                  std::type_identity_t<T> eps) {
    constexpr std::string_view op = "batch_norm2d_inference";
    const Shape4& s = x.shape();
    detail::check_batch_norm2d_inference(op, s, gamma.n_elem, beta.n_elem, running_mean.n_elem, running_var.n_elem,
                                         double(eps));
    detail::check_running_var_values(op, running_var);
    // y = a_c x + b_c with a_c = γ_c / sqrt(σ̂²_c + ε), b_c = β_c − a_c μ̂_c (scale and shift in double).
    arma::Col<T> scale(s.c), shift(s.c);
    for (std::size_t c = 0; c < s.c; ++c) {
        const double a = double(gamma[c]) / std::sqrt(double(running_var[c]) + double(eps));
        scale[c] = T(a);
        shift[c] = T(double(beta[c]) - a * double(running_mean[c]));
    }
    Tensor4<T> y(s, uninitialized);
    const std::size_t planes = s.n * s.c, plane = s.h * s.w;
    const T* in = x.data();
    T* out = y.data();
#pragma omp parallel for schedule(static) if (worth_threads(planes, x.size()))
    for (std::size_t p = 0; p < planes; ++p) {
        const T a = scale[p % s.c], b = shift[p % s.c];
        const T* xp = in + p * plane;
        T* yp = out + p * plane;
#pragma omp simd
        for (std::size_t k = 0; k < plane; ++k) yp[k] = a * xp[k] + b;
    }
    return y;
}

template <class T>
BatchNormTraining<T> batch_norm2d_training(const Tensor4<T>& x, const arma::Col<T>& gamma, const arma::Col<T>& beta,
                                           std::type_identity_t<T> eps) {
    const Shape4& s = x.shape();
    detail::check_batch_norm2d_training("batch_norm2d_training", s, gamma.n_elem, beta.n_elem, double(eps));
    const std::size_t plane = s.h * s.w, count = s.n * plane;
    BatchNormTraining<T> result{Tensor4<T>(s, uninitialized), arma::Col<T>(s.c), arma::Col<T>(s.c), arma::Col<T>(s.c)};
    // Mean, then the squared deviations from it (two passes: no cancellation), per channel.
    arma::Col<double> mean(s.c), inv_std(s.c);
    const T* in = x.data();
#pragma omp parallel for schedule(static) if (worth_threads(s.c, x.size()))
    for (std::size_t c = 0; c < s.c; ++c) {
        double sum = 0;
        for (std::size_t n = 0; n < s.n; ++n) sum += plane_sum(in + (n * s.c + c) * plane, plane);
        const double mu = sum / double(count);
        double squares = 0;
        for (std::size_t n = 0; n < s.n; ++n) squares += plane_squared_deviation(in + (n * s.c + c) * plane, plane, mu);
        const double variance = squares / double(count);
        mean[c] = mu;
        inv_std[c] = 1 / std::sqrt(variance + double(eps));
        result.mean[c] = T(mu);
        result.inv_std[c] = T(inv_std[c]);
        result.unbiased_var[c] = T(squares / double(count - 1));
    }
    // y = a_c (x − μ_c) + β_c with a_c = γ_c / sqrt(σ²_c + ε): subtracting μ first keeps float
    // accurate when the mean is large against the spread.
    const std::size_t planes = s.n * s.c;
    T* out = result.y.data();
#pragma omp parallel for schedule(static) if (worth_threads(planes, x.size()))
    for (std::size_t p = 0; p < planes; ++p) {
        const std::size_t c = p % s.c;
        const SplitMean<T> mu(mean[c]);
        const T a = T(double(gamma[c]) * inv_std[c]), b = beta[c];
        const T* xp = in + p * plane;
        T* yp = out + p * plane;
#pragma omp simd
        for (std::size_t k = 0; k < plane; ++k) yp[k] = a * ((xp[k] - mu.hi) - mu.lo) + b;
    }
    return result;
}

template <class T>
void update_running_stats(arma::Col<T>& running_mean, arma::Col<T>& running_var, const BatchNormTraining<T>& batch,
                          std::type_identity_t<T> momentum) {
    detail::check_running_stats("update_running_stats", running_mean.n_elem, running_var.n_elem, batch.mean.n_elem,
                                batch.unbiased_var.n_elem, double(momentum));
    const T keep = T(1) - momentum;
    running_mean = keep * running_mean + momentum * batch.mean;
    running_var = keep * running_var + momentum * batch.unbiased_var;
}

template <class T>
BatchNormGradients<T> batch_norm2d_backward(const Tensor4<T>& x, const Tensor4<T>& dy, const arma::Col<T>& gamma,
                                            const BatchNormTraining<T>& saved) {
    const Shape4& s = x.shape();
    detail::check_batch_norm2d_backward("batch_norm2d_backward", s, dy.shape(), gamma.n_elem, saved.mean.n_elem,
                                        saved.inv_std.n_elem);
    const std::size_t plane = s.h * s.w, count = s.n * plane, planes = s.n * s.c;
    BatchNormGradients<T> grads{Tensor4<T>(s, uninitialized), arma::Col<T>(s.c), arma::Col<T>(s.c)};
    // Per channel: dβ = Σ δ and dγ = Σ δ x̂ = inv_std · Σ δ (x − μ), in one pass over x and δ.
    const T* xs = x.data();
    const T* ds = dy.data();
#pragma omp parallel for schedule(static) if (worth_threads(s.c, x.size()))
    for (std::size_t c = 0; c < s.c; ++c) {
        const double mu = double(saved.mean[c]);
        double sum_dy = 0, sum_dy_centered = 0;
        for (std::size_t n = 0; n < s.n; ++n) {
            const T* xp = xs + (n * s.c + c) * plane;
            const T* dp = ds + (n * s.c + c) * plane;
#pragma omp simd reduction(+ : sum_dy, sum_dy_centered)
            for (std::size_t k = 0; k < plane; ++k) {
                sum_dy += double(dp[k]);
                sum_dy_centered += double(dp[k]) * (double(xp[k]) - mu);
            }
        }
        grads.dbeta[c] = T(sum_dy);
        grads.dgamma[c] = T(sum_dy_centered * double(saved.inv_std[c]));
    }
    // dx = k (δ − dβ/M − x̂ dγ/M) with k = γ inv_std, x̂ = (x − μ) inv_std, written as
    // a δ + b (x − μ) + c per channel.
    T* out = grads.dx.data();
#pragma omp parallel for schedule(static) if (worth_threads(planes, x.size()))
    for (std::size_t p = 0; p < planes; ++p) {
        const std::size_t ch = p % s.c;
        const double inv_std = double(saved.inv_std[ch]), k = double(gamma[ch]) * inv_std;
        const T a = T(k), b = T(-k * inv_std * double(grads.dgamma[ch]) / double(count)),
                c = T(-k * double(grads.dbeta[ch]) / double(count));
        const T mu = saved.mean[ch];
        const T* xp = xs + p * plane;
        const T* dp = ds + p * plane;
        T* dxp = out + p * plane;
#pragma omp simd
        for (std::size_t i = 0; i < plane; ++i) dxp[i] = a * dp[i] + b * (xp[i] - mu) + c;
    }
    return grads;
}

#define CNNLAB_INSTANTIATE_DENSE_OPS(T)                                                                              \
    template Tensor4<T> linear(const Tensor4<T>&, const arma::Mat<T>&, const arma::Col<T>&);                        \
    template Tensor4<T> linear_backward_input(const arma::Mat<T>&, const Tensor4<T>&);                              \
    template arma::Mat<T> linear_backward_weight(const Tensor4<T>&, const Tensor4<T>&);                             \
    template arma::Col<T> linear_backward_bias(const Tensor4<T>&);                                                  \
    template Tensor4<T> batch_norm2d_inference(const Tensor4<T>&, const arma::Col<T>&, const arma::Col<T>&,         \
                                               const arma::Col<T>&, const arma::Col<T>&, std::type_identity_t<T>);  \
    template BatchNormTraining<T> batch_norm2d_training(const Tensor4<T>&, const arma::Col<T>&, const arma::Col<T>&, \
                                                        std::type_identity_t<T>);                                   \
    template void update_running_stats(arma::Col<T>&, arma::Col<T>&, const BatchNormTraining<T>&,                   \
                                       std::type_identity_t<T>);                                                    \
    template BatchNormGradients<T> batch_norm2d_backward(const Tensor4<T>&, const Tensor4<T>&, const arma::Col<T>&, \
                                                         const BatchNormTraining<T>&);

CNNLAB_INSTANTIATE_DENSE_OPS(float)
CNNLAB_INSTANTIATE_DENSE_OPS(double)

#undef CNNLAB_INSTANTIATE_DENSE_OPS

}  // namespace cnnlab
