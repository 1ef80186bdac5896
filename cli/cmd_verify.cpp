#include "cli/commands.hpp"
namespace cnnlab::cli {
void add_verify_command(CLI::App& app) { (void)app; }
}
