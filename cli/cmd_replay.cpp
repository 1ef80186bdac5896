// `cnnlab replay CASES --out RESULTS [--compare] [--tolerance T]`: runs every case of a case file with
// cnnlab and writes the results in the same format; --compare holds every computed output (`y`, and
// the gradients `gx`, `gw`, `gb` where the op produces them) against the file's own and fails when any
// case is off by more than the tolerance.
#include "chapters/ch00_foundation/case_file.hpp"
#include "cli/commands.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <string_view>

namespace cnnlab::cli {
namespace {

struct ReplayOptions {
    std::string cases;
    std::string out;
    bool compare = false;
    double tolerance = 1e-9;
};

/// The outputs --compare checks, in the order the report lists them.
constexpr std::array<std::string_view, 4> compared_outputs{"y", "gx", "gw", "gb"};

/// Per-op statistics of --compare.
struct OpComparison {
    std::size_t compared = 0;
    std::size_t failed = 0;
    std::map<std::string, double, std::less<>> max_error;  ///< per output name
};

/// Max |computed − expected| over the elements, or +inf when the shapes differ.
double max_abs_error(const cases::Tensor& computed, const cases::Tensor& expected) {
    if (computed.dims != expected.dims || computed.values.size() != expected.values.size())
        return std::numeric_limits<double>::infinity();
    double worst = 0;
    for (std::size_t i = 0; i < computed.values.size(); ++i) {
        const double e = std::abs(computed.values[i] - expected.values[i]);
        if (!(e <= worst)) worst = e;  // a NaN difference counts as the worst
    }
    return worst;
}

std::string format_error(double e) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", e);
    return buffer;
}

void run_replay(const ReplayOptions& o) {
    const std::vector<cases::ReadEntry> entries = cases::read_case_file(o.cases);

    std::ofstream file;
    if (o.out != "-") {
        file.open(o.out);
        if (!file) throw data_error(str("replay: cannot write the results file '", o.out, "'"));
    }
    std::ostream& results = o.out == "-" ? std::cout : file;
    std::ostream& report = o.out == "-" ? std::cerr : std::cout;

    std::size_t ok = 0, errors = 0, not_compared = 0;
    std::map<std::string, OpComparison> comparison;
    std::set<std::string> written_ids;
    for (const cases::ReadEntry& entry : entries) {
        cases::Case result;
        if (entry.problem) {
            result.id = entry.value.id;
            result.op = entry.value.op.empty() ? "unknown" : entry.value.op;
            result.error = entry.problem->what();
        } else {
            result = cases::run_case(entry.value);
        }
        if (result.error.empty()) ++ok;
        else {
            ++errors;
            std::cerr << "replay: " << (entry.problem ? "" : str("case '", result.id, "' (", result.op, "): ")) << result.error << '\n';
        }
        // A block without an id, or repeating one, is reported above but cannot be written as a case.
        if (!result.id.empty() && written_ids.insert(result.id).second) cases::write_case(results, result);

        if (!o.compare) continue;
        OpComparison& op = comparison[result.op];
        if (!result.error.empty()) {
            ++op.failed;  // nothing to compare: the case must run for the comparison to pass
            continue;
        }
        bool any = false, case_failed = false;
        for (const std::string_view name : compared_outputs) {
            const auto expected = entry.value.tensors.find(std::string(name));
            const auto computed = result.tensors.find(std::string(name));
            if (expected == entry.value.tensors.end() || computed == result.tensors.end()) continue;
            const double e = max_abs_error(computed->second, expected->second);
            any = true;
            double& worst = op.max_error[std::string(name)];
            worst = std::max(worst, e);
            if (!(e <= o.tolerance)) {
                case_failed = true;
                std::cerr << "replay: case '" << result.id << "' (" << result.op << "): max |Δ" << name
                          << "| = " << format_error(e) << " > " << format_error(o.tolerance) << '\n';
            }
        }
        if (!any) {
            ++not_compared;
            continue;
        }
        ++op.compared;
        if (case_failed) ++op.failed;
    }
    results.flush();
    if (!results) throw data_error(str("replay: writing the results file '", o.out, "' failed"));

    report << entries.size() << " cases, " << ok << " ok, " << errors << " errors";
    if (o.out != "-") report << " (results in " << o.out << ")";
    report << '\n';
    if (!o.compare) return;

    std::size_t failed = 0;
    for (const auto& [name, op] : comparison) {
        report << "  " << name << ": " << op.compared << " compared, max";
        const char* separator = " ";
        for (const std::string_view output : compared_outputs)
            if (const auto e = op.max_error.find(output); e != op.max_error.end()) {
                report << separator << "|Δ" << output << "| = " << format_error(e->second);
                separator = ", ";
            }
        if (op.failed) report << ", " << op.failed << " failed";
        report << '\n';
        failed += op.failed;
    }
    if (not_compared) report << "  " << not_compared << " cases without an expected output (not compared)\n";
    report << "compare: " << (failed ? str(failed, " cases FAIL") : std::string("all agree")) << " (tolerance "
           << format_error(o.tolerance) << ")\n";
    if (failed) throw exit_with{1};
}

}  // namespace

void add_replay_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("replay", "run the cases of a case file (test vectors from PyTorch/SciPy) and write the results");
    cmd->footer("Example: cnnlab replay data/golden/ch02_layers.cases --out /tmp/layers.cases --compare");
    auto options = std::make_shared<ReplayOptions>();
    cmd->add_option("CASES", options->cases, "case file to read, e.g. data/golden/ch01_single_channel.cases")->required();
    cmd->add_option("--out,-o", options->out, "results file to write ('-' for standard output)")->required();
    cmd->add_flag("--compare", options->compare,
                  "compare each computed y (and gx, gw, gb) with those in CASES; exit 1 if any differs by more than --tolerance "
                  "or a case fails to run");
    cmd->add_option("--tolerance", options->tolerance, "largest allowed max |Δ| of any output per case for --compare")
        ->capture_default_str()
        ->check(non_negative);
    cmd->callback([options] { run_replay(*options); });
}

}  // namespace cnnlab::cli
