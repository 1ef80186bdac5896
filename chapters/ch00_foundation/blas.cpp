#include "chapters/ch00_foundation/blas.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <omp.h>

#include <cstdlib>
#include <set>
#include <unistd.h>

extern "C" {
char* openblas_get_corename(void);
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
}

namespace cnnlab {

std::string blas_core_name() {
    const char* name = openblas_get_corename();
    return name ? name : "unknown";
}

void set_blas_threads(int threads) { openblas_set_num_threads(threads); }

int blas_threads() { return openblas_get_num_threads(); }

void set_threads(int threads) {
    if (threads < 1) throw argument_error(str("set_threads: ", threads, " threads; at least 1 is needed"));
    omp_set_num_threads(threads);
    set_blas_threads(threads);
}

SingleThreadedBlas::SingleThreadedBlas() : previous_(blas_threads()) {
    if (previous_ != 1) set_blas_threads(1);
}

SingleThreadedBlas::~SingleThreadedBlas() {
    if (previous_ != 1) set_blas_threads(previous_);
}

void use_matching_blas_core(char** argv) {
    if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;  // the machine (or the user) chose
    // Cores OpenBLAS uses when it does not know the CPU, or that lack AVX2/AVX-512 kernels.
    static const std::set<std::string> generic = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "unknown"};
    const std::string core = blas_core_name();
    const char* better = nullptr;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        (generic.count(core) || core == "Haswell" || core == "Zen"))
        better = "SkylakeX";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && generic.count(core))
        better = "Haswell";
    if (better == nullptr) return;
    setenv("OPENBLAS_CORETYPE", better, 1);
    execv("/proc/self/exe", argv);  // returns only on failure: then run on with the slow core
}

}  // namespace cnnlab
