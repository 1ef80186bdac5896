// Chapter 1 example: the four algorithms of cnnlab::xcorr2d give the same
// numbers; `automatic` picks one per shape.
#include "chapters/ch01_convolution/convolution.hpp"

#include <iostream>

int main() {
    using cnnlab::Algorithm;
    //! [algorithms]
    const arma::fmat X = arma::randu<arma::fmat>(64, 64);
    const arma::fvec a = arma::randu<arma::fvec>(3), b = arma::randu<arma::fvec>(3);
    const arma::fmat W = a * b.t();  // rank 1: separable
    const arma::fmat direct = cnnlab::xcorr2d(X, W, {}, Algorithm::direct);
    for (Algorithm algo : {Algorithm::im2col_gemm, Algorithm::fft, Algorithm::separable}) {
        const arma::fmat Y = cnnlab::xcorr2d(X, W, {}, algo);
        std::cout << cnnlab::algorithm_name(algo) << ": max |difference from direct| = "
                  << arma::abs(Y - direct).max() << '\n';
    }
    //! [algorithms]

    //! [choose]
    auto show = [](std::size_t n, const arma::fmat& w, std::size_t stride) {
        const cnnlab::Options2d options{.stride = {stride, stride}};
        const cnnlab::Geometry2d g = cnnlab::resolve_geometry(
            "example", n, n, w.n_rows, w.n_cols, options);
        std::cout << n << 'x' << n << " input, " << w.n_rows << 'x' << w.n_cols
                  << " kernel, stride " << stride << " -> "
                  << cnnlab::algorithm_name(cnnlab::choose_algorithm(g, w)) << '\n';
    };
    show(256, arma::randu<arma::fmat>(3, 3), 1);       // small kernel
    show(256, arma::fmat(7, 7, arma::fill::ones), 1);  // rank 1, 49 taps
    show(256, arma::randu<arma::fmat>(31, 31), 1);     // large kernel
    show(256, arma::randu<arma::fmat>(31, 31), 2);     // large, stride 2
    //! [choose]
    return 0;
}
