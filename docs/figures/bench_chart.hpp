// The benchmark bar chart shared by the figure programs that draw bench/results/*.csv: GFLOP/s (or
// GB/s) of each path on each benchmark group as horizontal bars, one panel per thread count, with
// the ceiling of the same run — OpenBLAS sgemm, or the copy bandwidth — as a dashed line. A program says what is its own (title,
// path order, colours, bar labels, sizes) in a BarChart; the reading, layout and drawing are here.
//
// The measurements file:
//
//     group,path,threads,gflops
//     sgemm-ceiling,sgemm,1,140.1         the ceiling rows: group "sgemm-ceiling"
//     fma-peak,fma,1,202.3                the FMA peak of the same run (not drawn; kept in fma_peak)
//     vgg_conv3_2,im2col_gemm,1,95.3      one row per (benchmark group, path, thread count)
//
// or, for the bandwidth-bound benchmarks (pooling), GB/s against the copy bandwidth:
//
//     group,path,threads,gbps
//     copy-ceiling,copy,1,21.4            the ceiling rows: group "copy-ceiling"
//     ch04-n8-2x2s2,max_forward,1,14.2
//
// Lines starting with '#' are comments (where and how the numbers were measured). A file without
// measurements is an error: the chart would claim nothing while looking like a result.
#pragma once

#include "docs/figures/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace figures {

/// One measurement: a path's GFLOP/s (or GB/s) on a benchmark group at a thread count.
struct BenchRow {
    std::string group;  ///< the benchmark shape or layer, e.g. "ch02-ex5-4"
    std::string path;   ///< the algorithm (or pass/algorithm) measured
    int threads = 1;    ///< threads it ran on
    double gflops = 0;  ///< its speed, in the table's unit (GFLOP/s, or GB/s for a `gbps` file)
};

/// What a measurements file's rate is, and what its ceiling is.
struct BenchUnit {
    std::string column;        ///< the header's fourth column: "gflops" or "gbps"
    std::string name;          ///< the rate's unit on the axis: "GFLOP/s" or "GB/s"
    std::string ceiling_group; ///< the group of the ceiling rows: "sgemm-ceiling" or "copy-ceiling"
    std::string ceiling_text;  ///< the ceiling's legend entry
    std::string ceiling_tick;  ///< the word before the ceiling's value above each panel
};

/// The units a measurements file may hold: compute (GFLOP/s against the sgemm ceiling) and
/// bandwidth (GB/s against the copy bandwidth).
inline const std::vector<BenchUnit>& bench_units() {
    static const std::vector<BenchUnit> units = {
        {"gflops", "GFLOP/s", "sgemm-ceiling", "OpenBLAS sgemm ceiling (same run)", "sgemm"},
        {"gbps", "GB/s", "copy-ceiling", "copy bandwidth (same run)", "copy"}};
    return units;
}

/// A measurements file: its rows and the ceiling of each thread count.
struct BenchTable {
    std::vector<BenchRow> rows;    ///< every row but the ceiling's, in file order
    std::map<int, double> ceiling; ///< threads → the ceiling of the same run (OpenBLAS sgemm GFLOP/s, or copy GB/s)
    std::map<int, double> fma_peak; ///< threads → the FMA peak measured in the same run (group "fma-peak"), if it was
    BenchUnit unit = bench_units().front();  ///< the file's unit (from its header)

    /// The row of (group, path, threads), or nullptr when that was not measured.
    const BenchRow* find(const std::string& group, const std::string& path, int threads) const {
        const auto found = std::find_if(rows.begin(), rows.end(), [&](const BenchRow& m) {
            return m.group == group && m.path == path && m.threads == threads;
        });
        return found == rows.end() ? nullptr : &*found;
    }
    /// Whether (group, path) was measured at any thread count.
    bool has(const std::string& group, const std::string& path) const {
        return std::any_of(rows.begin(), rows.end(),
                           [&](const BenchRow& m) { return m.group == group && m.path == path; });
    }
    /// The groups, without repeats, in order of first appearance.
    std::vector<std::string> groups() const { return first_appearance(&BenchRow::group); }
    /// The paths, without repeats, in order of first appearance.
    std::vector<std::string> paths() const { return first_appearance(&BenchRow::path); }
    /// The thread counts measured, ascending.
    std::vector<int> threads() const {
        std::set<int> seen;
        for (const BenchRow& m : rows) seen.insert(m.threads);
        return {seen.begin(), seen.end()};
    }

private:
    /// The values of `key`, without repeats, in order of first appearance.
    std::vector<std::string> first_appearance(std::string BenchRow::*key) const {
        std::vector<std::string> out;
        for (const BenchRow& m : rows)
            if (std::find(out.begin(), out.end(), m.*key) == out.end()) out.push_back(m.*key);
        return out;
    }
};

/// `s` without leading and trailing blanks (spaces, tabs, carriage returns).
inline std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

/// Reads the measurements file described at the top of this header; throws std::runtime_error
/// naming the file and line when it cannot be opened, is malformed or holds no measurements.
inline BenchTable read_bench_csv(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot open " + file);
    BenchTable table;
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
            const auto unit = std::find_if(bench_units().begin(), bench_units().end(), [&](const BenchUnit& u) {
                return cells == std::vector<std::string>{"group", "path", "threads", u.column};
            });
            if (unit == bench_units().end())
                throw std::runtime_error(where + "the header must be 'group,path,threads,gflops' or 'group,path,threads,gbps'");
            table.unit = *unit;
            header = true;
            continue;
        }
        if (cells.size() != 4) throw std::runtime_error(where + "expected 4 fields, got " + std::to_string(cells.size()));
        BenchRow m{cells[0], cells[1], 0, 0};
        try {
            m.threads = std::stoi(cells[2]);
            m.gflops = std::stod(cells[3]);
        } catch (const std::exception&) {
            throw std::runtime_error(where + "threads and gflops must be numbers");
        }
        if (m.threads < 1 || !(m.gflops > 0) || !std::isfinite(m.gflops))
            throw std::runtime_error(where + "threads must be >= 1 and gflops > 0");
        if (m.group == table.unit.ceiling_group)
            table.ceiling[m.threads] = m.gflops;
        else if (m.group == "fma-peak")
            table.fma_peak[m.threads] = m.gflops;
        else
            table.rows.push_back(m);
    }
    if (table.rows.empty()) throw std::runtime_error(file + ": no measurements (only a header or comments)");
    return table;
}

/// A "nice" axis step (1, 2 or 5 × 10^k) giving about `ticks` intervals up to `max`.
inline double nice_step(double max, int ticks) {
    const double raw = max / ticks, power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double f : {1.0, 2.0, 5.0, 10.0})
        if (raw <= f * power) return f * power;
    return 10 * power;
}

/// A GFLOP/s (or GB/s) value as a bar label: two decimals below 10, one from 10 on.
inline std::string gflops_label(double gflops) {
    char label[32];
    std::snprintf(label, sizeof label, gflops < 10 ? "%.2f" : "%.1f", gflops);
    return label;
}

/// What a figure program decides about its bar chart; the rest is draw_bar_chart's.
struct BarChart {
    std::string heading{};                        ///< the bold line on top
    std::vector<std::string> subtitles{};         ///< grey lines under it, 16 px apart
    double legend_top = 60;                       ///< y of the legend's first line, below the subtitles
    std::vector<std::string> paths{};             ///< legend order and bar order within a group
    std::map<std::string, std::string> colour{};  ///< path → bar colour, one for each of `paths`
    double label_width = 190;                     ///< room left of the first panel for the group names
    double panel_width = 300;                     ///< width of a panel's axis
    double panel_gap = 34;                        ///< room between panels, for the labels of the longest bars
    /// A bar's label, right of its end; gflops_label(row.gflops) when empty.
    std::function<std::string(const BenchTable& table, const BenchRow& row)> bar_label{};
    /// Where a path of a group was not measured at a panel's thread count, say at which counts it
    /// was ("…: measured at 1 thread only"); otherwise the slot stays empty.
    bool note_missing = true;
};

/// Draws `table` as described by `chart`: heading, legend (the paths, then the ceiling; wrapping
/// onto further lines), one panel per thread count with a common rate axis, the ceiling of
/// that thread count, and per group one bar slot for each path the group has at any thread count,
/// so that slots line up across panels; every other group is on a shaded band.
inline Svg draw_bar_chart(const BenchTable& table, const BarChart& chart) {
    const auto groups = table.groups();
    const auto threads = table.threads();
    const auto& paths = chart.paths;
    const auto colour = [&](const std::string& path) { return chart.colour.at(path); };

    // Which paths each group has (in any thread count): its bar slots, aligned across panels.
    std::map<std::string, std::vector<std::string>> slots;
    for (const std::string& g : groups)
        for (const std::string& p : paths)
            if (table.has(g, p)) slots[g].push_back(p);

    double max_value = 0;
    for (const BenchRow& m : table.rows) max_value = std::max(max_value, m.gflops);
    for (int t : threads)
        if (table.ceiling.count(t)) max_value = std::max(max_value, table.ceiling.at(t));
    const double step = nice_step(max_value, 5), axis_max = std::ceil(max_value * 1.08 / step) * step;

    // Geometry.
    const double bar = 13, bar_gap = 2, group_gap = 16, left = 20;
    const double label_width = chart.label_width, panel_width = chart.panel_width, panel_gap = chart.panel_gap;
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
    const std::string ceiling_text = table.unit.ceiling_text;
    double x_legend = left, y_legend = chart.legend_top;
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
    Svg svg(width, height);

    svg.text(left, 26, chart.heading, {.size = 17, .weight = "bold"});
    for (std::size_t i = 0; i < chart.subtitles.size(); ++i)
        svg.text(left, 46 + 16 * double(i), chart.subtitles[i], {.size = 12, .fill = "#444"});
    for (std::size_t i = 0; i < legend.size(); ++i) {
        const LegendEntry& e = legend[i];
        if (i < paths.size()) {
            svg.rect(e.x, e.y, 12, 12, colour(e.text));
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
        // Axis, ticks and grid.
        const double y_axis = top + plot_height - group_gap / 2;
        for (double v = 0; v <= axis_max + 1e-9; v += step) {
            svg.line(x_of(v), top - 4, x_of(v), y_axis, v == 0 ? "#333" : "#dddddd", 1);
            svg.text(x_of(v), y_axis + 16, number(v), {.size = 11, .anchor = "middle"});
        }
        svg.line(x0, y_axis, x0 + panel_width, y_axis, "#333", 1);
        svg.text(x0 + panel_width / 2, y_axis + 36, table.unit.name + " (higher is faster)", {.size = 12, .anchor = "middle"});
        // The ceiling of this thread count, behind the bars and their labels.
        if (table.ceiling.count(t)) {
            const double c = table.ceiling.at(t);
            svg.line(x_of(c), top - 4, x_of(c), y_axis, "#c0392b", 2, "6 4");
            svg.text(x_of(c), top - 9, table.unit.ceiling_tick + " " + number(c), {.size = 11, .anchor = "middle", .fill = "#c0392b"});
        }
        // Bars.
        double yb = top;
        for (const std::string& g : groups) {
            for (const std::string& p : slots[g]) {
                if (const BenchRow* m = table.find(g, p, t)) {
                    const double v = m->gflops;
                    svg.rect(x0, yb, x_of(v) - x0, bar, colour(p));
                    const std::string label = chart.bar_label ? chart.bar_label(table, *m) : gflops_label(v);
                    svg.text(x_of(v) + 3, yb + bar - 2.5, label, {.size = 10, .fill = "#333", .halo = true});
                } else if (chart.note_missing) {
                    std::string measured;
                    for (const BenchRow& r : table.rows)
                        if (r.group == g && r.path == p) measured += (measured.empty() ? "" : ", ") + std::to_string(r.threads);
                    svg.text(x0 + 4, yb + bar - 2.5,
                             p + ": measured at " + measured + (measured == "1" ? " thread" : " threads") + " only",
                             {.size = 10, .fill = "#999", .halo = true});
                }
                yb += bar + bar_gap;
            }
            yb += group_gap;
        }
    }
    return svg;
}

/// Each path's colour in the charts of algorithms (Chapters 1 and 2): cnnlab's paths take Okabe–Ito
/// colours in turn (distinguishable with the common colour-vision deficiencies); a path named
/// "reference" is always grey, one named "automatic" (Chapter 1: "auto") indigo, and oneDNN's paths
/// ("onednn-…", bench/onednn_bench.cpp) shades of brown, so the yardstick reads as one family apart
/// from cnnlab's.
inline std::map<std::string, std::string> path_colours(const std::vector<std::string>& paths) {
    static const char* const palette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                          "#56B4E9", "#D55E00", "#F0E442", "#000000"};
    static const char* const onednn_palette[] = {"#8C510A", "#BF812D", "#DFC27D"};
    std::map<std::string, std::string> colour;
    std::size_t next = 0, next_onednn = 0;
    for (const std::string& p : paths) {
        if (p == "reference") colour[p] = "#9a9a9a";
        else if (p == "automatic" || p == "auto") colour[p] = "#332288";
        else if (p.rfind("onednn", 0) == 0) colour[p] = onednn_palette[next_onednn++ % std::size(onednn_palette)];
        else colour[p] = palette[next++ % std::size(palette)];
    }
    return colour;
}

/// The chart of algorithms on benchmark shapes (Chapters 1 and 2): the paths in order of first
/// appearance but `automatic_path` (the one that repeats another's choice) last, coloured by
/// path_colours, under `heading` and one `subtitle`; `label_width` leaves room for the group names.
inline BarChart algorithm_chart(const BenchTable& table, const std::string& automatic_path, std::string heading,
                                std::string subtitle, double label_width, double panel_width) {
    std::vector<std::string> paths = table.paths();
    std::stable_partition(paths.begin(), paths.end(), [&](const std::string& p) { return p != automatic_path; });
    return {.heading = std::move(heading),
            .subtitles = {std::move(subtitle)},
            .legend_top = 60,
            .paths = paths,
            .colour = path_colours(paths),
            .label_width = label_width,
            .panel_width = panel_width,
            .panel_gap = 34};
}

/// The whole `main` of a benchmark figure program, run as `<program> <output.svg> <source-dir>`:
/// reads <source-dir>/bench/results/<csv_name>, lets `describe` say how to draw it, draws it with
/// draw_bar_chart and saves it with the SVG title `title`. Returns the exit code: 0 when the
/// figure is written, 1 when the measurements cannot be read or the SVG cannot be written (the
/// reason on standard error), 2 on a wrong command line.
inline int bench_figure_main(int argc, char** argv, const std::string& program, const std::string& csv_name,
                             std::string_view title, const std::function<BarChart(const BenchTable&)>& describe) {
    if (argc != 3) {
        std::cerr << "usage: " << program << " <output.svg> <source-dir>\n";
        return 2;
    }
    try {
        const BenchTable table = read_bench_csv(std::string(argv[2]) + "/bench/results/" + csv_name);
        draw_bar_chart(table, describe(table)).save(argv[1], title);
    } catch (const std::exception& e) {
        std::cerr << program << ": " << e.what() << '\n';
        return 1;
    }
    return 0;
}

}  // namespace figures
