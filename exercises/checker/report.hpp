/// \file
/// \brief The checker's report: a table per chapter (id, verdict, title, then the first difference
/// and the hint of a wrong answer), a summary line, and the exit code of `cnnlab check`.
#pragma once

#include "exercises/checker/exercise.hpp"

#include <cstddef>
#include <iosfwd>
#include <string_view>
#include <vector>

namespace cnnlab::exercises {

/// How many exercises came out each way.
struct Summary {
    std::size_t right = 0;          ///< Status::right
    std::size_t wrong = 0;          ///< Status::wrong
    std::size_t error = 0;          ///< Status::error
    std::size_t not_attempted = 0;  ///< Status::not_attempted
    /// All exercises counted.
    std::size_t total() const { return right + wrong + error + not_attempted; }
};

/// Counts the verdicts.
Summary summarize(const std::vector<Result>& results);

/// How the report is printed.
struct ReportOptions {
    bool verbose = false;  ///< also say what a RIGHT check compared
};

/// Prints the table, chapter by chapter, and the summary line.
void print_report(std::ostream& out, const Registry& registry, const std::vector<Result>& results,
                  const ReportOptions& options = {});

/// Prints the index of the exercises: id, source, title and the function to write.
void print_index(std::ostream& out, const Registry& registry, const std::vector<const Exercise*>& exercises);

/// 0 when no exercise is wrong or in error (not attempted is fine), 1 otherwise. With
/// `require_all`, an exercise not attempted also gives 1 (the solutions must all be right).
int exit_code(const Summary& summary, bool require_all = false);

/// Selects (see Registry::select), runs and reports the exercises of all_exercises(); returns the
/// exit code. What both `cnnlab check` and the solutions program run.
int run_check(std::ostream& out, std::string_view selector, bool require_all = false, const ReportOptions& options = {});

}  // namespace cnnlab::exercises
