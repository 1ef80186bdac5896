/// \file
/// \brief Tensor4: a batch of multi-channel images, N×C×H×W, over contiguous memory.
///
/// \par Memory order (the one place cnnlab states it)
/// A Tensor4 is `N` samples × `C` channels of `H×W` planes. Each plane is stored exactly as
/// Armadillo stores an `arma::Mat` — **column-major**, row index fastest — so `plane(n, c)` is a
/// zero-copy `arma::Mat` view. Planes follow each other channel by channel, samples outermost:
/// \f[ \mathrm{offset}(n, c, h, w) = ((n\,C + c)\,W + w)\,H + h. \f]
/// PyTorch and the case files of `cnnlab replay` store the same tensor row-major (`w` fastest);
/// `from_row_major` / `to_row_major` convert. Shapes and indices are always written in PyTorch's
/// order (N, C, H, W) whatever the memory order.
#pragma once

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/tensor_memory.hpp"

#include <armadillo>
#include <array>
#include <cstddef>
#include <memory>
#include <new>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace cnnlab {

/// Four sizes in PyTorch order: batch, channels, height, width.
struct Shape4 {
    std::size_t n = 0;  ///< batch size
    std::size_t c = 0;  ///< channels
    std::size_t h = 0;  ///< height (rows)
    std::size_t w = 0;  ///< width (columns)
    /// \f$N \cdot C \cdot H \cdot W\f$; a shape_error when the product does not fit in `std::size_t`.
    std::size_t elements() const {
        std::size_t product = 0;
        if (__builtin_mul_overflow(n, c, &product) || __builtin_mul_overflow(product, h, &product) ||
            __builtin_mul_overflow(product, w, &product))
            throw shape_error(cnnlab::str("shape ", str(), ": N·C·H·W does not fit in a 64-bit size"));
        return product;
    }
    /// Equal when all four sizes are equal.
    bool operator==(const Shape4&) const = default;
    /// "4×2×3×5"
    std::string str() const { return cnnlab::str(n, "×", c, "×", h, "×", w); }
};

/// Writes str(): "4×2×3×5".
inline std::ostream& operator<<(std::ostream& out, const Shape4& shape) { return out << shape.str(); }

/// Tag of the Tensor4 constructor that leaves the values unset, for a kernel that writes every one.
struct Uninitialized {};
/// The tag value: `Tensor4<T> y(shape, uninitialized);`
inline constexpr Uninitialized uninitialized{};

namespace detail {
/// std::allocator, except that `resize(n)` and `vector(n)` leave the new values unset
/// (default-initialization instead of value-initialization). Filling a large output with zeros
/// first costs a full extra write of it, as much as a bandwidth-bound kernel's whole output.
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
    template <class U>
    struct rebind {
        using other = DefaultInitAllocator<U>;  ///< the same allocator for U
    };
    DefaultInitAllocator() = default;
    /// Converts from the allocator of another type (stateless).
    template <class U>
    DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
    /// Storage for n values (tensor_memory.hpp: large blocks are reused).
    T* allocate(std::size_t n) {
        if (n > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
        return static_cast<T*>(allocate_tensor_bytes(n * sizeof(T)));
    }
    /// Gives back storage of n values from allocate.
    void deallocate(T* p, std::size_t n) noexcept { free_tensor_bytes(p, n * sizeof(T)); }
    /// Constructs without arguments as `new (p) U` (no zeroing); with arguments as std::allocator.
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        if constexpr (sizeof...(Args) == 0)
            ::new (static_cast<void*>(p)) U;
        else
            ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};
}  // namespace detail

/// A dense N×C×H×W tensor of `T` (float or double); see the file comment for its memory order.
template <class T>
class Tensor4 {
public:
    Tensor4() = default;
    /// A zero-filled tensor of the given shape.
    /// \throws shape_error when the shape could never fit in memory (see check_allocation)
    explicit Tensor4(Shape4 shape) : shape_(shape), data_(checked_elements(shape), T(0)) {}
    /// A tensor of the given shape whose values are unset: for kernels that write every element.
    Tensor4(Shape4 shape, Uninitialized) : shape_(shape), data_(checked_elements(shape)) {}

    /// Copies values given in PyTorch's row-major order (last index fastest).
    static Tensor4 from_row_major(Shape4 shape, const std::vector<T>& values) {
        if (values.size() != shape.elements())
            throw shape_error(cnnlab::str("Tensor4::from_row_major: shape ", shape.str(), " needs ", shape.elements(),
                                          " values but ", values.size(), " were given"));
        Tensor4 t(shape);
        std::size_t i = 0;
        for (std::size_t n = 0; n < shape.n; ++n)
            for (std::size_t c = 0; c < shape.c; ++c)
                for (std::size_t h = 0; h < shape.h; ++h)
                    for (std::size_t w = 0; w < shape.w; ++w) t(n, c, h, w) = values[i++];
        return t;
    }

    /// The values in PyTorch's row-major order.
    std::vector<T> to_row_major() const {
        std::vector<T> out;
        out.reserve(data_.size());
        for (std::size_t n = 0; n < shape_.n; ++n)
            for (std::size_t c = 0; c < shape_.c; ++c)
                for (std::size_t h = 0; h < shape_.h; ++h)
                    for (std::size_t w = 0; w < shape_.w; ++w) out.push_back((*this)(n, c, h, w));
        return out;
    }

    /// The N×C×H×W sizes.
    const Shape4& shape() const { return shape_; }
    /// Number of elements, shape().elements().
    std::size_t size() const { return data_.size(); }
    /// The contiguous storage, in the memory order of the file comment.
    T* data() { return data_.data(); }
    /// \copydoc data()
    const T* data() const { return data_.data(); }

    /// Element access (unchecked in release, like Armadillo's `at`).
    T& operator()(std::size_t n, std::size_t c, std::size_t h, std::size_t w) { return data_[offset(n, c, h, w)]; }
    /// \copydoc operator()(std::size_t,std::size_t,std::size_t,std::size_t)
    const T& operator()(std::size_t n, std::size_t c, std::size_t h, std::size_t w) const {
        return data_[offset(n, c, h, w)];
    }

    /// Zero-copy H×W view of plane (n, c); writes through to the tensor. The view must not
    /// outlive the tensor, and must not be resized.
    arma::Mat<T> plane(std::size_t n, std::size_t c) & {
        check_plane(n, c);
        return arma::Mat<T>(data_.data() + plane_offset(n, c), shape_.h, shape_.w, /*copy_aux_mem=*/false,
                            /*strict=*/true);
    }
    /// Read-only zero-copy view of plane (n, c).
    const arma::Mat<T> plane(std::size_t n, std::size_t c) const& {
        check_plane(n, c);
        return arma::Mat<T>(const_cast<T*>(data_.data()) + plane_offset(n, c), shape_.h, shape_.w, false, true);
    }
    /// No view of a temporary tensor: it would dangle as soon as the full expression ends
    /// (Armadillo's move constructor takes over a view's pointer). Name the tensor first, or copy
    /// with plane_copy().
    void plane(std::size_t n, std::size_t c) && = delete;
    /// \copydoc plane(std::size_t,std::size_t)&&
    void plane(std::size_t n, std::size_t c) const&& = delete;
    /// An owning copy of plane (n, c) (safe on temporaries).
    arma::Mat<T> plane_copy(std::size_t n, std::size_t c) const {
        check_plane(n, c);
        return arma::Mat<T>(data_.data() + plane_offset(n, c), shape_.h, shape_.w);  // copies
    }

private:
    std::size_t plane_offset(std::size_t n, std::size_t c) const { return (n * shape_.c + c) * shape_.h * shape_.w; }
    std::size_t offset(std::size_t n, std::size_t c, std::size_t h, std::size_t w) const {
        return plane_offset(n, c) + w * shape_.h + h;
    }
    static std::size_t checked_elements(const Shape4& shape) {
        const std::size_t elements = shape.elements();
        check_allocation("Tensor4", [&] { return cnnlab::str("shape ", shape.str()); }, elements, sizeof(T));
        return elements;
    }
    void check_plane(std::size_t n, std::size_t c) const {
        if (n >= shape_.n || c >= shape_.c)
            throw shape_error(cnnlab::str("Tensor4::plane: index (", n, ", ", c, ") is outside shape ", shape_.str()));
    }

    Shape4 shape_{};
    std::vector<T, detail::DefaultInitAllocator<T>> data_;
};

}  // namespace cnnlab
