/// \file
/// \brief Chapter 7: training 训练 a network on a labelled image set with mini-batch gradient descent
/// 小批量梯度下降 — shuffled mini-batches, forward in training mode, softmax cross-entropy, backward,
/// one optimizer step — and evaluating it.
///
/// One epoch visits every training image once, in an order drawn from the run's random source; a
/// step on a batch \f$B\f$ of size \f$|B|\f$ follows the mean-loss gradient
/// \f[ g = \frac{1}{|B|} \sum_{n \in B} \nabla_\theta\, \ell(f(x_n; \theta), y_n), \f]
/// an unbiased estimate of the full-data gradient whose error shrinks like \f$1/\sqrt{|B|}\f$.
/// Everything random (initialization aside) comes from TrainingRun::random, so the same seed gives
/// the same run, and a run restored from a checkpoint continues exactly as if it had not stopped.
#pragma once

#include "chapters/ch07_networks/datasets.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "chapters/ch07_networks/optimizers.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cnnlab {

/// The optimizers `cnnlab train --optimizer` offers.
enum class OptimizerKind {
    sgd,  ///< sgd_step (momentum and weight decay optional)
    adam  ///< adam_step
};
/// "sgd" or "adam". \throws argument_error for another name
OptimizerKind parse_optimizer(std::string_view name);
/// The name parse_optimizer accepts.
std::string_view optimizer_name(OptimizerKind kind);

/// The hyper-parameters of a training run.
struct TrainingOptions {
    std::size_t epochs = 10;                    ///< passes over the training set
    std::size_t batch = 256;                    ///< mini-batch size \f$|B|\f$
    OptimizerKind optimizer = OptimizerKind::sgd;  ///< which update rule
    double learning_rate = 0.9;                 ///< \f$\eta\f$ (d2l's LeNet: 0.9)
    double momentum = 0.0;                      ///< SGD's momentum \f$\mu\f$
    double weight_decay = 0.0;                  ///< L2 weight decay \f$\lambda\f$ (both optimizers)
    std::uint64_t seed = 1;                     ///< initialization, shuffling and dropout
    Implementation implementation = Implementation::optimized;  ///< optimized ops, or the naive references
    /// Cosine annealing 余弦退火 (Loshchilov & Hutter): epoch \f$e = 0, 1, \dots, E-1\f$ runs at
    /// \f$\eta_e = \tfrac{\eta}{2}\,(1 + \cos(\pi e / E))\f$ instead of a constant \f$\eta\f$.
    bool cosine_schedule = false;
};

/// The learning rate of epoch `epoch` (0-based) under `options` (constant, or cosine annealing).
double learning_rate_of_epoch(const TrainingOptions& options, std::size_t epoch);

/// One optimizer for all of a network's parameters, with a state per parameter tensor.
class Optimizer {
public:
    /// An optimizer of `kind` with the learning rate, momentum and weight decay of `options`
    /// (Adam: β = (0.9, 0.999), ε = 1e-8, PyTorch's defaults).
    Optimizer(OptimizerKind kind, const TrainingOptions& options);
    /// One step on every parameter from its gradient (parameters() order).
    /// \throws shape_error when the parameter list is not the one of the previous steps
    void step(const std::vector<Parameter>& parameters);
    /// The rule.
    OptimizerKind kind() const { return kind_; }
    /// Sets \f$\eta\f$ for the next steps (a schedule's job). \throws argument_error when not > 0
    void set_learning_rate(double learning_rate);
    /// The state of every parameter tensor, flattened for a checkpoint: per tensor its momentum (SGD)
    /// or first and second moments (Adam), in parameters() order.
    std::vector<std::vector<float>> state() const;
    /// Steps taken (Adam's \f$t\f$; counted for SGD too).
    std::uint64_t steps() const { return steps_; }
    /// Restores state() and steps() as saved. \throws data_error when the sizes do not fit the rule
    void restore(const std::vector<std::vector<float>>& state, std::uint64_t steps);

private:
    OptimizerKind kind_;
    SgdOptions sgd_;
    AdamOptions adam_;
    std::vector<SgdState<float>> sgd_states_;
    std::vector<AdamState<float>> adam_states_;
    std::uint64_t steps_ = 0;
};

/// The record of one epoch: what `cnnlab train` prints and logs.
struct EpochRecord {
    std::size_t epoch = 0;             ///< 1, 2, …
    double loss = 0;                   ///< mean training loss over the epoch's batches (weighted by size)
    double train_accuracy = 0;         ///< fraction of training images classified right during the epoch
    double test_accuracy = 0;          ///< fraction of test images classified right after the epoch
    double examples_per_second = 0;    ///< training throughput (forward + backward + step)
    double seconds = 0;                ///< the epoch's training time
};

/// The header line of a training log, the CSV file `cnnlab train --log` writes (one row per epoch).
inline constexpr std::string_view training_log_header =
    "epoch,loss,train_accuracy,test_accuracy,examples_per_second,seconds";
/// Writes `history` as a training log (header, then one row per epoch). \throws data_error when it cannot
void write_training_log(const std::filesystem::path& path, const std::vector<EpochRecord>& history);
/// Reads a training log. \throws data_error naming the file and line when it is missing, has another
/// header, a row of another width, a value that is not a number or out of range (loss < 0, an
/// accuracy outside [0, 1], a rate or time ≤ 0), epochs not numbered 1, 2, 3, …, or no rows at all
std::vector<EpochRecord> read_training_log(const std::filesystem::path& path);

/// Everything besides the network that a run carries from one epoch to the next — what a checkpoint
/// must hold for a resumed run to continue bit for bit.
struct TrainingRun {
    TrainingOptions options;           ///< the hyper-parameters
    Optimizer optimizer;               ///< the optimizer and its state
    Random random;                     ///< the source of the shuffles and dropout masks
    std::vector<EpochRecord> history;  ///< the epochs done so far
    /// Layers whose parameters the optimizer leaves alone (fine-tuning 微调 with frozen layers), by
    /// path prefix as parameters() names them ("0" freezes "0.weight" and "0.bias", "features" all of
    /// features.*). Their gradients are still computed; not saved in checkpoints.
    std::vector<std::string> frozen;
    /// A fresh run: the optimizer of `options`, the random source seeded by options.seed + 1
    /// (initialization uses options.seed itself).
    explicit TrainingRun(const TrainingOptions& options);
};

/// Live progress inside an epoch (for the progress line).
struct Progress {
    std::size_t epoch = 0;             ///< the epoch, 1-based
    std::size_t batch = 0;             ///< batches done in this epoch
    std::size_t batches = 0;           ///< batches in the epoch
    double loss = 0;                   ///< mean loss so far in this epoch
    double examples_per_second = 0;    ///< throughput so far in this epoch
    double eta_seconds = 0;            ///< estimated seconds left in this epoch
};

/// The loss and accuracy of one step.
struct StepResult {
    double loss = 0;          ///< the batch's mean loss before the step
    std::size_t correct = 0;  ///< images of the batch the net classified right before the step
};

/// The images and labels of `indices` (a mini-batch), as a tensor N×C×H×W and class indices.
/// \throws argument_error for an index outside the data set
std::pair<Tensor4<float>, std::vector<std::size_t>> gather_batch(const Dataset& data,
                                                                 const std::vector<std::size_t>& indices);

/// The parameters of `network` that `run` trains: all but those under a prefix of run.frozen.
std::vector<Parameter> trainable_parameters(Layer& network, const TrainingRun& run);

/// The loss, its gradient by backpropagation and one optimizer step on one mini-batch.
/// \throws shape_error when the net's output is not N×K×1×1; argument_error for a label ≥ K
StepResult train_step(Layer& network, const Tensor4<float>& images, const std::vector<std::size_t>& labels,
                      TrainingRun& run);

/// One epoch over `train` in a fresh shuffled order, then the accuracy on `test` (skipped when test
/// is empty); appends its record to run.history and returns it. `progress` (may be empty) is called
/// after every batch.
/// \throws numeric_error when a batch's loss is NaN or ∞ (the run diverged; the error names the
/// epoch, the batch and the learning rate)
EpochRecord train_epoch(Layer& network, const Dataset& train, const Dataset& test, TrainingRun& run,
                        const std::function<void(const Progress&)>& progress = {});

/// The mean loss and the accuracy of a network (inference mode) on a data set.
struct Evaluation {
    double loss = 0;      ///< mean softmax cross-entropy
    double accuracy = 0;  ///< fraction classified right
    std::vector<std::size_t> predictions;  ///< the predicted class of each image
};
/// Evaluates `network` on `data` in batches of `batch`. \throws argument_error for an empty data set or batch 0
Evaluation evaluate(const Layer& network, const Dataset& data, std::size_t batch = 256,
                    Implementation implementation = Implementation::optimized);

}  // namespace cnnlab
