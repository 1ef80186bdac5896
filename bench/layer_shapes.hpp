/// \file
/// \brief The convolution layers of the notes that Chapter 2's benchmarks time (bench/ch02_bench.cpp)
/// and oneDNN is timed on for comparison (bench/onednn_bench.cpp): one table, so that both time the
/// same shapes.
#pragma once

#include "chapters/ch02_layers/layer.hpp"

#include <cstddef>

namespace cnnlab::bench {

/// One layer of the notes: square input and kernel, symmetric padding.
struct LayerShape {
    const char* group;                 ///< benchmark group name
    std::size_t n, c_in, c_out;        ///< batch, input and output channels
    std::size_t size, kernel;          ///< input H = W, kernel K_h = K_w
    std::size_t stride, pad, groups;   ///< stride, padding on every side, groups
    std::size_t reference_n, reference_rows;  ///< the reference's reduced batch and input height
};

// clang-format off
inline const LayerShape layer_shapes[] = {
    // group                   N    C_in C_out  H×W  K  s  p  g     ref N, ref rows
    {"ch02-ex5-4",             1,   256, 256,   100, 3, 1, 1, 1,    1, 8},    // nndl ex 5-4: 11.8 GFLOP
    {"ch02-ex5-4-reduce1x1",   1,   256,  64,   100, 1, 1, 0, 1,    1, 25},   // bottleneck, step 1
    {"ch02-ex5-4-expand3x3",   1,    64, 256,   100, 3, 1, 1, 1,    1, 25},   // bottleneck, step 2
    {"ch02-lenet-conv1",       256,   1,   6,    28, 5, 1, 2, 1,    32, 28},
    {"ch02-lenet-conv2",       256,   6,  16,    14, 5, 1, 0, 1,    32, 14},
    {"ch02-vgg-conv3-n1",      1,   256, 256,    56, 3, 1, 1, 1,    1, 8},
    {"ch02-vgg-conv3-n8",      8,   256, 256,    56, 3, 1, 1, 1,    1, 8},
    {"ch02-alexnet-conv1",     8,     3,  64,   224, 11, 4, 2, 1,   1, 224},
    {"ch02-resnet-1x1",        8,   256,  64,    56, 1, 1, 0, 1,    1, 56},
    {"ch02-depthwise-3x3",     8,   256, 256,    56, 3, 1, 1, 256,  1, 56},
};
// clang-format on

inline cnnlab::Conv2dOptions options_of(const LayerShape& s) {
    cnnlab::Conv2dOptions o;
    o.padding = cnnlab::Sides2::symmetric(s.pad, s.pad);
    o.stride = {s.stride, s.stride};
    o.groups = s.groups;
    return o;
}

/// The layer's geometry for a batch of `n` samples with `rows` input rows.
inline cnnlab::LayerGeometry geometry_of(const LayerShape& s, std::size_t n, std::size_t rows) {
    return cnnlab::resolve_conv2d_layer("ch02_bench", {n, s.c_in, rows, s.size},
                                        {s.c_out, s.c_in / s.groups, s.kernel, s.kernel}, s.c_out, options_of(s));
}

}  // namespace cnnlab::bench
