// Figure: the Chapter 2 benchmarks as a bar chart — GFLOP/s of every path on every benchmark
// shape, one panel per thread count, with the OpenBLAS sgemm ceiling of the same run marked.
//
//     ch02_bench <output.svg> <source-dir>
//
// It reads the committed measurements <source-dir>/bench/results/ch02.csv (bench/ch02_bench.cpp;
// format and layout: bench_chart.hpp), one row per (benchmark shape, path, thread count). Groups
// and paths are drawn in the order they first appear, except that a path named "automatic" comes
// last. A path measured at some thread counts only says so in the other panels.
#include "docs/figures/bench_chart.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace {

/// The Chapter 2 chart: the text, path order, colours and sizes of this figure.
figures::BarChart describe(const figures::BenchTable& table) {
    // Paths in order of first appearance, but "automatic" last: it repeats one of the others.
    std::vector<std::string> paths = table.paths();
    std::stable_partition(paths.begin(), paths.end(), [](const std::string& p) { return p != "automatic"; });
    return {
        .heading = "Convolution layers: GFLOP/s of each path on each benchmark shape",
        .subtitles = {"float; every path credited with the direct formula's 2·N·C_out·H_out·W_out·(C_in/g)·K_h·K_w "
                      "FLOPs"},
        .legend_top = 60,
        .paths = paths,
        .colour = figures::path_colours(paths),
        .label_width = 190,
        .panel_width = 300,
        .panel_gap = 34,
    };
}

}  // namespace

int main(int argc, char** argv) {
    return figures::bench_figure_main(argc, argv, "ch02_bench", "ch02.csv",
                                      "GFLOP/s of the Chapter 2 convolution-layer paths, with the sgemm ceiling",
                                      describe);
}
