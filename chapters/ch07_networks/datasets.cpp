/// \file
/// \brief The IDX readers and the Fashion-MNIST loader of datasets.hpp.
#include "chapters/ch07_networks/datasets.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <iomanip>
#include <sstream>
#include <system_error>

namespace cnnlab {
namespace {

/// An open file read through zlib: gzread inflates a gzip'd file and copies a plain one as it is.
class IdxFile {
public:
    IdxFile(std::string operation, const std::filesystem::path& path)
        : operation_(std::move(operation)), name_(path.string()) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) fail("no such file");
        if (std::filesystem::is_directory(path, ec)) fail("it is a directory, not an IDX file");
        file_ = gzopen(name_.c_str(), "rb");
        if (file_ == nullptr) fail("cannot be opened");
    }
    IdxFile(const IdxFile&) = delete;
    IdxFile& operator=(const IdxFile&) = delete;
    ~IdxFile() {
        if (file_ != nullptr) gzclose(file_);
    }

    /// Throws data_error "OPERATION: 'FILE': WHAT".
    [[noreturn]] void fail(const std::string& what) const {
        throw data_error(str(operation_, ": '", name_, "': ", what));
    }

    /// Reads up to `size` bytes; returns how many arrived (fewer only at the end of the data).
    /// A corrupt gzip stream is an error, not an early end.
    std::size_t read(std::uint8_t* out, std::size_t size) {
        std::size_t done = 0;
        while (done < size) {
            // gzread counts in unsigned int and answers in int: read in chunks below INT_MAX.
            const auto chunk = static_cast<unsigned>(std::min<std::size_t>(size - done, 1u << 30));
            const int got = gzread(file_, out + done, chunk);
            if (got < 0) fail_gzip();
            if (got == 0) break;
            done += static_cast<std::size_t>(got);
        }
        // zlib reports a gzip stream cut short ("unexpected end of file") as a short read plus an error.
        if (done < size) {
            int code = Z_OK;
            gzerror(file_, &code);
            if (code != Z_OK) fail_gzip();
        }
        return done;
    }

    /// The big-endian 32-bit integer of the header, or a data_error "ends inside the header".
    std::uint32_t read_u32() {
        std::uint8_t bytes[4];
        if (read(bytes, 4) < 4) fail("the file ends inside the IDX header");
        return (std::uint32_t(bytes[0]) << 24) | (std::uint32_t(bytes[1]) << 16) | (std::uint32_t(bytes[2]) << 8) |
               std::uint32_t(bytes[3]);
    }

    /// Reads exactly `size` bytes of data and checks that nothing follows them. The buffer grows as
    /// the data arrives, doubling from 64 KiB, so a header that declares far more than the file holds
    /// costs no more memory than about twice the file.
    std::vector<std::uint8_t> read_body(std::size_t size) {
        constexpr std::size_t first_piece = std::size_t{64} << 10;
        std::vector<std::uint8_t> out;
        while (out.size() < size) {
            const std::size_t had = out.size(), want = std::min(std::max(first_piece, had), size - had);
            out.resize(had + want);
            const std::size_t got = read(out.data() + had, want);
            out.resize(had + got);
            if (got < want) break;
        }
        if (out.size() < size)
            fail(str("truncated: the header declares ", size, " data bytes but the file holds only ", out.size()));
        std::uint8_t extra;
        if (read(&extra, 1) != 0) fail(str("the file holds more than the ", size, " data bytes its header declares"));
        return out;
    }

private:
    [[noreturn]] void fail_gzip() const {
        int code = Z_OK;
        std::string message = gzerror(file_, &code);
        // zlib starts its message with the file name, which fail() already gives.
        if (message.starts_with(name_ + ": ")) message.erase(0, name_.size() + 2);
        fail(str("corrupt or truncated gzip stream (zlib: ", message.empty() ? "unknown error" : message, ")"));
    }

    std::string operation_;
    std::string name_;
    gzFile file_ = nullptr;
};

/// "0x00000803"
std::string hex32(std::uint32_t value) {
    std::ostringstream out;
    out << "0x" << std::hex << std::setw(8) << std::setfill('0') << value;
    return out.str();
}

/// Reads the magic number and checks it is unsigned-byte IDX with `dimensions` sizes; returns the sizes.
std::vector<std::uint64_t> read_header(IdxFile& file, std::uint32_t dimensions, const char* kind) {
    const std::uint32_t magic = file.read_u32();
    const std::uint32_t expected = 0x00000800u | dimensions;
    if (magic != expected) {
        // Same type byte, other dimension count: say so rather than only "wrong magic".
        if ((magic & 0xFFFFFF00u) == 0x00000800u)
            file.fail(str("an IDX ", kind, " file has ", dimensions, " dimension", dimensions == 1 ? "" : "s",
                          " but this one has ", magic & 0xFFu, " (magic number ", hex32(magic), ", expected ",
                          hex32(expected), ")"));
        file.fail(str("wrong magic number ", hex32(magic), ": an IDX ", kind, " file starts with ", hex32(expected)));
    }
    std::vector<std::uint64_t> sizes(dimensions);
    for (auto& size : sizes) size = file.read_u32();
    return sizes;
}

/// The product of the sizes, or a data_error when one is zero or it exceeds max_idx_elements.
std::size_t checked_elements(const IdxFile& file, const std::vector<std::uint64_t>& sizes, const char* names) {
    std::uint64_t product = 1;
    for (const std::uint64_t size : sizes) {
        if (size == 0) file.fail(str("a size in the header is 0 (", names, ")"));
        // Sizes are below 2^32 and the running product stays at most max_idx_elements < 2^27, so this
        // product fits in 64 bits.
        product *= size;
        if (product > max_idx_elements)
            file.fail(str("the header declares more than ", max_idx_elements, " elements (", names,
                          "): refused as absurd"));
    }
    return static_cast<std::size_t>(product);
}

/// "5×28×28"
std::string sizes_string(const std::vector<std::uint64_t>& sizes) {
    std::string out;
    for (std::size_t i = 0; i < sizes.size(); ++i) out += (i ? "×" : "") + std::to_string(sizes[i]);
    return out;
}

}  // namespace

IdxImages read_idx_images(const std::filesystem::path& path) {
    IdxFile file("read_idx_images", path);
    const auto sizes = read_header(file, 3, "image");
    const std::size_t elements =
        checked_elements(file, sizes, ("count×rows×cols = " + sizes_string(sizes)).c_str());
    IdxImages images;
    images.count = sizes[0];
    images.rows = sizes[1];
    images.cols = sizes[2];
    images.pixels = file.read_body(elements);
    return images;
}

std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path) {
    IdxFile file("read_idx_labels", path);
    const auto sizes = read_header(file, 1, "label");
    const std::size_t count = checked_elements(file, sizes, ("count = " + sizes_string(sizes)).c_str());
    return file.read_body(count);
}

const std::array<std::string_view, 10>& fashion_mnist_class_names() {
    static const std::array<std::string_view, 10> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                           "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

Dataset load_fashion_mnist(const std::filesystem::path& directory, Split split) {
    const std::string prefix = split == Split::train ? "train" : "t10k";
    const auto images_path = directory / (prefix + "-images-idx3-ubyte.gz");
    const auto labels_path = directory / (prefix + "-labels-idx1-ubyte.gz");
    const IdxImages images = read_idx_images(images_path);
    std::vector<std::uint8_t> labels = read_idx_labels(labels_path);

    constexpr std::size_t side = 28;
    if (images.rows != side || images.cols != side)
        throw data_error(str("load_fashion_mnist: '", images_path.string(), "': images are ", images.rows, "×",
                             images.cols, " but Fashion-MNIST images are 28×28"));
    if (images.count != labels.size())
        throw data_error(str("load_fashion_mnist: '", images_path.string(), "' holds ", images.count,
                             " images but '", labels_path.string(), "' holds ", labels.size(),
                             " labels: the counts must be equal"));
    const auto& names = fashion_mnist_class_names();
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= names.size())
            throw data_error(str("load_fashion_mnist: '", labels_path.string(), "': label ", int(labels[i]),
                                 " at index ", i, " is not a class (labels are 0 to ", names.size() - 1, ")"));

    Dataset data;
    data.images = Tensor4<float>(Shape4{images.count, 1, side, side}, uninitialized);
    // IDX is row-major (column fastest); each Tensor4 plane is column-major, so transpose on the way.
    for (std::size_t n = 0; n < images.count; ++n)
        for (std::size_t h = 0; h < side; ++h)
            for (std::size_t w = 0; w < side; ++w)
                data.images(n, 0, h, w) = float(images.pixels[(n * side + h) * side + w]) / 255.0f;
    data.labels = std::move(labels);
    data.class_names.assign(names.begin(), names.end());
    return data;
}

}  // namespace cnnlab
