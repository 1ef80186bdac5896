// Mini-batch training and evaluation of a network (see training.hpp).
#include "chapters/ch07_networks/training.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/loss.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <numeric>

namespace cnnlab {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The predicted class of each row of N×K×1×1 logits (the first of equal maxima).
std::vector<std::size_t> argmax_rows(const Tensor4<float>& logits) {
    const Shape4& s = logits.shape();
    std::vector<std::size_t> best(s.n, 0);
    for (std::size_t n = 0; n < s.n; ++n)
        for (std::size_t k = 1; k < s.c; ++k)
            if (logits(n, k, 0, 0) > logits(n, best[n], 0, 0)) best[n] = k;
    return best;
}

std::size_t count_equal(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
    std::size_t equal = 0;
    for (std::size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
    return equal;
}

// Fisher–Yates with the run's generator (std::shuffle's algorithm is the library's choice; this one
// is fixed, so a run is reproducible across standard libraries).
std::vector<std::size_t> shuffled_indices(std::size_t count, Random& random) {
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = count; i > 1; --i) std::swap(order[i - 1], order[random() % i]);
    return order;
}

}  // namespace

OptimizerKind parse_optimizer(std::string_view name) {
    if (name == "sgd") return OptimizerKind::sgd;
    if (name == "adam") return OptimizerKind::adam;
    throw argument_error(str("unknown optimizer '", name, "' (known: sgd, adam)"));
}

std::string_view optimizer_name(OptimizerKind kind) { return kind == OptimizerKind::sgd ? "sgd" : "adam"; }

Optimizer::Optimizer(OptimizerKind kind, const TrainingOptions& options) : kind_(kind) {
    sgd_ = {.learning_rate = options.learning_rate, .momentum = options.momentum, .weight_decay = options.weight_decay};
    adam_ = {.learning_rate = options.learning_rate, .weight_decay = options.weight_decay};
}

void Optimizer::step(const std::vector<Parameter>& parameters) {
    const std::size_t count = parameters.size();
    if (steps_ > 0 && (kind_ == OptimizerKind::sgd ? sgd_states_.size() : adam_states_.size()) != count)
        throw shape_error(str("Optimizer::step: ", count, " parameter tensors, but the previous steps had ",
                              kind_ == OptimizerKind::sgd ? sgd_states_.size() : adam_states_.size()));
    sgd_states_.resize(kind_ == OptimizerKind::sgd ? count : 0);
    adam_states_.resize(kind_ == OptimizerKind::adam ? count : 0);
    for (std::size_t i = 0; i < count; ++i) {
        const Parameter& p = parameters[i];
        const std::span<const float> gradient(p.gradient.data(), p.gradient.size());
        if (kind_ == OptimizerKind::sgd)
            sgd_step<float>(p.values, gradient, sgd_states_[i], sgd_);
        else
            adam_step<float>(p.values, gradient, adam_states_[i], adam_);
    }
    ++steps_;
}

std::vector<std::vector<float>> Optimizer::state() const {
    std::vector<std::vector<float>> out;
    for (const SgdState<float>& s : sgd_states_) out.push_back(s.momentum);
    for (const AdamState<float>& s : adam_states_) {
        out.push_back(s.first_moment);
        out.push_back(s.second_moment);
    }
    return out;
}

void Optimizer::restore(const std::vector<std::vector<float>>& state, std::uint64_t steps) {
    sgd_states_.clear();
    adam_states_.clear();
    if (kind_ == OptimizerKind::sgd) {
        for (const std::vector<float>& momentum : state) sgd_states_.push_back({momentum});
    } else {
        if (state.size() % 2 != 0)
            throw data_error(str("Optimizer::restore: Adam keeps two moments per tensor, but ", state.size(),
                                 " arrays were given"));
        for (std::size_t i = 0; i < state.size(); i += 2)
            adam_states_.push_back({state[i], state[i + 1], state[i].empty() ? 0 : steps});
    }
    steps_ = steps;
}

void Optimizer::set_learning_rate(double learning_rate) {
    if (!(learning_rate > 0))
        throw argument_error(str("Optimizer::set_learning_rate: ", learning_rate, " must be > 0"));
    sgd_.learning_rate = learning_rate;
    adam_.learning_rate = learning_rate;
}

double learning_rate_of_epoch(const TrainingOptions& options, std::size_t epoch) {
    if (!options.cosine_schedule || options.epochs == 0) return options.learning_rate;
    constexpr double pi = 3.14159265358979323846;
    return options.learning_rate / 2 * (1 + std::cos(pi * double(epoch) / double(options.epochs)));
}

TrainingRun::TrainingRun(const TrainingOptions& o) : options(o), optimizer(o.optimizer, o), random(o.seed + 1) {}

std::pair<Tensor4<float>, std::vector<std::size_t>> gather_batch(const Dataset& data,
                                                                 const std::vector<std::size_t>& indices) {
    const Shape4& s = data.images.shape();
    const std::size_t per_image = s.c * s.h * s.w;
    Tensor4<float> images({indices.size(), s.c, s.h, s.w}, uninitialized);
    std::vector<std::size_t> labels(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i) {
        if (indices[i] >= s.n || indices[i] >= data.labels.size())
            throw argument_error(str("gather_batch: image ", indices[i], " of a data set of ", s.n));
        std::memcpy(images.data() + i * per_image, data.images.data() + indices[i] * per_image,
                    per_image * sizeof(float));
        labels[i] = data.labels[indices[i]];
    }
    return {std::move(images), std::move(labels)};
}

std::vector<Parameter> trainable_parameters(Layer& network, const TrainingRun& run) {
    std::vector<Parameter> out;
    for (Parameter& p : parameters(network)) {
        bool frozen = false;
        for (const std::string& prefix : run.frozen)
            frozen = frozen || p.name == prefix || p.name.starts_with(prefix + ".");
        if (!frozen) out.push_back(std::move(p));
    }
    return out;
}

StepResult train_step(Layer& network, const Tensor4<float>& images, const std::vector<std::size_t>& labels,
                      TrainingRun& run) {
    TrainingContext context{run.options.implementation, &run.random};
    const Tensor4<float> logits = network.forward_train(images, context);
    const SoftmaxCrossEntropy<float> loss = softmax_cross_entropy(logits, labels);
    network.backward(softmax_cross_entropy_backward(loss.probabilities, labels), run.options.implementation, false);
    run.optimizer.step(trainable_parameters(network, run));
    return {double(loss.loss), count_equal(argmax_rows(logits), labels)};
}

EpochRecord train_epoch(Layer& network, const Dataset& train, const Dataset& test, TrainingRun& run,
                        const std::function<void(const Progress&)>& progress) {
    const std::size_t count = train.images.shape().n, batch = run.options.batch;
    if (count == 0 || batch == 0)
        throw argument_error(str("train_epoch: ", count, " training images in batches of ", batch,
                                 "; both must be at least 1"));
    run.optimizer.set_learning_rate(learning_rate_of_epoch(run.options, run.history.size()));
    const std::vector<std::size_t> order = shuffled_indices(count, run.random);
    const std::size_t batches = (count + batch - 1) / batch;
    double loss_sum = 0;
    std::size_t correct = 0, seen = 0;
    const Clock::time_point start = Clock::now();
    for (std::size_t b = 0; b < batches; ++b) {
        const std::vector<std::size_t> indices(order.begin() + b * batch,
                                               order.begin() + std::min(count, (b + 1) * batch));
        const auto [images, labels] = gather_batch(train, indices);
        const StepResult step = train_step(network, images, labels, run);
        if (!std::isfinite(step.loss))  // every later step would only carry the NaN on
            throw numeric_error(str("train_epoch: the loss became ", step.loss, " at epoch ", run.history.size() + 1,
                                    ", batch ", b + 1, " of ", batches, " (learning rate ",
                                    learning_rate_of_epoch(run.options, run.history.size()),
                                    "): training diverged and the parameters are no longer numbers; try a smaller learning rate"));
        loss_sum += step.loss * indices.size();
        correct += step.correct;
        seen += indices.size();
        if (progress) {
            const double elapsed = seconds_since(start);
            progress({run.history.size() + 1, b + 1, batches, loss_sum / seen, seen / elapsed,
                      elapsed / seen * (count - seen)});
        }
    }
    EpochRecord record;
    record.epoch = run.history.size() + 1;
    record.seconds = seconds_since(start);
    record.loss = loss_sum / seen;
    record.train_accuracy = double(correct) / seen;
    record.examples_per_second = seen / record.seconds;
    if (test.images.shape().n > 0) record.test_accuracy = evaluate(network, test, batch).accuracy;
    run.history.push_back(record);
    return record;
}

void write_training_log(const std::filesystem::path& path, const std::vector<EpochRecord>& history) {
    std::ofstream out(path, std::ios::trunc);
    out << training_log_header << '\n';
    char row[256];
    for (const EpochRecord& e : history) {
        std::snprintf(row, sizeof row, "%zu,%.6f,%.6f,%.6f,%.1f,%.3f\n", e.epoch, e.loss, e.train_accuracy,
                      e.test_accuracy, e.examples_per_second, e.seconds);
        out << row;
    }
    if (!out) throw data_error(str(path.string(), ": cannot write the training log"));
}

namespace {
// `text` as a number, all of it, or a data_error naming the place and the column.
double parse_number(const std::string& text, const std::string& where, const char* column) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(value))
        throw data_error(str(where, column, " is '", text, "', not a number"));
    return value;
}
}  // namespace

std::vector<EpochRecord> read_training_log(const std::filesystem::path& path) {
    const std::string file = path.string();
    std::ifstream in(path);
    if (!in) throw data_error(str("cannot open the training log ", file, " (written by cnnlab train … --log)"));
    std::vector<EpochRecord> rows;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string where = str(file, ":", number, ": ");
        if (number == 1) {
            if (line != training_log_header)
                throw data_error(str(where, "the header must be '", training_log_header, "', not '", line, "'"));
            continue;
        }
        if (line.empty()) continue;
        std::vector<std::string> cells;
        std::stringstream fields(line);
        for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
        if (cells.size() != 6) throw data_error(str(where, "expected 6 comma-separated fields, got ", cells.size()));
        EpochRecord e;
        const double epoch = parse_number(cells[0], where, "epoch");
        e.loss = parse_number(cells[1], where, "loss");
        e.train_accuracy = parse_number(cells[2], where, "train_accuracy");
        e.test_accuracy = parse_number(cells[3], where, "test_accuracy");
        e.examples_per_second = parse_number(cells[4], where, "examples_per_second");
        e.seconds = parse_number(cells[5], where, "seconds");
        if (epoch != double(rows.size() + 1))
            throw data_error(str(where, "epoch ", cells[0], " where epoch ", rows.size() + 1,
                                 " was due (epochs are numbered 1, 2, 3, …)"));
        e.epoch = rows.size() + 1;
        if (e.loss < 0 || e.train_accuracy < 0 || e.train_accuracy > 1 || e.test_accuracy < 0 || e.test_accuracy > 1 ||
            !(e.examples_per_second > 0) || !(e.seconds > 0))
            throw data_error(str(where, "needs loss >= 0, accuracies in [0, 1], examples_per_second > 0 and seconds > 0"));
        rows.push_back(e);
    }
    if (rows.empty()) throw data_error(str(file, ": no epochs logged (only a header, or an empty file)"));
    return rows;
}

Evaluation evaluate(const Layer& network, const Dataset& data, std::size_t batch, Implementation implementation) {
    const std::size_t count = data.images.shape().n;
    if (count == 0 || batch == 0)
        throw argument_error(str("evaluate: ", count, " images in batches of ", batch, "; both must be at least 1"));
    Evaluation result;
    double loss_sum = 0;
    std::size_t correct = 0;
    for (std::size_t first = 0; first < count; first += batch) {
        std::vector<std::size_t> indices(std::min(batch, count - first));
        std::iota(indices.begin(), indices.end(), first);
        const auto [images, labels] = gather_batch(data, indices);
        const Tensor4<float> logits = network.forward(images, implementation);
        loss_sum += double(softmax_cross_entropy(logits, labels).loss) * indices.size();
        const std::vector<std::size_t> predicted = argmax_rows(logits);
        correct += count_equal(predicted, labels);
        result.predictions.insert(result.predictions.end(), predicted.begin(), predicted.end());
    }
    result.loss = loss_sum / count;
    result.accuracy = double(correct) / count;
    return result;
}

}  // namespace cnnlab
