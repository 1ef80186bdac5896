// Chapter 1 example: convolution as an affine map y = C x (exercise 5-5),
// commutativity of wide convolution (exercise 5-2) and translation
// equivariance.
#include "chapters/ch01_convolution/convolution.hpp"

#include <iostream>

namespace {
/// Moves the content of `m` down by `rows` and right by `cols` (cyclically).
arma::mat shifted(const arma::mat& m, int rows, int cols) {
    return arma::shift(arma::shift(m, rows, 0), cols, 1);
}
}  // namespace

int main() {
    //! [conv-matrix]
    const arma::mat W{{1, 2}, {3, 4}};  // w11 = 1, w12 = 2, w21 = 3, w22 = 4
    // 4x9: one row per output, one column per input
    const arma::mat C(cnnlab::conv_matrix2d(W, 3, 3));
    C.print("C for a 3x3 input and a 2x2 kernel (rows: y11 y12 y21 y22):");
    const arma::mat X = arma::randu<arma::mat>(3, 3);
    const arma::vec y = C * cnnlab::vec_rows(X);
    const arma::mat Y = cnnlab::xcorr2d(X, W);
    std::cout << "max |C vec_r(X) - vec_r(W (x) X)| = "
              << arma::abs(y - cnnlab::vec_rows(Y)).max() << '\n';
    //! [conv-matrix]

    //! [wide-commutativity]
    const arma::mat A = arma::randu<arma::mat>(4, 5);
    const arma::mat B = arma::randu<arma::mat>(2, 3);
    const cnnlab::Options2d wide{.padding = cnnlab::Mode::full};
    // rot180(B) (x)~ A  and  rot180(A) (x)~ B
    const arma::mat left = cnnlab::xcorr2d(A, cnnlab::rot180(B), wide);
    const arma::mat right = cnnlab::xcorr2d(B, cnnlab::rot180(A), wide);
    std::cout << "wide: max |rot180(B) (x)~ A - rot180(A) (x)~ B| = "
              << arma::abs(left - right).max() << '\n';
    //! [wide-commutativity]

    //! [equivariance]
    arma::mat image(8, 8, arma::fill::zeros);
    image(2, 3) = 1;  // one bright pixel, away from the borders
    const arma::mat K = arma::randu<arma::mat>(3, 3);
    const cnnlab::Options2d same{.padding = cnnlab::Mode::same};
    // shift down 2, right 1, then filter  vs  filter, then shift
    const arma::mat a = cnnlab::xcorr2d(shifted(image, 2, 1), K, same);
    const arma::mat b = shifted(cnnlab::xcorr2d(image, K, same), 2, 1);
    std::cout << "equivariance: max |f(shift x) - shift f(x)| = "
              << arma::abs(a - b).max() << '\n';
    //! [equivariance]
    return C.n_rows == 4 && C.n_cols == 9 ? 0 : 1;
}
