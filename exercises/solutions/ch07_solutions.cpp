// Chapter 7 — solutions to the exercises of exercises/ch07/ch07_exercises.cpp (same functions).
// Built into the `cnnlab_check_solutions` program, which must report every exercise RIGHT. Try the
// exercise first: each statement is in ch07_exercises.cpp.
#include "exercises/ch07/ch07_exercises.hpp"

#include <memory>
#include <utility>

namespace cnnlab::exercises::ch07 {

using namespace cnnlab::layers;

std::unique_ptr<Sequential> vgg_block(std::size_t num_convs, std::size_t in_channels, std::size_t out_channels) {
    auto block = std::make_unique<Sequential>();
    for (std::size_t i = 0; i < num_convs; ++i) {
        block->add(conv(i == 0 ? in_channels : out_channels, out_channels, 3, 1, 1)).add(relu());
    }
    block->add(max_pool(2, 2));
    return block;
}

LayerPtr nin_block(std::size_t in_channels, std::size_t out_channels, std::size_t kernel, std::size_t stride,
                   std::size_t padding) {
    auto block = std::make_unique<Sequential>();
    block->add(conv(in_channels, out_channels, kernel, stride, padding)).add(relu());
    block->add(conv(out_channels, out_channels, 1)).add(relu());
    block->add(conv(out_channels, out_channels, 1)).add(relu());
    return block;
}

LayerPtr inception(std::size_t in_channels, std::size_t c1, BranchWidths c2, BranchWidths c3, std::size_t c4) {
    auto p1 = std::make_unique<Sequential>();
    p1->add(conv(in_channels, c1, 1)).add(relu());
    auto p2 = std::make_unique<Sequential>();
    p2->add(conv(in_channels, c2.first, 1)).add(relu()).add(conv(c2.first, c2.second, 3, 1, 1)).add(relu());
    auto p3 = std::make_unique<Sequential>();
    p3->add(conv(in_channels, c3.first, 1)).add(relu()).add(conv(c3.first, c3.second, 5, 1, 2)).add(relu());
    auto p4 = std::make_unique<Sequential>();
    p4->add(max_pool(3, 1, 1)).add(conv(in_channels, c4, 1)).add(relu());
    auto block = std::make_unique<Concat>();
    block->add(std::move(p1)).add(std::move(p2)).add(std::move(p3)).add(std::move(p4));
    return block;
}

LayerPtr residual(std::size_t in_channels, std::size_t out_channels, bool use_1x1conv, std::size_t stride) {
    auto main = std::make_unique<Sequential>();
    main->add("conv1", conv(in_channels, out_channels, 3, stride, 1)).add("bn1", batch_norm(out_channels)).add(relu());
    main->add("conv2", conv(out_channels, out_channels, 3, 1, 1)).add("bn2", batch_norm(out_channels));
    LayerPtr shortcut = use_1x1conv ? named("conv3", conv(in_channels, out_channels, 1, stride)) : nullptr;
    return std::make_unique<Residual>(std::move(main), std::move(shortcut), relu());
}

LayerPtr dense_block(std::size_t num_convs, std::size_t in_channels, std::size_t growth) {
    auto block = std::make_unique<Sequential>();
    for (std::size_t i = 0; i < num_convs; ++i) {
        const std::size_t channels = in_channels + i * growth;  // what the i-th conv block sees
        auto conv_block = std::make_unique<Sequential>();
        conv_block->add(batch_norm(channels)).add(relu()).add(conv(channels, growth, 3, 1, 1));
        auto layer = std::make_unique<Concat>();
        layer->add(identity()).add(std::move(conv_block));  // X, then Y: torch.cat((X, Y), dim=1)
        block->add(std::move(layer));
    }
    return block;
}

LayerPtr transition_block(std::size_t in_channels, std::size_t out_channels) {
    auto block = std::make_unique<Sequential>();
    block->add(batch_norm(in_channels)).add(relu()).add(conv(in_channels, out_channels, 1)).add(avg_pool(2, 2));
    return block;
}

}  // namespace cnnlab::exercises::ch07
