/// \file
/// \brief Chapter 7 suite for the Fashion-MNIST loader (chapters/ch07_networks/datasets.hpp): the
/// committed subset data/fashion-mnist-subset/ loads with the right shapes, label histograms, pixels and
/// class names — literals printed by tools/data/cut_fashion_mnist_subset.py, which reads the files with
/// Python's gzip and struct, independently of the C++ reader — and every bad file, written here to a
/// temporary folder, is refused with a data_error whose message names the file and the rule broken.
#define BOOST_TEST_MODULE ch07_datasets
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/datasets.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

using namespace cnnlab;
namespace fs = std::filesystem;

namespace {

const fs::path subset_dir = fs::path(CNNLAB_SOURCE_DIR) / "data" / "fashion-mnist-subset";

/// Number of labels of each class 0–9.
std::array<std::size_t, 10> histogram(const std::vector<std::uint8_t>& labels) {
    std::array<std::size_t, 10> counts{};
    for (const auto label : labels) ++counts.at(label);
    return counts;
}

/// Sum of the pixel bytes of image n (values × 255, rounded: each value is byte / 255 in float).
long byte_sum(const Tensor4<float>& images, std::size_t n) {
    long sum = 0;
    for (std::size_t h = 0; h < images.shape().h; ++h)
        for (std::size_t w = 0; w < images.shape().w; ++w) sum += std::lround(images(n, 0, h, w) * 255.0f);
    return sum;
}

/// A pixel expected at (row, col) of image 0, as a byte.
struct Pixel {
    std::size_t row, col;
    int byte;
};

/// Checks rows/cols/byte of image n: the value is exactly byte / 255 in float.
void check_pixels(const Tensor4<float>& images, std::size_t n, std::initializer_list<Pixel> pixels) {
    for (const auto& p : pixels) {
        BOOST_TEST_CONTEXT("pixel (" << p.row << ", " << p.col << ")") {
            BOOST_TEST(images(n, 0, p.row, p.col) == float(p.byte) / 255.0f);
        }
    }
}

/// A fresh temporary folder for the bad files of one test case, removed at its end.
struct TempFolder {
    fs::path dir;
    TempFolder() {
        static int serial = 0;
        dir = fs::temp_directory_path() /
              ("cnnlab_datasets_test_" + std::to_string(::getpid()) + "_" + std::to_string(serial++));
        fs::create_directories(dir);
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    /// Writes the bytes to dir/name and returns the path.
    fs::path write(const std::string& name, const std::vector<std::uint8_t>& bytes) const {
        const fs::path path = dir / name;
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        return path;
    }
};

/// The bytes of an IDX file: magic, big-endian sizes, then `data_bytes` bytes of value `fill`.
std::vector<std::uint8_t> idx_bytes(std::uint32_t magic, std::initializer_list<std::uint32_t> sizes,
                                    std::size_t data_bytes, std::uint8_t fill = 0) {
    std::vector<std::uint8_t> bytes;
    auto put = [&](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(std::uint8_t(v >> shift));
    };
    put(magic);
    for (const auto s : sizes) put(s);
    bytes.insert(bytes.end(), data_bytes, fill);
    return bytes;
}

/// The whole content of a file.
std::vector<std::uint8_t> file_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Checks that `action` throws data_error and that its message holds the file's path and every fragment.
void expect_data_error(const std::function<void()>& action, const fs::path& file,
                       std::initializer_list<std::string> fragments) {
    try {
        action();
        BOOST_ERROR("no data_error for " << file.string());
    } catch (const data_error& e) {
        const std::string message = e.what();
        BOOST_TEST_MESSAGE(message);
        BOOST_TEST(message.find("'" + file.string() + "'") != std::string::npos, "'" << message << "' names the file");
        for (const auto& fragment : fragments)
            BOOST_TEST(message.find(fragment) != std::string::npos, "'" << message << "' contains '" << fragment << "'");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(committed_subset)

BOOST_AUTO_TEST_CASE(training_split_shapes_labels_and_pixels) {
    const Dataset data = load_fashion_mnist(subset_dir, Split::train);
    BOOST_TEST(data.images.shape() == (Shape4{2000, 1, 28, 28}));
    BOOST_TEST(data.labels.size() == 2000u);
    const std::array<std::size_t, 10> expected{194, 216, 202, 195, 186, 200, 194, 215, 198, 200};
    BOOST_TEST(histogram(data.labels) == expected, boost::test_tools::per_element());
    BOOST_TEST(int(data.labels[0]) == 9);
    BOOST_TEST(int(data.labels[1999]) == 8);
    BOOST_TEST(byte_sum(data.images, 0) == 76247);
    BOOST_TEST(byte_sum(data.images, 1999) == 49119);
    // (20, 13) = 213 and (13, 20) = 218 in the file: a transposed read fails here.
    check_pixels(data.images, 0, {{0, 0, 0}, {14, 14, 217}, {20, 13, 213}, {20, 0, 75}, {20, 27, 67}, {27, 27, 0}});
    float lo = 1, hi = 0;
    for (std::size_t k = 0; k < data.images.size(); ++k) {
        lo = std::min(lo, data.images.data()[k]);
        hi = std::max(hi, data.images.data()[k]);
    }
    BOOST_TEST(lo == 0.0f);
    BOOST_TEST(hi == 1.0f);  // some pixel of 2,000 images is 255
}

BOOST_AUTO_TEST_CASE(test_split_shapes_labels_and_pixels) {
    const Dataset data = load_fashion_mnist(subset_dir, Split::test);
    BOOST_TEST(data.images.shape() == (Shape4{500, 1, 28, 28}));
    const std::array<std::size_t, 10> expected{55, 52, 65, 46, 57, 39, 47, 47, 44, 48};
    BOOST_TEST(histogram(data.labels) == expected, boost::test_tools::per_element());
    BOOST_TEST(int(data.labels[0]) == 9);
    BOOST_TEST(int(data.labels[499]) == 0);
    BOOST_TEST(byte_sum(data.images, 0) == 33456);
    BOOST_TEST(byte_sum(data.images, 499) == 70958);
    check_pixels(data.images, 0, {{0, 0, 0}, {14, 14, 110}, {20, 13, 185}, {20, 0, 16}, {20, 27, 49}, {27, 27, 0}});
}

BOOST_AUTO_TEST_CASE(class_names) {
    const Dataset data = load_fashion_mnist(subset_dir, Split::test);
    const std::vector<std::string> expected{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    BOOST_TEST(data.class_names == expected, boost::test_tools::per_element());
    BOOST_TEST(std::string(fashion_mnist_class_names()[9]) == "Ankle boot");
}

BOOST_AUTO_TEST_CASE(raw_readers_keep_the_bytes_and_read_plain_files_too) {
    const IdxImages images = read_idx_images(subset_dir / "train-images-idx3-ubyte.gz");
    BOOST_TEST(images.count == 2000u);
    BOOST_TEST(images.rows == 28u);
    BOOST_TEST(images.cols == 28u);
    BOOST_TEST(images.pixels.size() == 2000u * 28u * 28u);
    BOOST_TEST(int(images.pixels[20 * 28 + 13]) == 213);  // row-major: (row 20, col 13) of image 0
    BOOST_TEST(int(images.pixels[13 * 28 + 20]) == 218);

    // The same labels written uncompressed read the same.
    const auto labels = read_idx_labels(subset_dir / "t10k-labels-idx1-ubyte.gz");
    TempFolder temp;
    auto plain = idx_bytes(0x00000801, {std::uint32_t(labels.size())}, 0);
    plain.insert(plain.end(), labels.begin(), labels.end());
    BOOST_TEST(read_idx_labels(temp.write("plain-labels.idx", plain)) == labels, boost::test_tools::per_element());
}

// The full Fashion-MNIST test split of Debian's dataset-fashion-mnist: 10,000 images, 1,000 per class
// (upstream's description). Skipped when the package is not installed.
BOOST_AUTO_TEST_CASE(installed_package_test_split) {
    if (!fs::exists(fs::path(fashion_mnist_directory) / "t10k-images-idx3-ubyte.gz")) {
        BOOST_TEST_MESSAGE("dataset-fashion-mnist is not installed: skipped");
        return;
    }
    const Dataset data = load_fashion_mnist(fs::path(fashion_mnist_directory), Split::test);
    BOOST_TEST(data.images.shape() == (Shape4{10000, 1, 28, 28}));
    std::array<std::size_t, 10> expected;
    expected.fill(1000);
    BOOST_TEST(histogram(data.labels) == expected, boost::test_tools::per_element());
    // The subset is the first 500 images of this split.
    const Dataset first = load_fashion_mnist(subset_dir, Split::test);
    BOOST_TEST(byte_sum(data.images, 499) == byte_sum(first.images, 499));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bad_files)

BOOST_AUTO_TEST_CASE(missing_file_and_directory) {
    TempFolder temp;
    const fs::path missing = temp.dir / "no-such-images.gz";
    expect_data_error([&] { read_idx_images(missing); }, missing, {"read_idx_images", "no such file"});
    expect_data_error([&] { read_idx_labels(missing); }, missing, {"read_idx_labels", "no such file"});
    expect_data_error([&] { read_idx_images(temp.dir); }, temp.dir, {"is a directory"});
    // A folder without the files: the loader names the first file it misses.
    expect_data_error([&] { load_fashion_mnist(temp.dir, Split::test); }, temp.dir / "t10k-images-idx3-ubyte.gz",
                      {"no such file"});
}

BOOST_AUTO_TEST_CASE(wrong_magic_number) {
    TempFolder temp;
    const auto images = temp.write("magic.idx", idx_bytes(0x12345678, {1, 2, 2}, 4));
    expect_data_error([&] { read_idx_images(images); }, images,
                      {"wrong magic number 0x12345678", "an IDX image file starts with 0x00000803"});
    // An IDX file of 16-bit integers (type 0x0B) is not an unsigned-byte file.
    const auto shorts = temp.write("shorts.idx", idx_bytes(0x00000B01, {4}, 8));
    expect_data_error([&] { read_idx_labels(shorts); }, shorts,
                      {"wrong magic number 0x00000b01", "an IDX label file starts with 0x00000801"});
}

BOOST_AUTO_TEST_CASE(wrong_dimension_count) {
    TempFolder temp;
    // Labels given where images are expected, and images where labels are.
    const auto labels = temp.write("labels.idx", idx_bytes(0x00000801, {4}, 4));
    expect_data_error([&] { read_idx_images(labels); }, labels,
                      {"an IDX image file has 3 dimensions but this one has 1", "0x00000801"});
    const auto images = temp.write("images.idx", idx_bytes(0x00000803, {1, 2, 2}, 4));
    expect_data_error([&] { read_idx_labels(images); }, images,
                      {"an IDX label file has 1 dimension but this one has 3", "0x00000803"});
    const auto matrix = temp.write("matrix.idx", idx_bytes(0x00000802, {2, 2}, 4));
    expect_data_error([&] { read_idx_images(matrix); }, matrix, {"has 3 dimensions but this one has 2"});
}

BOOST_AUTO_TEST_CASE(zero_sizes) {
    TempFolder temp;
    const auto no_images = temp.write("zero-count.idx", idx_bytes(0x00000803, {0, 28, 28}, 0));
    expect_data_error([&] { read_idx_images(no_images); }, no_images,
                      {"a size in the header is 0", "count×rows×cols = 0×28×28"});
    const auto no_rows = temp.write("zero-rows.idx", idx_bytes(0x00000803, {5, 0, 28}, 0));
    expect_data_error([&] { read_idx_images(no_rows); }, no_rows, {"a size in the header is 0", "5×0×28"});
    const auto no_labels = temp.write("zero-labels.idx", idx_bytes(0x00000801, {0}, 0));
    expect_data_error([&] { read_idx_labels(no_labels); }, no_labels, {"a size in the header is 0", "count = 0"});
}

BOOST_AUTO_TEST_CASE(truncated_header_and_data) {
    TempFolder temp;
    auto header_only = idx_bytes(0x00000803, {2, 28, 28}, 0);
    header_only.resize(10);  // cut inside the rows field
    const auto cut_header = temp.write("cut-header.idx", header_only);
    expect_data_error([&] { read_idx_images(cut_header); }, cut_header, {"ends inside the IDX header"});
    const auto cut_data = temp.write("cut-data.idx", idx_bytes(0x00000803, {2, 28, 28}, 1000));
    expect_data_error([&] { read_idx_images(cut_data); }, cut_data,
                      {"truncated", "declares 1568 data bytes but the file holds only 1000"});
    const auto cut_labels = temp.write("cut-labels.idx", idx_bytes(0x00000801, {10}, 9));
    expect_data_error([&] { read_idx_labels(cut_labels); }, cut_labels,
                      {"truncated", "declares 10 data bytes but the file holds only 9"});
    // More bytes than declared: the header does not describe the file.
    const auto long_labels = temp.write("long-labels.idx", idx_bytes(0x00000801, {10}, 11));
    expect_data_error([&] { read_idx_labels(long_labels); }, long_labels,
                      {"holds more than the 10 data bytes its header declares"});
}

BOOST_AUTO_TEST_CASE(corrupt_gzip_stream) {
    TempFolder temp;
    // A valid gzip header (magic 1f 8b, method 8 = deflate), then a deflate block of the reserved type 3.
    const auto garbage = temp.write("garbage.gz", {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03, 0xff, 0xff, 0xff,
                                                   0xff, 0xff, 0xff, 0xff, 0xff});
    expect_data_error([&] { read_idx_images(garbage); }, garbage, {"corrupt or truncated gzip stream (zlib: invalid block type)"});
    // The subset's image file cut in half: the gzip stream ends before its data does.
    auto half = file_bytes(subset_dir / "t10k-images-idx3-ubyte.gz");
    BOOST_REQUIRE(half.size() > 1000u);
    half.resize(half.size() / 2);
    const auto cut = temp.write("half.gz", half);
    expect_data_error([&] { read_idx_images(cut); }, cut, {"corrupt or truncated gzip stream (zlib: unexpected end of file)"});
    // One flipped byte in the middle: the inflated data or the CRC at the end no longer match.
    auto flipped = file_bytes(subset_dir / "t10k-labels-idx1-ubyte.gz");
    flipped[flipped.size() / 2] ^= 0xff;
    const auto bad_crc = temp.write("flipped.gz", flipped);
    expect_data_error([&] { read_idx_labels(bad_crc); }, bad_crc, {"corrupt or truncated gzip stream (zlib: incorrect data check)"});
}

BOOST_AUTO_TEST_CASE(absurd_sizes_refused_before_allocating) {
    TempFolder temp;
    // 10^6 images of 1000×1000 would be 10^12 bytes: refused from the header alone (allocating would throw
    // std::bad_alloc, not data_error).
    const auto huge = temp.write("huge.idx", idx_bytes(0x00000803, {1'000'000, 1000, 1000}, 0));
    expect_data_error([&] { read_idx_images(huge); }, huge,
                      {"more than 100000000 elements", "1000000×1000×1000", "refused as absurd"});
    const auto widest = temp.write("widest.idx", idx_bytes(0x00000803, {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, 0));
    expect_data_error([&] { read_idx_images(widest); }, widest, {"refused as absurd"});
    const auto many_labels = temp.write("many-labels.idx", idx_bytes(0x00000801, {100'000'001}, 0));
    expect_data_error([&] { read_idx_labels(many_labels); }, many_labels, {"more than 100000000 elements"});
    // Exactly at the limit is allowed by the header check; the file then is too short.
    const auto at_limit = temp.write("at-limit.idx", idx_bytes(0x00000801, {100'000'000}, 3));
    expect_data_error([&] { read_idx_labels(at_limit); }, at_limit, {"truncated"});
}

BOOST_AUTO_TEST_CASE(loader_rules_counts_labels_and_image_size) {
    // Plain IDX under the package's .gz names: zlib reads plain files transparently.
    {
        TempFolder temp;
        const auto images = temp.write("train-images-idx3-ubyte.gz", idx_bytes(0x00000803, {3, 28, 28}, 3 * 784, 7));
        const auto labels = temp.write("train-labels-idx1-ubyte.gz", idx_bytes(0x00000801, {2}, 2, 1));
        expect_data_error([&] { load_fashion_mnist(temp.dir, Split::train); }, images,
                          {"holds 3 images but '" + labels.string() + "' holds 2 labels", "counts must be equal"});
    }
    {
        TempFolder temp;
        temp.write("t10k-images-idx3-ubyte.gz", idx_bytes(0x00000803, {2, 28, 28}, 2 * 784));
        const auto labels = temp.write("t10k-labels-idx1-ubyte.gz", {0, 0, 8, 1, 0, 0, 0, 2, 3, 10});
        expect_data_error([&] { load_fashion_mnist(temp.dir, Split::test); }, labels,
                          {"label 10 at index 1 is not a class (labels are 0 to 9)"});
    }
    {
        TempFolder temp;
        const auto images = temp.write("t10k-images-idx3-ubyte.gz", idx_bytes(0x00000803, {2, 27, 28}, 2 * 27 * 28));
        temp.write("t10k-labels-idx1-ubyte.gz", idx_bytes(0x00000801, {2}, 2, 3));
        expect_data_error([&] { load_fashion_mnist(temp.dir, Split::test); }, images,
                          {"images are 27×28 but Fashion-MNIST images are 28×28"});
    }
    {
        // The rules pass: a well-formed tiny set loads, byte 255 → 1.0.
        TempFolder temp;
        temp.write("t10k-images-idx3-ubyte.gz", idx_bytes(0x00000803, {1, 28, 28}, 784, 255));
        temp.write("t10k-labels-idx1-ubyte.gz", idx_bytes(0x00000801, {1}, 1, 9));
        const Dataset data = load_fashion_mnist(temp.dir, Split::test);
        BOOST_TEST(data.images.shape() == (Shape4{1, 1, 28, 28}));
        BOOST_TEST(data.images(0, 0, 27, 27) == 1.0f);
        BOOST_TEST(int(data.labels.at(0)) == 9);
    }
}

BOOST_AUTO_TEST_SUITE_END()
