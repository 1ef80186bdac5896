/// \file
/// \brief The geometry options the `cnnlab` subcommands share: `--padding`, `--stride`, `--dilation`.
#pragma once

#include "chapters/ch00_foundation/geometry.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace cnnlab::cli {

/// One or two numbers (rows,cols) → a per-axis pair; argument_error naming `--name` otherwise.
Step2 pair_option(const std::vector<std::size_t>& values, const char* name);

/// `--padding` numbers (p, or ph,pw, or top,bottom,left,right); with none, the Mode named `mode`.
Padding2d padding_option(const std::vector<std::size_t>& numbers, const std::string& mode);

}  // namespace cnnlab::cli
