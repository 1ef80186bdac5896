// Chapter 7 example: d2l's LeNet as a layer tree — its per-layer summary (output shape, parameters,
// multiply-accumulates, activations, receptive field) as a Markdown table, then one forward pass on
// the cat photo by the optimized ops and by the naive references, with the multiply-accumulates the
// references executed counted; and a net that shape inference refuses. Prints Markdown that the
// docs build splices into the Chapter 7 page. The program fails unless the two forward passes agree,
// the counted multiply-accumulates equal the summary's and the wrong net is refused.
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/image_io.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "reference/mac_counter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

/// The photo, found from the repository root or next to this source.
std::string photo_path() {
    for (const std::filesystem::path& p :
         {std::filesystem::path("data/chelsea.png"), std::filesystem::path(__FILE__).parent_path() / "../../data/chelsea.png"})
        if (std::filesystem::exists(p)) return p.string();
    throw std::runtime_error("ch07_networks: data/chelsea.png not found");
}

/// 416520 → "416,520"
std::string grouped(std::uint64_t value) {
    const std::string digits = std::to_string(value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

/// C×H×W, or just C for a flattened N×C×1×1.
std::string chw(const cnnlab::Shape4& s) {
    return s.h == 1 && s.w == 1 ? std::to_string(s.c) : cnnlab::str(s.c, "×", s.h, "×", s.w);
}

std::string fixed(double value, const char* format) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
}

void print_summary(const std::vector<cnnlab::LayerInfo>& rows) {
    std::cout << "| layer | kind | output \\f$C \\times H \\times W\\f$ | parameters | MACs | activations | receptive field (jump) |\n"
                 "| --- | --- | --- | ---: | ---: | ---: | ---: |\n";
    std::uint64_t activations = 0;
    for (std::size_t i = 1; i < rows.size(); ++i) {  // rows[0] is the whole net
        const cnnlab::LayerInfo& r = rows[i];
        if (!r.composite) activations += r.activations();
        std::cout << "| `" << r.path << "` | " << r.kind << " | " << chw(r.output) << " | " << grouped(r.parameters) << " | "
                  << grouped(r.macs) << " | " << grouped(r.activations()) << " | " << r.field.rows.size << " ("
                  << r.field.rows.jump << ") |\n";
    }
    const cnnlab::LayerInfo& net = rows.front();
    std::cout << "| **total** | | " << chw(net.output) << " | **" << grouped(net.parameters) << "** | **" << grouped(net.macs)
              << "** | **" << grouped(activations) << "** | " << net.field.rows.size << " (" << net.field.rows.jump << ") |\n\n";
}

}  // namespace

int main() {
    using cnnlab::Implementation;
    bool ok = true;

    //! [build]
    // d2l's LeNet (§6.6): two conv + sigmoid + average-pool stages, then three linear layers.
    std::unique_ptr<cnnlab::Sequential> net = cnnlab::lenet(/*classes=*/10, /*input=*/{1, 28, 28});
    // Shape inference: one row per layer (the whole net first), nothing computed yet.
    const std::vector<cnnlab::LayerInfo> rows = cnnlab::summarize(*net, {1, 1, 28, 28});
    //! [build]
    print_summary(rows);

    //! [run]
    // The cat photo as LeNet's input: luma, resized bilinearly to 28×28, mapped to [−1, 1].
    const arma::Cube<float> photo = cnnlab::load_image(photo_path());
    const cnnlab::Tensor4<float> x = cnnlab::image_input(photo, {1, 28, 28});
    cnnlab::initialize(*net, /*seed=*/42);  // He-uniform weights, PyTorch's default biases
    const cnnlab::Tensor4<float> fast = net->forward(x, Implementation::optimized);
    cnnlab::Tensor4<float> slow;
    std::uint64_t counted = 0;
    {
        cnnlab::ref::MacCounter counter;  // counts what the reference ops execute, while it lives
        slow = net->forward(x, Implementation::reference);
        counted = counter.macs();
    }
    //! [run]

    double difference = 0, largest = 0;
    for (std::size_t i = 0; i < fast.size(); ++i) {
        difference = std::max(difference, double(std::abs(fast.data()[i] - slow.data()[i])));
        largest = std::max(largest, double(std::abs(slow.data()[i])));
    }
    std::cout << "| implementation | output \\f$y_0 \\dots y_9\\f$ (untrained: 10 scores, no meaning yet) |\n| --- | --- |\n";
    const auto print_output = [](const char* name, const cnnlab::Tensor4<float>& y) {
        std::cout << "| " << name << " | ";
        for (std::size_t k = 0; k < y.size(); ++k) std::cout << (k ? " " : "") << fixed(y.data()[k], "%.4f");
        std::cout << " |\n";
    };
    print_output("optimized", fast);
    print_output("reference", slow);
    std::cout << "\nInput " << x.shape().str() << " from the " << photo.n_rows << "×" << photo.n_cols
              << " photo; output " << fast.shape().str() << ". Largest difference between the two implementations: "
              << fixed(difference, "%.1e") << " (outputs up to " << fixed(largest, "%.2f") << "). Multiply-accumulates counted by "
              << "`ref::MacCounter` during the reference pass: " << grouped(counted) << "; the summary's formula: "
              << grouped(rows.front().macs) << (counted == rows.front().macs ? " — equal" : " — they differ") << ".\n\n";
    ok = ok && fast.shape() == slow.shape() && difference <= 1e-5 * std::max(1.0, largest) && counted == rows.front().macs;

    //! [refused]
    // A Linear layer that expects d2l's 16·5·5 = 400 features after a single conv stage.
    cnnlab::Sequential wrong("wrong");
    using namespace cnnlab::layers;
    wrong.add(conv(1, 6, 5, 1, 2)).add(sigmoid()).add(avg_pool(2, 2));
    wrong.add(flatten()).add(linear(400, 120));
    std::string message;
    try {
        wrong.infer({1, 1, 28, 28});
    } catch (const cnnlab::shape_error& error) {
        message = error.what();  // names the layer, both shapes and the rule
    }
    //! [refused]
    std::cout << "> **shape_error:** " << message << "\n";
    ok = ok && !message.empty();

    if (!ok) {
        std::cerr << "ch07_networks: the forward passes disagree, the MAC count differs, or the wrong net was accepted\n";
        return 1;
    }
    return 0;
}
