// Chapter 7 example: fine-tuning 微调 as note 004 describes it — reuse the layers of a trained network
// as the starting point, give the new layer fresh random weights, and train the reused layers less
// (here: not at all, they are frozen). On the committed Fashion-MNIST subset: a modernized LeNet
// learns classes 0–4 (T-shirt … Coat); then its convolutions are frozen, its output layer drawn
// again, and only the fully connected layers are trained on classes 5–9 (Sandal … Ankle boot) at a
// smaller learning rate; a copy trained from scratch on 5–9 with the same budget is the comparison.
// Prints a Markdown table that the docs build splices into the Chapter 7 page.
#include "chapters/ch07_networks/datasets.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/training.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

using namespace cnnlab;

namespace {

// The images of `data` whose label lies in [first, first + 5).
Dataset five_classes(const Dataset& data, std::size_t first) {
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i < data.labels.size(); ++i)
        if (data.labels[i] >= first && data.labels[i] < first + 5) keep.push_back(i);
    auto [images, labels] = gather_batch(data, keep);
    Dataset out{std::move(images), {}, data.class_names};
    for (std::size_t label : labels) out.labels.push_back(std::uint8_t(label));
    return out;
}

// Trains `net` for `epochs` on `train`; the accuracy on `test` after each epoch.
std::vector<double> train(Layer& net, const Dataset& train, const Dataset& test, TrainingRun& run, std::size_t epochs) {
    std::vector<double> accuracy;
    for (std::size_t e = 0; e < epochs; ++e) accuracy.push_back(train_epoch(net, train, test, run).test_accuracy);
    return accuracy;
}


std::string percent(double fraction) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f %%", 100 * fraction);
    return buffer;
}

std::string row(const std::vector<double>& accuracy) {
    std::string out;
    for (double a : accuracy) {
        out += ' ';
        out += percent(a);
        out += " |";
    }
    return out;
}

}  // namespace

int main() {
    const std::filesystem::path subset = std::filesystem::path(__FILE__).parent_path() / "../../data/fashion-mnist-subset";
    const Dataset train_all = load_fashion_mnist(subset, Split::train), test_all = load_fashion_mnist(subset, Split::test);
    const Dataset train_a = five_classes(train_all, 0), test_a = five_classes(test_all, 0);
    const Dataset train_b = five_classes(train_all, 5), test_b = five_classes(test_all, 5);
    constexpr std::size_t epochs_a = 6, epochs_b = 3;

    TrainingOptions options;
    options.batch = 64;
    options.optimizer = OptimizerKind::adam;
    options.learning_rate = 1e-3;

    // 1. Pre-training on classes 0–4.
    auto net = lenet_modern();
    initialize(*net, 1);
    TrainingRun pretraining(options);
    const std::vector<double> accuracy_a = train(*net, train_a, test_a, pretraining, epochs_a);

    // 2. Fine-tuning on classes 5–9: a fresh output layer ("13"), the convolution stages (layers 0–7:
    //    conv, batch norm, ReLU, pooling twice) frozen — their learning rate 0, the smaller rate the
    //    note asks for the reused layers taken to its limit.
    Random random(2);
    net->layers().back()->initialize_parameters(random);
    TrainingRun fine_tuning(options);
    fine_tuning.frozen = {"0", "1", "4", "5"};
    const std::size_t frozen_values = parameters(*net).size() - trainable_parameters(*net, fine_tuning).size();
    const std::vector<double> accuracy_b = train(*net, train_b, test_b, fine_tuning, epochs_b);

    // 3. The same budget from scratch on classes 5–9.
    auto scratch = lenet_modern();
    initialize(*scratch, 1);
    TrainingRun from_scratch(options);
    const std::vector<double> accuracy_scratch = train(*scratch, train_b, test_b, from_scratch, epochs_b);

    std::cout << "Pre-training on classes 0–4 (" << train_a.labels.size() << " images, " << epochs_a
              << " epochs, Adam 1e-3): test accuracy " << percent(accuracy_a.back()) << " on their "
              << test_a.labels.size() << " test images.\n\n";
    std::cout << "| classes 5–9 (" << train_b.labels.size() << " training images), test accuracy after epoch |";
    for (std::size_t e = 1; e <= epochs_b; ++e) std::cout << ' ' << e << " |";
    std::cout << "\n|---|";
    for (std::size_t e = 1; e <= epochs_b; ++e) std::cout << "---|";
    std::cout << '\n';
    std::cout << "| fine-tuned: conv stages frozen (" << frozen_values << " tensors), new output layer |"
              << row(accuracy_b) << "\n";
    std::cout << "| from scratch, all layers |" << row(accuracy_scratch) << "\n";
    return 0;
}
