// Chapter 1 example: narrow / equal-width / wide convolution, even kernels in
// `same` mode, explicit padding, stride, dilation, and the two output-size
// formulas.
#include "chapters/ch01_convolution/convolution.hpp"

#include <iostream>

int main() {
    using cnnlab::Mode;
    // 1..25, row by row
    const arma::mat X = arma::reshape(arma::regspace<arma::mat>(1, 25), 5, 5).t();
    //! [modes]
    const arma::mat K3(3, 3, arma::fill::ones);
    for (Mode mode : {Mode::valid, Mode::same, Mode::full}) {
        const arma::mat Y = cnnlab::xcorr2d(X, K3, {.padding = mode});
        std::cout << cnnlab::mode_name(mode) << ": 5x5 input, 3x3 kernel -> "
                  << Y.n_rows << 'x' << Y.n_cols << '\n';
    }
    //! [modes]

    //! [even-kernel]
    const arma::mat K2{{1, 0}, {0, 0}};  // picks the top-left of each window
    // cnnlab / PyTorch: an even kernel's extra zero goes after (bottom/right)
    cnnlab::xcorr2d(X, K2, {.padding = Mode::same})
        .print("same, 2x2 kernel (extra zero after):");
    // SciPy's correlate2d(mode='same') puts it before: ask for it explicitly
    const cnnlab::Sides2 scipy_same{.rows = {1, 0}, .cols = {1, 0}};
    cnnlab::xcorr2d(X, K2, {.padding = scipy_same})
        .print("explicit padding {1,0}x{1,0} (SciPy's same):");
    //! [even-kernel]

    //! [matlab-same]
    // conv2d in `same` mode vs Armadillo's conv2(A, K, "same") (MATLAB's
    // rule: the central part of the full convolution), with a 2x4 kernel
    const arma::mat A = arma::randu<arma::mat>(5, 6);
    const arma::mat K24 = arma::randu<arma::mat>(2, 4);
    const arma::mat ours = cnnlab::conv2d(A, K24, {.padding = Mode::same});
    const double gap = arma::abs(ours - arma::conv2(A, K24, "same")).max();
    std::cout << "2x4 kernel: max |conv2d(same) - arma::conv2(same)| = "
              << gap << '\n';
    //! [matlab-same]

    //! [stride-dilation]
    const arma::mat mean3 = K3 / 9.0;
    const arma::mat S = cnnlab::xcorr2d(
        X, mean3, {.padding = cnnlab::Sides2::symmetric(1, 1), .stride = {2, 2}});
    S.print("3x3 mean filter, padding 1, stride 2:");
    const arma::mat K22(2, 2, arma::fill::ones);
    const arma::mat D = cnnlab::xcorr2d(X, K22, {.dilation = {2, 2}});
    D.print("2x2 kernel, dilation 2 (a 3x3 window with holes):");
    // d2l:     total padding p,   floor((n + p - k + s)/s)
    // PyTorch: padding p per side, floor((n + 2p - d(k-1) - 1)/s) + 1
    std::cout << "d2l     n=5, k=3, p=2 (total), s=2: "
              << cnnlab::output_size_d2l(5, 3, 2, 2) << '\n'
              << "PyTorch n=5, k=3, p=1 (each),  s=2: "
              << cnnlab::output_size_pytorch(5, 3, 1, 2) << '\n'
              << "PyTorch n=5, k=2, p=0, s=1, d=2:    "
              << cnnlab::output_size_pytorch(5, 2, 0, 1, 2) << '\n';
    //! [stride-dilation]
    return (S.n_rows == 3 && D.n_rows == 3 && gap < 1e-12) ? 0 : 1;
}
