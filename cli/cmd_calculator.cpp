#include "cli/commands.hpp"
namespace cnnlab::cli {
void add_calculator_commands(CLI::App& app) { (void)app; }
}
