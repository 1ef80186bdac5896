// The softmax cross-entropy loss (see loss.hpp): one pass per sample over its K contiguous logits.
#include "chapters/ch07_networks/loss.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <algorithm>
#include <cmath>

namespace cnnlab {

namespace detail {
void check_classification(const char* op, const Shape4& z, const std::vector<std::size_t>& labels) {
    if (z.n == 0 || z.c == 0 || z.h != 1 || z.w != 1)
        throw shape_error(str(op, ": logits ", z.str(), " must be N×K×1×1 with N, K ≥ 1 (one score per class and sample)"));
    if (labels.size() != z.n)
        throw shape_error(str(op, ": ", labels.size(), " labels for logits ", z.str(), "; one label per sample (N = ", z.n, ")"));
    for (std::size_t n = 0; n < labels.size(); ++n)
        if (labels[n] >= z.c)
            throw argument_error(str(op, ": label ", labels[n], " of sample ", n, " is not a class of logits ", z.str(),
                                     " (labels are 0 … ", z.c - 1, ")"));
}
}  // namespace detail

template <class T>
SoftmaxCrossEntropy<T> softmax_cross_entropy(const Tensor4<T>& logits, const std::vector<std::size_t>& labels) {
    detail::check_classification("softmax_cross_entropy", logits.shape(), labels);
    const std::size_t batch = logits.shape().n, classes = logits.shape().c;
    SoftmaxCrossEntropy<T> out{T(0), Tensor4<T>(logits.shape(), uninitialized)};
    double total = 0;
    for (std::size_t n = 0; n < batch; ++n) {
        const T* z = logits.data() + n * classes;  // sample n's logits are contiguous
        T* p = out.probabilities.data() + n * classes;
        const T top = *std::max_element(z, z + classes);
        T sum = 0;
        for (std::size_t k = 0; k < classes; ++k) sum += (p[k] = std::exp(z[k] - top));
        for (std::size_t k = 0; k < classes; ++k) p[k] /= sum;
        total += double(std::log(sum) + top - z[labels[n]]);
    }
    out.loss = T(total / double(batch));
    return out;
}

template <class T>
Tensor4<T> softmax_cross_entropy_backward(const Tensor4<T>& probabilities, const std::vector<std::size_t>& labels) {
    detail::check_classification("softmax_cross_entropy_backward", probabilities.shape(), labels);
    const std::size_t batch = probabilities.shape().n, classes = probabilities.shape().c;
    Tensor4<T> dz(probabilities.shape(), uninitialized);
    const T scale = T(1) / T(batch);
    for (std::size_t i = 0; i < dz.size(); ++i) dz.data()[i] = probabilities.data()[i] * scale;
    for (std::size_t n = 0; n < batch; ++n) dz.data()[n * classes + labels[n]] -= scale;
    return dz;
}

template SoftmaxCrossEntropy<float> softmax_cross_entropy(const Tensor4<float>&, const std::vector<std::size_t>&);
template SoftmaxCrossEntropy<double> softmax_cross_entropy(const Tensor4<double>&, const std::vector<std::size_t>&);
template Tensor4<float> softmax_cross_entropy_backward(const Tensor4<float>&, const std::vector<std::size_t>&);
template Tensor4<double> softmax_cross_entropy_backward(const Tensor4<double>&, const std::vector<std::size_t>&);

}  // namespace cnnlab
