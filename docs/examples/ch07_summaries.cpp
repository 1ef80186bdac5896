// Chapter 7 example: every classic network of net_names() at its usual input — parameters,
// multiply-accumulates, activations, weight layers, the receptive field of its last feature map and
// the share of its parameters held by fully connected layers — as one Markdown table, then one
// compact table per network of its top-level stages. Everything is shape inference (nothing runs),
// so the whole program takes milliseconds. Prints Markdown that the docs build splices into the
// Chapter 7 page; a network added to net_names() appears here without a change.
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/network.hpp"

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

/// 416520 → "416,520"
std::string grouped(std::uint64_t value) {
    const std::string digits = std::to_string(value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

/// 138357544 → "138.36M"; 416520 → "416,520" (exact below a million).
std::string human(std::uint64_t value) {
    if (value < 1000000) return grouped(value);
    char buffer[32];
    if (value < 1000000000)
        std::snprintf(buffer, sizeof buffer, "%.2fM", double(value) / 1e6);
    else
        std::snprintf(buffer, sizeof buffer, "%.2fG", double(value) / 1e9);
    return buffer;
}

/// C×H×W, or just C for a flattened N×C×1×1.
std::string chw(const cnnlab::Shape4& s) {
    return s.h == 1 && s.w == 1 ? std::to_string(s.c) : cnnlab::str(s.c, "×", s.h, "×", s.w);
}

/// What one network's summary adds up to.
struct NetTotals {
    std::uint64_t activations = 0;    ///< Σ over leaf layers of C_out·H_out·W_out
    std::size_t weight_layers = 0;    ///< layers that multiply-accumulate: convolutions and linear layers
    std::uint64_t linear_parameters = 0;
    const cnnlab::LayerInfo* last_feature_map = nullptr;  ///< the last leaf whose output is still spatial
};

NetTotals totals(const std::vector<cnnlab::LayerInfo>& rows) {
    NetTotals t;
    for (const cnnlab::LayerInfo& row : rows) {
        if (row.composite) continue;
        t.activations += row.activations();
        if (row.macs > 0) ++t.weight_layers;
        if (row.kind == "Linear") t.linear_parameters += row.parameters;
        if (row.output.h > 1 || row.output.w > 1) t.last_feature_map = &row;
    }
    return t;
}

/// Leaves that neither hold parameters nor compute products nor pool (activations, dropout,
/// flatten, an adaptive pooling that keeps the size): left out of the stage tables.
bool minor_leaf(const cnnlab::LayerInfo& row) {
    const bool pooling = row.kind.find("Pool") != std::string::npos && row.input != row.output;
    return !row.composite && row.parameters == 0 && row.macs == 0 && !pooling;
}

/// 95.83 → "95.8 %", 0.046 → "0.05 %", 0 → "0 %".
std::string percent(double value) {
    char buffer[32];
    if (value == 0)
        return "0 %";
    std::snprintf(buffer, sizeof buffer, value < 1 ? "%.2f %%" : "%.1f %%", value);
    return buffer;
}

}  // namespace

int main() {
    std::cout << "| network | input | classes | parameters | MACs | activations | conv + linear | field (jump) "
                 "| share in linear |\n"
                 "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    //! [summaries]
    for (const std::string& name : cnnlab::net_names()) {
        const cnnlab::NetInput input = cnnlab::default_input(name);
        const std::size_t classes = cnnlab::default_classes(name);
        const std::unique_ptr<cnnlab::Sequential> network = cnnlab::make_net(name, classes);
        const std::vector<cnnlab::LayerInfo> rows = cnnlab::summarize(*network, input.shape());
        //! [summaries]
        const cnnlab::LayerInfo& net = rows.front();
        const NetTotals t = totals(rows);
        const std::string share = percent(100.0 * double(t.linear_parameters) / double(net.parameters));
        std::string field = "—";
        if (t.last_feature_map)
            field = cnnlab::str(t.last_feature_map->field.rows.size, " (", t.last_feature_map->field.rows.jump, ")");
        std::cout << "| `" << name << "` | " << chw(input.shape()) << " | " << classes << " | " << human(net.parameters) << " | "
                  << human(net.macs) << " | " << human(t.activations) << " | " << t.weight_layers << " | " << field << " | "
                  << share << " |\n";
    }
    std::cout << "\n";

    // One stage table per network: its top-level children (a torchvision `features` block of at
    // most 32 children is opened one level), without the minor leaves.
    for (const std::string& name : cnnlab::net_names()) {
        const cnnlab::NetInput input = cnnlab::default_input(name);
        const auto network = cnnlab::make_net(name, cnnlab::default_classes(name));
        const std::vector<cnnlab::LayerInfo> rows = cnnlab::summarize(*network, input.shape());
        std::size_t features_children = 0;
        for (const cnnlab::LayerInfo& row : rows)
            if (row.depth == 2 && row.path.starts_with("features.")) ++features_children;
        const bool open_features = features_children > 0 && features_children <= 32;
        std::cout << "**" << name << "** (input " << chw(input.shape()) << ")\n\n"
                  << "| stage | kind | output | parameters | MACs |\n| --- | --- | --- | ---: | ---: |\n";
        for (const cnnlab::LayerInfo& row : rows) {
            const bool is_features = row.depth == 1 && row.path == "features";
            const bool stage = (row.depth == 1 && !(open_features && is_features)) ||
                               (open_features && row.depth == 2 && row.path.starts_with("features."));
            if (!stage || minor_leaf(row)) continue;
            std::cout << "| `" << row.path << "` | " << row.kind << " | " << chw(row.output) << " | " << grouped(row.parameters)
                      << " | " << grouped(row.macs) << " |\n";
        }
        std::cout << "\n";
    }
    return 0;
}
