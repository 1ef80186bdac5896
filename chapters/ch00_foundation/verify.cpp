#include "chapters/ch00_foundation/verify.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <ostream>

namespace cnnlab::verify {

void Registry::add(Claim claim) {
    for (const Claim& existing : claims_)
        if (existing.id == claim.id)
            throw argument_error(str("verify::Registry::add: claim id '", claim.id, "' is registered twice"));
    claims_.push_back(std::move(claim));
}

std::string sci(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1e", value);
    return buffer;
}

std::string fixed(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
    return buffer;
}

Result run_claim(const Claim& claim) {
    Result result{&claim, {}, Status::fail, {}};
    try {
        result.measurement = claim.measure();
    } catch (const std::exception& e) {
        result.message = e.what();
        return result;
    }
    const Measurement& m = result.measurement;
    const bool holds = m.error <= m.tolerance;  // false for NaN
    if (!claim.erratum) {
        result.status = holds ? Status::pass : Status::fail;
    } else if (!m.note_error) {
        result.status = Status::fail;
        result.message = "erratum claim did not measure the note's version";
    } else {
        const bool note_wrong = !(*m.note_error <= m.tolerance);
        result.status = holds && note_wrong ? Status::erratum : Status::fail;
        if (!note_wrong) result.message = "the note's version holds: not an erratum";
    }
    return result;
}

std::vector<Result> Registry::run(std::optional<int> chapter) const {
    std::vector<Result> results;
    for (const Claim& claim : claims_)
        if (!chapter || claim.chapter == *chapter) results.push_back(run_claim(claim));
    return results;
}

const Registry& all_claims() {
    static const Registry registry = [] {
        Registry r;
        register_ch01_claims(r);
        register_ch02_claims(r);
        register_ch03_claims(r);
        register_ch04_claims(r);
        register_ch05_claims(r);
        register_ch06_claims(r);
        register_ch07_claims(r);
        return r;
    }();
    return registry;
}

const char* status_name(Status status) {
    switch (status) {
        case Status::pass: return "PASS";
        case Status::erratum: return "ERRATUM";
        case Status::fail: return "FAIL";
    }
    return "?";
}

bool all_hold(const std::vector<Result>& results) {
    return std::none_of(results.begin(), results.end(), [](const Result& r) { return r.status == Status::fail; });
}

namespace {
std::string scientific(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2e", value);
    return buffer;
}
}  // namespace

void print_table(std::ostream& out, const std::vector<Result>& results) {
    std::size_t id_width = 5;
    for (const Result& r : results) id_width = std::max(id_width, r.claim->id.size());
    char line[512];
    std::snprintf(line, sizeof line, "%-*s  %-7s  %-9s  %-9s  %s\n", int(id_width), "claim", "status", "error", "tolerance",
                  "what was measured");
    out << line;
    for (const Result& r : results) {
        std::snprintf(line, sizeof line, "%-*s  %-7s  %-9s  %-9s  ", int(id_width), r.claim->id.c_str(), status_name(r.status),
                      scientific(r.measurement.error).c_str(), scientific(r.measurement.tolerance).c_str());
        out << line << r.measurement.detail << '\n';
        if (r.claim->erratum) {
            const Erratum& e = *r.claim->erratum;
            out << std::string(id_width + 2, ' ') << "erratum " << e.note << ": says \"" << e.wrong << "\"; right: \""
                << e.right << "\"";
            if (r.measurement.note_error) out << " (note's version off by " << scientific(*r.measurement.note_error) << ")";
            out << '\n';
        }
        if (!r.message.empty()) out << std::string(id_width + 2, ' ') << r.message << '\n';
    }
    const auto count = [&](Status s) { return std::count_if(results.begin(), results.end(), [&](const Result& r) { return r.status == s; }); };
    out << results.size() << " claims: " << count(Status::pass) << " pass, " << count(Status::erratum)
        << " errata confirmed, " << count(Status::fail) << " fail\n";
}

namespace {
/// A markdown table cell: a bare `|` would end the cell, so it is escaped.
std::string cell(const std::string& text) {
    std::string escaped;
    for (char ch : text) {
        if (ch == '|') escaped += '\\';
        escaped += ch;
    }
    return escaped;
}
/// A formula inside a table cell: `\|` would read as LaTeX's norm bars, so `|` becomes `\vert`.
std::string formula_cell(const std::string& latex) {
    std::string out;
    for (char ch : latex) out += ch == '|' ? std::string("\\vert ") : std::string(1, ch);
    return out;
}
}  // namespace

void print_markdown(std::ostream& out, const std::vector<Result>& results) {
    out << "| claim | statement | source | status | error | tolerance | measured |\n"
        << "| --- | --- | --- | --- | --- | --- | --- |\n";
    for (const Result& r : results) {
        std::string measured = r.measurement.detail;
        if (r.claim->erratum)
            measured += str("; erratum ", r.claim->erratum->note, ": the note says ", r.claim->erratum->wrong, ", but ",
                            r.claim->erratum->right);
        if (!r.message.empty()) measured += "; " + r.message;
        out << "| `" << r.claim->id << "` | \\f$" << formula_cell(r.claim->statement) << "\\f$ | " << cell(r.claim->source)
            << " | **" << status_name(r.status) << "** | " << scientific(r.measurement.error) << " | "
            << scientific(r.measurement.tolerance) << " | " << cell(measured) << " |\n";
    }
}

}  // namespace cnnlab::verify
