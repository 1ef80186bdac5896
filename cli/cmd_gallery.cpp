// `cnnlab gallery IMAGE --out DIR`: the classic kernel table (chapters/ch01_convolution/kernels.hpp)
// applied to a photo, one PNG per kernel plus a contact sheet gallery.png.
//
// Display rule. A kernel whose weights sum to 1 (identity, sharpen, the blurs) keeps the brightness
// of the image, so its output is written as it is, clamped to [0, 1]. A kernel whose weights sum to
// 0 (the edge detectors, the Laplacian) gives a signed response that is 0 on flat regions; it is
// written as |y| divided by the 99.5th percentile of |y| over all channels, clamped: black = flat,
// white = strong edge. (A linear min–max rescale would instead show flat regions as mid-gray and
// let a few extreme pixels wash out the rest.)
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/image_io.hpp"
#include "chapters/ch01_convolution/kernels.hpp"
#include "cli/commands.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace cnnlab::cli {
namespace {

/// The colour channels of an image: drops an alpha channel (gray+alpha → gray, RGBA → RGB).
arma::Cube<float> without_alpha(const arma::Cube<float>& image) {
    if (image.n_slices == 2) return image.slices(0, 0);
    if (image.n_slices == 4) return image.slices(0, 2);
    return image;
}

/// |y| scaled so that its 99.5th percentile maps to 1 (see the display rule above).
arma::Cube<float> edge_magnitude(const arma::Cube<float>& response) {
    arma::Cube<float> magnitude = arma::abs(response);
    arma::fvec sorted = arma::sort(arma::vectorise(magnitude));
    const float scale = sorted(static_cast<arma::uword>(0.995 * double(sorted.n_elem - 1)));
    if (scale > 0) magnitude /= scale;
    return arma::clamp(magnitude, 0.0f, 1.0f);
}

arma::Cube<float> displayable(const arma::Cube<float>& response, const arma::fmat& kernel) {
    if (std::abs(arma::accu(kernel)) < 1e-6f) return edge_magnitude(response);
    return arma::clamp(response, 0.0f, 1.0f);
}

/// All tiles (same size) in a grid of `columns` columns with a white gap of `gap` pixels.
arma::Cube<float> contact_sheet(const std::vector<arma::Cube<float>>& tiles, arma::uword columns, arma::uword gap) {
    const arma::uword h = tiles.front().n_rows, w = tiles.front().n_cols, c = tiles.front().n_slices;
    const arma::uword rows = (tiles.size() + columns - 1) / columns;
    arma::Cube<float> sheet(rows * h + (rows + 1) * gap, columns * w + (columns + 1) * gap, c, arma::fill::ones);
    for (std::size_t t = 0; t < tiles.size(); ++t) {
        const arma::uword top = gap + (t / columns) * (h + gap), left = gap + (t % columns) * (w + gap);
        sheet.subcube(top, left, 0, top + h - 1, left + w - 1, c - 1) = tiles[t];
    }
    return sheet;
}

void make_output_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir))
        throw data_error(str("gallery: cannot create output directory '", dir.string(), "': ",
                             ec ? ec.message() : "a file of that name exists"));
}

void run_gallery(const std::string& image_path, const std::filesystem::path& out_dir) {
    const arma::Cube<float> image = without_alpha(load_image(image_path));
    make_output_dir(out_dir);
    std::vector<arma::Cube<float>> tiles{image};
    for (const ClassicKernel& k : classic_kernels()) {
        tiles.push_back(displayable(filter_channels(image, k.matrix), k.matrix));
        const std::filesystem::path file = out_dir / (k.name + ".png");
        save_png(file.string(), tiles.back());
        std::cout << file.string() << "  " << k.name << " (" << k.chinese_name << "): " << k.note << '\n';
    }
    const std::filesystem::path sheet = out_dir / "gallery.png";
    save_png(sheet.string(), contact_sheet(tiles, 4, 8));
    std::cout << sheet.string() << "  contact sheet: the image, then the kernels above, left to right, 4 per row\n";
}

}  // namespace

void add_gallery_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("gallery", "apply the classic kernel table (note 000 §1.3 + the Laplacian) to an image");
    cmd->footer("Example: cnnlab gallery data/chelsea.png --out /tmp/gallery");
    auto image = std::make_shared<std::string>();
    auto out_dir = std::make_shared<std::string>();
    cmd->add_option("IMAGE", *image, "a PNG/JPEG/BMP image, e.g. data/chelsea.png")->required();
    cmd->add_option("--out", *out_dir, "directory for the PNGs (created if missing)")->required();
    cmd->callback([image, out_dir] { run_gallery(*image, *out_dir); });
}

}  // namespace cnnlab::cli
