// `cnnlab verify`: runs the claims of every chapter and prints the table; exits 1 on a FAIL.
#include "chapters/ch00_foundation/verify.hpp"
#include "cli/commands.hpp"

#include <iostream>
#include <optional>

namespace cnnlab::cli {

void add_verify_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("verify", "check every claim of the chapters numerically (PASS / ERRATUM / FAIL)");
    cmd->footer("Examples:\n  cnnlab verify --chapter 1\n  cnnlab verify --errata");
    struct Options {
        int chapter = 0;
        bool markdown = false;
        bool errata = false;
    };
    auto options = std::make_shared<Options>();
    cmd->add_option("--chapter", options->chapter, "only this chapter (1-7)")->check(CLI::Range(1, 7));
    cmd->add_flag("--markdown", options->markdown, "print a Markdown table (for the site)");
    cmd->add_flag("--errata", options->errata, "only the claims that show an erratum in a note");
    cmd->callback([options] {
        std::vector<verify::Result> results =
            verify::all_claims().run(options->chapter ? std::optional<int>(options->chapter) : std::nullopt);
        if (options->errata) std::erase_if(results, [](const verify::Result& r) { return !r.claim->erratum; });
        if (options->markdown)
            verify::print_markdown(std::cout, results);
        else
            verify::print_table(std::cout, results);
        if (!verify::all_hold(results)) throw exit_with{1};
    });
}

}  // namespace cnnlab::cli
