/// \file
/// \brief OpenBLAS at run time: its thread count, the CPU core it tuned for, and a fix for
/// machines it does not recognise.
#pragma once

#include <string>

namespace cnnlab {

/// The core OpenBLAS selected its kernels for ("SkylakeX", "Haswell", "Zen", "Prescott", …).
std::string blas_core_name();

/// Sets OpenBLAS's own thread pool size (the direct paths use OpenMP instead).
void set_blas_threads(int threads);

/// OpenBLAS's current thread pool size.
int blas_threads();

/// Sets the threads of both pools cnnlab uses: OpenMP's (the direct paths, the loops over samples)
/// and OpenBLAS's. \throws argument_error for fewer than 1
void set_threads(int threads);

/// While alive, OpenBLAS runs single-threaded; the previous thread count comes back after.
/// Code that calls BLAS from inside its own OpenMP region holds one, so the two thread pools do
/// not oversubscribe the cores (2 OpenMP threads × 2 BLAS threads on 2 cores runs slower than 2).
class SingleThreadedBlas {
public:
    SingleThreadedBlas();
    ~SingleThreadedBlas();
    SingleThreadedBlas(const SingleThreadedBlas&) = delete;
    SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

private:
    int previous_;
};

/// OpenBLAS chooses kernels by CPU model. On a CPU model it does not know (common in virtual
/// machines) it falls back to "Prescott", a core without AVX, and runs GEMM 3–4× slower. When
/// `OPENBLAS_CORETYPE` is not set and the CPU supports AVX-512 (or AVX2) but OpenBLAS chose a core
/// without it, this re-executes the program with `OPENBLAS_CORETYPE=SkylakeX` (or `Haswell`);
/// otherwise it returns and changes nothing. Call it first thing in `main`.
void use_matching_blas_core(char** argv);

}  // namespace cnnlab
