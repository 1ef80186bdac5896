// Figure: the Chapter 2 benchmarks as a bar chart — GFLOP/s of every path on every benchmark
// shape, one panel per thread count, with the OpenBLAS sgemm ceiling of the same run marked.
//
//     ch02_bench <output.svg> <source-dir>
//
// It reads the committed measurements <source-dir>/bench/results/ch02.csv:
//
//     group,path,threads,gflops
//     sgemm-ceiling,sgemm,1,140.1         the ceiling rows: group "sgemm-ceiling"
//     vgg_conv3_2,im2col_gemm,1,95.3      one row per (benchmark shape, path, thread count)
//
// Lines starting with '#' are comments (where and how the numbers were measured). Groups and
// paths are drawn in the order they first appear, except that a path named "automatic" comes last. A file without measurements is an error:
// the chart would claim nothing while looking like a result.
#include "docs/figures/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Measurement {
    std::string group, path;
    int threads = 1;
    double gflops = 0;
};

struct Table {
    std::vector<Measurement> rows;
    std::map<int, double> ceiling;  // threads → sgemm GFLOP/s
};

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

/// Reads the CSV described in the file comment; throws std::runtime_error naming the line.
Table read_csv(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot open " + file);
    Table table;
    std::string line;
    bool header = false;
    for (int number = 1; std::getline(in, line); ++number) {
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cells;
        std::stringstream fields(line);
        for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(trim(cell));
        const std::string where = file + ":" + std::to_string(number) + ": ";
        if (!header) {
            if (cells != std::vector<std::string>{"group", "path", "threads", "gflops"})
                throw std::runtime_error(where + "the header must be 'group,path,threads,gflops'");
            header = true;
            continue;
        }
        if (cells.size() != 4) throw std::runtime_error(where + "expected 4 fields, got " + std::to_string(cells.size()));
        Measurement m{cells[0], cells[1], 0, 0};
        try {
            m.threads = std::stoi(cells[2]);
            m.gflops = std::stod(cells[3]);
        } catch (const std::exception&) {
            throw std::runtime_error(where + "threads and gflops must be numbers");
        }
        if (m.threads < 1 || !(m.gflops > 0) || !std::isfinite(m.gflops))
            throw std::runtime_error(where + "threads must be >= 1 and gflops > 0");
        if (m.group == "sgemm-ceiling")
            table.ceiling[m.threads] = m.gflops;
        else
            table.rows.push_back(m);
    }
    if (table.rows.empty()) throw std::runtime_error(file + ": no measurements (only a header or comments)");
    return table;
}

/// Ordered without repeats, in order of first appearance.
template <class Key>
std::vector<std::string> first_appearance(const std::vector<Measurement>& rows, Key key) {
    std::vector<std::string> out;
    for (const Measurement& m : rows)
        if (std::find(out.begin(), out.end(), key(m)) == out.end()) out.push_back(key(m));
    return out;
}

/// A "nice" axis step (1, 2 or 5 × 10^k) giving about `ticks` intervals up to `max`.
double nice_step(double max, int ticks) {
    const double raw = max / ticks, power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double f : {1.0, 2.0, 5.0, 10.0})
        if (raw <= f * power) return f * power;
    return 10 * power;
}

// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies); a path named
// "reference" is always grey, one named "automatic" indigo.
const char* const palette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: ch02_bench <output.svg> <source-dir>\n";
        return 2;
    }
    Table table;
    try {
        table = read_csv(std::string(argv[2]) + "/bench/results/ch02.csv");
    } catch (const std::exception& e) {
        std::cerr << "ch02_bench: " << e.what() << '\n';
        return 1;
    }
    const auto groups = first_appearance(table.rows, [](const Measurement& m) { return m.group; });
    // Paths in order of first appearance, but "automatic" last: it repeats one of the others.
    auto paths = first_appearance(table.rows, [](const Measurement& m) { return m.path; });
    std::stable_partition(paths.begin(), paths.end(), [](const std::string& p) { return p != "automatic"; });
    std::set<int> thread_set;
    for (const Measurement& m : table.rows) thread_set.insert(m.threads);
    const std::vector<int> threads(thread_set.begin(), thread_set.end());

    std::map<std::string, std::string> colour;
    for (std::size_t i = 0, next = 0; i < paths.size(); ++i)
        colour[paths[i]] = paths[i] == "reference"   ? "#9a9a9a"
                           : paths[i] == "automatic" ? "#332288"
                                                     : palette[next++ % std::size(palette)];

    // Which paths each group has (in any thread count): its bar slots, aligned across panels.
    std::map<std::string, std::vector<std::string>> slots;
    for (const std::string& g : groups)
        for (const std::string& p : paths)
            if (std::any_of(table.rows.begin(), table.rows.end(),
                            [&](const Measurement& m) { return m.group == g && m.path == p; }))
                slots[g].push_back(p);

    double max_value = 0;
    for (const Measurement& m : table.rows) max_value = std::max(max_value, m.gflops);
    for (int t : threads)
        if (table.ceiling.count(t)) max_value = std::max(max_value, table.ceiling[t]);
    const double step = nice_step(max_value, 5), axis_max = std::ceil(max_value * 1.08 / step) * step;

    // Geometry.
    const double bar = 13, bar_gap = 2, group_gap = 16, label_width = 190, panel_width = 300, panel_gap = 34;
    const double left = 20;
    double plot_height = 0;
    for (const std::string& g : groups) plot_height += double(slots[g].size()) * (bar + bar_gap) + group_gap;
    const double width = left + label_width + double(threads.size()) * (panel_width + panel_gap) + 10;

    // Legend: one entry per path, then the ceiling; entries wrap onto further lines when needed
    // (text width estimated at 7.6 px per character of 12 px DejaVu Sans).
    struct LegendEntry {
        double x, y;
        std::string text;
    };
    std::vector<LegendEntry> legend;
    const std::string ceiling_text = "OpenBLAS sgemm ceiling (same run)";
    double x_legend = left, y_legend = 60;
    for (std::size_t i = 0; i <= paths.size(); ++i) {
        const std::string text = i < paths.size() ? paths[i] : ceiling_text;
        const double needed = 30 + 7.6 * double(text.size()) + (i < paths.size() ? 0 : 12);
        if (x_legend + needed > width - 10) {
            x_legend = left;
            y_legend += 18;
        }
        legend.push_back({x_legend, y_legend, text});
        x_legend += needed;
    }
    const double top = y_legend + 62;
    const double height = top + plot_height + 50;
    figures::Svg svg(width, height);

    svg.text(left, 26, "Convolution layers: GFLOP/s of each path on each benchmark shape",
             {.size = 17, .weight = "bold"});
    svg.text(left, 46,
             "float; every path credited with the direct formula's 2·N·C_out·H_out·W_out·(C_in/g)·K_h·K_w FLOPs",
             {.size = 12, .fill = "#444"});
    for (std::size_t i = 0; i < legend.size(); ++i) {
        const LegendEntry& e = legend[i];
        if (i < paths.size()) {
            svg.rect(e.x, e.y, 12, 12, colour[e.text]);
            svg.text(e.x + 17, e.y + 10.5, e.text, {.size = 12});
        } else {
            svg.line(e.x, e.y + 6, e.x + 24, e.y + 6, "#c0392b", 2, "6 4");
            svg.text(e.x + 29, e.y + 10.5, e.text, {.size = 12});
        }
    }

    // Group labels (once, left of the first panel) and shaded bands for every other group.
    double y = top;
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        const double h = double(slots[groups[gi]].size()) * (bar + bar_gap);
        if (gi % 2 == 1)
            svg.rect(left, y - group_gap / 2, width - left - 10, h + group_gap, "#f4f6f8");
        svg.text(left + label_width - 10, y + h / 2 + 4, groups[gi], {.size = 12, .anchor = "end"});
        y += h + group_gap;
    }

    for (std::size_t ti = 0; ti < threads.size(); ++ti) {
        const int t = threads[ti];
        const double x0 = left + label_width + double(ti) * (panel_width + panel_gap);
        const auto x_of = [&](double v) { return x0 + panel_width * v / axis_max; };
        svg.text(x0, top - 28, std::to_string(t) + (t == 1 ? " thread" : " threads"), {.size = 14, .weight = "bold"});
        // Axis, ticks and grid.
        const double y_axis = top + plot_height - group_gap / 2;
        for (double v = 0; v <= axis_max + 1e-9; v += step) {
            svg.line(x_of(v), top - 4, x_of(v), y_axis, v == 0 ? "#333" : "#dddddd", 1);
            svg.text(x_of(v), y_axis + 16, figures::number(v), {.size = 11, .anchor = "middle"});
        }
        svg.line(x0, y_axis, x0 + panel_width, y_axis, "#333", 1);
        svg.text(x0 + panel_width / 2, y_axis + 36, "GFLOP/s (higher is faster)", {.size = 12, .anchor = "middle"});
        // The ceiling of this thread count, behind the bars and their labels.
        if (table.ceiling.count(t)) {
            const double c = table.ceiling[t];
            svg.line(x_of(c), top - 4, x_of(c), y_axis, "#c0392b", 2, "6 4");
            svg.text(x_of(c), top - 9, "sgemm " + figures::number(c), {.size = 11, .anchor = "middle", .fill = "#c0392b"});
        }
        // Bars.
        double yb = top;
        for (const std::string& g : groups) {
            for (const std::string& p : slots[g]) {
                const auto found = std::find_if(table.rows.begin(), table.rows.end(), [&](const Measurement& m) {
                    return m.group == g && m.path == p && m.threads == t;
                });
                if (found != table.rows.end()) {
                    const double v = found->gflops;
                    svg.rect(x0, yb, x_of(v) - x0, bar, colour[p]);
                    char label[32];
                    std::snprintf(label, sizeof label, v < 10 ? "%.2f" : "%.1f", v);
                    svg.text(x_of(v) + 3, yb + bar - 2.5, label, {.size = 10, .fill = "#333", .halo = true});
                } else {
                    std::string measured;
                    for (const Measurement& m : table.rows)
                        if (m.group == g && m.path == p) measured += (measured.empty() ? "" : ", ") + std::to_string(m.threads);
                    svg.text(x0 + 4, yb + bar - 2.5,
                             p + ": measured at " + measured + (measured == "1" ? " thread" : " threads") + " only",
                             {.size = 10, .fill = "#999", .halo = true});
                }
                yb += bar + bar_gap;
            }
            yb += group_gap;
        }
    }
    try {
        svg.save(argv[1], "GFLOP/s of the Chapter 2 convolution-layer paths, with the sgemm ceiling");
    } catch (const std::exception& e) {
        std::cerr << "ch02_bench: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
