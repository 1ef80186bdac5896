/// \file
/// \brief The checks of Chapter 7's exercises. Each takes the answer as a function, so the
/// registry binds it to the learner's code and the tests can hand it a deliberately wrong one.
///
/// Every check compares with something independent of the solutions: the output shape, the
/// parameter count and the multiply-accumulates of the learner's block as `Layer::infer` traces
/// them, against closed-form formulas written in the check (d2l's arguments first, then others,
/// odd sizes included); the sequence of layer kinds d2l's block has; and one forward pass
/// (`initialize` + `forward` with Implementation::optimized) that must give the traced shape.
#pragma once

#include "exercises/ch07/ch07_exercises.hpp"
#include "exercises/checker/exercise.hpp"

#include <cstddef>
#include <functional>
#include <memory>

namespace cnnlab::exercises::ch07 {

/// impl-vgg-block: output \f$C_{out} \times \lfloor H/2 \rfloor \times \lfloor W/2 \rfloor\f$,
/// parameters \f$9 C_{in} C_{out} + C_{out} + (n-1)(9 C_{out}^2 + C_{out})\f$, MACs
/// \f$9 H W C_{out} (C_{in} + (n-1) C_{out})\f$.
Verdict check_vgg_block(const std::function<std::unique_ptr<Sequential>(std::size_t, std::size_t, std::size_t)>& answer);
/// impl-nin-block: output \f$C_{out} \times H_o \times W_o\f$ with \f$H_o = \lfloor (H + 2p - k)/s \rfloor + 1\f$,
/// parameters \f$C_{in} C_{out} k^2 + C_{out} + 2(C_{out}^2 + C_{out})\f$, MACs \f$H_o W_o C_{out} (C_{in} k^2 + 2 C_{out})\f$.
Verdict check_nin_block(
    const std::function<LayerPtr(std::size_t, std::size_t, std::size_t, std::size_t, std::size_t)>& answer);
/// impl-inception: \f$c_1 + c_{2b} + c_{3b} + c_4\f$ channels at the input's size; parameters and
/// MACs summed over the six convolutions (GoogLeNet's 3a, 3b, 4e and small blocks).
Verdict check_inception(
    const std::function<LayerPtr(std::size_t, std::size_t, BranchWidths, BranchWidths, std::size_t)>& answer);
/// impl-residual: d2l's two shapes (6×6 kept; 6 channels at stride 2 → 3×3), two more, and a block
/// without projection whose channels change, which shape inference must refuse.
Verdict check_residual(const std::function<LayerPtr(std::size_t, std::size_t, bool, std::size_t)>& answer);
/// impl-dense-block: \f$C_{in} + n g\f$ channels; parameters \f$\sum_{i<n} (2c_i + 9 c_i g + g)\f$,
/// MACs \f$9 H W g \sum_{i<n} c_i\f$ with \f$c_i = C_{in} + i g\f$.
Verdict check_dense_block(const std::function<LayerPtr(std::size_t, std::size_t, std::size_t)>& answer);
/// impl-transition: \f$C_{out} \times \lfloor H/2 \rfloor \times \lfloor W/2 \rfloor\f$, parameters
/// \f$2 C_{in} + C_{in} C_{out} + C_{out}\f$, MACs \f$H W C_{in} C_{out}\f$ (the conv before the pooling).
Verdict check_transition_block(const std::function<LayerPtr(std::size_t, std::size_t)>& answer);

/// Adds Chapter 7 and its exercises to `registry`, each check bound to the learner's function
/// (what cnnlab::exercises::register_ch07_exercises does).
void register_exercises(Registry& registry);

}  // namespace cnnlab::exercises::ch07
