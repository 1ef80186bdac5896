// `cnnlab train NET …` and `cnnlab eval CHECKPOINT …`: train a network on Fashion-MNIST with a live
// progress line, one line per epoch, a CSV log and checkpoints; score a saved network.
#include "chapters/ch00_foundation/blas.hpp"
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/checkpoint.hpp"
#include "chapters/ch07_networks/datasets.hpp"
#include "cli/commands.hpp"

#include <omp.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

namespace cnnlab::cli {
namespace {

struct TrainArguments {
    std::string net;
    std::string data{fashion_mnist_directory};
    std::size_t epochs = 0, batch = 256, limit = 0, classes = 10;
    double learning_rate = 0.9, momentum = 0, weight_decay = 0;
    std::string optimizer = "sgd", init = "he", save, resume, log;
    std::uint64_t seed = 1;
    int threads = 0;
    bool reference = false, quiet = false, cosine = false;
};

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string minutes_seconds(double seconds) {
    const long s = long(seconds + 0.5);
    return str(s / 60, ":", s % 60 < 10 ? "0" : "", s % 60);
}

// The first `limit` images of a split (0: all), for quick runs.
Dataset first_images(Dataset data, std::size_t limit) {
    if (limit == 0 || limit >= data.images.shape().n) return data;
    Shape4 s = data.images.shape();
    Tensor4<float> images({limit, s.c, s.h, s.w}, uninitialized);
    std::copy(data.images.data(), data.images.data() + images.size(), images.data());
    data.images = std::move(images);
    data.labels.resize(limit);
    return data;
}

void print_epoch(const EpochRecord& e, std::size_t epochs) {
    std::cout << "epoch " << e.epoch << '/' << epochs << "  loss " << fixed(e.loss, 4) << "  train acc "
              << fixed(e.train_accuracy, 4) << "  test acc " << fixed(e.test_accuracy, 4) << "  "
              << fixed(e.examples_per_second, 0) << " examples/s  " << fixed(e.seconds, 1) << " s" << std::endl;
}

void run_train(const TrainArguments& a) {
    if (a.threads > 0) set_threads(a.threads);
    std::unique_ptr<Sequential> network;
    std::unique_ptr<TrainingRun> run;
    NetInput input;
    std::string net = a.net;
    std::size_t classes = a.classes;
    if (!a.resume.empty()) {
        const Checkpoint checkpoint = load_checkpoint(a.resume);
        RestoredRun restored = restore_checkpoint(checkpoint);
        network = std::move(restored.network);
        run = std::make_unique<TrainingRun>(std::move(restored.run));
        net = checkpoint.net;
        input = checkpoint.input;
        classes = checkpoint.classes;
        if (!a.net.empty() && a.net != net)
            throw argument_error(str("train: the checkpoint ", a.resume, " holds ", net, ", not ", a.net));
        if (a.epochs > 0) run->options.epochs = a.epochs;  // the saved hyper-parameters continue; the length may change
        std::cout << "resuming " << net << " from " << a.resume << " after epoch " << run->history.size() << '\n';
    } else {
        if (a.net.empty()) throw argument_error("train: name a network (e.g. lenet) or give --resume CHECKPOINT");
        input = default_input(net);
        network = make_net(net, classes, input);
        TrainingOptions options;
        options.epochs = a.epochs > 0 ? a.epochs : 10;
        options.batch = a.batch;
        options.optimizer = parse_optimizer(a.optimizer);
        options.learning_rate = a.learning_rate;
        options.momentum = a.momentum;
        options.weight_decay = a.weight_decay;
        options.seed = a.seed;
        options.cosine_schedule = a.cosine;
        options.implementation = a.reference ? Implementation::reference : Implementation::optimized;
        initialize(*network, options.seed, parse_weight_init(a.init));
        run = std::make_unique<TrainingRun>(options);
    }
    if (input.channels != 1 || input.height != 28 || input.width != 28)
        throw argument_error(str("train: ", net, " takes ", input.channels, "×", input.height, "×", input.width,
                                 " inputs; Fashion-MNIST images are 1×28×28 (train lenet, lenet_modern or resnet18_mini)"));
    const Dataset train = first_images(load_fashion_mnist(a.data, Split::train), a.limit);
    const Dataset test = load_fashion_mnist(a.data, Split::test);
    const TrainingOptions& o = run->options;
    std::cout << "training " << net << " on " << train.images.shape().n << " images (test " << test.images.shape().n
              << "), " << o.epochs << " epochs, batch " << o.batch << ", " << optimizer_name(o.optimizer) << " lr "
              << o.learning_rate << (o.cosine_schedule ? " (cosine)" : "") << ", seed " << o.seed << ", " << omp_get_max_threads() << " threads" << std::endl;
    const bool live = !a.quiet && isatty(STDERR_FILENO);
    while (run->history.size() < o.epochs) {
        const EpochRecord record = train_epoch(*network, train, test, *run, [&](const Progress& p) {
            if (!live) return;
            std::cerr << "\repoch " << p.epoch << " batch " << p.batch << '/' << p.batches << "  loss "
                      << fixed(p.loss, 4) << "  " << fixed(p.examples_per_second, 0) << " examples/s  ETA "
                      << minutes_seconds(p.eta_seconds) << "   " << std::flush;
        });
        if (live) std::cerr << '\r' << std::string(72, ' ') << '\r';
        print_epoch(record, o.epochs);
        if (!a.log.empty()) write_training_log(a.log, run->history);
        if (!a.save.empty()) save_checkpoint(a.save, make_checkpoint(net, input, classes, *network, *run));
    }
}

struct EvalArguments {
    std::string checkpoint, data{fashion_mnist_directory};
    int threads = 0;
};

void run_eval(const EvalArguments& a) {
    if (a.threads > 0) set_threads(a.threads);
    const Checkpoint checkpoint = load_checkpoint(a.checkpoint);
    const RestoredRun restored = restore_checkpoint(checkpoint);
    const Dataset test = load_fashion_mnist(a.data, Split::test);
    const Evaluation e = evaluate(*restored.network, test, 256);
    std::cout << checkpoint.net << " after " << checkpoint.history.size() << " epochs: test loss " << fixed(e.loss, 4)
              << ", test accuracy " << fixed(e.accuracy, 4) << " on " << test.images.shape().n << " images\n";
    std::vector<std::size_t> right(test.class_names.size()), total(test.class_names.size());
    for (std::size_t i = 0; i < e.predictions.size(); ++i) {
        ++total[test.labels[i]];
        right[test.labels[i]] += e.predictions[i] == test.labels[i];
    }
    for (std::size_t k = 0; k < total.size(); ++k)
        if (total[k] > 0)
            std::cout << "  " << test.class_names[k] << std::string(14 - std::min<std::size_t>(13, test.class_names[k].size()), ' ')
                      << fixed(double(right[k]) / total[k], 3) << '\n';
}

}  // namespace

void add_train_commands(CLI::App& app) {
    auto a = std::make_shared<TrainArguments>();
    CLI::App* train = app.add_subcommand("train", "train a network on Fashion-MNIST (lenet, lenet_modern, resnet18_mini)");
    train->footer("Example: cnnlab train lenet --epochs 10 --batch 256 --lr 0.9 --init xavier --log lenet.csv --save lenet.ckpt");
    train->add_option("net", a->net, "the network (see cnnlab summary)");
    train->add_option("--data", a->data, "directory with the four Fashion-MNIST IDX files")->capture_default_str();
    train->add_option("--epochs", a->epochs, "passes over the training set, default 10 (with --resume: the new total)")->check(non_negative);
    train->add_option("--batch", a->batch, "mini-batch size")->capture_default_str()->check(CLI::PositiveNumber);
    train->add_option("--lr", a->learning_rate, "learning rate")->capture_default_str();
    train->add_option("--optimizer", a->optimizer, "sgd or adam")->capture_default_str();
    train->add_option("--momentum", a->momentum, "SGD momentum")->capture_default_str();
    train->add_option("--weight-decay", a->weight_decay, "L2 weight decay")->capture_default_str();
    train->add_option("--init", a->init, "weight initialization: he or xavier")->capture_default_str();
    train->add_option("--seed", a->seed, "seed of initialization, shuffling and dropout")->capture_default_str()->check(non_negative);
    train->add_option("--threads", a->threads, "threads (default: all cores)")->check(non_negative);
    train->add_option("--limit", a->limit, "train on the first N training images only (0: all)")->capture_default_str()->check(non_negative);
    train->add_option("--save", a->save, "write a checkpoint here after every epoch");
    train->add_option("--resume", a->resume, "continue the run saved in this checkpoint");
    train->add_option("--log", a->log, "write the epoch records to this CSV file");
    train->add_flag("--cosine", a->cosine, "cosine learning-rate annealing from --lr down to 0 over the epochs");
    train->add_flag("--reference", a->reference, "run the naive reference ops (slow; for checking)");
    train->add_flag("--quiet", a->quiet, "no progress line");
    train->callback([a] { run_train(*a); });

    auto e = std::make_shared<EvalArguments>();
    CLI::App* eval = app.add_subcommand("eval", "test accuracy of a saved network, overall and per class");
    eval->footer("Example: cnnlab eval lenet.ckpt");
    eval->add_option("checkpoint", e->checkpoint, "a checkpoint written by cnnlab train --save")->required();
    eval->add_option("--data", e->data, "directory with the Fashion-MNIST IDX files")->capture_default_str();
    eval->add_option("--threads", e->threads, "threads (default: all cores)")->check(non_negative);
    eval->callback([e] { run_eval(*e); });
}

}  // namespace cnnlab::cli
