/// \file
/// \brief An instrumented count of the multiply-accumulates 乘加 the reference ops execute, so that
/// the complexity formulas of Chapter 6 can be checked against what actually runs.
///
/// Off by default: a reference op asks for the active counter once per call and, when there is none,
/// its loops only test a null pointer (no call, no memory traffic). Counting is per thread: a
/// MacCounter counts the reference ops run on the thread that created it, while it lives.
///
/// \code
/// ref::MacCounter counter;               // counting starts
/// auto y = ref::conv2d_layer(x, w, b, options);
/// counter.macs();                        // = C_out H_out W_out (C_in/g) K_h K_w per sample, times N
/// \endcode
#pragma once

#include <cstdint>

namespace cnnlab::ref {

/// Counts multiply-accumulates executed by the reference ops on this thread while alive. Counters
/// nest: an inner counter pauses the outer one and hands its count back when destroyed.
class MacCounter {
public:
    /// Starts counting on this thread.
    MacCounter() : outer_(active_slot()) { active_slot() = this; }
    /// Stops counting and adds this counter's totals to the counter it paused, if any.
    ~MacCounter() {
        active_slot() = outer_;
        if (outer_) {
            outer_->macs_ += macs_;
            outer_->padding_macs_ += padding_macs_;
        }
    }
    MacCounter(const MacCounter&) = delete;             ///< bound to one thread and scope
    MacCounter& operator=(const MacCounter&) = delete;  ///< bound to one thread and scope

    /// Multiply-accumulates counted: every kernel tap visited, including taps that fall on the zero
    /// padding (they are multiply-accumulates of the padded input, as the formula counts them).
    std::uint64_t macs() const { return macs_; }
    /// Of macs(), the taps that fell on the padding (the reference skips the multiplication by zero).
    std::uint64_t padding_macs() const { return padding_macs_; }

    /// Records `taps` multiply-accumulates, `on_padding` of which fell outside the input.
    void add(std::uint64_t taps, std::uint64_t on_padding = 0) {
        macs_ += taps;
        padding_macs_ += on_padding;
    }

    /// The counter of this thread, or null when nothing is counting.
    static MacCounter* active() { return active_slot(); }

private:
    static MacCounter*& active_slot() {
        thread_local MacCounter* slot = nullptr;
        return slot;
    }
    MacCounter* outer_;
    std::uint64_t macs_ = 0;
    std::uint64_t padding_macs_ = 0;
};

}  // namespace cnnlab::ref
