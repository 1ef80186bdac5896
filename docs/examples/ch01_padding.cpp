// Chapter 1 example: narrow / equal-width / wide convolution, even kernels in `same` mode, explicit
// padding, stride, dilation, and the two output-size formulas.
#include "chapters/ch01_convolution/convolution.hpp"

#include <iostream>

int main() {
    const arma::mat X = arma::reshape(arma::regspace<arma::mat>(1, 25), 5, 5).t();  // 1..25 row by row
    //! [modes]
    const arma::mat K3(3, 3, arma::fill::ones);
    for (cnnlab::Mode mode : {cnnlab::Mode::valid, cnnlab::Mode::same, cnnlab::Mode::full}) {
        const arma::mat Y = cnnlab::xcorr2d(X, K3, {.padding = mode});
        std::cout << cnnlab::mode_name(mode) << ": 5x5 input, 3x3 kernel -> " << Y.n_rows << 'x' << Y.n_cols << '\n';
    }
    //! [modes]

    //! [even-kernel]
    const arma::mat K2{{1, 0}, {0, 0}};  // picks the top-left tap of each window
    // cnnlab / PyTorch: the extra zero of an even kernel goes after (bottom/right) ...
    cnnlab::xcorr2d(X, K2, {.padding = cnnlab::Mode::same}).print("same, 2x2 kernel (extra zero after):");
    // ... SciPy's correlate2d(mode='same') puts it before: ask for it explicitly.
    const cnnlab::Sides2 scipy_same{.rows = {1, 0}, .cols = {1, 0}};
    cnnlab::xcorr2d(X, K2, {.padding = scipy_same}).print("explicit padding {1,0}x{1,0} (SciPy's same):");
    //! [even-kernel]

    //! [stride-dilation]
    const arma::mat S = cnnlab::xcorr2d(X, K3, {.padding = cnnlab::Sides2::symmetric(1, 1), .stride = {2, 2}});
    const arma::mat D = cnnlab::xcorr2d(X, arma::mat{{1, 1}, {1, 1}}, {.dilation = {2, 2}});  // taps 2 apart
    S.print("padding 1, stride 2:");
    D.print("2x2 kernel, dilation 2 (a 3x3 window with holes):");
    // d2l: total padding p, floor((n + p - k + s)/s); PyTorch: padding p per side, floor((n + 2p - d(k-1) - 1)/s) + 1
    std::cout << "d2l     n=5, k=3, p=2 (total), s=2: " << cnnlab::output_size_d2l(5, 3, 2, 2) << '\n'
              << "PyTorch n=5, k=3, p=1 (each),  s=2: " << cnnlab::output_size_pytorch(5, 3, 1, 2) << '\n'
              << "PyTorch n=5, k=2, p=0, s=1, d=2:    " << cnnlab::output_size_pytorch(5, 2, 0, 1, 2) << '\n';
    //! [stride-dilation]
    return (S.n_rows == 3 && D.n_rows == 3) ? 0 : 1;
}
