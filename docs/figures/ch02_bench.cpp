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

namespace {

/// The Chapter 2 chart: its text and sizes.
figures::BarChart describe(const figures::BenchTable& table) {
    return figures::algorithm_chart(table, "automatic", "Convolution layers: GFLOP/s of each path on each benchmark shape",
                                    "float; every path credited with the direct formula's "
                                    "2·N·C_out·H_out·W_out·(C_in/g)·K_h·K_w FLOPs",
                                    190, 300);
}

}  // namespace

int main(int argc, char** argv) {
    return figures::bench_figure_main(argc, argv, "ch02_bench", "ch02.csv",
                                      "GFLOP/s of the Chapter 2 convolution-layer paths, with the sgemm ceiling",
                                      describe);
}
