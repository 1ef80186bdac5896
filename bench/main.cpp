// cnnlab_bench: runs the registered benchmarks, then prints a summary per group: GFLOP/s, the
// speed-up over the naive reference, and the fraction of the OpenBLAS sgemm ceiling measured in
// the same run (1 and 2 threads).
#include "chapters/ch00_foundation/blas.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

struct Row {
    std::string group, path;
    double gflops;
};

/// The console reporter, also keeping each run's GFLOP/s for the summary.
class SummaryReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
            const auto counter = run.counters.find("GFLOP/s");
            if (counter == run.counters.end()) continue;
            // "group/path[/arg][/iterations:N][/real_time]" → group, "path[/arg]"
            std::vector<std::string> parts;
            std::string name = run.benchmark_name();
            for (std::size_t start = 0, end; start <= name.size(); start = end + 1) {
                end = name.find('/', start);
                if (end == std::string::npos) end = name.size();
                const std::string part = name.substr(start, end - start);
                if (part.rfind("iterations:", 0) != 0 && part != "real_time") parts.push_back(part);
            }
            std::string path;
            for (std::size_t i = 1; i < parts.size(); ++i) path += (i > 1 ? "/" : "") + parts[i];
            rows.push_back({parts.empty() ? name : parts[0], path, double(counter->second)});
        }
    }
    std::vector<Row> rows;
};

void print_summary(const std::vector<Row>& rows) {
    std::map<std::string, double> ceiling;  // "1" / "2" threads → GFLOP/s
    std::map<std::string, double> reference;
    for (const Row& r : rows) {
        if (r.group == "sgemm-ceiling") ceiling[r.path.substr(r.path.rfind('/') + 1)] = r.gflops;
        if (r.path.rfind("reference", 0) == 0) reference[r.group] = r.gflops;
    }
    std::printf("\nsummary: GFLOP/s (direct-convolution FLOPs), × naive reference, fraction of the sgemm ceiling\n");
    std::printf("  OpenBLAS core: %s\n", cnnlab::blas_core_name().c_str());
    for (const auto& [threads, g] : ceiling) std::printf("  sgemm ceiling, %s thread(s): %.1f GFLOP/s\n", threads.c_str(), g);
    std::printf("  %-28s %-22s %10s %10s %12s %12s\n", "group", "path", "GFLOP/s", "× naive", "of sgemm 1T", "of sgemm 2T");
    for (const Row& r : rows) {
        if (r.group == "sgemm-ceiling") continue;
        const double naive = reference.count(r.group) ? reference[r.group] : 0;
        std::printf("  %-28s %-22s %10.2f %10.1f %11.1f%% %11.1f%%\n", r.group.c_str(), r.path.c_str(), r.gflops,
                    naive > 0 ? r.gflops / naive : 0.0, ceiling.count("1") ? 100 * r.gflops / ceiling["1"] : 0.0,
                    ceiling.count("2") ? 100 * r.gflops / ceiling["2"] : 0.0);
    }
}

}  // namespace

int main(int argc, char** argv) {
    cnnlab::use_matching_blas_core(argv);
    benchmark::AddCustomContext("openblas_core", cnnlab::blas_core_name());
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    SummaryReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_summary(reporter.rows);
    benchmark::Shutdown();
    return 0;
}
