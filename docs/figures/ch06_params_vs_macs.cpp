// Figure: every classic network of Chapter 7 as one point — its parameters (space) against its
// multiply-accumulates per image (time), both on logarithmic axes, at each network's usual input
// and class count (cnnlab::default_input, cnnlab::default_classes). The counts are
// cnnlab::summarize's; before drawing, the program checks for every network that the root's counts
// are the sums of its leaf rows, and AlexNet, VGG-16 and ResNet-50 against torchvision's published
// parameter counts. Labels are placed greedily beside their points where they overlap nothing
// drawn before. Dotted diagonals mark equal MACs per
// parameter (how often each weight is used per image); the colour says whether fully connected
// layers hold most of the parameters.
//
//     ch06_params_vs_macs <output.svg> <source-dir>
#include "chapters/ch07_networks/nets.hpp"
#include "docs/figures/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace {

using figures::Svg;
using figures::TextStyle;

/// One network's point.
struct Net {
    std::string name;
    cnnlab::NetInput input;
    double parameters = 0, macs = 0, fc_share = 0;
};

/// "10⁵" as SVG markup.
std::string power_of_ten(int exponent) { return figures::scripted("10", std::to_string(exponent), "", 12); }

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: ch06_params_vs_macs <output.svg> <source-dir>\n";
        return 2;
    }
    std::vector<Net> nets;
    for (const std::string& name : cnnlab::net_names()) {
        Net n{.name = name, .input = cnnlab::default_input(name)};
        const auto rows = cnnlab::summarize(*cnnlab::make_net(name, cnnlab::default_classes(name), n.input), n.input.shape());
        std::uint64_t leaf_parameters = 0, leaf_macs = 0, fc = 0;
        for (const cnnlab::LayerInfo& row : rows) {
            if (row.composite) continue;
            leaf_parameters += row.parameters;
            leaf_macs += row.macs;
            if (row.kind == "Linear") fc += row.parameters;
        }
        if (leaf_parameters != rows.front().parameters || leaf_macs != rows.front().macs) {
            std::cerr << "ch06_params_vs_macs: " << name << "'s totals are not the sums of its layers\n";
            return 1;
        }
        n.parameters = double(rows.front().parameters);
        n.macs = double(rows.front().macs);
        n.fc_share = double(fc) / n.parameters;
        nets.push_back(n);
    }
    const std::map<std::string, double> torchvision{{"alexnet", 61100840}, {"vgg16", 138357544}, {"resnet50", 25557032}};
    for (const Net& n : nets)
        if (torchvision.count(n.name) && torchvision.at(n.name) != n.parameters) {
            std::cerr << "ch06_params_vs_macs: " << n.name << " has " << n.parameters << " parameters, torchvision "
                      << torchvision.at(n.name) << '\n';
            return 1;
        }

    // Axes: whole decades around the data.
    double min_p = 1e30, max_p = 0, min_m = 1e30, max_m = 0;
    for (const Net& n : nets) {
        min_p = std::min(min_p, n.parameters), max_p = std::max(max_p, n.parameters);
        min_m = std::min(min_m, n.macs), max_m = std::max(max_m, n.macs);
    }
    const int x_lo = int(std::floor(std::log10(min_p))), x_hi = int(std::ceil(std::log10(max_p)));
    const int y_lo = int(std::floor(std::log10(min_m))), y_hi = int(std::ceil(std::log10(max_m)));
    const double width = 760, left = 90, right = 30, top = 90, plot_h = 430;
    const double plot_w = width - left - right, height = top + plot_h + 120;
    const auto px = [&](double p) { return left + (std::log10(p) - x_lo) / (x_hi - x_lo) * plot_w; };
    const auto py = [&](double m) { return top + plot_h - (std::log10(m) - y_lo) / (y_hi - y_lo) * plot_h; };

    Svg svg(width, height);
    svg.text(width / 2, 26, "Parameters against multiply-accumulates of the classic networks", {.size = 17, .anchor = "middle", .weight = "bold"});
    svg.text(width / 2, 48, "one image at each network's usual input (cnnlab::default_input), both axes logarithmic",
             {.size = 13, .anchor = "middle", .fill = "#444"});
    // Grid and tick labels.
    for (int e = x_lo; e <= x_hi; ++e) {
        const double x = px(std::pow(10.0, e));
        svg.line(x, top, x, top + plot_h, "#e3e3e3");
        svg.text_markup(x, top + plot_h + 20, power_of_ten(e), {.size = 12, .anchor = "middle", .fill = "#333"});
    }
    for (int e = y_lo; e <= y_hi; ++e) {
        const double y = py(std::pow(10.0, e));
        svg.line(left, y, left + plot_w, y, "#e3e3e3");
        svg.text_markup(left - 8, y + 4, power_of_ten(e), {.size = 12, .anchor = "end", .fill = "#333"});
    }
    svg.rect(left, top, plot_w, plot_h, "none", "#888");
    svg.text(left + plot_w / 2, top + plot_h + 44, "parameters (space 空间复杂度)", {.size = 13, .anchor = "middle", .fill = "#222"});
    // The vertical axis's title sits above it (the writer draws no rotated text).
    svg.text(left - 8, top - 10, "MACs per image (time 时间复杂度)", {.size = 13, .anchor = "start", .fill = "#222"});

    // Diagonals: MACs = k · parameters, clipped to the plot, each labelled a fifth of the way along
    // (the empty lower left); the labels' boxes are kept so that no point label covers them.
    struct Box {
        double x0, y0, x1, y1;
        bool overlaps(const Box& b) const { return x0 < b.x1 && b.x0 < x1 && y0 < b.y1 && b.y0 < y1; }
    };
    std::vector<Box> taken;
    const double char_width = 6.8, text_height = 12;
    for (double k : {1.0, 10.0, 100.0, 1000.0}) {
        const double p0 = std::max(std::pow(10.0, x_lo), std::pow(10.0, y_lo) / k);
        const double p1 = std::min(std::pow(10.0, x_hi), std::pow(10.0, y_hi) / k);
        if (p0 >= p1) continue;
        svg.line(px(p0), py(k * p0), px(p1), py(k * p1), "#9aa5b1", 1, "2 4");
        const double p = p0 * std::pow(p1 / p0, 0.2);
        const std::string label = figures::number(k) + (k == 1 ? " MAC per parameter" : " MACs per parameter");
        const double x = px(p) + 6, y = py(k * p) - 6;
        svg.text(x, y, label, {.size = 11, .anchor = "start", .fill = "#6b7785", .halo = true});
        taken.push_back({x, y - text_height + 2, x + 6.2 * double(label.size()), y + 3});
    }
    // Points first, then each label at the first place beside its point that overlaps no point and
    // no label placed before (text boxes estimated from the character count).
    for (const Net& n : nets) {
        const double x = px(n.parameters), y = py(n.macs);
        svg.rect(x - 5, y - 5, 10, 10, n.fc_share > 0.5 ? "#c0392b" : "#2c7fb8", "white", 1, "rx=\"5\"");
        taken.push_back({x - 5, y - 5, x + 5, y + 5});
    }
    for (const Net& n : nets) {
        const double x = px(n.parameters), y = py(n.macs), w = char_width * double(n.name.size());
        // Candidate baselines: right, left, above, below, and the four diagonals.
        const struct {
            double dx, dy;
            const char* anchor;
        } places[] = {{9, 4, "start"}, {-9, 4, "end"}, {0, -9, "middle"}, {0, 18, "middle"},
                      {7, -7, "start"}, {-7, -7, "end"}, {7, 16, "start"}, {-7, 16, "end"}};
        std::size_t chosen = 0;
        Box box{};
        for (std::size_t k = 0; k < std::size(places); ++k) {
            const double bx = x + places[k].dx, by = y + places[k].dy;
            const double left_edge = places[k].anchor == std::string("start") ? bx : places[k].anchor == std::string("end") ? bx - w : bx - w / 2;
            const Box candidate{left_edge, by - text_height + 2, left_edge + w, by + 3};
            const bool inside = candidate.x0 >= left && candidate.x1 <= left + plot_w && candidate.y0 >= top && candidate.y1 <= top + plot_h;
            bool free = inside;
            for (const Box& t : taken) free = free && !candidate.overlaps(t);
            if (free || k + 1 == std::size(places)) {
                chosen = k, box = candidate;
                if (free) break;
            }
        }
        taken.push_back(box);
        svg.text(x + places[chosen].dx, y + places[chosen].dy, n.name, {.size = 12, .anchor = places[chosen].anchor, .fill = "#222", .halo = true});
    }
    // Legend.
    const double y_legend = top + plot_h + 70;
    svg.rect(left, y_legend - 9, 10, 10, "#c0392b", "white", 1, "rx=\"5\"");
    svg.text(left + 16, y_legend, "fully connected layers hold more than half of the parameters", {.size = 12, .fill = "#333"});
    svg.rect(left, y_legend + 11, 10, 10, "#2c7fb8", "white", 1, "rx=\"5\"");
    svg.text(left + 16, y_legend + 20, "convolutional layers do (global average pooling and at most one small linear layer)",
             {.size = 12, .fill = "#333"});
    svg.text(left, y_legend + 42, "A weight in a conv layer is used at every position of its feature map; one in a linear layer once per image.",
             {.size = 12, .fill = "#333"});
    svg.save(argv[1], "Parameters against multiply-accumulates per image of the classic networks (counted by cnnlab::summarize)");
    return 0;
}
