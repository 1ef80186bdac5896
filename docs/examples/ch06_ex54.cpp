// Chapter 6 example: nndl exercise 5-4 counted on built layers. A 3×3 convolution 256 → 256 on a
// 100×100×256 input, against a 1×1 convolution to 64 channels followed by the 3×3 convolution
// 64 → 256; per layer and per design: output, MACs, parameters, activations — and note 003's
// answer beside them. Prints Markdown tables that the docs build splices into the Chapter 6 page;
// the program fails unless the counts equal the closed forms.
#include "chapters/ch07_networks/network.hpp"

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace {

/// 5898240000 → "5,898,240,000".
std::string grouped(std::uint64_t value) {
    const std::string digits = std::to_string(value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

/// "1×256×100×100" without the batch: "256×100×100".
std::string chw(const cnnlab::Shape4& s) { return std::to_string(s.c) + "×" + std::to_string(s.h) + "×" + std::to_string(s.w); }

}  // namespace

int main() {
    using cnnlab::layers::conv;
    //! [designs]
    cnnlab::Sequential direct("direct");
    direct.add("conv3x3", conv(256, 256, 3, /*stride=*/1, /*padding=*/1));
    cnnlab::Sequential bottleneck("bottleneck");
    bottleneck.add("reduce1x1", conv(256, 64, 1)).add("conv3x3", conv(64, 256, 3, 1, 1));
    const cnnlab::Shape4 input{1, 256, 100, 100};
    //! [designs]
    std::cout << "| design | layer | output | MACs | parameters | activations written |\n| --- | --- | --- | ---: | ---: | ---: |\n";
    std::uint64_t totals[2][3] = {};
    int d = 0;
    for (const cnnlab::Sequential* design : {&direct, &bottleneck}) {
        for (const cnnlab::LayerInfo& row : cnnlab::summarize(*design, input)) {
            if (row.composite) continue;
            std::cout << "| " << design->name() << " | " << row.path << " | " << chw(row.output) << " | " << grouped(row.macs) << " | "
                      << grouped(row.parameters) << " | " << grouped(row.activations()) << " |\n";
            totals[d][0] += row.macs;
            totals[d][1] += row.parameters;
            totals[d][2] += row.activations();
        }
        std::cout << "| **" << design->name() << "** | **total** | | **" << grouped(totals[d][0]) << "** | **" << grouped(totals[d][1])
                  << "** | **" << grouped(totals[d][2]) << "** |\n";
        ++d;
    }
    // Note 003's answer, typed in as it is written.
    const std::uint64_t note_time[2] = {100ull * 100 * 256 * 256 * 3 * 3, 100ull * 100 * 256 * 64 * 1 * 1 + 100ull * 64 * 256 * 3 * 3};
    const std::uint64_t note_params[2] = {(3 * 3 + 1) * 256ull * 256, (1 * 1 + 1) * 256ull * 64 + (3 * 3 + 1) * 64ull * 256};
    const std::uint64_t note_space[2] = {100ull * 100 * 256, 100ull * 100 * 256 + 100ull * 100 * 64};
    std::cout << "\n| design | | note 003 says | the layers count | |\n| --- | --- | ---: | ---: | --- |\n";
    const char* names[2] = {"direct", "bottleneck"};
    for (int k = 0; k < 2; ++k) {
        const auto verdict = [](std::uint64_t note, std::uint64_t right) { return note == right ? std::string("✓") : std::string("**wrong**"); };
        std::cout << "| " << names[k] << " | time (MACs) | " << grouped(note_time[k]) << " | " << grouped(totals[k][0]) << " | "
                  << verdict(note_time[k], totals[k][0]) << " |\n"
                  << "| " << names[k] << " | parameters | " << grouped(note_params[k]) << " | " << grouped(totals[k][1]) << " | "
                  << verdict(note_params[k], totals[k][1]) << " |\n"
                  << "| " << names[k] << " | space (activations) | " << grouped(note_space[k]) << " | " << grouped(totals[k][2]) << " | "
                  << verdict(note_space[k], totals[k][2]) << " |\n";
    }
    const bool ok = totals[0][0] == 5898240000ull && totals[0][1] == 590080 && totals[0][2] == 2560000 && totals[1][0] == 1638400000ull &&
                    totals[1][1] == 164160 && totals[1][2] == 3200000;
    return ok ? 0 : 1;
}
