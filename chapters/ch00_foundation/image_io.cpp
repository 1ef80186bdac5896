// Image files through stb_image / stb_image_write. Debian's libstb.a already contains their
// implementations, so this file includes the headers without STB_IMAGE_IMPLEMENTATION.
#include "chapters/ch00_foundation/image_io.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

namespace cnnlab {
namespace {

struct StbiFree {
    void operator()(unsigned char* pixels) const { stbi_image_free(pixels); }
};

std::uint8_t to_byte(float value) {
    const float clamped = std::isnan(value) ? 0.0f : std::clamp(value, 0.0f, 1.0f);
    return static_cast<std::uint8_t>(std::lround(clamped * 255.0f));
}

void write_bytes(const std::string& path, int width, int height, int channels, const std::vector<std::uint8_t>& bytes) {
    if (stbi_write_png(path.c_str(), width, height, channels, bytes.data(), width * channels) == 0)
        throw data_error(str("save_png: cannot write '", path, "' (directory missing or not writable?)"));
}

}  // namespace

arma::Cube<float> load_image(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw data_error(str("load_image: cannot read '", path, "': no such file"));
    if (std::filesystem::is_directory(path, ec))
        throw data_error(str("load_image: cannot read '", path, "': it is a directory, not an image file"));
    int width = 0, height = 0, channels = 0;
    std::unique_ptr<unsigned char, StbiFree> pixels(stbi_load(path.c_str(), &width, &height, &channels, 0));
    if (!pixels) {
        const char* reason = stbi_failure_reason();
        const bool said = reason != nullptr && *reason != '\0';
        throw data_error(str("load_image: cannot read '", path, "': ",
                             said ? reason : "corrupt or truncated image data", " (stb_image)"));
    }
    arma::Cube<float> image(height, width, channels);
    const unsigned char* p = pixels.get();  // row-major, channels interleaved
    for (int i = 0; i < height; ++i)
        for (int j = 0; j < width; ++j)
            for (int c = 0; c < channels; ++c) image(i, j, c) = static_cast<float>(*p++) / 255.0f;
    return image;
}

arma::fmat luma(const arma::Cube<float>& image) {
    if (image.n_slices == 0 || image.is_empty())
        throw argument_error(str("luma: image of ", image.n_rows, "×", image.n_cols, "×", image.n_slices, " has no pixels"));
    if (image.n_slices < 3) return image.slice(0);
    return arma::fmat(0.299f * image.slice(0) + 0.587f * image.slice(1) + 0.114f * image.slice(2));
}

arma::fmat load_image_gray(const std::string& path) { return luma(load_image(path)); }

void save_png(const std::string& path, const arma::fmat& image) {
    save_png(path, arma::Cube<float>(image.memptr(), image.n_rows, image.n_cols, 1));
}

void save_png(const std::string& path, const arma::Cube<float>& image) {
    if (image.is_empty())
        throw argument_error(str("save_png: cannot write '", path, "': the image is empty (", image.n_rows, "×",
                                 image.n_cols, "×", image.n_slices, ")"));
    if (image.n_slices > 4)
        throw argument_error(str("save_png: cannot write '", path, "': ", image.n_slices,
                                 " channels, a PNG holds 1 to 4"));
    const int height = static_cast<int>(image.n_rows), width = static_cast<int>(image.n_cols),
              channels = static_cast<int>(image.n_slices);
    std::vector<std::uint8_t> bytes(image.n_elem);
    auto out = bytes.begin();
    for (int i = 0; i < height; ++i)
        for (int j = 0; j < width; ++j)
            for (int c = 0; c < channels; ++c) *out++ = to_byte(image(i, j, c));
    write_bytes(path, width, height, channels, bytes);
}

arma::fmat rescale_to_unit(const arma::fmat& values) {
    if (values.is_empty()) return values;
    const float lo = values.min(), hi = values.max();
    if (!(hi > lo)) return arma::fmat(arma::size(values), arma::fill::value(0.5f));
    return (values - lo) / (hi - lo);
}

namespace {

// Where output index i samples an axis of `in` values when `out` are made (half-pixel centres).
struct Sample {
    std::size_t lo, hi;  // the two neighbours
    float weight_hi;     // the interpolation weight of hi
};

std::vector<Sample> bilinear_samples(std::size_t in, std::size_t out) {
    std::vector<Sample> samples(out);
    const double scale = double(in) / double(out);
    for (std::size_t i = 0; i < out; ++i) {
        const double at = std::max(0.0, (double(i) + 0.5) * scale - 0.5);
        const auto lo = std::min(std::size_t(at), in - 1);
        samples[i] = {lo, std::min(lo + 1, in - 1), float(at - double(lo))};
    }
    return samples;
}

}  // namespace

arma::fmat resize_bilinear(const arma::fmat& plane, std::size_t rows, std::size_t cols) {
    if (plane.is_empty() || rows == 0 || cols == 0)
        throw argument_error(str("resize_bilinear: cannot resize a ", plane.n_rows, "×", plane.n_cols, " plane to ", rows,
                                 "×", cols, " (both sizes must be at least 1×1)"));
    const std::vector<Sample> r = bilinear_samples(plane.n_rows, rows);
    const std::vector<Sample> c = bilinear_samples(plane.n_cols, cols);
    arma::fmat out(rows, cols);
    for (std::size_t j = 0; j < cols; ++j)
        for (std::size_t i = 0; i < rows; ++i) {
            const auto along_cols = [&](std::size_t row) {
                return (1.0f - c[j].weight_hi) * plane(row, c[j].lo) + c[j].weight_hi * plane(row, c[j].hi);
            };
            out(i, j) = (1.0f - r[i].weight_hi) * along_cols(r[i].lo) + r[i].weight_hi * along_cols(r[i].hi);
        }
    return out;
}

arma::Cube<float> resize_bilinear(const arma::Cube<float>& image, std::size_t rows, std::size_t cols) {
    arma::Cube<float> out(rows, cols, image.n_slices);
    for (std::size_t k = 0; k < image.n_slices; ++k) out.slice(k) = resize_bilinear(arma::fmat(image.slice(k)), rows, cols);
    return out;
}

}  // namespace cnnlab
