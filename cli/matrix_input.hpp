/// \file
/// \brief Reading the calculator's matrices: inline Armadillo syntax (`'0 1 2; 3 4 5'`) or a file.
#pragma once

#include <armadillo>
#include <string>
#include <string_view>

namespace cnnlab::cli {

/// Parses rows separated by `;` or newlines, numbers separated by spaces or commas. Throws
/// argument_error for a token that is not a number (naming `what`, row and column), shape_error
/// for an empty matrix or rows of different lengths.
arma::mat parse_matrix(std::string_view text, std::string_view what);

/// `argument` is an inline matrix, or the path of a text file holding one (same syntax).
/// A path that does not exist gives a data_error.
arma::mat read_matrix_argument(const std::string& argument, std::string_view what);

}  // namespace cnnlab::cli
