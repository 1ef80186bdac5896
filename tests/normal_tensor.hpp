/// \file
/// \brief A tensor of standard-normal values from a seed, the input of the network tests.
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"

#include <cstdint>
#include <random>

namespace cnnlab::testing {

/// A tensor of the shape with values drawn from N(0, 1) by a generator seeded with `seed`.
inline Tensor4<float> normal_tensor(const Shape4& shape, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Tensor4<float> x(shape, uninitialized);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = normal(random);
    return x;
}

}  // namespace cnnlab::testing
