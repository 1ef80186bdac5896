/// \file
/// \brief The refusal table: inputs cnnlab must refuse, one row per rule, one test per row.
///
/// Every public operation checks its arguments before it touches memory. Each row below gives an
/// input that breaks one rule, the error type it must raise (shape_error for shapes that do not fit,
/// argument_error for an argument outside its domain, data_error for a file) and the words the
/// message must hold: the operation's name and the rule broken. Every message is one line, so the
/// `cnnlab` program can print it as its one-line refusal. The program's own refusals are the
/// `cli.*` tests of tests/CMakeLists.txt (run_cli.sh checks one stderr line and a non-zero exit).
#define BOOST_TEST_MODULE refusal
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/case_file.hpp"
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch00_foundation/image_io.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "chapters/ch05_transposed/transposed.hpp"
#include "chapters/ch07_networks/checkpoint.hpp"
#include "chapters/ch07_networks/datasets.hpp"
#include "chapters/ch07_networks/dense_ops.hpp"
#include "chapters/ch07_networks/loss.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "chapters/ch07_networks/optimizers.hpp"
#include "chapters/ch07_networks/preprocess.hpp"
#include "chapters/ch07_networks/training.hpp"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <ostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace cnnlab;

namespace {

/// Which of cnnlab's error types a refusal raises.
enum class Error { shape, argument, data };

/// One row of the table.
struct Refusal {
    std::string id;                      ///< short name of the rule
    Error error;                         ///< the type the refusal must have
    std::vector<std::string> words;      ///< the message must hold each (operation, rule)
    std::function<void()> call;          ///< the refused call
};

std::ostream& operator<<(std::ostream& out, const Refusal& row) { return out << row.id; }

constexpr std::size_t huge = std::numeric_limits<std::size_t>::max();

Tensor4<double> zeros(std::size_t n, std::size_t c, std::size_t h, std::size_t w) { return Tensor4<double>({n, c, h, w}); }
Tensor4<float> zeros_f(std::size_t n, std::size_t c, std::size_t h, std::size_t w) { return Tensor4<float>({n, c, h, w}); }

/// A scratch folder for the file rows, removed when the test program ends.
const fs::path& scratch() {
    static const struct Folder {
        fs::path dir = fs::temp_directory_path() / ("cnnlab_refusal_test_" + std::to_string(::getpid()));
        Folder() { fs::create_directories(dir); }
        ~Folder() {
            std::error_code ignored;
            fs::remove_all(dir, ignored);
        }
    } folder;
    return folder.dir;
}

/// Writes `bytes` to a file in the scratch folder and returns its path.
fs::path file_with(const std::string& name, const std::string& bytes) {
    const fs::path path = scratch() / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

/// A valid checkpoint of a small net, then `change` applied to its bytes; returns the path.
fs::path changed_checkpoint(const std::string& name, const std::function<void(std::string&)>& change) {
    auto net = make_net("lenet", 10);
    initialize(*net, 1);
    const fs::path path = scratch() / name;
    save_checkpoint(path, make_checkpoint("lenet", default_input("lenet"), 10, *net, TrainingRun(TrainingOptions{})));
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    change(bytes);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    return path;
}

/// IDX header bytes: magic then big-endian sizes.
std::string idx_header(std::uint32_t magic, std::initializer_list<std::uint32_t> sizes) {
    std::string bytes;
    auto put = [&](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(char(v >> shift));
    };
    put(magic);
    for (auto s : sizes) put(s);
    return bytes;
}

/// Runs a replay case as `cnnlab replay` does and raises its error line (replay never throws: it
/// writes the message into the results file; the type is the one the message comes with).
void replay(const std::string& op, std::map<std::string, std::vector<long long>> params) {
    cases::Case c{.id = "refused", .op = op, .params = std::move(params)};
    c.tensors["x"] = {{1, 1, 5, 5}, std::vector<double>(25, 1.0)};
    c.tensors["w"] = {{1, 1, 3, 3}, std::vector<double>(9, 1.0)};
    const cases::Case result = cases::run_case(c);
    if (!result.error.empty()) throw argument_error(result.error);
}

Pool2dOptions pool(std::size_t k, std::size_t s, std::size_t p = 0, std::size_t d = 1) {
    return {.kernel = {k, k}, .stride = Step2{s, s}, .padding = {p, p}, .dilation = {d, d}};
}

// [table]
std::vector<Refusal> table() {
    const arma::mat x4 = arma::ones(4, 4), k2 = arma::ones(2, 2), k3 = arma::ones(3, 3);
    return {
        // --- Geometry of one axis (Chapter 0): every convolution and pooling resolves through it.
        {"axis-stride-zero", Error::argument, {"op", "stride along rows is 0"},
         [] { make_axis("op", "rows", 5, 3, 0, 1, Mode::valid); }},
        {"axis-dilation-zero", Error::argument, {"op", "dilation along rows is 0"},
         [] { make_axis("op", "rows", 5, 3, 1, 0, Mode::valid); }},
        {"axis-empty-input", Error::shape, {"op", "input is empty"}, [] { make_axis("op", "rows", 0, 1, 1, 1, Mode::valid); }},
        {"axis-empty-kernel", Error::shape, {"op", "kernel is empty"}, [] { make_axis("op", "rows", 5, 0, 1, 1, Mode::valid); }},
        {"axis-kernel-longer-than-input", Error::shape, {"op", "longer than the padded input"},
         [] { make_axis("op", "rows", 2, 3, 1, 1, Mode::valid); }},
        {"axis-dilated-kernel-longer", Error::shape, {"op", "dilated kernel of 7", "longer than the padded input of 6"},
         [] { make_axis("op", "rows", 6, 3, 1, 3, Mode::valid); }},
        {"axis-dilation-overflows", Error::shape, {"op", "does not fit in a 64-bit size"},
         [] { make_axis("op", "rows", 6, 3, 1, huge / 2 + 1, Mode::valid); }},
        {"axis-padding-absurd", Error::shape, {"op", "refused as absurd"},
         [] { make_axis("op", "rows", 6, 3, 1, 1, Sides{std::size_t{1} << 62, 0}); }},
        {"axis-padding-wraps", Error::shape, {"op", "refused as absurd"},
         [] { make_axis("op", "rows", 6, 3, 1, 1, Sides{huge, huge}); }},
        {"d2l-formula-stride-zero", Error::argument, {"output_size_d2l", "stride is 0"}, [] { output_size_d2l(5, 3, 0, 0); }},
        {"d2l-formula-kernel-longer", Error::shape, {"output_size_d2l", "longer than the padded input"},
         [] { output_size_d2l(2, 5, 1, 1); }},
        {"pytorch-formula-kernel-longer", Error::shape, {"output_size_pytorch"}, [] { output_size_pytorch(2, 3, 0, 1, 2); }},
        {"mode-unknown", Error::argument, {"mode", "unknown mode 'wider'"}, [] { parse_mode("wider"); }},
        {"tensor-size-overflows", Error::shape, {"4294967296×4294967296×1×1", "does not fit in a 64-bit size"},
         [] { Shape4{std::size_t{1} << 32, std::size_t{1} << 32, 1, 1}.elements(); }},
        {"tensor-absurd-allocation", Error::shape, {"Tensor4", "1×1×1000000×1000000", "refused as absurd"},
         [] { zeros(1, 1, 1000000, 1000000); }},
        {"tensor-wrong-value-count", Error::shape, {"from_row_major", "needs 4 values but 3"},
         [] { Tensor4<double>::from_row_major({1, 1, 2, 2}, {1, 2, 3}); }},
        {"tensor-plane-outside", Error::shape, {"Tensor4::plane", "outside shape 1×2×2×2"},
         [] {
             const Tensor4<double> t = zeros(1, 2, 2, 2);
             t.plane(0, 2);
         }},

        // --- Chapter 1: single-channel convolution.
        {"xcorr2d-empty-input", Error::shape, {"xcorr2d", "input is empty"}, [=] { xcorr2d(arma::mat(), k2); }},
        {"xcorr2d-empty-kernel", Error::shape, {"xcorr2d", "kernel is empty"}, [=] { xcorr2d(x4, arma::mat()); }},
        {"xcorr2d-stride-zero", Error::argument, {"xcorr2d", "stride along columns is 0"},
         [=] { xcorr2d(x4, k2, {.stride = {1, 0}}); }},
        {"xcorr2d-kernel-larger", Error::shape, {"xcorr2d (input 2×2, kernel 3×3)", "longer than the padded input"},
         [=] { xcorr2d(arma::mat(arma::ones(2, 2)), k3); }},
        {"conv2d-dilation-zero", Error::argument, {"conv2d", "dilation along rows is 0"},
         [=] { conv2d(x4, k2, {.dilation = {0, 1}}); }},
        {"xcorr2d-output-absurd", Error::shape, {"xcorr2d", "refused as absurd"},
         [=] { xcorr2d(x4, k2, {.padding = Mode::full, .dilation = {std::size_t{1} << 30, std::size_t{1} << 30}}); }},
        {"xcorr1d-kernel-larger", Error::shape, {"xcorr1d", "longer than the padded input"},
         [] { xcorr1d(arma::vec{1, 2}, arma::vec{1, 1, 1}); }},
        {"separable-needs-rank-one", Error::argument, {"separable", "rank-1"},
         [=] { xcorr2d(x4, arma::mat{{1, 2}, {3, 5}}, {}, Algorithm::separable); }},
        {"algorithm-unknown", Error::argument, {"unknown algorithm 'winograd9'"}, [] { parse_algorithm("winograd9"); }},

        // --- Chapter 2: convolution layers.
        {"layer-channels-mismatch", Error::shape, {"conv2d", "3 channels but weight expects 2"},
         [] { conv2d_layer(zeros(1, 3, 5, 5), zeros(2, 2, 3, 3)); }},
        {"layer-groups-zero", Error::argument, {"conv2d", "groups"},
         [] { conv2d_layer(zeros(1, 2, 5, 5), zeros(2, 2, 3, 3), {}, {.groups = 0}); }},
        {"layer-groups-do-not-divide-input", Error::shape, {"conv2d", "not divisible by groups=2"},
         [] { conv2d_layer(zeros(1, 3, 5, 5), zeros(4, 1, 3, 3), {}, {.groups = 2}); }},
        {"layer-groups-do-not-divide-output", Error::shape, {"conv2d", "3 output channels", "not divisible by groups=2"},
         [] { conv2d_layer(zeros(1, 4, 5, 5), zeros(3, 2, 3, 3), {}, {.groups = 2}); }},
        {"layer-bias-length", Error::shape, {"conv2d", "bias"},
         [] { conv2d_layer(zeros(1, 2, 5, 5), zeros(2, 2, 3, 3), arma::vec(3, arma::fill::zeros)); }},
        {"layer-kernel-larger", Error::shape, {"conv2d", "longer than the padded input"},
         [] { conv2d_layer(zeros(1, 1, 2, 2), zeros(1, 1, 3, 3)); }},
        {"layer-stride-zero", Error::argument, {"conv2d", "stride along rows is 0"},
         [] { conv2d_layer(zeros(1, 1, 5, 5), zeros(1, 1, 3, 3), {}, {.stride = {0, 1}}); }},
        {"layer-empty-batch", Error::shape, {"conv2d", "0×1×5×5"},
         [] { conv2d_layer(zeros(0, 1, 5, 5), zeros(1, 1, 3, 3)); }},
        {"layer-path-does-not-apply", Error::argument, {"conv2d", "winograd", "does not apply"},
         [] {
             conv2d_layer(zeros(1, 1, 8, 8), zeros(1, 1, 3, 3), {}, {.stride = {2, 2}},
                          LayerAlgorithm::winograd_f4x4_3x3);
         }},
        {"layer-algorithm-unknown", Error::argument, {"unknown", "'fastest'"}, [] { parse_layer_algorithm("fastest"); }},
        {"conv1d-layer-needs-one-row", Error::shape, {"conv1d"}, [] { conv1d_layer(zeros(1, 1, 2, 5), zeros(1, 1, 1, 3)); }},
        {"activation-unknown", Error::argument, {"activation", "'swish'"}, [] { parse_activation("swish"); }},

        // --- Chapter 3: gradients.
        {"backward-input-dy-shape", Error::shape, {"conv2d", "1×1×2×2"},
         [] { conv2d_layer_backward_input(zeros(1, 1, 3, 3), zeros(1, 1, 2, 2), {1, 1, 5, 5}); }},
        {"backward-weight-dy-shape", Error::shape, {"conv2d", "1×2×3×3"},
         [] { conv2d_layer_backward_weight(zeros(1, 1, 5, 5), zeros(1, 2, 3, 3), {1, 1, 3, 3}); }},
        {"backward-weight-channels", Error::shape, {"conv2d", "channels"},
         [] { conv2d_layer_backward_weight(zeros(1, 3, 5, 5), zeros(1, 1, 3, 3), {1, 2, 3, 3}); }},
        {"backward-weight-path-does-not-apply", Error::argument, {"conv2d_layer_backward_weight", "winograd_f4x4_3x3 needs a 3×3 kernel, stride 1"},
         [] {
             conv2d_layer_backward_weight(zeros(1, 1, 9, 9), zeros(1, 1, 4, 4), {1, 1, 3, 3}, {.stride = {2, 2}},
                                          BackwardWeightAlgorithm::winograd_f4x4_3x3);
         }},
        {"xcorr2d-backward-dy-shape", Error::shape, {"xcorr2d", "2×2"},
         [=] { xcorr2d_backward_input(k2, arma::mat(2, 2, arma::fill::zeros), 4, 4); }},
        {"backward-algorithm-unknown", Error::argument, {"'sideways'"}, [] { parse_backward_weight_algorithm("sideways"); }},

        // --- Chapter 4: pooling.
        {"pool-kernel-zero", Error::argument, {"max_pool2d", "kernel"}, [] { max_pool2d(zeros(1, 1, 4, 4), pool(0, 1)); }},
        {"pool-stride-zero", Error::argument, {"max_pool2d", "stride"}, [] { max_pool2d(zeros(1, 1, 4, 4), pool(2, 0)); }},
        {"pool-padding-above-half", Error::argument, {"max_pool2d", "half"},
         [] { max_pool2d(zeros(1, 1, 4, 4), pool(2, 2, 2)); }},
        {"pool-dilation-zero", Error::argument, {"max_pool2d", "dilation"},
         [] { max_pool2d(zeros(1, 1, 4, 4), pool(2, 2, 0, 0)); }},
        {"avg-pool-dilation", Error::argument, {"avg_pool2d", "dilation"},
         [] { avg_pool2d(zeros(1, 1, 6, 6), pool(2, 2, 0, 2)); }},
        {"pool-kernel-larger", Error::shape, {"max_pool2d", "1×1×2×2"}, [] { max_pool2d(zeros(1, 1, 2, 2), pool(3, 1)); }},
        {"max-pool-backward-argmax-size", Error::shape, {"max_pool2d_backward", "argmax"},
         [] { max_pool2d_backward(zeros(1, 1, 2, 2), std::vector<std::uint32_t>(3, 0), {1, 1, 4, 4}, pool(2, 2)); }},
        {"max-pool-backward-argmax-outside", Error::shape, {"max_pool2d_backward", "argmax"},
         [] { max_pool2d_backward(zeros(1, 1, 2, 2), std::vector<std::uint32_t>(4, 99), {1, 1, 4, 4}, pool(2, 2)); }},
        {"avg-pool-backward-dy-shape", Error::shape, {"avg_pool2d", "1×1×3×3"},
         [] { avg_pool2d_backward(zeros(1, 1, 3, 3), {1, 1, 4, 4}, pool(2, 2)); }},
        {"adaptive-pool-zero-output", Error::argument, {"adaptive_avg_pool2d"}, [] { adaptive_avg_pool2d(zeros(1, 1, 4, 4), 0, 2); }},
        {"pool1d-needs-one-row", Error::shape, {"max_pool1d"}, [] { max_pool1d(zeros(1, 1, 2, 6), {.kernel = 2}); }},

        // --- Chapter 5: transposed convolution.
        {"transposed-output-padding", Error::argument, {"conv_transpose2d", "output_padding"},
         [] { conv_transpose2d(zeros(1, 1, 3, 3), zeros(1, 1, 3, 3), {}, {.stride = {2, 2}, .output_padding = {2, 0}}); }},
        {"transposed-channels", Error::shape, {"conv_transpose2d", "channels"},
         [] { conv_transpose2d(zeros(1, 2, 3, 3), zeros(3, 1, 3, 3)); }},
        {"transposed-groups", Error::shape, {"conv_transpose2d", "groups=2"},
         [] { conv_transpose2d(zeros(1, 3, 3, 3), zeros(3, 1, 3, 3), {}, {.groups = 2}); }},
        {"transposed-stride-zero", Error::argument, {"conv_transpose2d", "stride"},
         [] { conv_transpose2d(zeros(1, 1, 3, 3), zeros(1, 1, 3, 3), {}, {.stride = {0, 1}}); }},
        {"transposed-output-empty", Error::shape, {"conv_transpose2d"},
         [] { conv_transpose2d(zeros(1, 1, 1, 1), zeros(1, 1, 1, 1), {}, {.padding = {1, 1}}); }},
        {"transposed-output-absurd", Error::shape, {"refused as absurd"},
         [] {
             conv_transpose2d(zeros(1, 1, 1000, 1000), zeros(1, 1, 1, 1), {},
                              {.stride = {std::size_t{1} << 20, std::size_t{1} << 20}});
         }},
        {"transposed-backward-dy-shape", Error::shape, {"conv_transpose2d", "1×1×4×4"},
         [] { conv_transpose2d_backward_input(zeros(1, 1, 3, 3), zeros(1, 1, 4, 4), {1, 1, 3, 3}); }},

        // --- Chapter 7: networks, training and their files.
        {"linear-features", Error::shape, {"linear", "2×5×1×1"},
         [] { linear(zeros(2, 5, 1, 1), arma::mat(3, 4, arma::fill::zeros)); }},
        {"linear-bias-length", Error::shape, {"linear", "bias"},
         [] { linear(zeros(2, 4, 1, 1), arma::mat(3, 4, arma::fill::zeros), arma::vec(2, arma::fill::zeros)); }},
        {"loss-label-out-of-range", Error::argument, {"softmax_cross_entropy", "label"},
         [] { softmax_cross_entropy(zeros(2, 3, 1, 1), {0, 3}); }},
        {"loss-label-count", Error::shape, {"softmax_cross_entropy", "labels"},
         [] { softmax_cross_entropy(zeros(2, 3, 1, 1), {0}); }},
        {"batch-norm-gamma-length", Error::shape, {"batch_norm2d", "gamma"},
         [] {
             const arma::vec two(2, arma::fill::ones), three(3, arma::fill::ones);
             batch_norm2d_inference(zeros(1, 3, 2, 2), two, three, three, three);
         }},
        {"sgd-learning-rate", Error::argument, {"sgd", "learning"},
         [] {
             std::vector<double> p(2), g(2);
             SgdState<double> state;
             sgd_step<double>(p, g, state, {.learning_rate = -1});
         }},
        {"sgd-nesterov-without-momentum", Error::argument, {"sgd_step", "Nesterov momentum needs a momentum > 0"},
         [] {
             std::vector<double> p(2), g(2);
             SgdState<double> state;
             sgd_step<double>(p, g, state, {.learning_rate = 0.1, .nesterov = true});
         }},
        {"adam-beta1", Error::argument, {"adam", "beta1"},
         [] {
             std::vector<double> p(2), g(2);
             AdamState<double> state;
             adam_step<double>(p, g, state, {.beta1 = 1.0});
         }},
        {"adam-gradient-size", Error::shape, {"adam", "gradient"},
         [] {
             std::vector<double> p(2), g(3);
             AdamState<double> state;
             adam_step<double>(p, g, state, {});
         }},
        {"net-unknown", Error::argument, {"'resnet7'"}, [] { make_net("resnet7", 10); }},
        {"net-input-too-small", Error::shape, {"make_net: lenet on a 1×2×2 input", "longer than the padded input"},
         [] { make_net("lenet", 10, NetInput{1, 2, 2}); }},
        {"whitening-keeps-too-many", Error::argument, {"fit_pca_whitening"},
         [] { fit_pca_whitening(arma::fmat(4, 3, arma::fill::randu), 5); }},
        {"resize-to-nothing", Error::argument, {"resize_bilinear"},
         [] { resize_bilinear(arma::fmat(4, 4, arma::fill::ones), 0, 3); }},
        {"checkpoint-missing", Error::data, {"no such checkpoint file"},
         [] { load_checkpoint(scratch() / "missing.ckpt"); }},
        {"checkpoint-not-a-checkpoint", Error::data, {"not a cnnlab checkpoint"},
         [] { load_checkpoint(file_with("text.ckpt", "hello, I am text\n")); }},
        {"checkpoint-bad-checksum", Error::data, {"checksum does not match"},
         [] { load_checkpoint(changed_checkpoint("flipped.ckpt", [](std::string& b) { b[b.size() / 2] ^= 0x40; })); }},
        {"checkpoint-truncated", Error::data, {"truncated"},
         [] { load_checkpoint(changed_checkpoint("cut.ckpt", [](std::string& b) { b.resize(b.size() - 7); })); }},
        {"checkpoint-version", Error::data, {"format version"},
         [] { load_checkpoint(changed_checkpoint("version.ckpt", [](std::string& b) { b[8] = char(99); })); }},
        {"idx-wrong-magic", Error::data, {"read_idx_images", "magic"},
         [] { read_idx_images(file_with("magic.idx", idx_header(0x00000803 ^ 0x100, {1, 2, 2}) + std::string(4, '\0'))); }},
        {"idx-truncated", Error::data, {"read_idx_labels", "truncated"},
         [] { read_idx_labels(file_with("cut.idx", idx_header(0x00000801, {10}) + std::string(4, '\0'))); }},
        {"image-not-an-image", Error::data, {"load_image", "unknown image type"},
         [] { load_image(file_with("text.png", "this is not a PNG\n").string()); }},
        {"image-missing", Error::data, {"load_image", "no such file"}, [] { load_image((scratch() / "none.png").string()); }},
        {"replay-negative-padding", Error::argument, {"conv2d", "padding must be >= 0, got -1"},
         [] { replay("conv2d", {{"padding", {-1, 0}}}); }},
        {"replay-same-with-stride", Error::argument, {"conv2d_same", "padding='same' needs stride 1"},
         [] { replay("conv2d_same", {{"stride", {2, 2}}}); }},
        {"case-file-missing", Error::data, {"read_case_file", "not a readable file"},
         [] { cases::read_case_file(scratch() / "none.cases"); }},
    };
}
// [table]

}  // namespace

BOOST_DATA_TEST_CASE(refused, boost::unit_test::data::make(table()), row) {
    try {
        row.call();
        BOOST_ERROR(row.id << ": accepted, but it breaks a rule");
        return;
    } catch (const std::exception& e) {
        const std::string message = e.what();
        BOOST_TEST_MESSAGE(row.id << ": " << message);  // --log_level=message prints the table's messages
        const bool right_type = row.error == Error::shape    ? dynamic_cast<const shape_error*>(&e) != nullptr
                                : row.error == Error::argument ? dynamic_cast<const argument_error*>(&e) != nullptr
                                                               : dynamic_cast<const data_error*>(&e) != nullptr;
        BOOST_TEST(right_type, row.id << ": wrong error type for: " << message);
        for (const std::string& word : row.words)
            BOOST_TEST(message.find(word) != std::string::npos, row.id << ": '" << word << "' missing from: " << message);
        BOOST_TEST(message.find('\n') == std::string::npos, row.id << ": the message is not one line: " << message);
    }
}

BOOST_AUTO_TEST_CASE(the_table_is_long_enough_and_its_ids_are_unique) {
    const std::vector<Refusal> rows = table();
    BOOST_TEST(rows.size() >= 60u);
    std::set<std::string> ids;
    for (const Refusal& row : rows) BOOST_TEST(ids.insert(row.id).second, "duplicate id " << row.id);
}
