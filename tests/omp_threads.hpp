/// \file
/// \brief Test helper: OpenMP's thread count set for a scope and restored after.
#pragma once

#include <omp.h>

namespace cnnlab::testing {

/// Sets OpenMP's thread count for a scope and restores it after.
class OmpThreads {
public:
    explicit OmpThreads(int threads) : previous_(omp_get_max_threads()) { omp_set_num_threads(threads); }
    ~OmpThreads() { omp_set_num_threads(previous_); }
    OmpThreads(const OmpThreads&) = delete;
    OmpThreads& operator=(const OmpThreads&) = delete;

private:
    int previous_;
};

}  // namespace cnnlab::testing
