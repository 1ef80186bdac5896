// Figure: the Chapter 3 benchmarks as a bar chart — GFLOP/s of the forward and of both backward
// passes of each benchmark layer, one panel per thread count, with the OpenBLAS sgemm ceiling of
// the same run marked and each backward bar labelled with its time over the forward's.
//
//     ch03_bench <output.svg> <source-dir>
//
// It reads the committed measurements <source-dir>/bench/results/ch03.csv (bench/ch03_bench.cpp;
// format and layout: bench_chart.hpp), one row per (layer, pass/path, thread count):
//
//     ch03-ex5-4,input/gemm_col2im,1,83.1
//
// Paths are "forward/ALGORITHM", "input/ALGORITHM", "weight/ALGORITHM" and the naive
// "reference/input", "reference/weight", and oneDNN's backward primitives of the same run,
// "input/onednn-direct", "weight/onednn-winograd"… (drawn in browns, without the "× fwd"). Every row counts the forward's FLOPs, so a backward bar's
// time over the forward's is forward/automatic's GFLOP/s over its own (same group and thread
// count). Groups and paths are drawn in the order they first appear. The naive references ran
// single-threaded: they are drawn in the 1-thread panel only, with no note in the others.
#include "docs/figures/bench_chart.hpp"

#include <cstdio>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace {

/// The pass of a path: "forward", "input", "weight" or "reference".
std::string pass_of(const std::string& path) { return path.substr(0, path.find('/')); }

/// Colours by pass, shades within it (Okabe–Ito hues, distinguishable with the common
/// colour-vision deficiencies): forward blue, backward input orange, backward weight green,
/// the naive references grey.
std::string colour_of(const std::string& pass, std::size_t index) {
    static const std::map<std::string, std::vector<std::string>> shades = {
        {"forward", {"#0072B2", "#56B4E9"}},
        {"input", {"#D55E00", "#E69F00", "#F0C36A"}},
        {"weight", {"#009E73", "#66C2A5", "#A6DBA0"}},
        {"reference", {"#9a9a9a", "#c4c4c4"}}};
    const auto found = shades.find(pass);
    if (found == shades.end()) return "#CC79A7";
    return found->second[index % found->second.size()];
}

/// oneDNN's rows (bench/onednn_bench.cpp): "input/onednn-direct", "weight/onednn-winograd".
bool is_onednn(const std::string& path) { return path.find("/onednn") != std::string::npos; }

/// A bar's label: its GFLOP/s, and for a backward pass of cnnlab also its time over the forward's.
std::string bar_label(const figures::BenchTable& table, const figures::BenchRow& row) {
    const bool backward = (pass_of(row.path) == "input" || pass_of(row.path) == "weight") && !is_onednn(row.path);
    const figures::BenchRow* forward = table.find(row.group, "forward/automatic", row.threads);
    if (!backward || !forward) return figures::gflops_label(row.gflops);
    char label[48];
    std::snprintf(label, sizeof label, "%.1f · %.2f× fwd", row.gflops, forward->gflops / row.gflops);
    return label;
}

/// The Chapter 3 chart: the text, colours by pass, sizes and bar labels of this figure.
figures::BarChart describe(const figures::BenchTable& table) {
    figures::BarChart chart{
        .heading = "Convolution layer: GFLOP/s of the forward and of both backward passes",
        .subtitles = {"float; every pass credited with the forward's 2·N·C_out·H_out·W_out·C_in·K_h·K_w FLOPs (each "
                      "backward pass performs as many)",
                      "\"× fwd\": the pass's time over the forward's (forward/automatic, same layer and thread count)"},
        .legend_top = 78,
        .paths = table.paths(),
        // Room right of each panel for the longest label ("123.4 · 2.61× fwd").
        .label_width = 160,
        .panel_width = 330,
        .panel_gap = 90,
        .bar_label = bar_label,
        .note_missing = false,
    };
    // oneDNN's rows, the yardstick, in shades of brown apart from cnnlab's passes.
    static const char* const onednn_palette[] = {"#8C510A", "#BF812D", "#DFC27D", "#543005"};
    std::map<std::string, std::size_t> shade;  // pass → next shade
    std::size_t next_onednn = 0;
    for (const std::string& p : chart.paths)
        chart.colour[p] = is_onednn(p) ? onednn_palette[next_onednn++ % std::size(onednn_palette)]
                                       : colour_of(pass_of(p), shade[pass_of(p)]++);
    return chart;
}

}  // namespace

int main(int argc, char** argv) {
    return figures::bench_figure_main(argc, argv, "ch03_bench", "ch03.csv",
                                      "GFLOP/s of the Chapter 3 backward passes next to the forward, with the sgemm ceiling",
                                      describe);
}
