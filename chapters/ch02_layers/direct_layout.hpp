/// \file
/// \brief The flattened layout of the direct small-channel path (LayerAlgorithm::direct): internal
/// to chapters/ch02_layers/layer_direct.cpp (forward) and chapters/ch03_gradients/backward_direct.cpp
/// (weight gradient).
///
/// A stride-1, dilation-1 layer reads output pixel (i, j) from the padded input at
/// \f$(i+u, j+v)\f$. Planes are column-major (row index fastest), so in a padded plane of
/// \f$H_p\f$ rows the pixel (i, j) sits at \f$q = j H_p + i\f$ and tap (u, v) of input channel c at
/// \f$q + c\,S + v H_p + u\f$, with \f$S\f$ the padded plane's size. Computing the output on the same
/// grid — \f$H_p\f$ rows per column, of which the last \f$K_h - 1\f$ are discarded — makes every tap a
/// fixed offset from q: the convolution becomes a one-dimensional one over q, which vectorizes in
/// long contiguous runs with no window bookkeeping. The cost is the discarded rows,
/// \f$(K_h-1)/H_p\f$ of the work (12 % for LeNet's conv1), and a copy of the input into the padded grid.
#pragma once

#include "chapters/ch02_layers/layer.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace cnnlab::detail {

/// The sizes of the flattened grid of one layer geometry (stride 1, dilation 1).
struct DirectGrid {
    std::size_t rows = 0;     ///< \f$H_p = H + p_{top} + p_{bottom}\f$
    std::size_t cols = 0;     ///< \f$W_p\f$
    std::size_t plane = 0;    ///< \f$S\f$: one padded channel plus a zero margin (the discarded rows read past it)
    std::size_t outputs = 0;  ///< \f$W_{out} H_p\f$ grid outputs per channel, rounded up to `block`
    std::size_t block = 0;    ///< grid outputs per vector block of the kernels
    std::vector<std::size_t> tap_offsets;  ///< \f$c S + v H_p + u\f$ in the weight's memory order of (c, v, u)
};

/// The grid of `g` with output blocks of `block` values.
inline DirectGrid direct_grid(const LayerGeometry& g, std::size_t block) {
    DirectGrid d;
    d.rows = g.input.h + g.plane.rows.pad.before + g.plane.rows.pad.after;
    d.cols = g.input.w + g.plane.cols.pad.before + g.plane.cols.pad.after;
    d.block = block;
    d.outputs = (g.output.w * d.rows + block - 1) / block * block;
    // Reads reach q + (K_w − 1) H_p + K_h − 1 for q < outputs: the margin keeps them inside the buffer.
    const std::size_t reach = d.outputs + (g.weight.w - 1) * d.rows + g.weight.h - 1;
    d.plane = std::max(d.rows * d.cols, reach);
    for (std::size_t c = 0; c < g.in_per_group(); ++c)
        for (std::size_t v = 0; v < g.weight.w; ++v)
            for (std::size_t u = 0; u < g.weight.h; ++u) d.tap_offsets.push_back(c * d.plane + v * d.rows + u);
    return d;
}

/// Copies `columns` columns of `rows` values from `from` (one column every `from_stride` values) to
/// `to` (one every `to_stride`): a plane onto the grid (stride H → H_p) or back (H_p → H).
template <class T>
void copy_columns(const T* from, std::size_t from_stride, T* to, std::size_t to_stride, std::size_t rows,
                  std::size_t columns) {
    for (std::size_t j = 0; j < columns; ++j) std::copy(from + j * from_stride, from + j * from_stride + rows, to + j * to_stride);
}

/// Copies sample n of x into `padded` (C_in planes of d.plane values): zeros around and after.
template <class T>
void fill_direct_grid(const Tensor4<T>& x, const LayerGeometry& g, const DirectGrid& d, std::size_t n, T* padded) {
    const std::size_t top = g.plane.rows.pad.before, left = g.plane.cols.pad.before, h = g.input.h;
    std::fill(padded, padded + g.input.c * d.plane, T(0));
    for (std::size_t c = 0; c < g.input.c; ++c)
        copy_columns(x.data() + (n * g.input.c + c) * h * g.input.w, h, padded + c * d.plane + left * d.rows + top, d.rows,
                     h, g.input.w);
}

}  // namespace cnnlab::detail
