// `cnnlab summary resnet50 [--input 3,224,224] [--classes 1000] [--json]`: a network's layers with their
// output shapes, parameters, multiply-accumulates, activations and receptive fields, then the totals.
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "cli/commands.hpp"

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace cnnlab::cli {
namespace {

struct SummaryOptions {
    std::string net;
    std::vector<std::size_t> input;
    std::size_t classes = 0;
    bool json = false;
};

std::string chw(const Shape4& s) { return s.h == 1 && s.w == 1 ? std::to_string(s.c) : str(s.c, "×", s.h, "×", s.w); }

std::string pair(std::size_t rows, std::size_t cols) { return rows == cols ? std::to_string(rows) : str(rows, "×", cols); }

// 25557032 → "25,557,032"
std::string grouped(std::uint64_t value) {
    std::string digits = std::to_string(value), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

void print_table(const std::string& name, const Shape4& input, const std::vector<LayerInfo>& rows) {
    std::printf("%s: input %s\n", name.c_str(), chw(input).c_str());
    std::printf("%-44s %-18s %12s %15s %12s %9s %6s\n", "layer", "output", "params", "MACs", "activations", "field",
                "jump");
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const LayerInfo& r = rows[i];
        const std::string label = std::string(2 * (r.depth - 1), ' ') + r.path + " (" + r.kind + ")";
        std::printf("%-44s %-18s %12s %15s %12s %9s %6s\n", label.c_str(), chw(r.output).c_str(),
                    grouped(r.parameters).c_str(), grouped(r.macs).c_str(), grouped(r.activations()).c_str(),
                    pair(r.field.rows.size, r.field.cols.size).c_str(), pair(r.field.rows.jump, r.field.cols.jump).c_str());
    }
    const LayerInfo& total = rows.front();
    const std::uint64_t activations = leaf_activations(rows);
    std::printf("output           %s\n", chw(total.output).c_str());
    std::printf("total params     %s (%s MB as float32)\n", grouped(total.parameters).c_str(),
                fixed(4.0 * static_cast<double>(total.parameters) / 1e6, 2).c_str());
    std::printf("total MACs       %s (%s GMACs, %s GFLOPs) per sample\n", grouped(total.macs).c_str(),
                fixed(static_cast<double>(total.macs) / 1e9, 2).c_str(),
                fixed(2.0 * static_cast<double>(total.macs) / 1e9, 2).c_str());
    std::printf("activations      %s values per sample (%s MB as float32, every layer's output)\n",
                grouped(activations).c_str(), fixed(4.0 * static_cast<double>(activations) / 1e6, 2).c_str());
    std::printf("receptive field  %s (jump %s)\n", pair(total.field.rows.size, total.field.cols.size).c_str(),
                pair(total.field.rows.jump, total.field.cols.jump).c_str());
}

void print_json(const std::string& name, const Shape4& input, std::size_t classes, const std::vector<LayerInfo>& rows) {
    std::cout << "{\n  \"net\": " << json_string(name) << ",\n  \"input\": [" << input.c << ", " << input.h << ", "
              << input.w << "],\n  \"classes\": " << classes << ",\n  \"layers\": [\n";
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const LayerInfo& r = rows[i];
        std::cout << "    {\"name\": " << json_string(r.path) << ", \"kind\": " << json_string(r.kind)
                  << ", \"depth\": " << r.depth << ", \"composite\": " << (r.composite ? "true" : "false")
                  << ", \"output\": [" << r.output.c << ", " << r.output.h << ", " << r.output.w
                  << "], \"params\": " << r.parameters << ", \"macs\": " << r.macs << ", \"activations\": "
                  << r.activations() << ", \"receptive_field\": [" << r.field.rows.size << ", " << r.field.cols.size
                  << "], \"jump\": [" << r.field.rows.jump << ", " << r.field.cols.jump << "]}"
                  << (i + 1 < rows.size() ? "," : "") << '\n';
    }
    const LayerInfo& total = rows.front();
    std::cout << "  ],\n  \"output\": [" << total.output.c << ", " << total.output.h << ", " << total.output.w
              << "],\n  \"total_params\": " << total.parameters << ",\n  \"total_macs\": " << total.macs
              << ",\n  \"total_activations\": " << leaf_activations(rows) << ",\n  \"receptive_field\": ["
              << total.field.rows.size << ", " << total.field.cols.size << "],\n  \"jump\": [" << total.field.rows.jump
              << ", " << total.field.cols.jump << "]\n}\n";
}

void run(const SummaryOptions& o) {
    NetInput input = default_input(o.net);
    if (!o.input.empty()) {
        if (o.input.size() != 3)
            throw argument_error(str("summary: --input takes C,H,W (3 sizes), got ", o.input.size()));
        input = {o.input[0], o.input[1], o.input[2]};
    }
    const std::size_t classes = o.classes ? o.classes : default_classes(o.net);
    const auto net = make_net(o.net, classes, input);
    const std::vector<LayerInfo> rows = summarize(*net, input.shape());
    if (o.json)
        print_json(o.net, input.shape(), classes, rows);
    else
        print_table(o.net, input.shape(), rows);
}

}  // namespace

void add_summary_command(CLI::App& app) {
    auto o = std::make_shared<SummaryOptions>();
    std::string names;
    for (const std::string& name : net_names()) names += (names.empty() ? "" : ", ") + name;
    CLI::App* cmd = app.add_subcommand(
        "summary", "a network's layers: output shape, parameters, multiply-accumulates, activations, receptive field");
    cmd->footer("Example: cnnlab summary resnet50 --input 3,224,224 --classes 1000");
    cmd->add_option("NET", o->net, "the network: " + names)->required();
    cmd->add_option("--input", o->input, "input size C,H,W (default: the network's usual input)")->delimiter(',')->check(non_negative);
    cmd->add_option("--classes", o->classes, "number of classes (default: the net's usual count — 10 for LeNet, NiN and d2l's nets, 1000 for the ImageNet nets)")->check(non_negative);
    cmd->add_flag("--json", o->json, "print JSON (total_params, total_macs and one object per layer)");
    cmd->callback([o] { run(*o); });
}

}  // namespace cnnlab::cli
