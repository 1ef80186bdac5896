// cnnlab: the command-line program. Errors print one line on stderr and exit non-zero.
#include "chapters/ch00_foundation/blas.hpp"
#include "cli/commands.hpp"

#include <algorithm>
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace {

// `cnnlab`, `cnnlab help` and `cnnlab --help`: the commands, one line each (their own descriptions),
// and three to start with. Each command's usage and examples are its own --help.
void print_overview(std::ostream& out, const CLI::App& app) {
    const std::vector<const CLI::App*> commands =
        app.get_subcommands([](const CLI::App* command) { return !command->get_name().empty(); });
    std::size_t width = 0;
    for (const CLI::App* command : commands) width = std::max(width, command->get_name().size());
    out << "cnnlab " CNNLAB_VERSION " — " << app.get_description() << "\n\n"
        << "Usage: cnnlab COMMAND [ARGUMENTS] [OPTIONS]   (cnnlab COMMAND --help: its usage and an example)\n"
        << "       cnnlab --version\n\nCommands:\n";
    for (const CLI::App* command : commands)
        out << "  " << command->get_name() << std::string(width + 2 - command->get_name().size(), ' ')
            << command->get_description() << '\n';
    out << "\nTry first:\n"
           "  cnnlab verify --chapter 1                                    # the claims of Chapter 1, measured\n"
           "  cnnlab check 1                                               # your answers to Chapter 1's exercises\n"
           "  cnnlab xcorr2d '0 1 2; 3 4 5; 6 7 8' '0 1; 2 3' --explain   # d2l's example, window by window\n";
}

}  // namespace

int main(int argc, char** argv) {
    cnnlab::use_matching_blas_core(argv);
    CLI::App app{"the CNN chapter of a textbook, made executable", "cnnlab"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "cnnlab " CNNLAB_VERSION, "print the version and exit");
    cnnlab::cli::add_verify_command(app);
    cnnlab::cli::add_calculator_commands(app);
    cnnlab::cli::add_replay_command(app);
    cnnlab::cli::add_check_command(app);
    cnnlab::cli::add_gallery_command(app);
    cnnlab::cli::add_shape_command(app);
    cnnlab::cli::add_summary_command(app);
    cnnlab::cli::add_train_commands(app);
    if (argc == 1 || (argc == 2 && std::string_view(argv[1]) == "help")) {
        print_overview(std::cout, app);
        return 0;
    }
    const auto named = [&](std::string_view name) {
        return app.get_subcommands([&](CLI::App* command) { return command->get_name() == name; });
    };
    if (argc == 3 && std::string_view(argv[1]) == "help") {  // `cnnlab help COMMAND` = `cnnlab COMMAND --help`
        if (named(argv[2]).empty()) {
            std::cerr << "cnnlab: help: unknown command '" << argv[2] << "' (see cnnlab help)\n";
            return 1;
        }
        std::cout << named(argv[2]).front()->help("cnnlab");
        return 0;
    }
    if (argv[1][0] != '-' && named(argv[1]).empty()) {
        std::cerr << "cnnlab: unknown command '" << argv[1] << "' (see cnnlab help)\n";
        return 1;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        if (app.get_subcommands().empty()) {  // `cnnlab --help`
            print_overview(std::cout, app);
            return 0;
        }
        return app.exit(e);
    } catch (const CLI::Success& e) {  // --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line, like every other refusal of cnnlab.
        std::cerr << "cnnlab: " << e.what() << " (see cnnlab --help)\n";
        return e.get_exit_code();
    } catch (const cnnlab::cli::exit_with& e) {
        return e.code;
    } catch (const std::bad_alloc&) {  // its what() says only "std::bad_alloc"
        std::cerr << "cnnlab: " << argv[1] << ": out of memory: a buffer this input needs does not fit in this machine's "
                     "memory; try smaller sizes\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "cnnlab: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
