#include "cli/geometry_options.hpp"

#include "chapters/ch00_foundation/errors.hpp"

namespace cnnlab::cli {

Step2 pair_option(const std::vector<std::size_t>& values, const char* name) {
    if (values.size() == 1) return {values[0], values[0]};
    if (values.size() == 2) return {values[0], values[1]};
    throw argument_error(str("--", name, " takes one number or two (rows,cols), got ", values.size()));
}

Padding2d padding_option(const std::vector<std::size_t>& numbers, const std::string& mode) {
    if (numbers.empty()) return parse_mode(mode);
    if (numbers.size() == 1) return Sides2::symmetric(numbers[0], numbers[0]);
    if (numbers.size() == 2) return Sides2::symmetric(numbers[0], numbers[1]);
    if (numbers.size() == 4) return Sides2{{numbers[0], numbers[1]}, {numbers[2], numbers[3]}};
    throw argument_error("--padding takes p, or ph,pw, or top,bottom,left,right");
}

}  // namespace cnnlab::cli
