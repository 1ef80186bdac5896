// Figure: the Chapter 3 benchmarks as a bar chart — GFLOP/s of the forward and of both backward
// passes of each benchmark layer, one panel per thread count, with the OpenBLAS sgemm ceiling of
// the same run marked and each backward bar labelled with its time over the forward's.
//
//     ch03_bench <output.svg> <source-dir>
//
// It reads the committed measurements <source-dir>/bench/results/ch03.csv (bench/ch03_bench.cpp):
//
//     group,path,threads,gflops
//     sgemm-ceiling,sgemm,1,100.0             the ceiling rows: group "sgemm-ceiling"
//     ch03-ex5-4,input/gemm_col2im,1,83.1     one row per (layer, pass/path, thread count)
//
// Paths are "forward/ALGORITHM", "input/ALGORITHM", "weight/ALGORITHM" and the naive
// "reference/input", "reference/weight". Every row counts the forward's FLOPs, so a backward bar's
// time over the forward's is forward/automatic's GFLOP/s over its own (same group and thread
// count). Lines starting with '#' are comments. Groups and paths are drawn in the order they first
// appear. A file without measurements is an error: the chart would claim nothing while looking
// like a result.
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

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: ch03_bench <output.svg> <source-dir>\n";
        return 2;
    }
    Table table;
    try {
        table = read_csv(std::string(argv[2]) + "/bench/results/ch03.csv");
    } catch (const std::exception& e) {
        std::cerr << "ch03_bench: " << e.what() << '\n';
        return 1;
    }
    const auto groups = first_appearance(table.rows, [](const Measurement& m) { return m.group; });
    const auto paths = first_appearance(table.rows, [](const Measurement& m) { return m.path; });
    std::set<int> thread_set;
    for (const Measurement& m : table.rows) thread_set.insert(m.threads);
    const std::vector<int> threads(thread_set.begin(), thread_set.end());

    std::map<std::string, std::string> colour;
    std::map<std::string, std::size_t> shade;  // pass → next shade
    for (const std::string& p : paths) colour[p] = colour_of(pass_of(p), shade[pass_of(p)]++);

    const auto find = [&](const std::string& g, const std::string& p, int t) -> const Measurement* {
        const auto found = std::find_if(table.rows.begin(), table.rows.end(), [&](const Measurement& m) {
            return m.group == g && m.path == p && m.threads == t;
        });
        return found == table.rows.end() ? nullptr : &*found;
    };

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

    // Geometry: room right of each panel for the longest label ("123.4 · 2.61× fwd").
    const double bar = 13, bar_gap = 2, group_gap = 16, label_width = 160, panel_width = 330, panel_gap = 90;
    const double left = 20;
    double plot_height = 0;
    for (const std::string& g : groups) plot_height += double(slots[g].size()) * (bar + bar_gap) + group_gap;
    const double width = left + label_width + double(threads.size()) * (panel_width + panel_gap) + 10;

    // Legend: one entry per path, then the ceiling, wrapping onto further lines when needed
    // (text width estimated at 7.6 px per character of 12 px DejaVu Sans).
    struct LegendEntry {
        double x, y;
        std::string text;
    };
    std::vector<LegendEntry> legend;
    const std::string ceiling_text = "OpenBLAS sgemm ceiling (same run)";
    double x_legend = left, y_legend = 78;
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

    svg.text(left, 26, "Convolution layer: GFLOP/s of the forward and of both backward passes",
             {.size = 17, .weight = "bold"});
    svg.text(left, 46,
             "float; every pass credited with the forward's 2·N·C_out·H_out·W_out·C_in·K_h·K_w FLOPs (each backward pass "
             "performs as many)",
             {.size = 12, .fill = "#444"});
    svg.text(left, 62, "\"× fwd\": the pass's time over the forward's (forward/automatic, same layer and thread count)",
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
        if (gi % 2 == 1) svg.rect(left, y - group_gap / 2, width - left - 10, h + group_gap, "#f4f6f8");
        svg.text(left + label_width - 10, y + h / 2 + 4, groups[gi], {.size = 12, .anchor = "end"});
        y += h + group_gap;
    }

    for (std::size_t ti = 0; ti < threads.size(); ++ti) {
        const int t = threads[ti];
        const double x0 = left + label_width + double(ti) * (panel_width + panel_gap);
        const auto x_of = [&](double v) { return x0 + panel_width * v / axis_max; };
        svg.text(x0, top - 28, std::to_string(t) + (t == 1 ? " thread" : " threads"), {.size = 14, .weight = "bold"});
        const double y_axis = top + plot_height - group_gap / 2;
        for (double v = 0; v <= axis_max + 1e-9; v += step) {
            svg.line(x_of(v), top - 4, x_of(v), y_axis, v == 0 ? "#333" : "#dddddd", 1);
            svg.text(x_of(v), y_axis + 16, figures::number(v), {.size = 11, .anchor = "middle"});
        }
        svg.line(x0, y_axis, x0 + panel_width, y_axis, "#333", 1);
        svg.text(x0 + panel_width / 2, y_axis + 36, "GFLOP/s (higher is faster)", {.size = 12, .anchor = "middle"});
        if (table.ceiling.count(t)) {
            const double c = table.ceiling[t];
            svg.line(x_of(c), top - 4, x_of(c), y_axis, "#c0392b", 2, "6 4");
            svg.text(x_of(c), top - 9, "sgemm " + figures::number(c), {.size = 11, .anchor = "middle", .fill = "#c0392b"});
        }
        double yb = top;
        for (const std::string& g : groups) {
            const Measurement* forward = find(g, "forward/automatic", t);
            for (const std::string& p : slots[g]) {
                // The naive references ran single-threaded: drawn in the 1-thread panel only.
                const Measurement* m = find(g, p, t);
                if (m) {
                    svg.rect(x0, yb, x_of(m->gflops) - x0, bar, colour[p]);
                    char label[48];
                    const bool backward = pass_of(p) == "input" || pass_of(p) == "weight";
                    if (backward && forward)
                        std::snprintf(label, sizeof label, "%.1f · %.2f× fwd", m->gflops, forward->gflops / m->gflops);
                    else
                        std::snprintf(label, sizeof label, m->gflops < 10 ? "%.2f" : "%.1f", m->gflops);
                    svg.text(x_of(m->gflops) + 3, yb + bar - 2.5, label, {.size = 10, .fill = "#333", .halo = true});
                }
                yb += bar + bar_gap;
            }
            yb += group_gap;
        }
    }
    try {
        svg.save(argv[1], "GFLOP/s of the Chapter 3 backward passes next to the forward, with the sgemm ceiling");
    } catch (const std::exception& e) {
        std::cerr << "ch03_bench: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
