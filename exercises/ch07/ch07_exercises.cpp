// Chapter 7 — classic networks 经典网络: your answers.
//
// Each function below is an exercise. It starts as a stub that throws not_attempted; replace the
// `throw` with your answer, rebuild and check:
//
//     cmake --build build/release --target cnnlab_cli
//     build/release/bin/cnnlab check 7                   # the whole chapter
//     build/release/bin/cnnlab check impl-vgg-block      # one exercise
//
// Every exercise builds a block of a classic network from the layer factories of
// chapters/ch07_networks/network.hpp, the way d2l writes it with torch.nn:
//
//     nn.Conv2d(in, out, kernel_size=k, stride=s, padding=p)  →  layers::conv(in, out, k, s, p)
//     nn.ReLU()                                                →  layers::relu()
//     nn.MaxPool2d(kernel_size=k, stride=s, padding=p)         →  layers::max_pool(k, s, p)
//     nn.AvgPool2d(kernel_size=k, stride=s)                    →  layers::avg_pool(k, s)
//     nn.BatchNorm2d(c)                                        →  layers::batch_norm(c)
//     nn.Sequential(a, b, …)                                   →  auto seq = std::make_unique<Sequential>();
//                                                                 seq->add(a).add(b) …
//     torch.cat((branch1(x), branch2(x)), dim=1)               →  auto cat = std::make_unique<Concat>();
//                                                                 cat->add(branch1).add(branch2)
//     F.relu(main(x) + shortcut(x))                            →  std::make_unique<Residual>(std::move(main),
//                                                                     shortcut_or_nullptr, layers::relu())
//
// (layers::conv has a bias unless its last argument is false, as nn.Conv2d.) The checker traces
// your block with infer() — output shape, parameters, multiply-accumulates — on several arguments,
// and runs it once; you can do the same: `block->infer({1, 3, 32, 32})` or
// `summarize(*block, {1, 3, 32, 32})`, which names every layer.
#include "exercises/ch07/ch07_exercises.hpp"

#include "chapters/ch07_networks/network.hpp"  // Sequential, Concat, Residual, layers::…

#include <memory>
#include <utility>

namespace cnnlab::exercises::ch07 {

using namespace cnnlab::layers;  // conv, relu, max_pool, avg_pool, batch_norm, …

/// **impl-vgg-block** (d2l §7.2, `vgg_block`; note 001 使用重复元素的网络). A VGG block: num_convs
/// times a 3×3 convolution with padding 1 followed by a ReLU — the first convolution maps
/// in_channels to out_channels, the others out_channels to out_channels — and then a 2×2 max pool
/// with stride 2. The convolutions keep the height and width, the pooling halves them: d2l's
/// vgg_block(2, 3, 64) maps 3×224×224 to 64×112×112.
std::unique_ptr<Sequential> vgg_block(std::size_t num_convs, std::size_t in_channels, std::size_t out_channels) {
    throw not_attempted{};
}

/// **impl-nin-block** (d2l §7.3, `nin_block`; note 001 网络中的网络). A NiN block: a convolution
/// in_channels → out_channels with the given kernel, stride and padding, then two 1×1 convolutions
/// out_channels → out_channels (the per-pixel "fully connected" layers), each of the three followed
/// by a ReLU. d2l's first block, nin_block(1, 96, 11, 4, 0), maps 1×224×224 to 96×54×54.
LayerPtr nin_block(std::size_t in_channels, std::size_t out_channels, std::size_t kernel, std::size_t stride,
                   std::size_t padding) {
    throw not_attempted{};
}

/// **impl-inception** (d2l §7.4, `Inception`; note 001 GoogLeNet). Four branches on the same input,
/// their outputs concatenated along the channels in this order:
///   1. a 1×1 conv to c1;
///   2. a 1×1 conv to c2.first, then a 3×3 conv with padding 1 to c2.second;
///   3. a 1×1 conv to c3.first, then a 5×5 conv with padding 2 to c3.second;
///   4. a 3×3 max pool with stride 1 and padding 1, then a 1×1 conv to c4.
/// Every conv is followed by a ReLU (the pool is not). Every branch keeps the height and width, so
/// the block has c1 + c2.second + c3.second + c4 channels: GoogLeNet's first block,
/// inception(192, 64, {96, 128}, {16, 32}, 32), gives 256.
LayerPtr inception(std::size_t in_channels, std::size_t c1, BranchWidths c2, BranchWidths c3, std::size_t c4) {
    throw not_attempted{};
}

/// **impl-residual** (d2l §7.6, `Residual`; note 003 §5.4 残差网络, h(x) = x + (h(x) − x)). The main
/// branch: a 3×3 conv in_channels → out_channels with padding 1 and the given stride, BatchNorm,
/// ReLU, a 3×3 conv out_channels → out_channels with padding 1, BatchNorm. The shortcut: the
/// identity, or — when use_1x1conv — a 1×1 conv in_channels → out_channels with the given stride
/// (it matches the main branch's channels and size). The block adds the two and applies a ReLU.
/// Build it as a cnnlab::Residual(main, shortcut or nullptr, layers::relu()). d2l: residual(3, 3,
/// false, 1) keeps 3×6×6; residual(3, 6, true, 2) gives 6×3×3.
LayerPtr residual(std::size_t in_channels, std::size_t out_channels, bool use_1x1conv, std::size_t stride) {
    throw not_attempted{};
}

/// **impl-dense-block** (d2l §7.7, `DenseBlock`). num_convs conv blocks, each BatchNorm, ReLU and a
/// 3×3 conv with padding 1 to `growth` channels; each conv block's output is concatenated along the
/// channels to its input (a Concat of an identity branch, layers::identity(), and the conv block),
/// so the i-th conv block (from 0) sees in_channels + i·growth channels. d2l: dense_block(2, 3, 10)
/// maps 3×8×8 to 23×8×8.
LayerPtr dense_block(std::size_t num_convs, std::size_t in_channels, std::size_t growth) {
    throw not_attempted{};
}

/// **impl-transition** (d2l §7.7, `transition_block`). BatchNorm over in_channels, ReLU, a 1×1 conv
/// to out_channels, then a 2×2 average pool with stride 2: it cuts the channels a dense block piled
/// up and halves the size. d2l: transition_block(23, 10) maps 23×8×8 to 10×4×4.
LayerPtr transition_block(std::size_t in_channels, std::size_t out_channels) {
    throw not_attempted{};
}

}  // namespace cnnlab::exercises::ch07
