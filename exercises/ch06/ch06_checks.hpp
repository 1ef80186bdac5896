/// \file
/// \brief The checks of Chapter 6's exercises. Each takes the answer as a function, so the
/// registry binds it to the learner's code and the tests can hand it a deliberately wrong one.
///
/// Every check compares with something independent of the solutions: the counts of Chapter 7's
/// network model (the layers built with cnnlab::layers:: or cnnlab::make_net and counted by
/// cnnlab::summarize / cnnlab::Layer::infer), which the checks first hold against literals —
/// torchvision's published parameter counts and the numbers of nndl ex 5-4 worked by hand.
#pragma once

#include "exercises/ch06/ch06_exercises.hpp"
#include "exercises/checker/exercise.hpp"

#include <cstddef>
#include <functional>

namespace cnnlab::exercises::ch06 {

/// 5-4.1: the 3×3 conv 256 → 256 on 100×100, built and counted (5,898,240,000 MACs, 590,080
/// parameters, 2,560,000 activations).
Verdict check_direct_cost(const std::function<Cost()>& answer);
/// 5-4.2: the 1×1 conv to 64 channels then the 3×3 conv to 256, built and counted
/// (1,638,400,000 MACs, 164,160 parameters, 3,200,000 activations).
Verdict check_bottleneck_cost(const std::function<Cost()>& answer);
/// d2l-alexnet-fc: the Conv2d and Linear rows of cnnlab::summarize on AlexNet, summed.
Verdict check_alexnet_conv_versus_fc(const std::function<ConvVersusFc()>& answer);
/// d2l-parameter-counts: the four networks' totals from cnnlab::summarize (held against torchvision's
/// 61,100,840, 132,863,336 and 6,624,904 and d2l's NiN 1,992,166).
Verdict check_parameter_counts(const std::function<NetParameters()>& answer);
/// d2l-googlenet-min: cnnlab::Layer::infer on GoogLeNet with 3×n×n inputs: n must be accepted and
/// n − 1 refused.
Verdict check_googlenet_minimum_input(const std::function<std::size_t()>& answer);
/// d2l-resnet50: the Residual rows, projections (downsample) and Conv2d/Linear rows of
/// cnnlab::summarize on ResNet-50.
Verdict check_resnet50_counts(const std::function<ResNet50Counts()>& answer);
/// d2l-dense-transition: DenseNet-121's three transitions (from cnnlab::summarize) and the
/// transition built from cnnlab::layers:: on a grid of shapes.
Verdict check_transition_cost(const std::function<Cost(std::size_t, std::size_t, std::size_t)>& answer);

/// Adds Chapter 6 and its exercises to `registry`, each check bound to the learner's function
/// (what cnnlab::exercises::register_ch06_exercises does).
void register_exercises(Registry& registry);

}  // namespace cnnlab::exercises::ch06
