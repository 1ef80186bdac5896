/// \file
/// \brief Internal to chapters/ch04_pooling: what the optimized pooling kernels share — the
/// output range whose windows need no padding checks, the 1-row ↔ 1-column view, the threading rule.
///
/// The kernels work on one H×W plane at a time, column-major (a window column is contiguous), in
/// two passes per output column \f$j\f$: a *column pass* combines the window's input columns
/// element-wise into one column (contiguous, vectorized), then a *row pass* combines the rows of
/// that column along each output row's window (strided by \f$s_h\f$, vectorized over \f$i\f$).
/// Max, sum and their arg-max are separable that way, ties and NaN included (see max_pool.cpp).
#pragma once

#include "chapters/ch04_pooling/pooling.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace cnnlab::detail {

/// A range [begin, end) of output indices along one axis.
struct OutputSpan {
    std::size_t begin = 0;  ///< first index
    std::size_t end = 0;    ///< one past the last index
};

/// The output indices along one axis whose windows lie wholly inside the input: \f$i s - p \ge 0\f$
/// and \f$i s - p + d(K-1) \le n - 1\f$. Windows outside this span touch padding (or the ceil_mode
/// overhang) and take the slow, checked path.
inline OutputSpan interior_span(std::size_t outputs, std::size_t input, std::size_t kernel, std::size_t stride,
                                std::size_t padding, std::size_t dilation) {
    const std::size_t begin = (padding + stride - 1) / stride;
    const std::ptrdiff_t last_start =
        std::ptrdiff_t(input + padding) - 1 - std::ptrdiff_t(dilation * (kernel - 1));  // largest allowed i·s
    std::size_t end = last_start < 0 ? 0 : std::size_t(last_start) / stride + 1;
    end = std::min(end, outputs);
    return {std::min(begin, end), end};
}

/// True for a plane of one row pooled to one row (1-D pooling on N×C×1×L): the same memory read as
/// an L×1 plane (see as_column) lets the vectorized row pass run along L.
inline bool single_row(const PoolGeometry& g) { return g.input.h == 1 && g.output.h == 1; }

/// The geometry of a single_row pooling seen as one column: rows and columns swapped. The cell
/// \f$(0, c)\f$ of the 1×L plane is the cell \f$(c, 0)\f$ of the L×1 plane — same memory, same
/// arg-max index \f$r + Hc\f$, and (one input row) the same window order.
inline PoolGeometry as_column(const PoolGeometry& g) {
    PoolGeometry t = g;
    std::swap(t.input.h, t.input.w);
    std::swap(t.output.h, t.output.w);
    std::swap(t.kernel.rows, t.kernel.cols);
    std::swap(t.stride.rows, t.stride.cols);
    std::swap(t.padding.rows, t.padding.cols);
    std::swap(t.dilation.rows, t.dilation.cols);
    return t;
}

/// Planes are spread over the cores when there are several and the tensor is large enough
/// (\f$\ge 2^{15}\f$ elements read or written) for the work to pay for waking a second thread.
inline bool worth_threads(std::size_t planes, std::size_t elements) { return planes > 1 && elements >= (std::size_t(1) << 15); }

}  // namespace cnnlab::detail
