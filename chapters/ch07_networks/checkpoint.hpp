/// \file
/// \brief Chapter 7: checkpoints 检查点 — a training run saved to one file and restored from it, so that
/// `cnnlab train --resume` continues bit for bit and `cnnlab eval` scores a trained network.
///
/// The file: the 8 bytes `CNNLABCK`, a format version (uint32), the payload's length (uint64), the
/// payload, and the payload's CRC-32 (uint32); integers and floats little-endian as the machine
/// holds them. The payload holds the net's name, input and classes (make_net rebuilds it), the
/// training options, the random source's state, the optimizer's state, the epoch records, and every
/// parameter and buffer by name. A file is written to `NAME.tmp` and renamed over `NAME`, so an
/// interrupted save leaves the previous checkpoint whole.
#pragma once

#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/training.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace cnnlab {

/// The format version this build writes and reads.
inline constexpr std::uint32_t checkpoint_version = 1;

/// One named tensor of a checkpoint (a parameter or a buffer), its values flattened.
struct NamedValues {
    std::string name;           ///< Parameter::name
    std::vector<float> values;  ///< the values
};

/// A training run as a checkpoint holds it.
struct Checkpoint {
    std::string net;                                 ///< the make_net name
    NetInput input;                                  ///< the net's input (one sample)
    std::size_t classes = 10;                        ///< the net's classes
    TrainingOptions options;                         ///< the run's hyper-parameters
    std::string random_state;                        ///< the random source, as its operator<< writes it
    std::uint64_t optimizer_steps = 0;               ///< Optimizer::steps()
    std::vector<std::vector<float>> optimizer_state; ///< Optimizer::state()
    std::vector<EpochRecord> history;                ///< the epochs done
    std::vector<NamedValues> tensors;                ///< parameters, then buffers
};

/// A checkpoint of `network` (built by make_net(net, classes, input)) and its run.
Checkpoint make_checkpoint(const std::string& net, const NetInput& input, std::size_t classes, Layer& network,
                           const TrainingRun& run);

/// Writes `checkpoint` to `path` through `path.tmp` and a rename.
/// \throws data_error when the file cannot be written
void save_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);

/// Reads a checkpoint. \throws data_error naming the file and the rule broken: missing, not a
/// checkpoint (magic), another format version, truncated, a checksum that does not match, or a
/// payload that does not parse
Checkpoint load_checkpoint(const std::filesystem::path& path);

/// A network and its run, rebuilt from a checkpoint.
struct RestoredRun {
    std::unique_ptr<Sequential> network;  ///< make_net's network with the saved parameters and buffers
    TrainingRun run;                      ///< options, optimizer, random source and history as saved
};

/// Rebuilds the network and the run of a checkpoint.
/// \throws data_error when the net is unknown or a tensor's name or size differs from the net's
RestoredRun restore_checkpoint(const Checkpoint& checkpoint);

}  // namespace cnnlab
