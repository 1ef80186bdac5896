// The calculator: `cnnlab xcorr2d '0 1 2; 3 4 5; 6 7 8' '0 1; 2 3' --mode full --explain`.
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "cli/commands.hpp"
#include "cli/geometry_options.hpp"
#include "cli/matrix_input.hpp"

#include <cstdio>
#include <iostream>
#include <vector>

namespace cnnlab::cli {
namespace {

struct CalculatorOptions {
    std::string input, kernel, mode = "valid", algorithm = "auto";
    std::vector<std::size_t> padding, stride{1}, dilation{1};
    bool explain = false;
};

/// "19", "0.5", "-1.25e-07": integers without a decimal point, the rest in %g.
std::string number(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v == 0.0 ? 0.0 : v);
    return buffer;
}

void print_matrix(const arma::mat& m) {
    std::vector<std::string> cells;
    std::size_t width = 1;
    for (double v : m) width = std::max(width, number(v).size());
    for (std::size_t i = 0; i < m.n_rows; ++i) {
        for (std::size_t j = 0; j < m.n_cols; ++j) {
            const std::string s = number(m(i, j));
            std::cout << (j ? "  " : "  ") << std::string(width - s.size(), ' ') << s;
        }
        std::cout << '\n';
    }
}

/// --explain: every output as the sum of its window's products, read off the padded input.
void explain(const arma::mat& x, const arma::mat& kernel, const Geometry2d& g, const arma::mat& y) {
    const arma::mat padded = zero_pad(x, {g.rows.pad, g.cols.pad});
    for (std::size_t i = 0; i < g.rows.output; ++i)
        for (std::size_t j = 0; j < g.cols.output; ++j) {
            std::cout << "  y(" << i << "," << j << ") =";
            for (std::size_t u = 0; u < kernel.n_rows; ++u)
                for (std::size_t v = 0; v < kernel.n_cols; ++v) {
                    const double xv = padded(i * g.rows.stride + u * g.rows.dilation, j * g.cols.stride + v * g.cols.dilation);
                    std::cout << (u + v ? " + " : " ") << number(kernel(u, v)) << "·" << number(xv);
                }
            std::cout << " = " << number(y(i, j)) << '\n';
        }
}

void run(const std::string& op, const CalculatorOptions& o) {
    const bool one_d = op.ends_with("1d"), convolution = op.starts_with("conv");
    arma::mat x = read_matrix_argument(o.input, op + " INPUT");
    arma::mat w = read_matrix_argument(o.kernel, op + " KERNEL");
    Options2d options{padding_option(o.padding, o.mode), pair_option(o.stride, "stride"), pair_option(o.dilation, "dilation")};
    if (one_d) {
        if (!x.is_vec() || !w.is_vec())
            throw shape_error(str(op, ": INPUT (", size_string(x.n_rows, x.n_cols), ") and KERNEL (", size_string(w.n_rows, w.n_cols),
                                  ") must each be a single row or column"));
        x = arma::vectorise(x);
        w = arma::vectorise(w);
        // A 1-D op is the 2-D op on an n×1 plane: padding, stride and dilation act on the rows only.
        Sides pad = std::holds_alternative<Mode>(options.padding) ? mode_padding(std::get<Mode>(options.padding), effective_kernel(w.n_elem, options.dilation.rows))
                                                                  : std::get<Sides2>(options.padding).rows;
        options = {Sides2{pad, {}}, {options.stride.rows, 1}, {options.dilation.rows, 1}};
    }
    const Geometry2d g = resolve_geometry(op, x.n_rows, x.n_cols, w.n_rows, w.n_cols, options);
    const Algorithm algorithm = parse_algorithm(o.algorithm);
    const arma::mat y = convolution ? conv2d(x, w, options, algorithm) : xcorr2d(x, w, options, algorithm);
    std::cout << op << ": input " << size_string(x.n_rows, x.n_cols) << ", kernel " << size_string(w.n_rows, w.n_cols)
              << ", padding " << g.rows.pad.before << "+" << g.rows.pad.after << " × " << g.cols.pad.before << "+"
              << g.cols.pad.after << ", stride " << g.rows.stride << "×" << g.cols.stride << ", dilation " << g.rows.dilation
              << "×" << g.cols.dilation << " → output " << size_string(y.n_rows, y.n_cols) << '\n';
    print_matrix(one_d ? arma::mat(y.t()) : y);
    if (o.explain) {
        const arma::mat kernel = convolution ? rot180(w) : w;
        if (convolution) std::cout << "convolution = cross-correlation with rot180(KERNEL):\n";
        explain(x, kernel, g, y);
    }
}

}  // namespace

void add_calculator_commands(CLI::App& app) {
    struct Command {
        const char* name;
        const char* example;  // arguments after the name
    };
    for (const auto [op, example] : {Command{"xcorr2d", "'0 1 2; 3 4 5; 6 7 8' '0 1; 2 3' --explain"},
                                     Command{"conv2d", "'1 2 3; 4 5 6' '1 2; 3 4' --mode full --explain"},
                                     Command{"xcorr1d", "'1 2 3 4 5' '1 0 -1' --mode same"},
                                     Command{"conv1d", "'0 1 4 9 16' '1 -2 1'"}}) {
        const std::string name = op;
        const bool one_d = name.ends_with("1d");
        const char* what = one_d ? " of a signal typed inline, e.g. '0 1 4 9 16'"
                                 : " of a matrix typed inline, e.g. '0 1 2; 3 4 5; 6 7 8'";
        auto* cmd = app.add_subcommand(name, std::string(name.starts_with("conv") ? "convolution" : "cross-correlation") + what);
        cmd->footer("Example: cnnlab " + name + " " + example);
        auto o = std::make_shared<CalculatorOptions>();
        cmd->add_option("INPUT", o->input, "input: inline '0 1 2; 3 4 5' or a text file")->required();
        cmd->add_option("KERNEL", o->kernel, "kernel: inline '0 1; 2 3' or a text file")->required();
        cmd->add_option("--mode", o->mode, "valid|same|full (narrow 窄 | equal-width 等宽 | wide 宽)");
        cmd->add_option("--padding", o->padding, "explicit zeros: p, ph,pw or top,bottom,left,right (overrides --mode)")->delimiter(',')->check(non_negative);
        cmd->add_option("--stride", o->stride, "s or sh,sw")->delimiter(',')->check(non_negative);
        cmd->add_option("--dilation", o->dilation, "d or dh,dw")->delimiter(',')->check(non_negative);
        cmd->add_option("--algorithm", o->algorithm, "auto|direct|im2col|fft|separable");
        cmd->add_flag("--explain", o->explain, "show each window's products and sum");
        cmd->callback([name, o] { run(name, *o); });
    }
}

}  // namespace cnnlab::cli
