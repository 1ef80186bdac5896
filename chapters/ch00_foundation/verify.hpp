/// \file
/// \brief The verify registry: every claim of the chapters, checked numerically by `cnnlab verify`.
///
/// A claim is a formula or derivation of the chapter (statement in LaTeX, its source in the notes
/// or the textbook) plus a function that measures how far the code is from it. A claim that
/// contradicts a note carries an Erratum: it then passes only when the right value holds *and*
/// the note's value is measurably wrong.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

/// \brief The verify registry and its report (`cnnlab verify`).
namespace cnnlab::verify {

/// What a claim's check measured.
struct Measurement {
    double error = 0;      ///< the measured discrepancy (absolute or relative, as `detail` says)
    double tolerance = 0;  ///< the claim holds when error <= tolerance
    std::string detail;    ///< one line: what was compared, e.g. "max |Δ| over 200 random shapes"
    /// For an erratum: the discrepancy of the note's (wrong) version, which must exceed the tolerance.
    std::optional<double> note_error{};
};

/// A note's statement that the code shows to be wrong.
struct Erratum {
    std::string note;   ///< where: "003 §5.1.3"
    std::string wrong;  ///< what the note says: "narrow convolution: P = 1"
    std::string right;  ///< what holds: "narrow convolution: P = 0"
};

/// One checkable statement of a chapter.
struct Claim {
    std::string id;         ///< stable id, e.g. "ch01.conv-is-rotated-xcorr"
    int chapter = 0;        ///< 1..7
    std::string statement;  ///< the formula, LaTeX without delimiters
    std::string source;     ///< "nndl (5.13), ex 5-2" or "003 §5.1.3"
    std::function<Measurement()> measure;  ///< runs the check and reports error and tolerance
    std::optional<Erratum> erratum{};      ///< set when a note states the claim wrongly
};

/// How a claim came out.
enum class Status {
    pass,     ///< error <= tolerance
    erratum,  ///< holds, and the note's version was measured wrong (counts as a pass)
    fail,     ///< error > tolerance, the note's version turned out right, or the check threw
};

/// A claim with its outcome.
struct Result {
    const Claim* claim = nullptr;  ///< the claim that was run (owned by the Registry)
    Measurement measurement;       ///< what its check measured
    Status status = Status::fail;  ///< pass, erratum or fail
    std::string message;  ///< exception text when the check threw
};

/// The claims of every chapter, in chapter order.
class Registry {
public:
    /// Adds a claim; throws argument_error when its id is already registered.
    void add(Claim claim);
    /// Every registered claim, in registration order.
    const std::vector<Claim>& claims() const { return claims_; }
    /// Runs the claims of one chapter (or all when `chapter` is empty).
    std::vector<Result> run(std::optional<int> chapter = {}) const;

private:
    std::vector<Claim> claims_;
};

/// The registry with every chapter's claims (built on first use).
const Registry& all_claims();

/// Chapter registration functions, one per chapter, called by all_claims().
void register_ch01_claims(Registry& registry);
/// Chapter 2's claims (chapters/ch02_layers/claims.cpp).
void register_ch02_claims(Registry& registry);
/// Chapter 3's claims (chapters/ch03_gradients/claims.cpp).
void register_ch03_claims(Registry& registry);
/// Chapter 4's claims (chapters/ch04_pooling/claims.cpp).
void register_ch04_claims(Registry& registry);
/// Chapter 5's claims (chapters/ch05_transposed/claims.cpp).
void register_ch05_claims(Registry& registry);
/// Chapter 6's claims (chapters/ch06_complexity/claims.cpp).
void register_ch06_claims(Registry& registry);
/// Chapter 7 (classic networks): counted MACs, whole-net forward, traces, receptive field; and
/// training (register_ch07_training_claims, called by it).
void register_ch07_claims(Registry& registry);
/// Chapter 7's training claims: mini-batch gradient error, initial loss, one SGD step, PCA whitening.
void register_ch07_training_claims(Registry& registry);

/// "3.1e-11": a measured error in a claim's detail line (two significant digits are all it needs).
std::string sci(double value);
/// "0.29": a measured ratio or fraction in a claim's detail line.
std::string fixed(double value);

/// Runs one claim (never throws: an exception becomes a FAIL with its message).
Result run_claim(const Claim& claim);

/// A terminal table: id, status, error, tolerance, detail; errata with the note's wrong value.
void print_table(std::ostream& out, const std::vector<Result>& results);
/// The same as a Markdown table for the site (statements as inline LaTeX).
void print_markdown(std::ostream& out, const std::vector<Result>& results);
/// True when no result is a FAIL.
bool all_hold(const std::vector<Result>& results);
/// "PASS", "ERRATUM", "FAIL"
const char* status_name(Status status);

}  // namespace cnnlab::verify
