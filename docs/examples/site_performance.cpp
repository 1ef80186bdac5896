// The site's performance page: for each layer of the notes that the benchmarks time, each pass and each
// thread count, the speed of what a cnnlab layer call runs (its `automatic` path), its fraction of the
// machine's FMA peak, and its ratio to oneDNN and to PyTorch, read from the committed measurements:
//
//   bench/results/ch02.csv          the forward pass: cnnlab's paths, the sgemm ceiling and oneDNN 2.6's
//                                   primitives (direct, Winograd, direct with its layout reorders), one run
//   bench/results/ch03.csv          the forward and both backward passes of five of the layers, cnnlab's
//                                   and oneDNN's backward primitives (direct, Winograd), one run
//   bench/results/pytorch_conv.csv  PyTorch's three passes on every layer (bench/pytorch_conv.py)
//
// Every rate is GFLOP/s of the forward's direct formula over wall time, whatever the pass or path computes,
// so a ratio of rates is the inverse ratio of times. Prints Markdown that the docs build splices into
// docs/pages/performance.md. A missing or malformed file stops the program (and the docs build).
#include "bench/layer_shapes.hpp"
#include "docs/figures/bench_chart.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

namespace {

/// bench/results, found from the repository root or next to this source.
std::filesystem::path results_directory() {
    for (const std::filesystem::path& p :
         {std::filesystem::path("bench/results"), std::filesystem::path(__FILE__).parent_path() / "../../bench/results"})
        if (std::filesystem::is_directory(p)) return p;
    throw std::runtime_error("bench/results not found (run from the repository root)");
}

/// One pass of a layer: where cnnlab's and PyTorch's rates are, and whether oneDNN was timed on it.
struct Pass {
    const char* name;           ///< as the table shows it
    const char* file;           ///< cnnlab's measurements
    const char* group_prefix;   ///< that file's group names: prefix + the layer's name after "ch02-"
    const char* cnnlab_path;    ///< the automatic path of the pass
    const char* pytorch_path;   ///< in pytorch_conv.csv
    const char* onednn_prefix;  ///< oneDNN's paths in the same file: prefix + "onednn-direct", "onednn-winograd"
    bool reorders;              ///< oneDNN's direct primitive with its layout reorders timed (forward only)
};

const Pass passes[] = {
    {"forward", "ch02.csv", "ch02-", "automatic", "pytorch/forward", "", true},
    {"backward-data", "ch03.csv", "ch03-", "input/automatic", "pytorch/input", "input/", false},
    {"backward-weights", "ch03.csv", "ch03-", "weight/automatic", "pytorch/weight", "weight/", false},
};

std::optional<double> rate(const figures::BenchTable& table, const std::string& group, const std::string& path, int threads) {
    const figures::BenchRow* row = table.find(group, path, threads);
    return row ? std::optional<double>(row->gflops) : std::nullopt;
}

/// oneDNN's fastest primitive for a pass on a group (direct or Winograd, layouts excluded).
std::optional<double> onednn_best(const figures::BenchTable& table, const std::string& group, const std::string& prefix,
                                  int threads) {
    std::optional<double> best;
    for (const char* path : {"onednn-direct", "onednn-winograd"})
        if (const auto r = rate(table, group, prefix + path, threads); r && (!best || *r > *best)) best = r;
    return best;
}

std::string number(std::optional<double> value, const char* format) {
    if (!value) return "—";
    char text[32];
    std::snprintf(text, sizeof text, format, *value);
    return text;
}

std::optional<double> ratio(std::optional<double> ours, std::optional<double> theirs) {
    if (!ours || !theirs || *theirs <= 0) return std::nullopt;
    return *ours / *theirs;
}

/// "a / b": the 1-thread and the 2-thread value of a cell.
std::string pair(std::optional<double> one, std::optional<double> two, const char* format) {
    return number(one, format) + " / " + number(two, format);
}

/// How many (layer, pass, threads) cells cnnlab wins, of how many measured.
struct Tally {
    int wins = 0, measured = 0;
    void add(std::optional<double> r) {
        if (!r) return;
        ++measured;
        if (*r >= 1.0) ++wins;
    }
};

}  // namespace

int main() try {
    const std::filesystem::path dir = results_directory();
    const figures::BenchTable forward = figures::read_bench_csv((dir / "ch02.csv").string());
    const figures::BenchTable backward = figures::read_bench_csv((dir / "ch03.csv").string());
    const figures::BenchTable pytorch = figures::read_bench_csv((dir / "pytorch_conv.csv").string());
    const auto table_of = [&](const Pass& p) -> const figures::BenchTable& {
        return std::string(p.file) == "ch02.csv" ? forward : backward;
    };

    std::cout << "| layer | GFLOP | pass | cnnlab GFLOP/s | of FMA peak, % | × oneDNN best | × oneDNN direct + reorders | × PyTorch |\n"
              << "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n";
    Tally versus_onednn, versus_onednn_reorders, versus_pytorch;
    for (const cnnlab::bench::LayerShape& shape : cnnlab::bench::layer_shapes) {
        const std::string name = std::string(shape.group).substr(5);  // "ch02-ex5-4" → "ex5-4"
        const cnnlab::LayerGeometry geometry = cnnlab::bench::geometry_of(shape, shape.n, shape.size);
        const double gflop = geometry.flops() / 1e9;
        const std::string label = "`" + name + "`<br>" + geometry.str() + ", stride " + std::to_string(shape.stride) +
                                  ", padding " + std::to_string(shape.pad);
        bool first = true;
        for (const Pass& p : passes) {
            const figures::BenchTable& table = table_of(p);
            const std::string group = p.group_prefix + name;
            std::optional<double> ours[2], onednn[2], reorders[2], torch[2];
            for (int t = 1; t <= 2; ++t) {
                ours[t - 1] = rate(table, group, p.cnnlab_path, t);
                onednn[t - 1] = ratio(ours[t - 1], onednn_best(table, group, p.onednn_prefix, t));
                if (p.reorders) reorders[t - 1] = ratio(ours[t - 1], rate(table, group, "onednn-direct+reorders", t));
                torch[t - 1] = ratio(ours[t - 1], rate(pytorch, shape.group, p.pytorch_path, t));
                versus_onednn.add(onednn[t - 1]);
                versus_onednn_reorders.add(reorders[t - 1]);
                versus_pytorch.add(torch[t - 1]);
            }
            if (!ours[0] && !ours[1]) continue;  // a pass the benchmarks do not time on this layer
            const auto of_peak = [&](int t) -> std::optional<double> {
                if (!ours[t - 1] || !table.fma_peak.count(t)) return std::nullopt;
                return 100.0 * *ours[t - 1] / table.fma_peak.at(t);
            };
            std::cout << "| " << (first ? label : "") << " | "
                      << (first ? number(gflop, "%.3g") : "") << " | " << p.name << " | "
                      << pair(ours[0], ours[1], "%.1f") << " | " << pair(of_peak(1), of_peak(2), "%.0f") << " | "
                      << pair(onednn[0], onednn[1], "%.2f") << " | " << pair(reorders[0], reorders[1], "%.2f") << " | "
                      << pair(torch[0], torch[1], "%.2f") << " |\n";
            first = false;
        }
    }
    const auto tally = [](const char* what, const Tally& t) {
        std::cout << "- " << what << ": cnnlab is as fast or faster in **" << t.wins << " of " << t.measured << "** cells\n";
    };
    std::cout << "\nEach cell is *1 thread / 2 threads*. A ratio is cnnlab's rate over the other's: above 1, cnnlab is faster.\n\n";
    tally("against oneDNN's best primitive", versus_onednn);
    tally("against oneDNN with its layout reorders", versus_onednn_reorders);
    tally("against PyTorch", versus_pytorch);
    const auto at = [](const std::map<int, double>& by_threads, int t) {
        return by_threads.count(t) ? std::optional(by_threads.at(t)) : std::nullopt;
    };
    std::cout << "\nMeasured in the forward run: the sgemm ceiling " << number(at(forward.ceiling, 1), "%.1f") << " GFLOP/s on 1 thread, "
              << number(at(forward.ceiling, 2), "%.1f") << " on 2; the FMA peak " << number(at(forward.fma_peak, 1), "%.1f")
              << " GFLOP/s on 1 thread, " << number(at(forward.fma_peak, 2), "%.1f") << " on 2.\n";
    return 0;
} catch (const std::exception& e) {
    std::cerr << "site_performance: " << e.what() << '\n';
    return 1;
}
