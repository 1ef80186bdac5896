// Chapter 6 example: the time and space of every classic network of Chapter 7 — parameters,
// multiply-accumulates (MACs) and activations per image, and the share of the parameters held by
// fully connected layers — counted by cnnlab::summarize at each network's usual input and classes.
// Prints a Markdown table that the docs build splices into the Chapter 6 page; the program fails
// unless each network's totals are the sums of its layers and AlexNet's and VGG-16's equal
// torchvision's.
#include "chapters/ch07_networks/nets.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

namespace {

/// 61100840 → "61,100,840".
std::string grouped(std::uint64_t value) {
    const std::string digits = std::to_string(value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

/// A number with `decimals` places.
std::string fixed(double value, int decimals) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

}  // namespace

int main() {
    bool ok = true;
    std::cout << "| network | input | parameters | MACs per image | activations per image | activation memory (float32) "
                 "| FC share of the parameters | MACs per parameter |\n"
                 "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    for (const std::string& name : cnnlab::net_names()) {
        //! [count]
        const cnnlab::NetInput input = cnnlab::default_input(name);
        const auto net = cnnlab::make_net(name, cnnlab::default_classes(name), input);
        const auto rows = cnnlab::summarize(*net, input.shape());
        const cnnlab::LayerInfo& total = rows.front();  // the network as a whole
        std::uint64_t fc_parameters = 0, activations = 0, leaf_parameters = 0;
        for (const cnnlab::LayerInfo& row : rows) {
            if (row.composite) continue;  // a block's counts are its children's sums
            leaf_parameters += row.parameters;
            if (row.kind == "Linear") fc_parameters += row.parameters;
            // Values written by layers that compute something new; ReLU and dropout
            // run in place, flatten and identity are views.
            const bool in_place = row.kind == "ReLU" || row.kind == "Dropout" ||
                                  row.kind == "Flatten" || row.kind == "Identity";
            if (!in_place) activations += row.activations();
        }
        //! [count]
        ok = ok && leaf_parameters == total.parameters;
        if (name == "alexnet") ok = ok && total.parameters == 61100840 && total.macs == 714188480;
        if (name == "vgg16") ok = ok && total.parameters == 138357544;
        std::cout << "| " << name << " | " << input.channels << "×" << input.height << "×" << input.width << " | "
                  << grouped(total.parameters) << " | " << grouped(total.macs) << " | " << grouped(activations) << " | "
                  << fixed(double(activations) * 4 / 1e6, 1) << " MB | " << fixed(100.0 * double(fc_parameters) / double(total.parameters), 1)
                  << " % | " << fixed(double(total.macs) / double(total.parameters), 0) << " |\n";
    }
    return ok ? 0 : 1;
}
