/// \file
/// \brief CNNLAB_CPU_CLONES: compile a hot kernel once per x86-64 feature level and pick the best
/// when the program loads.
///
/// The release build targets plain x86-64 (SSE2), so that its binaries run on any 64-bit PC; its
/// vector loops would then use 4-wide SSE where the CPU has 16-wide AVX-512. GCC's
/// `target_clones` attribute compiles the marked function three times — for x86-64-v4 (AVX-512),
/// x86-64-v3 (AVX2 + FMA) and the baseline — and resolves the call through an ifunc on the first
/// use, by the CPU's features. Only the innermost kernels carry it (what they call is inlined into
/// each clone); elsewhere — other compilers and architectures, and under AddressSanitizer (whose
/// start-up runs after ifunc resolution) — the macro is empty and the code is compiled once for the
/// build's target.
#pragma once

/// \def CNNLAB_CPU_CLONES
/// Marks a function to be compiled for x86-64-v4, x86-64-v3 and the baseline, the best chosen at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define CNNLAB_CPU_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CNNLAB_CPU_CLONES
#endif
