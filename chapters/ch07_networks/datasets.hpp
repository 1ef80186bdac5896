/// \file
/// \brief Chapter 7: reading the Fashion-MNIST data set 数据集 (IDX files, plain or gzip'd) into a
/// Tensor4 for training LeNet.
///
/// \par The IDX format
/// Fashion-MNIST (https://github.com/zalandoresearch/fashion-mnist, MIT license) ships in the IDX
/// format of the original MNIST: a 4-byte magic number — two zero bytes, the element type (`0x08` =
/// unsigned byte) and the number of dimensions `D` — then `D` big-endian 32-bit
/// sizes, then the elements in row-major order (last index fastest). An image file has `D = 3`
/// (magic `0x00000803`, sizes count × rows × cols); a label file has `D = 1` (magic `0x00000801`).
/// Debian's package `dataset-fashion-mnist` installs the four gzip'd files under
/// `/usr/share/datasets/fashion-mnist/`; `data/fashion-mnist-subset/` holds a small cut of them in the
/// same format (tools/data/cut_fashion_mnist_subset.py).
///
/// \par Robustness
/// Every reader refuses a bad file with a cnnlab::data_error naming the file and the rule broken:
/// missing file, wrong magic number or dimension count, a zero size, more than
/// cnnlab::max_idx_elements elements (refused before anything is allocated), fewer or more bytes than the
/// header declares, a corrupt gzip stream; load_fashion_mnist adds images and labels of different
/// counts, labels outside 0–9 and images that are not 28×28.
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cnnlab {

/// The largest number of elements (pixels or labels) an IDX file may declare: \f$10^8\f$, 2× the whole
/// Fashion-MNIST training set's 47 million pixels. A header beyond it is refused before allocating.
inline constexpr std::uint64_t max_idx_elements = 100'000'000;

/// The images of an IDX image file as stored: bytes 0–255, row-major, image after image.
struct IdxImages {
    std::size_t count = 0;             ///< number of images
    std::size_t rows = 0;              ///< rows of each image
    std::size_t cols = 0;              ///< columns of each image
    std::vector<std::uint8_t> pixels;  ///< count·rows·cols bytes; pixel (i, r, c) at (i·rows + r)·cols + c
};

/// Reads an IDX image file (magic `0x00000803`), plain or gzip'd (zlib reads both transparently).
/// \throws data_error naming the file and the rule broken (see the file comment).
IdxImages read_idx_images(const std::filesystem::path& path);

/// Reads an IDX label file (magic `0x00000801`), plain or gzip'd: one byte per label.
/// \throws data_error naming the file and the rule broken (see the file comment).
std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path);

/// Which half of a data set: the training images or the held-out test images.
enum class Split {
    train,  ///< the training set (Fashion-MNIST: 60,000 images, files `train-*`)
    test    ///< the test set (Fashion-MNIST: 10,000 images, files `t10k-*`)
};

/// A labelled image set ready for a network.
struct Dataset {
    Tensor4<float> images;                 ///< N×1×28×28, pixel byte / 255, so values in \f$[0, 1]\f$
    std::vector<std::uint8_t> labels;      ///< N class indices, each below class_names.size()
    std::vector<std::string> class_names;  ///< name of each class index
};

/// Where Debian's package `dataset-fashion-mnist` installs the four gzip'd IDX files.
inline constexpr std::string_view fashion_mnist_directory = "/usr/share/datasets/fashion-mnist";

/// The ten Fashion-MNIST classes, by label: 0 "T-shirt/top", 1 "Trouser", 2 "Pullover", 3 "Dress",
/// 4 "Coat", 5 "Sandal", 6 "Shirt", 7 "Sneaker", 8 "Bag", 9 "Ankle boot".
const std::array<std::string_view, 10>& fashion_mnist_class_names();

/// Loads one split of Fashion-MNIST from `directory`: `train-images-idx3-ubyte.gz` and
/// `train-labels-idx1-ubyte.gz` (Split::train) or the `t10k-` pair (Split::test).
/// \throws data_error as read_idx_images / read_idx_labels do, and when the two files hold different
/// counts, a label is 10 or more, or the images are not 28×28.
Dataset load_fashion_mnist(const std::filesystem::path& directory = std::filesystem::path(fashion_mnist_directory),
                           Split split = Split::train);

}  // namespace cnnlab
