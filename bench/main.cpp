// cnnlab_bench: runs the registered benchmarks, then prints a summary per group: the rate (GFLOP/s,
// or GB/s for the bandwidth-bound pooling of Chapter 4), the speed-up over the naive reference, the
// time over the same layer's forward (Chapter 3's backward passes), and the fractions of the
// ceilings measured in the same run — the OpenBLAS sgemm and the FMA peak for GFLOP/s, the copy
// bandwidth for GB/s — all at the row's thread count (1 or 2).
#include "bench/bench_support.hpp"
#include "chapters/ch00_foundation/blas.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <omp.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

struct Row {
    std::string group, path;
    int threads;  ///< the thread count the benchmark set (its last name part; 1 for the reference), 0 when unknown
    double gflops;    ///< the rate: GFLOP/s, or GB/s when `bandwidth`
    bool bandwidth;   ///< the benchmark counts bytes (counter "GB/s", bench::set_bytes), not FLOPs
};

/// The rate's unit, as in the counters and the summary.
const char* unit_of(const Row& r) { return r.bandwidth ? "GB/s" : "GFLOP/s"; }

bool is_number(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

/// The console reporter, also keeping each run's GFLOP/s (or GB/s) for the summary.
class SummaryReporter : public benchmark::ConsoleReporter {
public:
    /// Colours only on a terminal, so that piped output stays plain text.
    SummaryReporter() : ConsoleReporter(isatty(fileno(stdout)) ? OO_ColorTabular : OO_Tabular) {}
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
            auto counter = run.counters.find("GFLOP/s");
            const bool bandwidth = counter == run.counters.end();
            if (bandwidth) counter = run.counters.find("GB/s");
            if (counter == run.counters.end()) continue;
            // "group/path[/threads][/iterations:N][/real_time]" → group, "path[/threads]", threads
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
            // The naive reference is sequential code: one thread whatever the pools are set to.
            const bool naive = path.rfind("reference", 0) == 0;
            const int threads = naive ? 1 : parts.size() > 2 && is_number(parts.back()) ? std::stoi(parts.back()) : 0;
            add({parts.empty() ? name : parts[0], path, threads, double(counter->second), bandwidth});
        }
    }
    std::vector<Row> rows;

private:
    /// Keeps the best run of a benchmark repeated (--benchmark_repetitions): on a shared machine
    /// the fastest repetition is the one least slowed by other programs.
    void add(const Row& row) {
        for (Row& kept : rows)
            if (kept.group == row.group && kept.path == row.path) {
                kept.gflops = std::max(kept.gflops, row.gflops);
                return;
            }
        rows.push_back(row);
    }
};

/// `value / base` formatted with `format`, or "-" when `base` was not measured.
std::string ratio(double value, double base, const char* format) {
    if (base <= 0) return "-";
    char text[32];
    std::snprintf(text, sizeof text, format, value / base);
    return text;
}

/// "k7" before "k31": compares runs of digits as numbers, everything else character by character.
bool natural_less(const std::string& a, const std::string& b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
            std::size_t end_a = i, end_b = j;
            while (end_a < a.size() && std::isdigit(static_cast<unsigned char>(a[end_a]))) ++end_a;
            while (end_b < b.size() && std::isdigit(static_cast<unsigned char>(b[end_b]))) ++end_b;
            const std::string x = a.substr(i, end_a - i), y = b.substr(j, end_b - j);
            if (x.size() != y.size()) return x.size() < y.size();  // no leading zeros in benchmark names
            if (x != y) return x < y;
            i = end_a;
            j = end_b;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

/// The first '/'-separated part of a path: "input" for "input/gemm_col2im/1".
std::string first_part(const std::string& path) { return path.substr(0, path.find('/')); }

/// The naive reference a row is compared with: a group holding several passes names its
/// references "reference/PASS" (Chapter 3: reference/input, reference/weight), and a row whose path
/// starts with "PASS/" is compared with that one; otherwise with the group's plain "reference".
/// Keys: "group/PASS" and "group/" (plain).
std::string reference_key(const Row& r) {
    const std::string prefix = "reference/";
    if (r.path.rfind(prefix, 0) == 0) return r.group + "/" + r.path.substr(prefix.size());
    if (r.path == "reference") return r.group + "/";
    return r.group + "/" + first_part(r.path);
}

/// The oneDNN rows a row is compared with: same group, same pass (the first part of a path with
/// three parts, "input/automatic/1"; none for "automatic/1") and same thread count.
std::string onednn_key(const Row& r, int threads) {
    const bool has_pass = std::count(r.path.begin(), r.path.end(), '/') >= 2;
    return r.group + "/" + (has_pass ? first_part(r.path) : std::string()) + "/" + std::to_string(threads);
}

/// A oneDNN primitive-only row (bench/onednn_bench.cpp): "onednn-direct/1", "input/onednn-winograd/2";
/// not the "+reorders" rows, which include layout conversions.
bool is_onednn_primitive(const Row& r) {
    return r.path.find("onednn") != std::string::npos && r.path.find("+reorders") == std::string::npos;
}

/// The forward a row's time is compared with: the group's "forward/automatic" at the same thread count.
std::string forward_key(const std::string& group, int threads) { return group + "/" + std::to_string(threads); }

/// Groups in natural order, the reference first within a group, then the paths in natural order
/// (random interleaving reports the runs in any order).
bool summary_order(const Row& a, const Row& b) {
    if (a.group != b.group) return natural_less(a.group, b.group);
    const bool a_naive = a.path.rfind("reference", 0) == 0, b_naive = b.path.rfind("reference", 0) == 0;
    if (a_naive != b_naive) return a_naive;
    return natural_less(a.path, b.path);
}

void print_summary(std::vector<Row> rows) {
    if (rows.empty()) return;  // e.g. --benchmark_list_tests
    std::sort(rows.begin(), rows.end(), summary_order);
    std::map<int, double> ceiling;  // threads → GFLOP/s
    std::map<int, double> copy;     // threads → GB/s of the copy-bandwidth ceiling
    std::map<int, double> fma_peak; // threads → GFLOP/s of register-only multiply-adds (fma_peak.cpp)
    std::map<std::string, double> reference;  // reference_key → GFLOP/s
    std::map<std::string, double> forward;    // forward_key → GFLOP/s
    std::map<std::string, double> onednn;     // onednn_key → the best oneDNN primitive's GFLOP/s
    for (const Row& r : rows) {
        if (is_onednn_primitive(r) && r.threads > 0)
            onednn[onednn_key(r, r.threads)] = std::max(onednn[onednn_key(r, r.threads)], r.gflops);
        if (r.group == "sgemm-ceiling") ceiling[r.threads] = r.gflops;
        if (r.group == "copy-ceiling") copy[r.threads] = r.gflops;
        if (r.group == "fma-peak") fma_peak[r.threads] = r.gflops;
        if (r.path.rfind("reference", 0) == 0) reference[reference_key(r)] = r.gflops;
        if (r.path.rfind("forward/automatic", 0) == 0) forward[forward_key(r.group, r.threads)] = r.gflops;
    }
    // Benchmarks that set no thread count run with OpenMP's default (all cores unless OMP_NUM_THREADS).
    const int default_threads = omp_get_max_threads();
    std::printf("\nsummary: GFLOP/s (direct-convolution FLOPs, whatever the path computes) or GB/s (bytes read +\n"
                "written: pooling), × the naive reference (single-threaded; of the same pass: input/* against\n"
                "reference/input), and fractions of the sgemm ceiling and of the FMA peak (GFLOP/s rows) or of the\n"
                "copy bandwidth (GB/s rows) at the row's thread count. t / fwd: the row's time over that of the\n"
                "group's forward/automatic at the same thread count (a backward pass counts the forward's FLOPs).\n"
                "× oneDNN: the row's rate over the best oneDNN primitive's (direct or Winograd, layouts excluded) of\n"
                "the same group, pass and thread count — above 1, faster than oneDNN (built with libdnnl-dev only)\n");
    std::printf("  (best of the repetitions when --benchmark_repetitions is given)\n");
    std::printf("  OpenBLAS core: %s\n", cnnlab::blas_core_name().c_str());
    for (const auto& [threads, g] : ceiling) std::printf("  sgemm ceiling, %d thread(s): %.1f GFLOP/s\n", threads, g);
    for (const auto& [threads, b] : copy) std::printf("  copy bandwidth, %d thread(s): %.1f GB/s\n", threads, b);
    for (const auto& [threads, g] : fma_peak) std::printf("  FP32 FMA peak, %d thread(s): %.1f GFLOP/s\n", threads, g);
    std::printf("  %-26s %-28s %7s %10s %-7s %10s %8s %10s %10s %10s %9s\n", "group", "path", "threads", "rate", "unit",
                "× naive", "t / fwd", "of sgemm", "of peak", "of copy", "× oneDNN");
    for (const Row& r : rows) {
        if (r.group == "sgemm-ceiling" || r.group == "copy-ceiling" || r.group == "fma-peak") continue;
        const int threads = r.threads > 0 ? r.threads : default_threads;
        const std::string shown = r.threads > 0 ? std::to_string(threads) : "(" + std::to_string(threads) + ")";
        const bool naive_row = r.path.rfind("reference", 0) == 0;
        std::string key = reference_key(r);
        if (!reference.count(key)) key = r.group + "/";  // no reference of this pass: the plain one
        const double naive = reference.count(key) ? reference[key] : 0;
        // Same FLOPs, so the time ratio is the inverse GFLOP/s ratio; the single-threaded naive
        // rows have no forward of their own size to compare with.
        const std::string fwd = forward_key(r.group, threads);
        const double forward_gflops = !naive_row && forward.count(fwd) ? forward[fwd] : 0;
        // A GFLOP/s row is measured against the sgemm ceiling and the FMA peak, a GB/s row against the copy bandwidth.
        const double sgemm = !r.bandwidth && ceiling.count(threads) ? ceiling[threads] : 0;
        const double peak = !r.bandwidth && fma_peak.count(threads) ? fma_peak[threads] : 0;
        const double bandwidth = r.bandwidth && copy.count(threads) ? copy[threads] : 0;
        const std::string versus = onednn_key(r, threads);
        const double onednn_gflops = !naive_row && onednn.count(versus) ? onednn[versus] : 0;
        std::printf("  %-26s %-28s %7s %10.2f %-7s %10s %8s %10s %10s %10s %9s\n", r.group.c_str(), r.path.c_str(),
                    shown.c_str(), r.gflops, unit_of(r), ratio(r.gflops, naive, "%.1f").c_str(),
                    forward_gflops > 0 ? ratio(forward_gflops, r.gflops, "%.2f").c_str() : "-",
                    ratio(100 * r.gflops, sgemm, "%.1f%%").c_str(), ratio(100 * r.gflops, peak, "%.1f%%").c_str(),
                    ratio(100 * r.gflops, bandwidth, "%.1f%%").c_str(), ratio(r.gflops, onednn_gflops, "%.2f").c_str());
    }
    std::printf("  (n): the benchmark sets no thread count; OpenMP's default n is assumed. -: not measured in this run\n"
                "  (t / fwd: the group has no forward/automatic, or the row is a naive reference), or not this row's unit.\n");
}

/// --summary_csv=FILE: the summary's rows as `group,path,threads,gflops` (the format of
/// bench/results/*.csv, which the docs' benchmark charts draw), the ceiling rows as group
/// sgemm-ceiling, path sgemm. A run of GB/s benchmarks only (pooling) writes `group,path,threads,gbps`,
/// its ceiling rows as group copy-ceiling, path copy; a run mixing both units writes
/// `group,path,threads,rate,unit` (not drawn by the charts).
void write_summary_csv(std::vector<Row> rows, const std::string& file) {
    std::sort(rows.begin(), rows.end(), summary_order);
    const bool any_bandwidth = std::any_of(rows.begin(), rows.end(), [](const Row& r) { return r.bandwidth; });
    const bool all_bandwidth = std::all_of(rows.begin(), rows.end(), [](const Row& r) { return r.bandwidth; });
    const bool mixed = any_bandwidth && !all_bandwidth;
    std::ofstream out(file);
    if (!any_bandwidth)
        out << "# cnnlab_bench --summary_csv: GFLOP/s (direct-formula FLOPs over wall time), best repetition; OpenBLAS core "
            << cnnlab::blas_core_name() << "\n";
    else
        out << "# cnnlab_bench --summary_csv: " << (mixed ? "GFLOP/s (direct-formula FLOPs) or " : "")
            << "GB/s (bytes read + written once over wall time; copy-ceiling: std::copy, same count), best repetition\n";
    out << (mixed ? "group,path,threads,rate,unit\n" : any_bandwidth ? "group,path,threads,gbps\n" : "group,path,threads,gflops\n");
    for (const Row& r : rows) {
        std::string path = r.group == "sgemm-ceiling" ? "sgemm"
                           : r.group == "copy-ceiling" ? "copy"
                           : r.group == "fma-peak"     ? "fma"
                                                       : r.path;
        const std::string suffix = "/" + std::to_string(r.threads);
        if (path.size() > suffix.size() && path.ends_with(suffix)) path.resize(path.size() - suffix.size());
        char gflops[32];
        std::snprintf(gflops, sizeof gflops, "%.2f", r.gflops);
        out << r.group << ',' << path << ',' << (r.threads > 0 ? r.threads : omp_get_max_threads()) << ',' << gflops;
        out << (mixed ? std::string(",") + unit_of(r) : std::string()) << '\n';
    }
    if (!out) throw std::runtime_error("cnnlab_bench: cannot write " + file);
}

/// Takes `--summary_csv=FILE` out of argv (Google Benchmark refuses flags it does not know).
std::string take_summary_csv_flag(int& argc, char** argv) {
    const std::string flag = "--summary_csv=";
    std::string file;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind(flag, 0) == 0)
            file = arg.substr(flag.size());
        else
            argv[kept++] = argv[i];
    }
    argc = kept;
    return file;
}

}  // namespace

int main(int argc, char** argv) {
    cnnlab::use_matching_blas_core(argv);
    benchmark::AddCustomContext("openblas_core", cnnlab::blas_core_name());
    const std::string summary_csv = take_summary_csv_flag(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    SummaryReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_summary(reporter.rows);
    if (!summary_csv.empty()) write_summary_csv(reporter.rows, summary_csv);
    benchmark::Shutdown();
    return 0;
}
