/// \file
/// \brief The subcommands of the `cnnlab` program, one function per cmd_*.cpp file.
#pragma once

#include <CLI/CLI.hpp>

/// \brief The `cnnlab` command-line program.
namespace cnnlab::cli {

/// `cnnlab verify [--chapter N] [--markdown]`
void add_verify_command(CLI::App& app);
/// `cnnlab xcorr2d|conv2d|xcorr1d|conv1d INPUT KERNEL [--mode] [--padding] [--stride] [--dilation] [--explain]`
void add_calculator_commands(CLI::App& app);
/// `cnnlab replay CASES --out RESULTS [--compare] [--tolerance T]`
void add_replay_command(CLI::App& app);
/// `cnnlab check [CHAPTER|EXERCISE]`
void add_check_command(CLI::App& app);
/// `cnnlab gallery IMAGE --out DIR`
void add_gallery_command(CLI::App& app);
/// `cnnlab shape conv2d|conv1d --input … --out-channels … --kernel … [--padding] [--stride] [--dilation] [--groups]`
void add_shape_command(CLI::App& app);
/// `cnnlab summary NET [--input C,H,W] [--classes K] [--json]`
void add_summary_command(CLI::App& app);

/// `cnnlab train NET [--epochs] [--batch] [--lr] [--optimizer] [--seed] [--threads] [--save] [--resume] [--log]`
/// and `cnnlab eval CHECKPOINT`
void add_train_commands(CLI::App& app);

/// Thrown by a subcommand to end the program with this exit code (after it printed what it had to).
struct exit_with {
    int code;
};

/// Check of an option read into an unsigned size: refuses a negative number, which CLI11 would
/// otherwise wrap around to \f$2^{64} - 1\f$ ("--padding -1" would become an absurd padding).
inline const CLI::Validator non_negative{
    [](std::string& text) { return text.starts_with('-') ? "must be a whole number >= 0, got " + text : std::string(); },
    "INT>=0"};

}  // namespace cnnlab::cli
