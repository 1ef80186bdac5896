// Chapter 7: the forward pass (inference) of every classic net, whole, in float: images per second
// at batch 1 and batch 16 on 1 and 2 threads, at each net's usual input (3×224×224 for the ImageNet
// nets, d2l's sizes for LeNet and NiN).
//
// ch07-NET/batch1/T, ch07-NET/batch16/T   Layer::forward(x, Implementation::optimized): Winograd, GEMM,
//                                         the vector pooling kernels, one GEMM per linear layer
// ch07-lenet/reference, ch07-resnet18/reference
//                                         the same forward by the naive reference ops (batch 1; the
//                                         others would take minutes per image)
//
// ch07-train-NET/batch256/T                one training step (forward in training mode, softmax
//                                         cross-entropy, backward, optimizer step) for lenet (SGD),
//                                         lenet_modern and resnet18_mini (Adam) at batch 256; counter
//                                         examples/s. bench/pytorch_training.py times PyTorch on the same
//                                         nets, batch and threads and runs these in the same go.
//
// The rate is the formula's FLOPs, 2 × the summary's multiply-accumulates × the batch, over the wall
// time; the counter images/s is the batch over the wall time.
#include "bench/bench_support.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "chapters/ch07_networks/training.hpp"

#include <exception>
#include <random>
#include <string>

namespace {

using cnnlab::Implementation;
using cnnlab::Tensor4;

/// A net at its usual input and class count, initialized, with a batch of uniform inputs.
struct Net {
    std::unique_ptr<cnnlab::Sequential> net;
    Tensor4<float> x;
    double flops;

    Net(const std::string& name, std::size_t batch) : net(cnnlab::make_net(name, cnnlab::default_classes(name))) {
        cnnlab::initialize(*net, 1);
        cnnlab::Shape4 shape = cnnlab::default_input(name).shape();
        flops = 2.0 * double(net->infer(shape).macs) * double(batch);
        shape.n = batch;
        x = Tensor4<float>(shape, cnnlab::uninitialized);
        std::mt19937 random(7);
        std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
        for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = uniform(random);
    }
};

void forward(benchmark::State& state, std::string name, std::size_t batch, Implementation implementation) {
    const cnnlab::bench::ThreadCount threads(implementation == Implementation::reference ? 1 : int(state.range(0)));
    try {
        const Net n(name, batch);
        benchmark::DoNotOptimize(n.net->forward(n.x, implementation));  // warms the paths' buffers
        for (auto _ : state) benchmark::DoNotOptimize(n.net->forward(n.x, implementation));
        cnnlab::bench::set_flops(state, n.flops);
        state.counters["images/s"] = benchmark::Counter(double(batch), benchmark::Counter::kIsIterationInvariantRate);
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
    }
}

void train(benchmark::State& state, std::string name, std::size_t batch) {
    const cnnlab::bench::ThreadCount threads(int(state.range(0)));
    try {
        const Net n(name, batch);
        std::vector<std::size_t> labels(batch);
        for (std::size_t i = 0; i < batch; ++i) labels[i] = i % 10;
        cnnlab::TrainingOptions options;
        options.optimizer = name == "lenet" ? cnnlab::OptimizerKind::sgd : cnnlab::OptimizerKind::adam;
        options.learning_rate = name == "lenet" ? 0.9 : 0.001;
        cnnlab::TrainingRun run(options);
        benchmark::DoNotOptimize(cnnlab::train_step(*n.net, n.x, labels, run));  // warms the buffers
        for (auto _ : state) benchmark::DoNotOptimize(cnnlab::train_step(*n.net, n.x, labels, run));
        cnnlab::bench::set_flops(state, 3 * n.flops);  // forward + the two backward products
        state.counters["examples/s"] = benchmark::Counter(double(batch), benchmark::Counter::kIsIterationInvariantRate);
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
    }
}

void register_all() {
    for (const std::string name : {"lenet", "lenet_modern", "resnet18_mini"})
        benchmark::RegisterBenchmark(("ch07-train-" + name + "/batch256").c_str(), train, name, 256)
            ->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
    for (const std::string& name : cnnlab::net_names()) {
        const std::string group = "ch07-" + name + "/";
        if (name == "lenet" || name == "resnet18")
            benchmark::RegisterBenchmark((group + "reference").c_str(), forward, name, 1, Implementation::reference)
                ->UseRealTime()->Unit(benchmark::kMillisecond);
        for (std::size_t batch : {1, 16})
            benchmark::RegisterBenchmark((group + "batch" + std::to_string(batch)).c_str(), forward, name, batch,
                                         Implementation::optimized)
                ->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
    }
}

const bool registered = (register_all(), true);

}  // namespace
