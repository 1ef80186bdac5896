// cnnlab: the command-line program. Errors print one line on stderr and exit non-zero.
#include "chapters/ch00_foundation/blas.hpp"
#include "cli/commands.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    cnnlab::use_matching_blas_core(argv);
    CLI::App app{"cnnlab — the CNN chapter of a textbook, made executable"};
    app.require_subcommand(1);
    cnnlab::cli::add_verify_command(app);
    cnnlab::cli::add_calculator_commands(app);
    cnnlab::cli::add_replay_command(app);
    cnnlab::cli::add_check_command(app);
    cnnlab::cli::add_gallery_command(app);
    cnnlab::cli::add_shape_command(app);
    cnnlab::cli::add_summary_command(app);
    cnnlab::cli::add_train_commands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line, like every other refusal of cnnlab.
        std::cerr << "cnnlab: " << e.what() << " (see cnnlab --help)\n";
        return e.get_exit_code();
    } catch (const cnnlab::cli::exit_with& e) {
        return e.code;
    } catch (const std::exception& e) {
        std::cerr << "cnnlab: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
