// Chapter 1 example: 1-D convolution y_t = sum_k w_k x_{t-k+1} as a moving
// average and as the second difference [1, -2, 1]; the five-point Laplacian
// on f = x^2 + y^2.
#include "chapters/ch01_convolution/convolution.hpp"

#include <cmath>
#include <iostream>

int main() {
    //! [moving-average]
    const arma::vec x{1, 4, 2, 8, 5, 7};
    const arma::vec w(3, arma::fill::value(1.0 / 3));  // K = 3 taps of 1/K
    const arma::vec average = cnnlab::conv1d(x, w);     // valid: n-K+1 = 4
    average.t().print("moving average of x, K=3:");     // (1+4+2)/3, ...
    //! [moving-average]

    //! [second-difference]
    const arma::vec t = arma::regspace<arma::vec>(-3, 3);
    const arma::vec t2 = arma::square(t);  // x(t) = t^2, so x''(t) = 2
    const arma::vec d2 = cnnlab::conv1d(t2, arma::vec{1, -2, 1});
    d2.t().print("[1,-2,1] * t^2:");  // all 2
    //! [second-difference]

    //! [laplacian]
    const arma::vec axis = arma::regspace<arma::vec>(-3, 3);
    const arma::mat x2 = arma::repmat(arma::square(axis), 1, 7);  // x^2
    const arma::mat f = x2 + x2.t();                               // + y^2
    const arma::mat laplacian{{0, 1, 0}, {1, -4, 1}, {0, 1, 0}};
    cnnlab::conv2d(f, laplacian).print("Laplacian * (x^2 + y^2):");  // all 4
    //! [laplacian]
    return std::abs(d2.max() - 2) < 1e-12 ? 0 : 1;
}
