#include "cli/matrix_input.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace cnnlab::cli {

arma::mat parse_matrix(std::string_view text, std::string_view what) {
    std::vector<std::vector<double>> rows;
    std::string row_text;
    std::istringstream lines{std::string(text)};
    while (std::getline(lines, row_text, ';')) {
        std::istringstream physical(row_text);
        std::string line;
        while (std::getline(physical, line)) {  // a newline also ends a row
            for (char& c : line)
                if (c == ',' || c == '[' || c == ']') c = ' ';
            std::istringstream tokens(line);
            std::vector<double> row;
            std::string token;
            while (tokens >> token) {
                char* end = nullptr;
                errno = 0;
                const double value = std::strtod(token.c_str(), &end);
                if (end != token.c_str() + token.size() || errno == ERANGE)
                    throw argument_error(str(what, ": '", token, "' is not a number (row ", rows.size() + 1, ", column ",
                                             row.size() + 1, "); write matrices as '0 1 2; 3 4 5'"));
                row.push_back(value);
            }
            if (!row.empty()) rows.push_back(std::move(row));
        }
    }
    if (rows.empty()) throw shape_error(str(what, ": the matrix is empty; write it as '0 1 2; 3 4 5'"));
    arma::mat m(rows.size(), rows.front().size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].size() != m.n_cols)
            throw shape_error(str(what, ": row ", i + 1, " has ", rows[i].size(), " numbers but row 1 has ", m.n_cols,
                                  "; every row needs the same count"));
        for (std::size_t j = 0; j < m.n_cols; ++j) m(i, j) = rows[i][j];
    }
    return m;
}

arma::mat read_matrix_argument(const std::string& argument, std::string_view what) {
    std::ifstream file(argument);
    if (file) {
        std::stringstream content;
        content << file.rdbuf();
        return parse_matrix(content.str(), str(what, " (", argument, ")"));
    }
    const bool looks_inline = argument.find_first_of(" ;,\t\n") != std::string::npos ||
                              argument.find_first_not_of("0123456789.+-eE") == std::string::npos;
    if (!looks_inline)
        throw data_error(str(what, ": '", argument, "' is not a readable file, nor an inline matrix such as '0 1 2; 3 4 5'"));
    return parse_matrix(argument, what);
}

}  // namespace cnnlab::cli
