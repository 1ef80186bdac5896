// Chapter 6 — complexity 复杂度: your answers.
//
// Each function below is an exercise. It starts as a stub that throws not_attempted; replace the
// `throw` with your answer, rebuild and check:
//
//     cmake --build build/release --target cnnlab_cli
//     build/release/bin/cnnlab check 6        # the whole chapter
//     build/release/bin/cnnlab check 5-4      # one exercise, or a group: 5-4 = 5-4.1 and 5-4.2
//
// Count per sample (batch 1), as torchvision and cnnlab's network model do:
//   - a convolution C_in → C_out, K_h×K_w kernel, groups g, output H_out×W_out costs
//     C_out·H_out·W_out·(C_in/g)·K_h·K_w multiply-accumulates (MACs; FLOPs are about twice that) and
//     holds C_out·(C_in/g)·K_h·K_w weights, plus C_out biases if it has them;
//   - a linear layer in → out costs in·out MACs and holds in·out weights (+ out biases);
//   - a BatchNorm2d over C channels holds 2C parameters (its running mean and variance are buffers,
//     not parameters) and costs no MACs; ReLU, pooling, dropout and flatten hold and cost nothing.
// Work the numbers out with these formulas, then compare with `cnnlab summary NET` (Chapter 7) — or
// build the layers with cnnlab::layers:: and count them with cnnlab::summarize, which is what the
// checker does. Use 64-bit arithmetic: the MACs of ex 5-4 do not fit in 32 bits.
#include "exercises/ch06/ch06_exercises.hpp"

#include "chapters/ch07_networks/nets.hpp"  // cnnlab::make_net, summarize, layers::, which you may call

namespace cnnlab::exercises::ch06 {

/// **5-4.1** (nndl ex 5-4, first half: 「对于一个输入为100 × 100 × 256的特征映射组，使用3 × 3的卷积核，
/// 输出为 100 × 100 × 256 的特征映射组的卷积层，求其时间和空间复杂度」). A 3×3 convolution from 256 to 256
/// channels on a 100×100 input, stride 1, "same" padding (1), with a bias per output channel.
/// Return its MACs (time), its parameters, and the values of the feature map it writes (the
/// activation memory, space — the input is not counted). Note 003 counts the parameters as
/// (3×3 + 1)×256×256: how many biases does a conv layer have?
Cost direct_cost() {
    throw not_attempted{};
}

/// **5-4.2** (nndl ex 5-4, second half: 「如果引入一个 1 × 1 卷积核，先得到 100 × 100 × 64 的特征映射，
/// 再进行 3 × 3 的卷积，得到100 × 100 × 256 的特征映射组」). A 1×1 convolution 256 → 64, then a 3×3
/// convolution 64 → 256 ("same" padding), both with bias, on the same 100×100×256 input. Return the
/// two layers' MACs and parameters together, and the values of both feature maps they write (the
/// 64-channel one and the output). Note 003's time for the 3×3 part is 100×64×256×3×3: at how
/// many positions does the 3×3 kernel sit?
Cost bottleneck_cost() {
    throw not_attempted{};
}

/// **d2l-alexnet-fc** (d2l AlexNet, ex 4: "what is the dominant part for the memory footprint of
/// AlexNet? … for computation?"). torchvision's AlexNet on 3×224×224 with 1000 classes (the one
/// `cnnlab summary alexnet` shows): five convolutions (3→64 11×11 stride 4 padding 2, 64→192 5×5
/// padding 2, 192→384, 384→256, 256→256 all 3×3 padding 1; max pooling 3×3 stride 2 after the
/// first, second and fifth), an adaptive average pooling to 6×6, then linear layers 9216 → 4096 →
/// 4096 → 1000, all with biases. Return the parameters and MACs of the conv part and of the fully
/// connected part. (The feature maps are 55×55, 27×27, 13×13, 13×13, 13×13.)
ConvVersusFc alexnet_conv_versus_fc() {
    throw not_attempted{};
}

/// **d2l-parameter-counts** (d2l GoogLeNet, ex 4: "compare the model parameter sizes of AlexNet,
/// VGG, and NiN with GoogLeNet. How do the latter two network architectures significantly reduce
/// the model parameter size?"). The parameters of the four networks as cnnlab builds them
/// (`cnnlab summary alexnet`, `vgg11`, `nin`, `googlenet`, each at its default input and classes:
/// 3×224×224 and 1000 classes, NiN 1×224×224 and 10 classes). GoogLeNet has a BatchNorm2d after
/// every convolution (torchvision's), and its convolutions have no bias.
NetParameters parameter_counts() {
    throw not_attempted{};
}

/// **d2l-googlenet-min** (d2l GoogLeNet, ex 2: "what is the minimum image size for GoogLeNet to
/// work?"). The smallest n for which GoogLeNet (torchvision's layout, `cnnlab summary googlenet
/// --input 3,n,n`) accepts a 3×n×n input, i.e. every layer gets an input it can work on. Trace the
/// size through the layers that shrink it: conv1 (7×7, stride 2, padding 3), then four max
/// poolings with ceil_mode (3×3 stride 2, 3×3 stride 2, 3×3 stride 2, 2×2 stride 2); the other
/// layers keep the size. In ceil mode (PyTorch's rule, which cnnlab follows) a K×K, stride-s
/// pooling turns m rows into ⌈(m − K)/s⌉ + 1: its last window may hang over the edge as long as it
/// starts inside the input, and the input is refused when that count is below 1.
std::size_t googlenet_minimum_input() {
    throw not_attempted{};
}

/// **d2l-resnet50** (d2l ResNet; He et al. 2016, Table 1). ResNet-50 stacks bottleneck blocks
/// (1×1, 3×3, 1×1 convolutions) in four stages layer1 … layer4 after a 7×7 stem conv, and ends with
/// one linear layer. Return the number of blocks in each stage, how many blocks have a projection
/// shortcut (a 1×1 conv because the shape changes, torchvision's `downsample`), and the number of
/// conv and linear layers on the main path — the 50 of the name (the projections are not counted).
ResNet50Counts resnet50_counts() {
    throw not_attempted{};
}

/// **d2l-dense-transition** (d2l DenseNet, transition layers 过渡层). A DenseNet transition layer
/// on a C×H×W input (C even, H and W even): BatchNorm2d(C), ReLU, a 1×1 convolution C → C/2 without
/// bias, then 2×2 average pooling with stride 2. Return its MACs, its parameters, and the values
/// of its output (only the output, C/2 × H/2 × W/2). DenseNet-121's first transition reads
/// 256×56×56.
Cost transition_cost(std::size_t channels, std::size_t height, std::size_t width) {
    throw not_attempted{};
}

}  // namespace cnnlab::exercises::ch06
