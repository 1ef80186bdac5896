// Chapter 1 example: cross-correlation and convolution of one plane (the d2l
// corr2d example), and convolution as cross-correlation with the rotated
// kernel. Built and run by the docs target; the Chapter 1 page shows its output.
#include "chapters/ch01_convolution/convolution.hpp"

#include <iostream>

int main() {
    //! [d2l-example]
    const arma::mat X{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}};
    const arma::mat K{{0, 1}, {2, 3}};
    const arma::mat Y = cnnlab::xcorr2d(X, K);  // valid (narrow) by default
    Y.print("xcorr2d(X, K) =");                 // [[19, 25], [37, 43]]
    //! [d2l-example]

    //! [conv-is-rotated-xcorr]
    const arma::mat C = cnnlab::conv2d(X, K);  // flips the kernel
    const arma::mat R = cnnlab::xcorr2d(X, cnnlab::rot180(K));
    cnnlab::rot180(K).print("rot180(K) =");
    C.print("conv2d(X, K) =");  // [[5, 11], [23, 29]]
    std::cout << "max |conv2d(X,K) - xcorr2d(X,rot180(K))| = "
              << arma::abs(C - R).max() << '\n';
    //! [conv-is-rotated-xcorr]
    const arma::mat expected{{19, 25}, {37, 43}};
    const bool ok = arma::approx_equal(C, R, "absdiff", 0.0) &&
                    arma::approx_equal(Y, expected, "absdiff", 0.0);
    return ok ? 0 : 1;
}
