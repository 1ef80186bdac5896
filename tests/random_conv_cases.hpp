/// \file
/// \brief Randomized convolution problems for the optimized-vs-reference sweeps: each problem is
/// drawn from its own seed and prints as one line that is enough to reproduce it.
///
/// To reproduce a failure, build a Problem2d (or Problem1d) with the printed sizes, options and
/// seed: its input() and kernel() return the same values. `CNNLAB_TEST_SEED=<n>` runs a whole
/// sweep on other problems.
#pragma once

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/geometry.hpp"

#include <armadillo>
#include <cstdint>
#include <cstdlib>
#include <ostream>
#include <random>
#include <string>

namespace cnnlab::testing {

/// The seed every sweep starts from; `CNNLAB_TEST_SEED=<n>` in the environment overrides it.
inline std::uint64_t base_seed() {
    if (const char* text = std::getenv("CNNLAB_TEST_SEED")) return std::strtoull(text, nullptr, 10);
    return 20240501;
}

/// What a problem is meant to exercise; the sweep cycles through these so each occurs.
enum class Stress {
    random,
    kernel_is_input,
    stride_beyond_kernel,
    dilated,
    asymmetric_padding,
    even_same,
    large_kernel,
    large_input,  ///< tall planes: full register blocks of the direct path, and its threaded branch
    count
};

inline const char* stress_name(Stress s) {
    switch (s) {
        case Stress::random: return "random";
        case Stress::kernel_is_input: return "kernel=input";
        case Stress::stride_beyond_kernel: return "stride>kernel";
        case Stress::dilated: return "dilated";
        case Stress::asymmetric_padding: return "asymmetric-padding";
        case Stress::even_same: return "even-kernel-same";
        case Stress::large_kernel: return "large-kernel";
        case Stress::large_input: return "large-input";
        case Stress::count: break;
    }
    return "?";
}

inline std::string padding_string(const Padding2d& padding) {
    if (const Mode* mode = std::get_if<Mode>(&padding)) return std::string(mode_name(*mode));
    const Sides2& s = std::get<Sides2>(padding);
    return str("top", s.rows.before, ",bottom", s.rows.after, ",left", s.cols.before, ",right", s.cols.after);
}

inline std::string padding_string(const AxisPadding& padding) {
    if (const Mode* mode = std::get_if<Mode>(&padding)) return std::string(mode_name(*mode));
    const Sides& s = std::get<Sides>(padding);
    return str("before", s.before, ",after", s.after);
}

/// One 2-D problem: input and kernel sizes, options, and the seed its values come from.
struct Problem2d {
    std::uint64_t seed = 0;
    Stress stress = Stress::random;
    std::size_t rows = 1, cols = 1, kernel_rows = 1, kernel_cols = 1;
    Options2d options{};

    /// Input and kernel values, uniform in [−1, 1], drawn from `seed` (the kernel is generic, so
    /// rotation-asymmetric with probability 1).
    template <class T>
    arma::Mat<T> input() const { return values<T>(rows, cols, 1); }
    template <class T>
    arma::Mat<T> kernel() const { return values<T>(kernel_rows, kernel_cols, 2); }
    /// A rank-1 kernel \f$a b^\top\f$ of the same size.
    template <class T>
    arma::Mat<T> rank_one_kernel() const {
        return values<T>(kernel_rows, 1, 3) * values<T>(1, kernel_cols, 4);
    }

private:
    template <class T>
    arma::Mat<T> values(std::size_t r, std::size_t c, std::uint64_t stream) const {
        std::mt19937_64 engine(seed * 8 + stream);
        std::uniform_real_distribution<double> uniform(-1.0, 1.0);
        arma::Mat<T> m(r, c);
        for (arma::uword i = 0; i < m.n_elem; ++i) m(i) = T(uniform(engine));
        return m;
    }
};

inline std::ostream& operator<<(std::ostream& out, const Problem2d& p) {
    return out << "[" << stress_name(p.stress) << "] input " << p.rows << "×" << p.cols << ", kernel " << p.kernel_rows << "×"
               << p.kernel_cols << ", padding " << padding_string(p.options.padding) << ", stride " << p.options.stride.rows
               << "×" << p.options.stride.cols << ", dilation " << p.options.dilation.rows << "×" << p.options.dilation.cols
               << ", seed " << p.seed;
}

/// Draws problem number `index` of a sweep: its seed is base_seed() + index, its stress
/// `index mod Stress::count`. Draws again (same seed stream) until the geometry is valid.
inline Problem2d draw_problem2d(std::size_t index) {
    Problem2d p;
    p.seed = base_seed() + index;
    p.stress = static_cast<Stress>(index % static_cast<std::size_t>(Stress::count));
    std::mt19937_64 engine(p.seed);
    const auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(engine); };
    for (;;) {
        p.rows = pick(1, 20);
        p.cols = pick(1, 20);
        p.kernel_rows = pick(1, 6);
        p.kernel_cols = pick(1, 6);
        p.options = {};
        switch (pick(0, 3)) {
            case 0: p.options.padding = Mode::valid; break;
            case 1: p.options.padding = Mode::same; break;
            case 2: p.options.padding = Mode::full; break;
            default: p.options.padding = Sides2{{pick(0, 3), pick(0, 3)}, {pick(0, 3), pick(0, 3)}};
        }
        if (pick(0, 2) == 0) p.options.stride = {pick(1, 3), pick(1, 3)};
        if (pick(0, 3) == 0) p.options.dilation = {pick(1, 2), pick(1, 2)};
        switch (p.stress) {
            case Stress::random: break;
            case Stress::kernel_is_input:
                p.rows = p.kernel_rows = pick(1, 7);
                p.cols = p.kernel_cols = pick(1, 7);
                p.options.dilation = {};
                break;
            case Stress::stride_beyond_kernel:
                p.options.stride = {p.kernel_rows + pick(1, 3), p.kernel_cols + pick(1, 3)};
                break;
            case Stress::dilated: p.options.dilation = {pick(2, 4), pick(2, 4)}; break;
            case Stress::asymmetric_padding: {
                const std::size_t a = pick(0, 4), b = pick(0, 4);
                p.options.padding = Sides2{{a, a == 0 ? pick(1, 4) : 0}, {b == 0 ? std::size_t{3} : std::size_t{0}, b + 1}};
                break;
            }
            case Stress::even_same:
                p.kernel_rows = 2 * pick(1, 3);
                p.kernel_cols = 2 * pick(1, 3);
                p.options.padding = Mode::same;
                break;
            case Stress::large_kernel:  // reaches `automatic`'s fft choice (>= fft_min_taps at stride 1)
                p.kernel_rows = pick(20, 24);
                p.kernel_cols = pick(20, 24);
                p.rows = pick(24, 40);
                p.cols = pick(24, 40);
                p.options.stride = {};
                p.options.dilation = {};
                break;
            case Stress::large_input:
                p.rows = pick(64, 200);
                p.cols = pick(16, 60);
                p.kernel_rows = pick(3, 8);
                p.kernel_cols = pick(3, 8);
                if (pick(0, 1)) p.options.stride = {};  // half of them at stride 1 (the vectorized branch)
                break;
            case Stress::count: break;
        }
        try {
            resolve_geometry("draw", p.rows, p.cols, p.kernel_rows, p.kernel_cols, p.options);
            return p;
        } catch (const shape_error&) {
            // no valid output: draw again from the same stream
        }
    }
}

/// One 1-D problem.
struct Problem1d {
    std::uint64_t seed = 0;
    std::size_t length = 1, taps = 1;
    Options1d options{};

    template <class T>
    arma::Col<T> input() const { return values<T>(length, 1); }
    template <class T>
    arma::Col<T> kernel() const { return values<T>(taps, 2); }

private:
    template <class T>
    arma::Col<T> values(std::size_t n, std::uint64_t stream) const {
        std::mt19937_64 engine(seed * 8 + stream);
        std::uniform_real_distribution<double> uniform(-1.0, 1.0);
        arma::Col<T> v(n);
        for (arma::uword i = 0; i < v.n_elem; ++i) v(i) = T(uniform(engine));
        return v;
    }
};

inline std::ostream& operator<<(std::ostream& out, const Problem1d& p) {
    return out << "input " << p.length << ", kernel " << p.taps << ", padding " << padding_string(p.options.padding)
               << ", stride " << p.options.stride << ", dilation " << p.options.dilation << ", seed " << p.seed;
}

inline Problem1d draw_problem1d(std::size_t index) {
    Problem1d p;
    p.seed = base_seed() + 100000 + index;
    std::mt19937_64 engine(p.seed);
    const auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(engine); };
    for (;;) {
        p.length = pick(1, 40);
        p.taps = index % 5 == 0 ? p.length : pick(1, 12);  // every 5th: kernel = input
        p.options = {};
        switch (pick(0, 3)) {
            case 0: p.options.padding = Mode::valid; break;
            case 1: p.options.padding = Mode::same; break;
            case 2: p.options.padding = Mode::full; break;
            default: p.options.padding = Sides{pick(0, 5), pick(0, 5)};
        }
        p.options.stride = pick(0, 1) ? pick(1, 5) : 1;
        p.options.dilation = pick(0, 2) == 0 ? pick(2, 4) : 1;
        try {
            resolve_geometry("draw", p.length, p.taps, p.options);
            return p;
        } catch (const shape_error&) {
        }
    }
}

}  // namespace cnnlab::testing
