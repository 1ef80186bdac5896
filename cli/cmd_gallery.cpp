#include "cli/commands.hpp"

namespace cnnlab::cli {
void add_gallery_command(CLI::App& app) { (void)app; }  // placeholder until the command is written
}  // namespace cnnlab::cli
