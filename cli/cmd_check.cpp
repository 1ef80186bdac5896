// `cnnlab check [CHAPTER|EXERCISE]`: runs the checks of the exercises on the learner's answers
// (exercises/chNN/chNN_exercises.cpp) and prints one row per exercise — RIGHT, WRONG with the first
// differing element and a hint, ERROR with the message, or not attempted — and a summary. Exits 1
// when an exercise is WRONG or ERROR; exercises not attempted are not failures (unless --strict).
#include "cli/commands.hpp"
#include "exercises/checker/report.hpp"

#include <iostream>
#include <memory>
#include <string>

namespace cnnlab::cli {

void add_check_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("check", "check your answers to the exercises (edit exercises/chNN/chNN_exercises.cpp, rebuild, run)");
    cmd->footer("Examples:\n  cnnlab check 1\n  cnnlab check 5-2 --verbose\n  cnnlab check --list");
    struct Options {
        std::string selector;
        bool list = false;
        bool verbose = false;
        bool strict = false;
    };
    auto options = std::make_shared<Options>();
    cmd->add_option("selection", options->selector,
                    "a chapter (1), an exercise (5-2, d2l-corr2d) or a group (5-1 = 5-1.1 and 5-1.2); all when omitted");
    cmd->add_flag("--list", options->list, "list the exercises (id, source, function to write) without checking");
    cmd->add_flag("--verbose", options->verbose, "also say what each RIGHT check compared");
    cmd->add_flag("--strict", options->strict, "exit 1 unless every selected exercise is RIGHT");
    cmd->callback([options] {
        const exercises::Registry& registry = exercises::all_exercises();
        if (options->list) {
            exercises::print_index(std::cout, registry, registry.select(options->selector));
            return;
        }
        const int code = exercises::run_check(std::cout, options->selector, options->strict, {.verbose = options->verbose});
        if (code != 0) throw exit_with{code};
    });
}

}  // namespace cnnlab::cli
