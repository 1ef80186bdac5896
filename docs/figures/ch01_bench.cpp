// Figure: the Chapter 1 benchmarks as a bar chart — GFLOP/s of every path filtering one 1024×1024
// image with a 3×3, 7×7 and 31×31 kernel, one panel per thread count, with the OpenBLAS sgemm
// ceiling of the same run marked.
//
//     ch01_bench <output.svg> <source-dir>
//
// It reads the committed measurements <source-dir>/bench/results/ch01.csv (bench/ch01_bench.cpp;
// format and layout: bench_chart.hpp), one row per (kernel size, path, thread count). The naive
// reference and arma::conv2 run single-threaded and appear in the 1-thread panel only; "auto"
// (the path choose_algorithm picks) is drawn last.
#include "docs/figures/bench_chart.hpp"

namespace {

/// The Chapter 1 chart: its text and sizes.
figures::BarChart describe(const figures::BenchTable& table) {
    return figures::algorithm_chart(table, "auto", "Image filtering: GFLOP/s of each path on a 1024×1024 image",
                                    "float, valid cross-correlation; every path credited with the direct formula's "
                                    "2·H_out·W_out·K_h·K_w FLOPs (FFT and separable do fewer)",
                                    120, 320);
}

}  // namespace

int main(int argc, char** argv) {
    return figures::bench_figure_main(argc, argv, "ch01_bench", "ch01.csv",
                                      "GFLOP/s of the Chapter 1 image-filtering paths, with the sgemm ceiling", describe);
}
