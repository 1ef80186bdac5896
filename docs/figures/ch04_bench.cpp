// Figure: the Chapter 4 benchmarks as a bar chart — GB/s of max and average pooling, forward and
// backward, on each benchmark shape and window, one panel per thread count, with the copy
// bandwidth of the same run as the ceiling and each bar labelled with its share of it and its
// speed-up over the naive reference of the same pass.
//
//     ch04_bench <output.svg> <source-dir>
//
// It reads the committed measurements <source-dir>/bench/results/ch04.csv (bench/ch04_bench.cpp;
// format and layout: bench_chart.hpp), one row per (shape and window, pass, thread count):
//
//     ch04-n8-2x2s2,max_forward,1,14.2
//
// Paths are the passes max_forward, max_argmax, max_backward, avg_forward, avg_backward and the
// naive "reference/PASS" (single-threaded, on a reduced batch). The references are not drawn — at
// about 1 GB/s their bars would be slivers — but every bar says how many times faster than its
// pass's reference it runs (same bytes per value, so the GB/s ratio is the speed-up).
#include "docs/figures/bench_chart.hpp"

#include <cstdio>
#include <map>
#include <string>

namespace {

/// The optimized passes in drawing order, with their colours (Okabe–Ito hues: max pooling in
/// blues, average pooling in oranges; the backward passes lighter).
const std::map<std::string, std::string>& pass_colours() {
    static const std::map<std::string, std::string> colours = {{"max_forward", "#0072B2"},
                                                               {"max_argmax", "#56B4E9"},
                                                               {"max_backward", "#9ACDEB"},
                                                               {"avg_forward", "#D55E00"},
                                                               {"avg_backward", "#F0A868"}};
    return colours;
}

/// A bar's label: GB/s, the share of the copy bandwidth at its thread count, and × the reference.
std::string bar_label(const figures::BenchTable& table, const figures::BenchRow& row) {
    std::string label = figures::gflops_label(row.gflops);
    char part[48];
    if (table.ceiling.count(row.threads)) {
        std::snprintf(part, sizeof part, " · %.0f %%", 100 * row.gflops / table.ceiling.at(row.threads));
        label += part;
    }
    if (const figures::BenchRow* reference = table.find(row.group, "reference/" + row.path, 1)) {
        const double speedup = row.gflops / reference->gflops;
        std::snprintf(part, sizeof part, speedup < 10 ? " · %.1f× ref" : " · %.0f× ref", speedup);
        label += part;
    }
    return label;
}

/// The Chapter 4 chart: the text, colours, sizes and bar labels of this figure.
figures::BarChart describe(const figures::BenchTable&) {
    figures::BarChart chart{
        .heading = "Pooling: GB/s of max and average pooling, forward and backward (float)",
        .subtitles = {"bytes each pass must read and write once: x + y (forward), + arg-max (max_argmax), "
                      "dy + arg-max + dx (max_backward), dy + dx (avg_backward)",
                      "labels: GB/s · share of the copy bandwidth (same run, same thread count) · × the naive "
                      "reference (1 thread, reduced batch)"},
        .legend_top = 78,
        .paths = {"max_forward", "max_argmax", "max_backward", "avg_forward", "avg_backward"},
        .label_width = 150,
        .panel_width = 330,
        .panel_gap = 140,  // room right of each panel for the longest label ("12.3 · 61 % · 123× ref")
        .bar_label = bar_label,
        .note_missing = false,
    };
    chart.colour = pass_colours();
    return chart;
}

}  // namespace

int main(int argc, char** argv) {
    return figures::bench_figure_main(argc, argv, "ch04_bench", "ch04.csv",
                                      "GB/s of the Chapter 4 pooling passes, with the copy bandwidth as the ceiling",
                                      describe);
}
