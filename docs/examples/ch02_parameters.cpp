// Chapter 2 example: parameters and multiply-adds of real layers, and what a fully connected
// layer between the same input and output would hold. Prints Markdown tables that the docs build
// splices into the Chapter 2 page, so every number in them is computed here, none typed.
#include "chapters/ch02_layers/arithmetic.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

/// 590080 → "590,080"; 6.5536e12 → "\f$6.55 \times 10^{12}\f$" (a formula on the page).
std::string count(double value) {
    if (value >= 1e9) {
        const int exponent = int(std::floor(std::log10(value)));
        char mantissa[32];
        std::snprintf(mantissa, sizeof mantissa, "%.2f", value / std::pow(10.0, exponent));
        return std::string("\\f$") + mantissa + " \\times 10^{" + std::to_string(exponent) + "}\\f$";
    }
    const std::string digits = std::to_string(static_cast<unsigned long long>(std::llround(value)));
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    return grouped;
}

/// 8.69 → "8.7×"; 11106291.4 → "11,106,291×".
std::string ratio(double value) {
    if (value >= 100) return count(value) + "×";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f×", value);
    return buffer;
}

/// "4×2×3×5"
std::string shape(const cnnlab::Shape4& s) { return s.str(); }

/// One row of the table: a layer as PyTorch would write it, with the input it is applied to.
struct Row {
    std::string name;
    cnnlab::Shape4 input, weight;
    cnnlab::Conv2dOptions options;
};

void print_header() {
    std::cout << "| layer | input → output | weight | parameters \\f$P \\cdot \\frac{D}{g} \\cdot UV + P\\f$ "
                 "| multiply-adds per sample | fully connected weights \\f$c_1 h_1 w_1 \\cdot c_2 h_2 w_2\\f$ "
                 "| FC ÷ conv |\n| --- | --- | --- | --- | --- | --- | --- |\n";
}

/// One Markdown table row.
void print_row(const std::vector<std::string>& cells) {
    for (const std::string& cell : cells) std::cout << "| " << cell << ' ';
    std::cout << "|\n";
}

}  // namespace

int main() {
    using cnnlab::Mode;
    using cnnlab::Sides2;
    bool ok = true;

    //! [parameter-table]
    // Each layer: its name, the input it is applied to, its weight shape and its options.
    const std::vector<Row> rows = {
        {"note 001: `Conv2d(2, 3, (3, 5), padding=(1, 2))`",
         {4, 2, 3, 5}, {3, 2, 3, 5}, {.padding = Sides2::symmetric(1, 2)}},
        {"note 004: `Conv2d(1, 8, (2, 3))`",
         {2, 1, 7, 3}, {8, 1, 2, 3}, {}},
        {"ex 5-4: 3×3, 256 → 256",
         {1, 256, 100, 100}, {256, 256, 3, 3}, {.padding = Mode::same}},
        {"ex 5-4 bottleneck: 1×1, 256 → 64",
         {1, 256, 100, 100}, {64, 256, 1, 1}, {}},
        {"ex 5-4 bottleneck: 3×3, 64 → 256",
         {1, 64, 100, 100}, {256, 64, 3, 3}, {.padding = Mode::same}},
        {"VGG-16 conv3_2: 3×3, 256 → 256",
         {1, 256, 56, 56}, {256, 256, 3, 3}, {.padding = Mode::same}},
        {"depthwise 3×3, 256 channels (groups 256)",
         {1, 256, 56, 56}, {256, 1, 3, 3}, {.padding = Mode::same, .groups = 256}},
        {"pointwise 1×1, 256 → 256",
         {1, 256, 56, 56}, {256, 256, 1, 1}, {}},
    };
    print_header();
    for (const Row& row : rows) {
        const cnnlab::LayerCounts c =
            cnnlab::conv2d_layer_counts(row.input, row.weight, /*bias=*/true, row.options);
        const double fc = cnnlab::fully_connected_parameters(row.input.c, row.input.h, row.input.w,
                                                             c.output.c, c.output.h, c.output.w);
        print_row({row.name, shape(row.input) + " → " + shape(c.output),
                   shape(c.weight) + " + " + std::to_string(c.bias), count(double(c.parameters)),
                   count(c.multiply_adds / double(row.input.n)), count(fc), ratio(fc / double(c.parameters))});
    }
    //! [parameter-table]
    const cnnlab::LayerCounts note001 =
        cnnlab::conv2d_layer_counts({4, 2, 3, 5}, {3, 2, 3, 5}, true, {.padding = Sides2::symmetric(1, 2)});
    ok = ok && note001.output == cnnlab::Shape4{4, 3, 3, 5} && note001.parameters == 3 * 2 * 3 * 5 + 3;

    //! [separable]
    // A depthwise-separable replacement of a K×K, C → C' layer (no bias): K²C + CC' against K²CC'.
    const std::size_t separable = cnnlab::depthwise_separable_parameters(3, 256, 256);
    const std::size_t full = cnnlab::conv_layer_parameters(256, 256, 3, 3, /*groups=*/1,
                                                           /*bias=*/false);
    //! [separable]
    std::cout << "\nA depthwise-separable pair replacing the 3×3, 256 → 256 layer (without biases): "
              << count(double(separable)) << " weights instead of " << count(double(full)) << ", "
              << ratio(double(full) / double(separable)) << " fewer.\n";
    ok = ok && separable == 9 * 256 + 256 * 256;

    // Exercise 5-4: note 003's parameter counts (one bias per input-output channel pair) beside the
    // layer's own: weights plus one bias per output channel.
    const auto note_count = [](double k2, double in, double out) { return (k2 + 1) * in * out; };
    const double note_direct = note_count(9, 256, 256);
    const double note_bottleneck = note_count(1, 256, 64) + note_count(9, 64, 256);
    const double direct = double(cnnlab::conv_layer_parameters(256, 256, 3, 3));
    const double bottleneck = double(cnnlab::conv_layer_parameters(256, 64, 1, 1) + cnnlab::conv_layer_parameters(64, 256, 3, 3));
    std::cout << "\n| exercise 5-4, parameters | note 003: \\f$(UV + 1) \\cdot D \\cdot P\\f$ "
                 "| the layer holds: \\f$UV \\cdot D \\cdot P + P\\f$ |\n| --- | --- | --- |\n"
              << "| 3×3, 256 → 256 | " << count(note_direct) << " | " << count(direct) << " |\n"
              << "| 1×1, 256 → 64, then 3×3, 64 → 256 | " << count(note_bottleneck) << " | " << count(bottleneck) << " |\n";
    ok = ok && direct == 590080 && bottleneck == 16448 + 147712;
    return ok ? 0 : 1;
}
