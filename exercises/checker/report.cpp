#include "exercises/checker/report.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <iomanip>
#include <ostream>

namespace cnnlab::exercises {

Summary summarize(const std::vector<Result>& results) {
    Summary s;
    for (const Result& r : results) {
        switch (r.verdict.status) {
            case Status::right: ++s.right; break;
            case Status::wrong: ++s.wrong; break;
            case Status::error: ++s.error; break;
            case Status::not_attempted: ++s.not_attempted; break;
        }
    }
    return s;
}

namespace {

constexpr int id_width = 22;
constexpr int verdict_width = 15;
const std::string indent(id_width + verdict_width, ' ');

void print_heading(std::ostream& out, const Chapter* chapter, int number) {
    out << '\n' << "Chapter " << number;
    if (chapter) out << " — " << chapter->title << "   (your answers: " << chapter->learner_file << ")";
    out << '\n' << std::left << std::setw(id_width) << "id" << std::setw(verdict_width) << "verdict" << "exercise" << '\n';
}

}  // namespace

void print_report(std::ostream& out, const Registry& registry, const std::vector<Result>& results, const ReportOptions& options) {
    int current_chapter = 0;
    for (const Result& r : results) {
        const Exercise& e = *r.exercise;
        if (e.chapter != current_chapter) {
            current_chapter = e.chapter;
            print_heading(out, registry.chapter(e.chapter), e.chapter);
        }
        out << std::left << std::setw(id_width) << e.id << std::setw(verdict_width) << status_name(r.verdict.status)
            << e.title << " (" << e.source << ")\n";
        switch (r.verdict.status) {
            case Status::wrong:
                out << indent << r.verdict.detail << '\n';
                out << indent << "hint: " << e.hint << '\n';
                break;
            case Status::error:
                out << indent << r.verdict.detail << '\n';
                out << indent << "hint: " << e.hint << '\n';
                break;
            case Status::right:
                if (options.verbose) out << indent << "checked: " << r.verdict.detail << '\n';
                break;
            case Status::not_attempted:
                if (options.verbose) out << indent << r.verdict.detail << '\n';
                break;
        }
    }
    const Summary s = summarize(results);
    out << '\n'
        << s.total() << (s.total() == 1 ? " exercise: " : " exercises: ") << s.right << " right, " << s.wrong << " wrong, "
        << s.error << (s.error == 1 ? " error, " : " errors, ")
        << s.not_attempted << " not attempted\n";
    if (s.wrong + s.error > 0)
        out << "Fix the WRONG and ERROR ones: each shows the first element that differs and a hint.\n";
    else if (s.right == 0)
        out << "Nothing attempted yet: in the file named above, replace a `throw not_attempted{};` with your answer, "
               "rebuild, and check again.\n";
    else if (s.not_attempted > 0)
        out << "Every exercise you attempted is right. Next: replace another `throw not_attempted{};`, rebuild, and "
               "check again.\n";
    else
        out << "Every exercise is right.\n";
}

void print_index(std::ostream& out, const Registry& registry, const std::vector<const Exercise*>& exercises) {
    int current_chapter = 0;
    for (const Exercise* e : exercises) {
        if (e->chapter != current_chapter) {
            current_chapter = e->chapter;
            const Chapter* c = registry.chapter(e->chapter);
            out << (current_chapter == exercises.front()->chapter ? "" : "\n") << "Chapter " << e->chapter;
            if (c) out << " — " << c->title << " (" << c->learner_file << ")";
            out << '\n';
        }
        out << std::left << std::setw(id_width) << e->id << e->title << " (" << e->source << ")\n"
            << std::string(id_width, ' ') << "write: " << e->function << '\n';
    }
}

int exit_code(const Summary& summary, bool require_all) {
    if (summary.wrong + summary.error > 0) return 1;
    if (require_all && summary.not_attempted > 0) return 1;
    return 0;
}

int run_check(std::ostream& out, std::string_view selector, bool require_all, const ReportOptions& options) {
    const Registry& registry = all_exercises();
    const std::vector<Result> results = run_exercises(registry.select(selector));
    print_report(out, registry, results, options);
    return exit_code(summarize(results), require_all);
}

}  // namespace cnnlab::exercises
