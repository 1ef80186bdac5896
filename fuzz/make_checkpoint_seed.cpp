// Writes fuzz_checkpoint's seed corpus with the project's own writer (save_checkpoint): the smallest
// of the LeNets make_net builds for a tiny input, SGD with momentum after one recorded epoch, saved
//   checkpoint_full.bin    — 0x00 + the file (the harness reads the rest as the whole file)
//   checkpoint_payload.bin — 0x01 + the payload (the harness adds header and checksum)
// Build the `fuzz_make_checkpoint_seed` target of the fuzz preset; run it with the folder:
//   build/fuzz/fuzz/fuzz_make_checkpoint_seed fuzz/corpus/fuzz_checkpoint
#include "chapters/ch07_networks/checkpoint.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "chapters/ch07_networks/training.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
        return 2;
    }
    const std::filesystem::path folder = argv[1];
    std::string best_net;
    cnnlab::NetInput best_input;
    std::size_t best_count = SIZE_MAX;
    for (const std::string name : {"lenet", "lenet_modern", "lenet1998"})  // the small nets of net_names()
        for (std::size_t side : {4, 8, 12, 16, 28, 32})
            for (std::size_t channels : {1, 3}) {
                const cnnlab::NetInput input{channels, side, side};
                try {
                    auto net = cnnlab::make_net(name, 2, input);
                    cnnlab::initialize(*net, 1);
                    std::size_t count = 0;
                    for (const auto& list : {cnnlab::parameters(*net), cnnlab::buffers(*net)})
                        for (const auto& p : list) count += p.values.size();
                    if (count < best_count) best_count = count, best_net = name, best_input = input;
                } catch (const std::exception&) {
                }
            }
    std::printf("smallest: %s %zux%zux%zu, %zu values\n", best_net.c_str(), best_input.channels, best_input.height,
                best_input.width, best_count);
    auto net = cnnlab::make_net(best_net, 2, best_input);
    cnnlab::initialize(*net, 1);
    cnnlab::TrainingOptions options;
    options.momentum = 0.9;
    cnnlab::TrainingRun run(options);
    run.history.push_back({1, 0.5, 0.75, 0.5, 1000, 0.25});
    const cnnlab::Checkpoint c = cnnlab::make_checkpoint(best_net, best_input, 2, *net, run);
    std::filesystem::create_directories(folder);
    const std::filesystem::path file = folder / "checkpoint.tmp.ckpt";
    cnnlab::save_checkpoint(file, c);
    std::string bytes;
    {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::filesystem::remove(file);
    constexpr std::size_t header = 8 + 4 + 8;
    std::ofstream(folder / "checkpoint_full.bin", std::ios::binary) << '\0' << bytes;
    std::ofstream(folder / "checkpoint_payload.bin", std::ios::binary)
        << '\1' << bytes.substr(header, bytes.size() - header - 4);
    (void)cnnlab::restore_checkpoint(c);  // the saved run restores
    return 0;
}
