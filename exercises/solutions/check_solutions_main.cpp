// cnnlab_check_solutions: the exercise checks linked with the solutions instead of the learner's
// stubs. It must report every exercise RIGHT; it exits 1 otherwise (a check or a solution is wrong).
//   cnnlab_check_solutions [CHAPTER|EXERCISE] [--verbose]
#include "chapters/ch00_foundation/blas.hpp"
#include "exercises/checker/report.hpp"

#include <exception>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    cnnlab::use_matching_blas_core(argv);
    std::string selector;
    cnnlab::exercises::ReportOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--verbose")
            options.verbose = true;
        else if (selector.empty() && !arg.starts_with("-"))
            selector = arg;
        else {
            std::cerr << "cnnlab_check_solutions: unexpected argument '" << arg << "' (usage: cnnlab_check_solutions [CHAPTER|EXERCISE] [--verbose])\n";
            return 2;
        }
    }
    try {
        return cnnlab::exercises::run_check(std::cout, selector, /*require_all=*/true, options);
    } catch (const std::exception& e) {
        std::cerr << "cnnlab_check_solutions: " << e.what() << '\n';
        return 1;
    }
}
