// Shape inference and counting of a network's layers (see network.hpp).
#include "chapters/ch07_networks/network.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <algorithm>

namespace cnnlab {
namespace {

// One axis of a window of `kernel` taps (dilation included) moving by `stride`.
ReceptiveField widen(const ReceptiveField& in, std::size_t effective_kernel, std::size_t stride) {
    return {in.size + (effective_kernel - 1) * in.jump, in.jump * stride};
}

ReceptiveField largest(const ReceptiveField& a, const ReceptiveField& b) {
    return {std::max(a.size, b.size), std::max(a.jump, b.jump)};
}

Field2d largest(const Field2d& a, const Field2d& b) { return {largest(a.rows, b.rows), largest(a.cols, b.cols)}; }

std::string child_path(const std::string& parent, const std::string& child) {
    return parent.empty() ? child : parent + "." + child;
}

LayerInfo composite_row(const Layer& layer, const Shape4& input, const std::string& path, std::size_t depth) {
    LayerInfo info;
    info.path = path.empty() ? layer.name() : path;
    info.kind = layer.kind();
    info.depth = depth;
    info.composite = true;
    info.input = input;
    return info;
}

/// Traces `children` one after another from `into.output` and `into.field` (their paths under
/// `path`, one level below `depth`): on return `into` holds the last child's output and field, with
/// the children's parameters and MACs added.
void trace_chain(const std::vector<LayerPtr>& children, const std::string& path, std::size_t depth,
                 std::vector<LayerInfo>* rows, LayerInfo& into) {
    for (const LayerPtr& child : children) {
        const LayerInfo c = child->trace(into.output, into.field, child_path(path, child->name()), depth + 1, rows);
        into.output = c.output;
        into.field = c.field;
        into.parameters += c.parameters;
        into.macs += c.macs;
    }
}

}  // namespace

LayerInfo Layer::infer(const Shape4& input) const { return trace(input, {}, {}, 0, nullptr); }

std::string Layer::where(const std::string& path) const {
    const std::string& shown = path.empty() ? name_ : path;
    return shown.empty() ? kind() : str(shown, " (", kind(), ")");
}

LayerInfo LeafLayer::trace(const Shape4& input, const Field2d& field, const std::string& path, std::size_t depth,
                           std::vector<LayerInfo>* rows) const {
    LayerInfo info;
    info.path = path.empty() ? name() : path;
    info.kind = kind();
    info.depth = depth;
    info.input = input;
    info.output = input;
    info.field = field;
    describe(info);
    if (rows) rows->push_back(info);
    return info;
}

Conv2d::Conv2d(std::size_t in_channels, std::size_t out_channels, Step2 kernel, Conv2dOptions options, bool bias,
               std::string name)
    : LeafLayer(std::move(name)), in_(in_channels), out_(out_channels), kernel_(kernel), options_(options), bias_(bias) {
    if (options_.groups == 0 || in_ % options_.groups != 0 || out_ % options_.groups != 0)
        throw argument_error(str("Conv2d: groups=", options_.groups, " must divide both ", in_, " input and ", out_,
                                 " output channels"));
}

Shape4 Conv2d::weight_shape() const { return {out_, in_ / options_.groups, kernel_.rows, kernel_.cols}; }

void Conv2d::describe(LayerInfo& info) const {
    const Shape4 weight = weight_shape();
    const LayerGeometry g = resolve_conv2d_layer(where(info.path), info.input, weight, bias_ ? out_ : 0, options_);
    info.output = g.output;
    info.parameters = std::uint64_t{weight.elements()} + (bias_ ? out_ : 0);
    info.macs = std::uint64_t{g.output.c} * g.output.h * g.output.w * weight.c * weight.h * weight.w;
    info.field.rows = widen(info.field.rows, g.plane.rows.effective_kernel(), g.plane.rows.stride);
    info.field.cols = widen(info.field.cols, g.plane.cols.effective_kernel(), g.plane.cols.stride);
}

Linear::Linear(std::size_t in_features, std::size_t out_features, bool bias, std::string name)
    : LeafLayer(std::move(name)), in_(in_features), out_(out_features), bias_(bias) {}

void Linear::describe(LayerInfo& info) const {
    const Shape4& x = info.input;
    if (x.c != in_ || x.h != 1 || x.w != 1)
        throw shape_error(str(where(info.path), ": input ", x.str(), " does not fit weight ", out_, "×", in_,
                              " (out×in): the layer takes N×", in_, "×1×1 (", in_, " features), the input has ",
                              x.c * x.h * x.w, " values per sample", (x.h * x.w != 1 ? " and is not flattened" : "")));
    info.output = {x.n, out_, 1, 1};
    info.parameters = std::uint64_t{in_} * out_ + (bias_ ? out_ : 0);
    info.macs = std::uint64_t{in_} * out_;
}

BatchNorm2d::BatchNorm2d(std::size_t channels, float eps, std::string name)
    : LeafLayer(std::move(name)), channels_(channels), eps_(eps) {
    if (!(eps_ > 0.0f)) throw argument_error(str("BatchNorm2d: eps = ", eps_, " must be positive"));
}

void BatchNorm2d::describe(LayerInfo& info) const {
    if (info.input.c != channels_)
        throw shape_error(str(where(info.path), ": input ", info.input.str(), " has ", info.input.c,
                              " channels but the layer normalizes ", channels_, " (scale and shift of shape ", channels_,
                              ")"));
    info.parameters = 2 * std::uint64_t{channels_};
}

Elementwise::Elementwise(Function function, std::string name, float probability)
    : LeafLayer(std::move(name)), function_(function), probability_(probability) {
    if (function == Function::dropout && !(probability >= 0.0f && probability < 1.0f))
        throw argument_error(str("Dropout: probability ", probability, " must lie in [0, 1)"));
}

std::string Elementwise::kind() const {
    switch (function_) {
    case Function::relu: return "ReLU";
    case Function::sigmoid: return "Sigmoid";
    case Function::tanh: return "Tanh";
    case Function::dropout: return "Dropout";
    case Function::identity: break;
    }
    return "Identity";
}

void Elementwise::describe(LayerInfo&) const {}

Pool2d::Pool2d(bool max, Pool2dOptions options, std::string name)
    : LeafLayer(std::move(name)), max_(max), options_(options) {}

void Pool2d::describe(LayerInfo& info) const {
    const std::string op = where(info.path);
    const PoolGeometry g = max_ ? resolve_pool2d(op, info.input, options_) : resolve_avg_pool2d(op, info.input, options_);
    info.output = g.output;
    info.field.rows = widen(info.field.rows, g.dilation.rows * (g.kernel.rows - 1) + 1, g.stride.rows);
    info.field.cols = widen(info.field.cols, g.dilation.cols * (g.kernel.cols - 1) + 1, g.stride.cols);
}

AdaptiveAvgPool2d::AdaptiveAvgPool2d(std::size_t rows, std::size_t cols, std::string name)
    : LeafLayer(std::move(name)), rows_(rows), cols_(cols) {
    if (rows_ == 0 || cols_ == 0)
        throw argument_error(str("AdaptiveAvgPool2d: output size ", rows_, "×", cols_, " must be at least 1×1"));
}

void AdaptiveAvgPool2d::describe(LayerInfo& info) const {
    const Shape4& x = info.input;
    if (x.elements() == 0) throw shape_error(str(where(info.path), ": empty input ", x.str()));
    info.output = {x.n, x.c, rows_, cols_};
    // Window i spans floor(iH/H_out) .. ceil((i+1)H/H_out)-1: at most ceil(H/H_out) rows (exact when H_out divides H).
    const auto axis = [](const ReceptiveField& in, std::size_t n, std::size_t out) {
        return widen(in, (n + out - 1) / out, std::max<std::size_t>(1, n / out));
    };
    info.field.rows = axis(info.field.rows, x.h, rows_);
    info.field.cols = axis(info.field.cols, x.w, cols_);
}

void Flatten::describe(LayerInfo& info) const {
    const Shape4& x = info.input;
    info.output = {x.n, x.c * x.h * x.w, 1, 1};
    info.field.rows = widen(info.field.rows, x.h, x.h);
    info.field.cols = widen(info.field.cols, x.w, x.w);
}

Sequential& Sequential::add(LayerPtr layer) {
    if (layer->name().empty()) layer->set_name(std::to_string(children_.size()));
    children_.push_back(std::move(layer));
    return *this;
}

Sequential& Sequential::add(std::string name, LayerPtr layer) {
    layer->set_name(std::move(name));
    children_.push_back(std::move(layer));
    return *this;
}

LayerInfo Sequential::trace(const Shape4& input, const Field2d& field, const std::string& path, std::size_t depth,
                            std::vector<LayerInfo>* rows) const {
    LayerInfo info = composite_row(*this, input, path, depth);
    const std::size_t row = rows ? rows->size() : 0;
    if (rows) rows->push_back(info);
    info.output = input;
    info.field = field;
    trace_chain(children_, path, depth, rows, info);
    if (rows) (*rows)[row] = info;
    return info;
}

Concat& Concat::add(LayerPtr branch) {
    if (branch->name().empty()) branch->set_name("branch" + std::to_string(branches_.size() + 1));
    branches_.push_back(std::move(branch));
    return *this;
}

LayerInfo Concat::trace(const Shape4& input, const Field2d& field, const std::string& path, std::size_t depth,
                        std::vector<LayerInfo>* rows) const {
    LayerInfo info = composite_row(*this, input, path, depth);
    if (branches_.empty()) throw shape_error(str(where(path), ": no branches to concatenate"));
    const std::size_t row = rows ? rows->size() : 0;
    if (rows) rows->push_back(info);
    bool first = true;
    for (const LayerPtr& branch : branches_) {
        const std::string branch_path = child_path(path, branch->name());
        const LayerInfo b = branch->trace(input, field, branch_path, depth + 1, rows);
        if (first) {
            info.output = b.output;
            info.field = b.field;
            first = false;
        } else {
            const Shape4& o = info.output;
            if (b.output.n != o.n || b.output.h != o.h || b.output.w != o.w)
                throw shape_error(str(where(path), ": branch ", branch_path, " gives ", b.output.str(),
                                      " but the branches before give ", o.str(),
                                      "; concatenation along channels needs equal N, H and W"));
            info.output.c += b.output.c;
            info.field = largest(info.field, b.field);
        }
        info.parameters += b.parameters;
        info.macs += b.macs;
    }
    if (rows) (*rows)[row] = info;
    return info;
}

Residual::Residual(std::unique_ptr<Sequential> main, LayerPtr projection, LayerPtr after, std::string name)
    : Layer(std::move(name)), main_(std::move(main)), projection_(std::move(projection)), after_(std::move(after)) {
    if (!main_) throw argument_error("Residual: the main branch is missing");
    if (projection_ && projection_->name().empty()) projection_->set_name("downsample");
    if (after_ && after_->name().empty()) after_->set_name("relu_out");
}

LayerInfo Residual::trace(const Shape4& input, const Field2d& field, const std::string& path, std::size_t depth,
                          std::vector<LayerInfo>* rows) const {
    LayerInfo info = composite_row(*this, input, path, depth);
    const std::size_t row = rows ? rows->size() : 0;
    if (rows) rows->push_back(info);
    // The main branch's children sit directly under the block: trace them without a row of their own.
    LayerInfo chain = info;
    chain.output = input;
    chain.field = field;
    trace_chain(main_->layers(), path, depth, rows, chain);
    info.parameters = chain.parameters;
    info.macs = chain.macs;
    Shape4 shape = chain.output;
    Field2d f = chain.field;
    Shape4 shortcut = input;
    if (projection_) {
        const LayerInfo p = projection_->trace(input, field, child_path(path, projection_->name()), depth + 1, rows);
        shortcut = p.output;
        f = largest(f, p.field);
        info.parameters += p.parameters;
        info.macs += p.macs;
    }
    if (shortcut != shape)
        throw shape_error(str(where(path), ": the main branch gives ", shape.str(), " but the shortcut gives ",
                              shortcut.str(), " (input ", input.str(), "); the sum needs equal shapes",
                              projection_ ? "" : " — add a projection"));
    if (after_) {
        const LayerInfo a = after_->trace(shape, f, child_path(path, after_->name()), depth + 1, rows);
        shape = a.output;
        f = a.field;
        info.parameters += a.parameters;
        info.macs += a.macs;
    }
    info.output = shape;
    info.field = f;
    if (rows) (*rows)[row] = info;
    return info;
}

namespace layers {
LayerPtr relu() { return std::make_unique<Elementwise>(Elementwise::Function::relu); }
LayerPtr sigmoid() { return std::make_unique<Elementwise>(Elementwise::Function::sigmoid); }
LayerPtr tanh() { return std::make_unique<Elementwise>(Elementwise::Function::tanh); }
LayerPtr dropout(float probability) {
    return std::make_unique<Elementwise>(Elementwise::Function::dropout, std::string(), probability);
}
LayerPtr identity() { return std::make_unique<Elementwise>(Elementwise::Function::identity); }
LayerPtr flatten() { return std::make_unique<Flatten>(); }
LayerPtr conv(std::size_t in, std::size_t out, std::size_t kernel, std::size_t stride, std::size_t padding, bool bias) {
    Conv2dOptions options;
    options.padding = Sides2::symmetric(padding, padding);
    options.stride = {stride, stride};
    return std::make_unique<Conv2d>(in, out, Step2{kernel, kernel}, options, bias);
}
std::unique_ptr<Sequential> sequence(std::vector<LayerPtr> parts) {
    auto s = std::make_unique<Sequential>();
    for (LayerPtr& part : parts) s->add(std::move(part));
    return s;
}
LayerPtr linear(std::size_t in, std::size_t out, bool bias) { return std::make_unique<Linear>(in, out, bias); }
LayerPtr batch_norm(std::size_t channels, float eps) { return std::make_unique<BatchNorm2d>(channels, eps); }
LayerPtr max_pool(std::size_t kernel, std::size_t stride, std::size_t padding, bool ceil_mode) {
    Pool2dOptions options;
    options.kernel = {kernel, kernel};
    options.stride = Step2{stride, stride};
    options.padding = {padding, padding};
    options.ceil_mode = ceil_mode;
    return std::make_unique<Pool2d>(true, options);
}
LayerPtr avg_pool(std::size_t kernel, std::size_t stride, std::size_t padding) {
    Pool2dOptions options;
    options.kernel = {kernel, kernel};
    options.stride = Step2{stride, stride};
    options.padding = {padding, padding};
    return std::make_unique<Pool2d>(false, options);
}
LayerPtr adaptive_avg_pool(std::size_t rows, std::size_t cols) { return std::make_unique<AdaptiveAvgPool2d>(rows, cols); }
}  // namespace layers

LayerPtr named(std::string name, LayerPtr layer) {
    layer->set_name(std::move(name));
    return layer;
}

std::uint64_t leaf_activations(const std::vector<LayerInfo>& rows) {
    std::uint64_t total = 0;
    for (const LayerInfo& row : rows)
        if (!row.composite) total += row.activations();
    return total;
}

KindTotals totals_of_kind(const std::vector<LayerInfo>& rows, const std::string& kind) {
    KindTotals totals;
    for (const LayerInfo& row : rows)
        if (row.kind == kind) {
            totals.parameters += row.parameters;
            totals.macs += row.macs;
        }
    return totals;
}

std::vector<LayerInfo> summarize(const Layer& network, const Shape4& input) {
    std::vector<LayerInfo> rows;
    network.trace(input, {}, {}, 0, &rows);
    return rows;
}

}  // namespace cnnlab
