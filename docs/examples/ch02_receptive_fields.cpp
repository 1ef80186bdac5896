// Chapter 2 example: receptive fields of stacked layers, and what they cost in parameters
// compared with one layer whose kernel sees as far. Prints a Markdown table that the docs build
// splices into the Chapter 2 page.
#include "chapters/ch02_layers/arithmetic.hpp"

#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

namespace {

/// "3×3 s2, 3×3 d2" for a stack of square layers.
std::string describe(const std::vector<cnnlab::StackedLayer>& stack) {
    std::string text;
    for (const cnnlab::StackedLayer& layer : stack) {
        if (!text.empty()) text += ", ";
        text += std::to_string(layer.kernel) + "×" + std::to_string(layer.kernel);
        if (layer.stride > 1) text += " stride " + std::to_string(layer.stride);
        if (layer.dilation > 1) text += " dilation " + std::to_string(layer.dilation);
    }
    return text;
}

/// 73856 → "73,856"
std::string with_commas(std::size_t value) {
    const std::string digits = std::to_string(value);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    return grouped;
}

/// One row of the table.
void print_row(const std::vector<cnnlab::StackedLayer>& stack, const cnnlab::ReceptiveField& field,
               std::size_t parameters, std::size_t single) {
    std::cout << "| " << describe(stack) << " | " << field.size << "×" << field.size << " = "
              << field.size * field.size << " inputs"
              << (field.jump > 1 ? " (outputs " + std::to_string(field.jump) + " inputs apart)" : std::string())
              << " | " << with_commas(parameters) << " | " << with_commas(single) << " | " << std::fixed
              << std::setprecision(2) << double(single) / double(parameters) << "× |\n";
}

}  // namespace

int main() {
    const std::size_t channels = 64;
    bool ok = true;
    std::cout << "| stack (first layer first) | receptive field | parameters, " << channels << " → " << channels
              << " channels | one \\f$r \\times r\\f$ layer | one layer ÷ stack |\n| --- | --- | --- | --- | --- |\n";

    //! [receptive-field]
    // Stacks of square layers, first layer first (kernel, stride, dilation along one axis).
    const std::vector<std::vector<cnnlab::StackedLayer>> stacks = {
        {{.kernel = 2}, {.kernel = 2}},  // d2l's z
        {{.kernel = 3}},
        {{.kernel = 3}, {.kernel = 3}},
        {{.kernel = 3}, {.kernel = 3}, {.kernel = 3}},
        {{.kernel = 3, .stride = 2}, {.kernel = 3}},
        {{.kernel = 3, .dilation = 2}},
        {{.kernel = 3}, {.kernel = 3, .dilation = 2}, {.kernel = 3, .dilation = 4}},
    };
    for (const auto& stack : stacks) {
        // r = 1 + Σ_l d_l (K_l − 1) · (product of the strides before layer l)
        const cnnlab::ReceptiveField field = cnnlab::receptive_field(stack);
        std::size_t parameters = 0;  // every layer C → C, with bias
        for (const cnnlab::StackedLayer& layer : stack)
            parameters += cnnlab::conv_layer_parameters(channels, channels, layer.kernel, layer.kernel);
        const std::size_t single = cnnlab::conv_layer_parameters(channels, channels, field.size, field.size);
        print_row(stack, field, parameters, single);
    }
    //! [receptive-field]
    ok = ok && cnnlab::receptive_field({{.kernel = 2}, {.kernel = 2}}).size == 3 &&
         cnnlab::receptive_field({{.kernel = 3}, {.kernel = 3}}).size == 5;
    return ok ? 0 : 1;
}
