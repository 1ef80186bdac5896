// Chapter 7 example: the results of the three Fashion-MNIST training runs of the page — d2l's LeNet,
// the modernized LeNet and the ResNet-18-style net — as one Markdown table, read from the logs that
// `cnnlab train … --log` wrote, committed as docs/results/train_<net>.csv:
//
//     epoch,loss,train_accuracy,test_accuracy,examples_per_second,seconds
//
// The logs do not record how they were made: the hyper-parameters of each run are written down below
// (`runs`), and must be changed with the log when a run is redone with other ones.
//
// Per run: the command line (built from the same hyper-parameters the table lists), the last logged
// epoch's training loss and accuracies, the mean throughput over the epochs, and the reference it is
// compared with — d2l's printed LeNet result, or the target accuracy of the modern nets. A log may
// hold fewer epochs than its command asks for (a run still going): the table says so. A missing or
// malformed log stops the program (and the docs build) with the file and line. Prints Markdown that
// the docs build splices into the Chapter 7 page; the figure ch07_training_curves draws the same logs.
#include "chapters/ch07_networks/training.hpp"
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Epoch = cnnlab::EpochRecord;

/// docs/results, found from the repository root or next to this source.
std::filesystem::path results_directory() {
    for (const std::filesystem::path& p :
         {std::filesystem::path("docs/results"), std::filesystem::path(__FILE__).parent_path() / "../results"})
        if (std::filesystem::is_directory(p)) return p;
    throw std::runtime_error("docs/results not found (run from the repository root)");
}

/// One training run of the page: its hyper-parameters (what `cnnlab train` is given) and what its
/// result is compared with.
struct Run {
    std::string net{}, description{};
    int epochs = 10, batch = 256;
    std::string optimizer{};   ///< "sgd" (cnnlab train's default, not written) or "adam"
    std::string lr{};          ///< as typed
    bool cosine = false;       ///< --cosine: the learning rate annealed from lr to 0 over the epochs
    std::string init{};        ///< "xavier", or empty for cnnlab train's default "he"
    bool save = false;         ///< --save NET.ckpt, for `cnnlab eval`
    // The reference: d2l's printed result (book_test > 0), or a target test accuracy.
    double book_loss = 0, book_train = 0, book_test = 0, target_test = 0;

    /// The command line that trains it.
    std::string command() const {
        std::string c = "cnnlab train " + net + " --epochs " + std::to_string(epochs) + " --batch " + std::to_string(batch);
        if (optimizer != "sgd") c += " --optimizer " + optimizer;
        c += " --lr " + lr;
        if (cosine) c += " --cosine";
        if (!init.empty()) c += " --init " + init;
        c += " --log " + net + ".csv";
        if (save) c += " --save " + net + ".ckpt";
        return c;
    }
};

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

/// 7290.4 → "7,290"
std::string grouped(double value) {
    const std::string digits = std::to_string(std::llround(value));
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

/// 0.0203 → "+0.020", with a typographic minus for negative differences.
std::string signed_difference(double value) {
    return (value < 0 ? "−" : "+") + fixed(std::abs(value), 3);
}

}  // namespace

int main() {
    const std::vector<Run> runs = {
        {.net = "lenet", .description = "d2l's LeNet", .optimizer = "sgd", .lr = "0.9", .init = "xavier", .save = true,
         .book_loss = 0.469, .book_train = 0.823, .book_test = 0.779},
        {.net = "lenet_modern", .description = "modernized LeNet", .optimizer = "adam", .lr = "0.002", .cosine = true,
         .target_test = 0.90},
        {.net = "resnet18_mini", .description = "ResNet-18-mini", .optimizer = "adam", .lr = "0.002", .cosine = true,
         .target_test = 0.92}};
    try {
        const std::filesystem::path directory = results_directory();
        std::cout << "| net and command line | optimizer · lr · batch · epochs | train loss | train acc | test acc "
                     "| examples/s, mean (min–max) | time | reference |\n"
                  << "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
        std::vector<std::string> notes;
        for (const Run& run : runs) {
            const std::vector<Epoch> log = cnnlab::read_training_log((directory / ("train_" + run.net + ".csv")).string());
            const Epoch& last = log.back();
            double rate_sum = 0, rate_min = 1e300, rate_max = 0, seconds = 0;
            for (const Epoch& e : log) {
                rate_sum += e.examples_per_second;
                rate_min = std::min(rate_min, e.examples_per_second);
                rate_max = std::max(rate_max, e.examples_per_second);
                seconds += e.seconds;
            }
            const bool complete = last.epoch >= std::size_t(run.epochs);
            std::string epochs = std::to_string(run.epochs);
            if (!complete) {
                epochs += " (" + std::to_string(last.epoch) + " logged)";
                notes.push_back("The log of `" + run.net + "` holds " + std::to_string(last.epoch) + " of the " +
                                std::to_string(run.epochs) + " epochs its command asks for (the run had not finished " +
                                "when the log was committed): its row is epoch " + std::to_string(last.epoch) + "'s.");
            }
            std::string reference;
            if (run.book_test > 0) {
                reference = "d2l: loss " + fixed(run.book_loss, 3) + ", train acc " + fixed(run.book_train, 3) +
                            ", test acc " + fixed(run.book_test, 3) + "<br>test acc here " +
                            signed_difference(last.test_accuracy - run.book_test);
            } else {
                reference = "target: test acc ≥ " + fixed(run.target_test, 2) + "<br>";
                if (last.test_accuracy >= run.target_test)
                    reference += complete ? "reached" : "reached by epoch " + std::to_string(last.epoch);
                else
                    reference += complete ? "not reached (" + signed_difference(last.test_accuracy - run.target_test) + ")"
                                          : "not yet (" + signed_difference(last.test_accuracy - run.target_test) + " at epoch " +
                                                std::to_string(last.epoch) + ")";
            }
            std::string hyper = (run.optimizer == "sgd" ? "SGD" : "Adam") + std::string(" · ") + run.lr +
                                (run.cosine ? " cosine" : "") + " · " + std::to_string(run.batch) + " · " + epochs;
            hyper += run.init.empty() ? "<br>He init" : "<br>" + std::string(run.init == "xavier" ? "Xavier" : run.init) + " init";
            std::cout << "| **" << run.description << "**<br>`" << run.command() << "` | " << hyper << " | "
                      << fixed(last.loss, 3) << " | " << fixed(last.train_accuracy, 3) << " | " << fixed(last.test_accuracy, 3)
                      << " | " << grouped(rate_sum / double(log.size())) << " (" << grouped(rate_min) << "–" << grouped(rate_max)
                      << ") | " << fixed(seconds / 60, 1) << " min | " << reference << " |\n";
        }
        for (const std::string& note : notes) std::cout << '\n' << note << '\n';
    } catch (const std::exception& error) {
        std::cerr << "ch07_training_results: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
