/// \file
/// \brief The exercise frame: an exercise, the verdict of its check, and the registry of every
/// chapter's exercises (`cnnlab check`).
///
/// A chapter adds its exercises by writing `exercises/chNN/chNN_checks.cpp` with a
/// `register_chNN_exercises(Registry&)` function, declared here and called by all_exercises().
/// Each check calls the learner's functions and compares their answers with something
/// independent of the solution file (cnnlab's library, hand-computed literals, identities).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cnnlab::exercises {

/// How an exercise came out.
enum class Status {
    not_attempted,  ///< the learner's function still throws not_attempted
    wrong,          ///< an answer differs from the expected one (see Mismatch)
    right,          ///< every comparison of the check agreed
    error,          ///< the learner's code threw something else (its message is reported)
};

/// "RIGHT", "WRONG", "ERROR" or "not attempted".
std::string_view status_name(Status status);

/// Where a wrong answer first departs from the expected one. Values are kept as printed text so
/// the same type describes matrices, vectors, sizes and counts.
struct Mismatch {
    std::string quantity{};        ///< what was compared, with its inputs: "corr2d(X 4×5, K 2×3)"
    std::string expected_shape{};  ///< set (with got_shape) when the shapes differ; then no element is compared
    std::string got_shape{};       ///< the shape the learner's answer has
    std::string index{};           ///< the first differing element (row-major scan): "(1, 0)", "[3]", "rows"
    std::string expected{};        ///< the expected value of that element
    std::string got{};             ///< the learner's value of that element
    std::string note{};            ///< an optional remark on this particular mistake

    /// One line, e.g. "kernel ∗ t²: first difference at [1]: expected 2, got 3".
    std::string describe() const;
};

/// The outcome of one check.
struct Verdict {
    Status status = Status::right;  ///< the outcome
    /// right: what was checked; wrong: Mismatch::describe(); error: the exception's message.
    std::string detail;
    std::optional<Mismatch> mismatch;  ///< set for Status::wrong when a comparison failed

    /// Every comparison agreed; `checked` says what was compared (shown by `cnnlab check --verbose`).
    static Verdict right(std::string checked);
    /// A comparison failed.
    static Verdict wrong(Mismatch mismatch);
};

/// One exercise of a chapter.
struct Exercise {
    std::string id;        ///< what a learner types after `cnnlab check`: "5-1.1", "d2l-corr2d"
    int chapter = 0;       ///< 1..7
    std::string title;     ///< a few words
    std::string source;    ///< "nndl ex 5-1 (1)", "d2l §Convolutions for Images, ex 1", "implementation"
    std::string function;  ///< the learner's function(s) to write: "second_difference_kernel()"
    std::string hint;      ///< shown when the answer is wrong
    std::function<Verdict()> check;  ///< calls the learner's code; may throw (run_exercise catches)
};

/// A chapter's heading in the report and the one file its learner edits.
struct Chapter {
    int number = 0;           ///< 1..7
    std::string title;        ///< "convolution and cross-correlation"
    std::string learner_file; ///< "exercises/ch01/ch01_exercises.cpp"
};

/// The exercises of every chapter, in registration order.
class Registry {
public:
    /// Adds a chapter heading (before its exercises).
    void add_chapter(Chapter chapter);
    /// Adds an exercise; throws std::logic_error when its id is taken or its chapter was not added.
    void add(Exercise exercise);

    /// The chapters, in registration order.
    const std::vector<Chapter>& chapters() const { return chapters_; }
    /// Every exercise, in registration order.
    const std::vector<Exercise>& exercises() const { return exercises_; }
    /// The chapter with this number, or nullptr.
    const Chapter* chapter(int number) const;

    /// The exercises a learner asked for: "" = all, "1" = Chapter 1, "5-1" = 5-1.1 and 5-1.2 (an id
    /// or an id prefix ending before a '.'), "d2l-corr2d" = that one. Throws cnnlab::argument_error
    /// listing the known ids when nothing matches.
    std::vector<const Exercise*> select(std::string_view selector) const;

private:
    std::vector<Chapter> chapters_;
    std::vector<Exercise> exercises_;
};

/// The registry with every chapter's exercises (built on first use).
const Registry& all_exercises();

/// Chapter registration functions, one per chapter, called by all_exercises().
void register_ch01_exercises(Registry& registry);
/// Chapter 2's registration (exercises/ch02/ch02_checks.cpp).
void register_ch02_exercises(Registry& registry);
/// Chapter 3's registration (exercises/ch03/ch03_checks.cpp).
void register_ch03_exercises(Registry& registry);
/// Chapter 4's registration (exercises/ch04/ch04_checks.cpp).
void register_ch04_exercises(Registry& registry);
/// Chapter 5's registration (exercises/ch05/ch05_checks.cpp).
void register_ch05_exercises(Registry& registry);
/// Chapter 6's registration (exercises/ch06/ch06_checks.cpp).
void register_ch06_exercises(Registry& registry);
/// Chapter 7's registration (exercises/ch07/ch07_checks.cpp).
void register_ch07_exercises(Registry& registry);

/// An exercise with its verdict.
struct Result {
    const Exercise* exercise = nullptr;  ///< the exercise that was checked (owned by its Registry)
    Verdict verdict;                     ///< how it came out
};

/// Runs one exercise's check. Never throws: not_attempted becomes Status::not_attempted, any other
/// exception Status::error with its message.
Result run_exercise(const Exercise& exercise);

/// Runs the given exercises in order.
std::vector<Result> run_exercises(const std::vector<const Exercise*>& exercises);

}  // namespace cnnlab::exercises
