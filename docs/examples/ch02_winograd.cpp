// Chapter 2 example: Winograd's F(2×2, 3×3) on one tile, written as the formula
// Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A (reference/winograd.hpp), against the direct 3×3
// cross-correlation, and the multiplications each needs, counted by running them.
#include "reference/winograd.hpp"

#include "chapters/ch01_convolution/convolution.hpp"

#include <iostream>

int main() {
    //! [tile]
    const arma::mat d = {{1, 2, 0, 3}, {4, 1, 5, 2}, {0, 3, 1, 4}, {2, 5, 3, 1}};  // 4×4 input tile
    const arma::mat g = {{1, 0, -1}, {2, 1, 0}, {0, -1, 1}};                     // 3×3 filter
    const auto matrices = cnnlab::ref::winograd_matrices<double>(2);
    matrices.BT.print("B^T =");
    matrices.G.print("G =");
    matrices.AT.print("A^T =");
    const arma::mat winograd = cnnlab::ref::winograd_tile(d, g, 2);  // A^T [(G g G^T) ⊙ (B^T d B)] A
    const arma::mat direct = cnnlab::xcorr2d(d, g);                  // Chapter 1, 9 products per output
    winograd.print("Winograd F(2x2, 3x3) =");
    direct.print("direct 3x3 cross-correlation =");
    //! [tile]

    //! [multiplications]
    for (std::size_t m : {2, 4})
        std::cout << "F(" << m << "x" << m << ", 3x3): " << cnnlab::ref::winograd_tile_multiplies(m)
                  << " multiplications per tile, direct: " << cnnlab::ref::direct_tile_multiplies(m) << '\n';
    //! [multiplications]
    const bool ok = arma::approx_equal(winograd, direct, "absdiff", 1e-12) &&
                    cnnlab::ref::winograd_tile_multiplies(2) == 16 && cnnlab::ref::winograd_tile_multiplies(4) == 36;
    return ok ? 0 : 1;
}
