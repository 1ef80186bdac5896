/// \file
/// \brief Reading and writing image files (PNG, JPEG, BMP, … through stb_image) as Armadillo arrays.
///
/// Pixel values are floats in \f$[0, 1]\f$ (byte value / 255). A colour image is an
/// `arma::Cube<float>` of size H×W×C — row \f$i\f$, column \f$j\f$, channel \f$c\f$ — so each channel
/// is one `arma::fmat` plane (`image.slice(c)`) that the single-plane operations of Chapter 1 take
/// directly. Grayscale is the luma \f$Y = 0.299R + 0.587G + 0.114B\f$ (ITU-R BT.601).
#pragma once

#include <armadillo>
#include <string>

namespace cnnlab {

/// Reads an image file into an H×W×C cube with values in \f$[0, 1]\f$; C is the number of channels
/// stored in the file (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA).
/// \throws data_error naming the file and the decoder's reason when the file is missing, unreadable
/// or not an image stb_image can decode.
arma::Cube<float> load_image(const std::string& path);

/// Reads an image file as one grayscale plane (the BT.601 luma of its colour channels, alpha
/// ignored), values in \f$[0, 1]\f$.
/// \throws data_error as load_image does.
arma::fmat load_image_gray(const std::string& path);

/// The BT.601 luma \f$0.299R + 0.587G + 0.114B\f$ of an H×W×C image (C = 1 or 2: the first channel;
/// C ≥ 3: the first three channels as R, G, B).
/// \throws argument_error for an image without channels.
arma::fmat luma(const arma::Cube<float>& image);

/// Writes a grayscale plane as an 8-bit PNG. Values are clamped to \f$[0, 1]\f$ and rounded to
/// bytes; map signed data (filter responses) into \f$[0, 1]\f$ first (see rescale_to_unit).
/// \throws data_error naming the file when it cannot be written; argument_error for an empty plane.
void save_png(const std::string& path, const arma::fmat& image);

/// Writes an H×W×C image (C = 1, 2, 3 or 4) as an 8-bit PNG, values clamped to \f$[0, 1]\f$.
/// \throws data_error naming the file when it cannot be written; argument_error for an empty
/// image or more than 4 channels.
void save_png(const std::string& path, const arma::Cube<float>& image);

/// Maps \f$[\min, \max]\f$ of `values` linearly onto \f$[0, 1]\f$ (a constant array becomes all 0.5),
/// the display convention for filter responses whose sign matters.
arma::fmat rescale_to_unit(const arma::fmat& values);

/// Bilinear resize 双线性插值 of a plane to rows × cols, as PyTorch's
/// `interpolate(mode="bilinear", align_corners=False)` (no antialiasing): output pixel \f$i\f$ samples
/// the input at \f$(i + \tfrac12)\,H_{in}/H_{out} - \tfrac12\f$ (clamped at 0), between the two
/// nearest rows, and likewise along columns.
/// \throws argument_error for an empty plane or a zero output size.
arma::fmat resize_bilinear(const arma::fmat& plane, std::size_t rows, std::size_t cols);

/// Every channel of an H×W×C image resized bilinearly (see resize_bilinear).
/// \throws argument_error as resize_bilinear does.
arma::Cube<float> resize_bilinear(const arma::Cube<float>& image, std::size_t rows, std::size_t cols);

}  // namespace cnnlab
