// Figure: training curves of the three networks Chapter 7 trains on Fashion-MNIST — d2l's LeNet
// (sigmoid, average pooling, SGD), the modernized LeNet (batch norm, ReLU, max pooling, Adam) and the
// ResNet-18-style net (Adam) — drawn from the logs `cnnlab train … --log` wrote, committed as
// <source-dir>/docs/results/train_<net>.csv:
//
//     epoch,loss,train_accuracy,test_accuracy,examples_per_second,seconds
//     1,2.321125,0.099700,0.100000,6780.0,8.850
//
// Left: the mean training loss of each epoch; right: the test accuracy after each epoch (solid) and
// the training accuracy during it (dashed), with d2l's published LeNet test accuracy as a dotted
// line. A log may hold fewer epochs than its run asked for (a run still going): whatever rows are
// there are drawn and the legend says how many. A missing or malformed log is an error.
//
//     ch07_training_curves <output.svg> <source-dir>
#include "chapters/ch07_networks/training.hpp"
#include "docs/figures/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using figures::Svg;
using figures::TextStyle;

using Epoch = cnnlab::EpochRecord;

/// One training run: its log, its label, how many epochs its command asked for, its colour
/// (Okabe–Ito hues, distinguishable with the common colour-vision deficiencies).
struct Run {
    std::string net, label;
    int planned_epochs;
    std::string colour;
    std::vector<Epoch> epochs;
};

/// A point of a panel, in pixels.
struct Point {
    double x, y;
};

/// A plot area with linear axes: epochs across, `lo`…`hi` up.
struct Panel {
    double left, top, width, height;
    int epochs;
    double lo, hi;
    double x(double epoch) const { return left + (epoch - 1) / std::max(1, epochs - 1) * width; }
    double y(double value) const { return top + height - (value - lo) / (hi - lo) * height; }
};

/// The frame, grid, tick labels and axis titles of a panel; y ticks every `step` from lo to hi.
void draw_axes(Svg& svg, const Panel& p, double step, int decimals, const std::string& title, const std::string& y_title) {
    for (int e = 1; e <= p.epochs; ++e) {
        svg.line(p.x(e), p.top, p.x(e), p.top + p.height, "#ececec");
        svg.text(p.x(e), p.top + p.height + 18, std::to_string(e), {.size = 12, .anchor = "middle", .fill = "#333"});
    }
    for (double v = p.lo; v <= p.hi + 1e-9; v += step) {
        svg.line(p.left, p.y(v), p.left + p.width, p.y(v), "#e3e3e3");
        svg.text(p.left - 7, p.y(v) + 4, figures::number(v, decimals), {.size = 12, .anchor = "end", .fill = "#333"});
    }
    svg.rect(p.left, p.top, p.width, p.height, "none", "#888");
    svg.text(p.left + p.width / 2, p.top - 30, title, {.size = 14, .anchor = "middle", .weight = "bold"});
    // The vertical axis's title sits above it (the writer draws no rotated text).
    svg.text(p.left - 7, p.top - 10, y_title, {.size = 12, .fill = "#222"});
    svg.text(p.left + p.width / 2, p.top + p.height + 40, "epoch", {.size = 12, .anchor = "middle", .fill = "#222"});
}

/// A polyline through `points`, dashed when `dash` is given (drawn as segments: the writer's path has
/// no dash). Segments are clipped to the panel's value range from below.
void draw_curve(Svg& svg, const Panel& p, const std::vector<std::pair<double, double>>& points,
                const std::string& colour, double width, const std::string& dash, bool markers) {
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
        auto [e0, v0] = points[i];
        auto [e1, v1] = points[i + 1];
        if (v0 < p.lo && v1 < p.lo) continue;
        // Cut a segment that leaves the axis at the bottom where it crosses the lowest value.
        if (v0 < p.lo) e0 += (p.lo - v0) / (v1 - v0) * (e1 - e0), v0 = p.lo;
        if (v1 < p.lo) e1 = e0 + (p.lo - v0) / (v1 - v0) * (e1 - e0), v1 = p.lo;
        svg.line(p.x(e0), p.y(v0), p.x(e1), p.y(v1), colour, width, dash);
    }
    if (markers)
        for (const auto& [e, v] : points)
            if (v >= p.lo) svg.rect(p.x(e) - 3.5, p.y(v) - 3.5, 7, 7, colour, "white", 1, "rx=\"3.5\"");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: ch07_training_curves <output.svg> <source-dir>\n";
        return 2;
    }
    // The runs of the Chapter 7 page, with the epochs their command lines ask for (--epochs 10).
    std::vector<Run> runs = {{"lenet", "d2l's LeNet (sigmoid, SGD)", 10, "#0072B2", {}},
                             {"lenet_modern", "modernized LeNet (BN, ReLU, Adam)", 10, "#D55E00", {}},
                             {"resnet18_mini", "ResNet-18-mini (Adam)", 10, "#009E73", {}}};
    try {
        for (Run& run : runs)
            run.epochs = cnnlab::read_training_log(std::string(argv[2]) + "/docs/results/train_" + run.net + ".csv");
    } catch (const std::exception& error) {
        std::cerr << "ch07_training_curves: " << error.what() << '\n';
        return 1;
    }
    constexpr double book_lenet_test_accuracy = 0.779;  // d2l §6.6's printed result for its LeNet

    int epochs = 1;
    double max_loss = 0, max_accuracy = book_lenet_test_accuracy;
    for (const Run& run : runs) {
        epochs = std::max({epochs, run.planned_epochs, int(run.epochs.back().epoch)});
        for (const Epoch& e : run.epochs)
            max_loss = std::max(max_loss, e.loss), max_accuracy = std::max({max_accuracy, e.train_accuracy, e.test_accuracy});
    }

    const double width = 980, height = 560, top = 150, plot_h = 300, plot_w = 370;
    const Panel loss{75, top, plot_w, plot_h, epochs, 0, std::ceil(max_loss / 0.5) * 0.5};
    // The accuracy axis starts at 0.6: the spread that matters is 0.7–0.95, and d2l's sigmoid LeNet
    // spends its first two epochs near chance (0.1); those points are listed under the panel.
    const double accuracy_lo = 0.6;
    const Panel accuracy{width - 30 - plot_w, top, plot_w, plot_h, epochs, accuracy_lo,
                         std::min(1.0, std::ceil(max_accuracy / 0.05 - 1e-9) * 0.05)};

    Svg svg(width, height);
    svg.text(width / 2, 26, "Training on Fashion-MNIST: three networks of Chapter 7", {.size = 17, .anchor = "middle", .weight = "bold"});
    svg.text(width / 2, 47, "from the logs of cnnlab train … --log (docs/results/train_*.csv); hyper-parameters in the table below",
             {.size = 13, .anchor = "middle", .fill = "#444"});

    // Legend: one colour per net, then the line styles.
    double x = 75;
    const double y_legend = 78;
    for (const Run& run : runs) {
        const int logged = int(run.epochs.back().epoch);
        const std::string label = run.label + (logged < run.planned_epochs ? " — epochs 1–" + std::to_string(logged) + " of " +
                                                                                 std::to_string(run.planned_epochs) + " logged"
                                                                           : "");
        svg.line(x, y_legend - 4, x + 24, y_legend - 4, run.colour, 2.5);
        svg.text(x + 30, y_legend, label, {.size = 12, .fill = "#222"});
        x += 30 + 6.6 * double(label.size()) + 22;
    }
    svg.line(75, y_legend + 18, 99, y_legend + 18, "#555", 2);
    svg.text(105, y_legend + 22, "test accuracy after the epoch", {.size = 12, .fill = "#333"});
    svg.line(315, y_legend + 18, 339, y_legend + 18, "#555", 2, "6 4");
    svg.text(345, y_legend + 22, "training accuracy during the epoch (training mode, weights still changing)", {.size = 12, .fill = "#333"});

    draw_axes(svg, loss, 0.5, 1, "Training loss (mean over the epoch's mini-batches)", "softmax cross-entropy");
    draw_axes(svg, accuracy, 0.05, 2, "Accuracy", "fraction classified right");
    for (const Run& run : runs) {
        std::vector<std::pair<double, double>> l, train, test;
        for (const Epoch& e : run.epochs) {
            l.emplace_back(e.epoch, e.loss);
            train.emplace_back(e.epoch, e.train_accuracy);
            test.emplace_back(e.epoch, e.test_accuracy);
        }
        draw_curve(svg, loss, l, run.colour, 2.2, "", true);
        draw_curve(svg, accuracy, train, run.colour, 1.8, "6 4", false);
        draw_curve(svg, accuracy, test, run.colour, 2.2, "", true);
    }
    // ln 10: the loss of a classifier that knows nothing (claim ch07.initial-loss).
    const double chance_loss = std::log(10.0);
    if (chance_loss <= loss.hi) {
        svg.line(loss.left, loss.y(chance_loss), loss.left + loss.width, loss.y(chance_loss), "#777", 1.2, "2 3");
        svg.text(loss.left + loss.width - 4, loss.y(chance_loss) - 5, "ln 10 = 2.303 (guessing)",
                 {.size = 11, .anchor = "end", .fill = "#555", .halo = true});
    }
    const double book_y = accuracy.y(book_lenet_test_accuracy);
    svg.line(accuracy.left, book_y, accuracy.left + accuracy.width, book_y, "#0072B2", 1.4, "2 3");
    svg.text(accuracy.left + accuracy.width - 4, book_y + 15, "d2l LeNet (book) 0.779",
             {.size = 11, .anchor = "end", .fill = "#0072B2", .halo = true});

    // The points below the accuracy axis, named so that the figure hides nothing: one line per net.
    double y_below = accuracy.top + accuracy.height + 62;
    for (const Run& run : runs) {
        std::string below;
        for (const Epoch& e : run.epochs) {
            std::string parts;
            for (const auto& [name, value] : {std::pair{"train", e.train_accuracy}, std::pair{"test", e.test_accuracy}})
                if (value < accuracy.lo) {
                    char part[48];
                    std::snprintf(part, sizeof part, "%s%s %.3f", parts.empty() ? "" : ", ", name, value);
                    parts += part;
                }
            if (!parts.empty()) below += (below.empty() ? "epoch " : "; epoch ") + std::to_string(e.epoch) + " " + parts;
        }
        if (below.empty()) continue;
        svg.text(accuracy.left + accuracy.width, y_below, "below the axis, " + run.net + ": " + below,
                 {.size = 11, .anchor = "end", .fill = "#555"});
        y_below += 15;
    }
    svg.text(loss.left, height - 14,
             "Examples per second are in the logs too, but the runs shared two cores with other work: they are not benchmarks.",
             {.size = 11, .fill = "#555"});
    try {
        svg.save(argv[1], "Training loss, training and test accuracy per epoch of LeNet, modernized LeNet and ResNet-18-mini on Fashion-MNIST");
    } catch (const std::exception& error) {
        std::cerr << "ch07_training_curves: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
