// Case files: the reader (per-case problems, resync at the next `case`), the writer (%.17g) and the
// op table run_case dispatches through.
#include "chapters/ch00_foundation/case_file.hpp"

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "chapters/ch05_transposed/transposed.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdint>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <istream>
#include <limits>
#include <ostream>
#include <sstream>

namespace cnnlab::cases {

// ------------------------------------------------------------------------------------ Tensor
std::size_t Tensor::element_count() const {
    std::size_t count = 1;
    for (std::size_t d : dims) count *= d;
    return count;
}

bool Tensor::bitwise_equal(const Tensor& other) const {
    if (dims != other.dims || values.size() != other.values.size()) return false;
    return std::equal(values.begin(), values.end(), other.values.begin(), [](double a, double b) {
        return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
    });
}

namespace {

std::string dims_string(const std::vector<std::size_t>& dims) {
    if (dims.empty()) return "scalar";
    std::string s;
    for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? "×" : "") + std::to_string(dims[i]);
    return s;
}

// ------------------------------------------------------------------------------------ tokens
constexpr std::array<std::string_view, 6> keywords{"case", "op", "param", "tensor", "error", "end"};
bool is_keyword(std::string_view t) { return std::find(keywords.begin(), keywords.end(), t) != keywords.end(); }

struct Token {
    std::string text;
    std::size_t line = 0;
    bool rest_of_line = false;  // the message after `error`, kept whole
    bool keyword() const { return !rest_of_line && is_keyword(text); }
};

std::vector<Token> tokenize(std::istream& in) {
    std::vector<Token> tokens;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        std::istringstream words(line);
        std::string word;
        while (words >> word) {
            tokens.push_back({word, number});
            if (word != "error") continue;
            std::string rest;
            std::getline(words, rest);
            const auto first = rest.find_first_not_of(" \t\r");
            const auto last = rest.find_last_not_of(" \t\r");
            tokens.push_back({first == std::string::npos ? "" : rest.substr(first, last - first + 1), number, true});
            break;
        }
    }
    return tokens;
}

std::optional<long long> parse_integer(std::string_view t) {
    long long value = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
    return value;
}

std::optional<double> parse_double(std::string_view t) {
    double value = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value, std::chars_format::general);
    if (ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
    return value;
}

// ------------------------------------------------------------------------------------ reader
struct Problem {
    std::size_t line;
    std::string what;
};

constexpr std::size_t max_tensor_elements = std::size_t{1} << 28;
constexpr long long max_tensor_dims = 8;

class Reader {
public:
    Reader(std::vector<Token> tokens, std::string_view source) : tokens_(std::move(tokens)), source_(source) {}

    std::vector<ReadEntry> read_all() {
        std::vector<ReadEntry> entries;
        while (pos_ < tokens_.size()) {
            ReadEntry entry;
            try {
                if (!at_keyword("case"))
                    throw Problem{tokens_[pos_].line, str("expected 'case', found '", tokens_[pos_].text, "' outside any case")};
                read_case(entry.value);
            } catch (const Problem& p) {
                const std::string where = entry.value.id.empty() ? "" : str("case '", entry.value.id, "': ");
                entry.problem.emplace(str(source_, ":", p.line, ": ", where, p.what));
                skip_to_next_case();
            }
            entries.push_back(std::move(entry));
        }
        return entries;
    }

private:
    bool at_keyword(std::string_view k) const {
        return pos_ < tokens_.size() && tokens_[pos_].keyword() && tokens_[pos_].text == k;
    }
    std::size_t last_line() const { return tokens_.empty() ? 0 : tokens_.back().line; }

    // Resynchronize: the next block starts at the next `case` keyword (possibly the current token,
    // when the problem was a `case` arriving before `end`).
    void skip_to_next_case() {
        while (pos_ < tokens_.size() && !at_keyword("case")) ++pos_;
    }

    // The next token, which must exist and not be a keyword; `what` names it in the message.
    const Token& operand(std::string_view what, std::size_t line) {
        if (pos_ >= tokens_.size()) throw Problem{last_line(), str("file ends before ", what, " (truncated?)")};
        const Token& t = tokens_[pos_];
        if (t.keyword()) throw Problem{t.line, str("expected ", what, " on line ", line, ", found keyword '", t.text, "'")};
        ++pos_;
        return t;
    }

    void read_case(Case& c) {
        c.line = tokens_[pos_].line;
        ++pos_;
        c.id = operand("a case id after 'case'", c.line).text;
        if (const auto [it, inserted] = ids_.emplace(c.id, c.line); !inserted)
            throw Problem{c.line, str("duplicate case id (first used on line ", it->second, ")")};
        std::string last_tensor;
        while (true) {
            if (pos_ >= tokens_.size()) throw Problem{last_line(), "file ends inside the case, no 'end' (truncated?)"};
            const Token& t = tokens_[pos_];
            if (!t.keyword()) {
                if (parse_double(t.text) && !last_tensor.empty())
                    throw Problem{t.line, str("unexpected number '", t.text, "': tensor '", last_tensor, "' has more values than its dims ",
                                              dims_string(c.tensors[last_tensor].dims), " hold")};
                throw Problem{t.line, str("unknown keyword '", t.text, "' (expected case, op, param, tensor, error or end)")};
            }
            if (t.text == "case") throw Problem{t.line, "no 'end' before the next 'case'"};
            ++pos_;
            if (t.text == "end") break;
            if (t.text == "op") {
                const Token& name = operand("an op name after 'op'", t.line);
                if (!c.op.empty()) throw Problem{t.line, str("second 'op' line ('", c.op, "' then '", name.text, "')")};
                c.op = name.text;
            } else if (t.text == "param") {
                read_param(c, t.line);
            } else if (t.text == "tensor") {
                last_tensor = read_tensor(c, t.line);
            } else {  // error
                const Token& message = tokens_[pos_++];
                c.error = message.text.empty() ? "unspecified" : message.text;
            }
        }
        if (c.op.empty()) throw Problem{c.line, "the case has no 'op' line"};
    }

    void read_param(Case& c, std::size_t line) {
        const std::string key = operand("a parameter name after 'param'", line).text;
        std::vector<std::string> values;
        while (pos_ < tokens_.size() && !tokens_[pos_].keyword()) values.push_back(tokens_[pos_++].text);
        if (values.empty()) throw Problem{line, str("param '", key, "' has no values")};
        if (key == "mode") {
            if (!c.mode.empty()) throw Problem{line, "param 'mode' given twice"};
            if (values.size() != 1 || (values[0] != "valid" && values[0] != "same" && values[0] != "full"))
                throw Problem{line, str("param mode takes one of valid|same|full, got '", values[0], values.size() > 1 ? " …'" : "'")};
            c.mode = values[0];
            return;
        }
        if (c.params.contains(key)) throw Problem{line, str("param '", key, "' given twice")};
        std::vector<long long>& numbers = c.params[key];
        for (const std::string& v : values) {
            const auto n = parse_integer(v);
            if (!n) throw Problem{line, str("param '", key, "': '", v, "' is not an integer")};
            numbers.push_back(*n);
        }
    }

    std::string read_tensor(Case& c, std::size_t line) {
        const std::string name = operand("a tensor name after 'tensor'", line).text;
        if (c.tensors.contains(name)) throw Problem{line, str("tensor '", name, "' given twice")};
        const Token& ndim_token = operand(str("the number of dimensions of tensor '", name, "'"), line);
        const auto ndim = parse_integer(ndim_token.text);
        if (!ndim || *ndim < 0 || *ndim > max_tensor_dims)
            throw Problem{ndim_token.line, str("tensor '", name, "': '", ndim_token.text, "' is not a number of dimensions (0..", max_tensor_dims, ")")};
        Tensor& tensor = c.tensors[name];
        std::size_t count = 1;
        for (long long i = 0; i < *ndim; ++i) {
            const Token& d = operand(str("dimension ", i + 1, " of tensor '", name, "'"), line);
            const auto size = parse_integer(d.text);
            if (!size || *size < 0) throw Problem{d.line, str("tensor '", name, "': dimension '", d.text, "' is not a non-negative integer")};
            tensor.dims.push_back(static_cast<std::size_t>(*size));
            if (*size != 0 && count > max_tensor_elements / static_cast<std::size_t>(*size))
                throw Problem{d.line, str("tensor '", name, "': more than ", max_tensor_elements, " elements")};
            count *= static_cast<std::size_t>(*size);
        }
        // The values are tokens already read: a header that declares more than the file holds must not
        // reserve memory for them (the loop below then reports the file as truncated).
        tensor.values.reserve(std::min(count, tokens_.size() - pos_));
        for (std::size_t i = 0; i < count; ++i) {
            if (pos_ >= tokens_.size())
                throw Problem{last_line(), str("file ends after ", i, " of the ", count, " values of tensor '", name, "' (truncated?)")};
            const Token& v = tokens_[pos_];
            if (v.keyword())
                throw Problem{v.line, str("tensor '", name, "' (", dims_string(tensor.dims), ") needs ", count, " values but has ", i,
                                          " before '", v.text, "'")};
            const auto value = parse_double(v.text);
            if (!value) throw Problem{v.line, str("tensor '", name, "': '", v.text, "' is not a number (value ", i + 1, " of ", count, ")")};
            tensor.values.push_back(*value);
            ++pos_;
        }
        return name;
    }

    std::vector<Token> tokens_;
    std::string source_;
    std::size_t pos_ = 0;
    std::map<std::string, std::size_t> ids_;  // id → line of its `case`
};

// ------------------------------------------------------------------------------------ writer
void check_token(std::string_view what, const std::string& text, const Case& c) {
    if (text.empty() || std::any_of(text.begin(), text.end(), [](unsigned char ch) { return std::isspace(ch); }))
        throw data_error(str("write_case: ", what, " '", text, "' of case '", c.id, "' must be one non-empty word"));
}

int tensor_rank(const std::string& name) {
    constexpr std::array<std::string_view, 8> order{"x", "w", "b", "gy", "y", "gx", "gw", "gb"};
    const auto it = std::find(order.begin(), order.end(), name);
    return static_cast<int>(it - order.begin());
}

}  // namespace

std::vector<ReadEntry> read_cases(std::istream& in, std::string_view source) {
    return Reader(tokenize(in), source).read_all();
}

std::vector<ReadEntry> read_case_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw data_error(str("read_case_file: '", path.string(), "' is not a readable file"));
    return read_cases(in, path.string());
}

std::string format_value(double value) {
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.17g", value);
    return buffer.data();
}

void write_case(std::ostream& out, const Case& c) {
    check_token("id", c.id, c);
    check_token("op", c.op, c);
    out << "case " << c.id << "\nop " << c.op << '\n';
    if (!c.mode.empty()) out << "param mode " << c.mode << '\n';
    for (const auto& [key, values] : c.params) {
        check_token("param", key, c);
        out << "param " << key;
        for (long long v : values) out << ' ' << v;
        out << '\n';
    }
    if (!c.error.empty()) {
        std::string message = c.error;
        std::replace_if(message.begin(), message.end(), [](char ch) { return ch == '\n' || ch == '\r'; }, ' ');
        out << "error " << message << '\n';
    }
    std::vector<const std::pair<const std::string, Tensor>*> tensors;
    for (const auto& entry : c.tensors) tensors.push_back(&entry);
    std::stable_sort(tensors.begin(), tensors.end(),
                     [](const auto* a, const auto* b) { return tensor_rank(a->first) < tensor_rank(b->first); });
    for (const auto* entry : tensors) {
        const auto& [name, t] = *entry;
        check_token("tensor", name, c);
        if (t.values.size() != t.element_count())
            throw data_error(str("write_case: tensor '", name, "' of case '", c.id, "' has ", t.values.size(), " values but its dims ",
                                 dims_string(t.dims), " imply ", t.element_count()));
        out << "tensor " << name << ' ' << t.dims.size();
        for (std::size_t d : t.dims) out << ' ' << d;
        out << '\n';
        const std::size_t row = t.dims.empty() ? 1 : t.dims.back();
        for (std::size_t start = 0; row > 0 && start < t.values.size(); start += row) {
            for (std::size_t i = 0; i < row; ++i) out << (i ? " " : "") << format_value(t.values[start + i]);
            out << '\n';
        }
    }
    out << "end\n";
}

void write_cases(std::ostream& out, const std::vector<Case>& cases) {
    for (const Case& c : cases) write_case(out, c);
}

// ------------------------------------------------------------------------------------ conversions
arma::mat to_matrix(const Tensor& t, std::string_view what) {
    if (t.dims.size() != 2) throw data_error(str(what, " must have 2 dimensions (rows cols) but has ", t.dims.size(), " (", dims_string(t.dims), ")"));
    if (t.values.size() != t.element_count())
        throw data_error(str(what, " (", dims_string(t.dims), ") has ", t.values.size(), " values, not ", t.element_count()));
    // Row-major values are the column-major storage of the transpose.
    return arma::mat(t.values.data(), t.dims[1], t.dims[0]).t();
}

arma::vec to_vector(const Tensor& t, std::string_view what) {
    if (t.dims.size() != 1) throw data_error(str(what, " must have 1 dimension but has ", t.dims.size(), " (", dims_string(t.dims), ")"));
    if (t.values.size() != t.element_count())
        throw data_error(str(what, " (", dims_string(t.dims), ") has ", t.values.size(), " values, not ", t.element_count()));
    return arma::vec(t.values);
}

Tensor from_matrix(const arma::mat& m) {
    const arma::mat transposed = m.t();  // column-major storage of the transpose = row-major of m
    return {{m.n_rows, m.n_cols}, std::vector<double>(transposed.begin(), transposed.end())};
}

Tensor from_vector(const arma::vec& v) { return {{v.n_elem}, std::vector<double>(v.begin(), v.end())}; }

// ------------------------------------------------------------------------------------ ops
namespace {

const Tensor& input(const Case& c, const std::string& name) {
    const auto it = c.tensors.find(name);
    if (it == c.tensors.end()) throw data_error(str(c.op, ": the case has no input tensor '", name, "'"));
    return it->second;
}

// Refuses any param (`mode` included) that is not in `allowed`, naming the ones the op takes.
void allow_only_params(const Case& c, std::initializer_list<std::string_view> allowed) {
    const auto refuse = [&](std::string_view key) {
        std::string list;
        for (std::string_view a : allowed) list += str(list.empty() ? "" : ", ", a);
        throw argument_error(str(c.op, ": unsupported param '", key, "' (this op takes ", list, ")"));
    };
    const auto is_allowed = [&](std::string_view key) { return std::find(allowed.begin(), allowed.end(), key) != allowed.end(); };
    if (!c.mode.empty() && !is_allowed("mode")) refuse("mode");
    for (const auto& [key, values] : c.params)
        if (!is_allowed(key)) refuse(key);
}

// pad_before / pad_after as per-axis Sides (rows first), or nothing when absent.
std::optional<std::vector<Sides>> explicit_padding(const Case& c, std::size_t axes) {
    const auto before = c.params.find("pad_before"), after = c.params.find("pad_after");
    if ((before == c.params.end()) != (after == c.params.end()))
        throw argument_error(str(c.op, ": pad_before and pad_after go together (only one is given)"));
    if (before == c.params.end()) return std::nullopt;
    for (const auto* p : {&*before, &*after})
        if (p->second.size() != axes)
            throw argument_error(str(c.op, ": param ", p->first, " takes ", axes, axes == 1 ? " integer" : " integers (h w)", ", got ", p->second.size()));
    std::vector<Sides> sides;
    for (std::size_t a = 0; a < axes; ++a) {
        if (before->second[a] < 0 || after->second[a] < 0)
            throw argument_error(str(c.op, ": padding must be >= 0, got pad_before ", before->second[a], ", pad_after ", after->second[a]));
        sides.push_back({static_cast<std::size_t>(before->second[a]), static_cast<std::size_t>(after->second[a])});
    }
    return sides;
}

Mode required_mode(const Case& c) {
    if (c.mode.empty()) throw argument_error(str(c.op, ": needs param mode (valid|same|full) or pad_before/pad_after"));
    return parse_mode(c.mode);
}

std::map<std::string, Tensor> run_single_channel_1d(const Case& c, bool convolve) {
    allow_only_params(c, {"mode", "pad_before", "pad_after"});
    const arma::vec x = to_vector(input(c, "x"), str(c.op, ": tensor x"));
    const arma::vec w = to_vector(input(c, "w"), str(c.op, ": tensor w"));
    Options1d options;
    if (const auto sides = explicit_padding(c, 1)) options.padding = (*sides)[0];
    else options.padding = required_mode(c);
    return {{"y", from_vector(convolve ? cnnlab::conv1d(x, w, options) : cnnlab::xcorr1d(x, w, options))}};
}

std::map<std::string, Tensor> run_single_channel_2d(const Case& c, bool convolve) {
    allow_only_params(c, {"mode", "pad_before", "pad_after"});
    const arma::mat x = to_matrix(input(c, "x"), str(c.op, ": tensor x"));
    const arma::mat w = to_matrix(input(c, "w"), str(c.op, ": tensor w"));
    Options2d options;
    if (const auto sides = explicit_padding(c, 2)) options.padding = Sides2{(*sides)[0], (*sides)[1]};
    else options.padding = required_mode(c);
    return {{"y", from_matrix(convolve ? cnnlab::conv2d(x, w, options) : cnnlab::xcorr2d(x, w, options))}};
}

// ------------------------------------------------------------------------------------ layer ops (Chapter 2)

// Param `key` as one integer per axis (h w for 2-D), each >= `minimum`; `fallback` on every axis when absent.
std::vector<std::size_t> axis_param(const Case& c, const std::string& key, std::size_t axes, long long minimum, std::size_t fallback) {
    const auto it = c.params.find(key);
    if (it == c.params.end()) return std::vector<std::size_t>(axes, fallback);
    if (it->second.size() != axes)
        throw argument_error(str(c.op, ": param ", key, " takes ", axes, axes == 1 ? " integer" : " integers (h w)", ", got ", it->second.size()));
    std::vector<std::size_t> values;
    for (long long v : it->second) {
        if (v < minimum) throw argument_error(str(c.op, ": param ", key, " must be >= ", minimum, ", got ", v));
        values.push_back(static_cast<std::size_t>(v));
    }
    return values;
}

// Param `key` as one integer in [minimum, maximum]; `fallback` when absent.
std::size_t scalar_param(const Case& c, const std::string& key, long long minimum, long long maximum, std::size_t fallback) {
    const auto it = c.params.find(key);
    if (it == c.params.end()) return fallback;
    if (it->second.size() != 1) throw argument_error(str(c.op, ": param ", key, " takes 1 integer, got ", it->second.size()));
    const long long v = it->second[0];
    if (v < minimum || v > maximum)
        throw argument_error(str(c.op, ": param ", key, " must be in ", minimum, "..", maximum, ", got ", v));
    return static_cast<std::size_t>(v);
}

// A layer tensor, N×C×L (1-D, held as N×C×1×L) or N×C×H×W, from its row-major values.
Tensor4<double> layer_tensor(const Case& c, const std::string& name, std::size_t axes, std::string_view layout) {
    const Tensor& t = input(c, name);
    if (t.dims.size() != axes + 2)
        throw data_error(str(c.op, ": tensor ", name, " must have ", axes + 2, " dimensions (", layout, ") but has ", t.dims.size(), " (",
                             dims_string(t.dims), ")"));
    if (t.values.size() != t.element_count())
        throw data_error(str(c.op, ": tensor ", name, " (", dims_string(t.dims), ") has ", t.values.size(), " values, not ", t.element_count()));
    const Shape4 shape = axes == 1 ? Shape4{t.dims[0], t.dims[1], 1, t.dims[2]} : Shape4{t.dims[0], t.dims[1], t.dims[2], t.dims[3]};
    return Tensor4<double>::from_row_major(shape, t.values);
}

Tensor layer_output(const Tensor4<double>& y, std::size_t axes) {
    const Shape4& s = y.shape();
    Tensor t;
    t.dims = axes == 1 ? std::vector<std::size_t>{s.n, s.c, s.w} : std::vector<std::size_t>{s.n, s.c, s.h, s.w};
    t.values = y.to_row_major();
    return t;
}

// conv1d / conv2d (PyTorch's symmetric `padding`) and conv1d_same / conv2d_same (`padding='same'`,
// or the explicit pad_before/pad_after the case gives) through cnnlab::conv1d_layer / conv2d_layer;
// with a `gy`, also gx, gw (and gb with a bias) through the layer backward passes of Chapter 3.
std::map<std::string, Tensor> run_layer(const Case& c, const RunOptions& run, std::size_t axes, bool same) {
    if (same)
        allow_only_params(c, {"stride", "dilation", "groups", "bias", "mode", "pad_before", "pad_after"});
    else
        allow_only_params(c, {"stride", "padding", "dilation", "groups", "bias"});
    if (same && !c.mode.empty() && c.mode != "same")
        throw argument_error(str(c.op, ": param mode must be same (the op is PyTorch's padding='same'), got ", c.mode,
                                 "; other paddings are op ", axes == 1 ? "conv1d" : "conv2d", " with param padding"));
    const std::vector<std::size_t> stride = axis_param(c, "stride", axes, 1, 1);
    const std::vector<std::size_t> dilation = axis_param(c, "dilation", axes, 1, 1);
    const std::size_t groups = scalar_param(c, "groups", 1, std::numeric_limits<int>::max(), 1);
    const bool has_bias = scalar_param(c, "bias", 0, 1, 0) == 1;

    std::vector<AxisPadding> padding(axes, Mode::same);
    if (!same) {
        const std::vector<std::size_t> each_side = axis_param(c, "padding", axes, 0, 0);
        for (std::size_t a = 0; a < axes; ++a) padding[a] = Sides{each_side[a], each_side[a]};
    } else if (const auto sides = explicit_padding(c, axes)) {
        for (std::size_t a = 0; a < axes; ++a) padding[a] = (*sides)[a];
    } else if (std::any_of(stride.begin(), stride.end(), [](std::size_t s) { return s != 1; })) {
        // PyTorch refuses it ("padding='same' is not supported for strided convolutions"): an
        // output of the input's size cannot come out of a strided layer.
        throw argument_error(str(c.op, ": padding='same' needs stride 1 on every axis (PyTorch's rule), got stride ",
                                 stride[0], axes == 2 ? str(",", stride[1]) : std::string(),
                                 "; give pad_before/pad_after for a strided layer"));
    }

    const Tensor4<double> x = layer_tensor(c, "x", axes, axes == 1 ? "N C L" : "N C H W");
    const Tensor4<double> w = layer_tensor(c, "w", axes, axes == 1 ? "C_out C_in/groups K" : "C_out C_in/groups K_h K_w");
    arma::vec b;
    if (has_bias) b = to_vector(input(c, "b"), str(c.op, ": tensor b"));
    else if (c.tensors.contains("b"))
        throw argument_error(str(c.op, ": tensor b is given without param bias 1 (a bias needs both)"));
    const LayerAlgorithm algorithm = run.layer_algorithm.empty() ? LayerAlgorithm::automatic : parse_layer_algorithm(run.layer_algorithm);

    // The layer as 2-D options (a 1-D layer is a 2-D one of height 1), checked here so that a refusal
    // (of the layer or of gy's shape) names the case's op rather than the function behind it.
    Conv1dOptions options_1d;
    Conv2dOptions options;
    if (axes == 2) {
        options.stride = {stride[0], stride[1]};
        options.dilation = {dilation[0], dilation[1]};
        if (const auto* rows = std::get_if<Sides>(&padding[0])) options.padding = Sides2{*rows, std::get<Sides>(padding[1])};
        else options.padding = Mode::same;
        options.groups = groups;
    } else {
        options_1d = {.padding = padding[0], .stride = stride[0], .dilation = dilation[0], .groups = groups};
        options = as_conv2d_options(options_1d, w.shape().w);
    }
    const std::string op = axes == 1 ? str(c.op, " (held as N×C×1×L)") : c.op;
    const LayerGeometry geometry = resolve_conv2d_layer(op, x.shape(), w.shape(), b.n_elem, options);
    std::optional<Tensor4<double>> gy;
    if (c.tensors.contains("gy")) {
        gy = layer_tensor(c, "gy", axes, axes == 1 ? "N C_out L_out" : "N C_out H_out W_out");
        check_upstream_gradient(op, gy->shape(), geometry);
    }

    std::map<std::string, Tensor> out;
    out["y"] = layer_output(axes == 2 ? conv2d_layer(x, w, b, options, algorithm) : conv1d_layer(x, w, b, options_1d, algorithm), axes);
    if (!gy) return out;
    // The gradients of sum(gy ⊙ y), on the automatic paths of Chapter 3 (layer_algorithm is the forward's).
    if (axes == 2) {
        out["gx"] = layer_output(conv2d_layer_backward_input(w, *gy, x.shape(), options), 2);
        out["gw"] = layer_output(conv2d_layer_backward_weight(x, *gy, w.shape(), options), 2);
    } else {
        out["gx"] = layer_output(conv1d_layer_backward_input(w, *gy, x.shape(), options_1d), 1);
        out["gw"] = layer_output(conv1d_layer_backward_weight(x, *gy, w.shape(), options_1d), 1);
    }
    if (has_bias) out["gb"] = from_vector(conv2d_layer_backward_bias(*gy));
    return out;
}

// ------------------------------------------------------------------------------------ pooling ops (Chapter 4)

// The Pool2dOptions of a max_pool2d / avg_pool2d case. Zeros are passed on, so that the library's
// own checks (resolve_pool2d) refuse a zero kernel or stride with PyTorch's rule; negative values
// cannot be held by the options and are refused here.
Pool2dOptions pool_options(const Case& c, bool max_pool) {
    if (max_pool)
        allow_only_params(c, {"kernel", "stride", "padding", "dilation", "ceil_mode"});
    else
        allow_only_params(c, {"kernel", "stride", "padding", "ceil_mode", "count_include_pad"});
    if (!c.params.contains("kernel")) throw argument_error(str(c.op, ": needs param kernel (h w)"));
    const auto step = [&](const std::string& key, std::size_t fallback) {
        const std::vector<std::size_t> v = axis_param(c, key, 2, 0, fallback);  // a 0 is left to the op's own rule
        return Step2{v[0], v[1]};
    };
    Pool2dOptions options;
    options.kernel = step("kernel", 1);
    if (c.params.contains("stride")) options.stride = step("stride", 1);  // absent: the kernel, as PyTorch
    options.padding = step("padding", 0);
    options.dilation = step("dilation", 1);
    options.ceil_mode = scalar_param(c, "ceil_mode", 0, 1, 0) == 1;
    options.count_include_pad = scalar_param(c, "count_include_pad", 0, 1, 1) == 1;
    return options;
}

// The upstream gradient of a pooling case, which must have the shape of the forward's output y.
Tensor4<double> pool_upstream_gradient(const Case& c, const Shape4& y_shape) {
    Tensor4<double> gy = layer_tensor(c, "gy", 2, "N C H_out W_out");
    if (gy.shape() != y_shape)
        throw shape_error(str(c.op, ": gy is ", gy.shape(), " but the forward's output y is ", y_shape,
                              ": gy must have the shape of the forward's output"));
    return gy;
}

// max_pool2d / avg_pool2d (PyTorch's F.max_pool2d / F.avg_pool2d) through cnnlab::max_pool2d /
// avg_pool2d; with a `gy`, also gx: max pooling's through the arg-maxes of max_pool2d_with_argmax
// and max_pool2d_backward, average pooling's through avg_pool2d_backward.
std::map<std::string, Tensor> run_pool(const Case& c, bool max_pool) {
    const Pool2dOptions options = pool_options(c, max_pool);
    const Tensor4<double> x = layer_tensor(c, "x", 2, "N C H W");
    std::map<std::string, Tensor> out;
    if (max_pool) {
        if (!c.tensors.contains("gy")) return {{"y", layer_output(max_pool2d(x, options), 2)}};
        const MaxPoolResult<double> forward = max_pool2d_with_argmax(x, options);  // y and its arg-maxes, one pass
        out["y"] = layer_output(forward.y, 2);
        const Tensor4<double> gy = pool_upstream_gradient(c, forward.y.shape());
        out["gx"] = layer_output(max_pool2d_backward(gy, forward.argmax, x.shape(), options), 2);
    } else {
        const Tensor4<double> y = avg_pool2d(x, options);
        out["y"] = layer_output(y, 2);
        if (!c.tensors.contains("gy")) return out;
        out["gx"] = layer_output(avg_pool2d_backward(pool_upstream_gradient(c, y.shape()), x.shape(), options), 2);
    }
    return out;
}

// adaptive_avg_pool2d (PyTorch's F.adaptive_avg_pool2d, `output_size` h w) through
// cnnlab::adaptive_avg_pool2d; with a `gy`, gx through adaptive_avg_pool2d_backward.
std::map<std::string, Tensor> run_adaptive_pool(const Case& c) {
    allow_only_params(c, {"output_size"});
    if (!c.params.contains("output_size")) throw argument_error(str(c.op, ": needs param output_size (h w)"));
    const std::vector<std::size_t> size = axis_param(c, "output_size", 2, 0, 1);  // 0 reaches the library's check
    const Tensor4<double> x = layer_tensor(c, "x", 2, "N C H W");
    const Tensor4<double> y = adaptive_avg_pool2d(x, size[0], size[1]);
    std::map<std::string, Tensor> out{{"y", layer_output(y, 2)}};
    if (c.tensors.contains("gy"))
        out["gx"] = layer_output(adaptive_avg_pool2d_backward(pool_upstream_gradient(c, y.shape()), x.shape()), 2);
    return out;
}

// ------------------------------------------------------------------------------------ transposed ops (Chapter 5)

// conv_transpose1d / conv_transpose2d (PyTorch's F.conv_transpose1d / F.conv_transpose2d) through
// cnnlab::conv_transpose1d / conv_transpose2d; with a `gy`, also gx, gw (and gb with a bias) through
// their backward passes. The geometry is resolved here first, so that a refusal (of the options, of
// the shapes or of gy's shape) names the case's op rather than the function behind it.
std::map<std::string, Tensor> run_transposed(const Case& c, std::size_t axes) {
    allow_only_params(c, {"stride", "padding", "output_padding", "dilation", "groups", "bias"});
    const std::vector<std::size_t> stride = axis_param(c, "stride", axes, 1, 1);
    const std::vector<std::size_t> padding = axis_param(c, "padding", axes, 0, 0);
    const std::vector<std::size_t> output_padding = axis_param(c, "output_padding", axes, 0, 0);
    const std::vector<std::size_t> dilation = axis_param(c, "dilation", axes, 1, 1);
    const std::size_t groups = scalar_param(c, "groups", 1, std::numeric_limits<int>::max(), 1);
    const bool has_bias = scalar_param(c, "bias", 0, 1, 0) == 1;

    const Tensor4<double> x = layer_tensor(c, "x", axes, axes == 1 ? "N C_in L" : "N C_in H W");
    const Tensor4<double> w = layer_tensor(c, "w", axes, axes == 1 ? "C_in C_out/groups K" : "C_in C_out/groups K_h K_w");
    arma::vec b;
    if (has_bias) b = to_vector(input(c, "b"), str(c.op, ": tensor b"));
    else if (c.tensors.contains("b"))
        throw argument_error(str(c.op, ": tensor b is given without param bias 1 (a bias needs both)"));

    ConvTranspose1dOptions options_1d;
    ConvTranspose2dOptions options;
    if (axes == 2) {
        options = {.stride = {stride[0], stride[1]},
                   .padding = {padding[0], padding[1]},
                   .output_padding = {output_padding[0], output_padding[1]},
                   .dilation = {dilation[0], dilation[1]},
                   .groups = groups};
    } else {
        options_1d = {.stride = stride[0], .padding = padding[0], .output_padding = output_padding[0], .dilation = dilation[0], .groups = groups};
        options = as_conv_transpose2d_options(options_1d);
    }
    const std::string op = axes == 1 ? str(c.op, " (held as N×C×1×L)") : c.op;
    const TransposedGeometry geometry = resolve_conv_transpose2d(op, x.shape(), w.shape(), b.n_elem, options);
    std::optional<Tensor4<double>> gy;
    if (c.tensors.contains("gy")) {
        gy = layer_tensor(c, "gy", axes, axes == 1 ? "N C_out L_out" : "N C_out H_out W_out");
        if (gy->shape() != geometry.output)
            throw shape_error(str(op, ": gy is ", gy->shape(), " but the forward's output y is ", geometry.output,
                                  ": gy must have the shape of the forward's output"));
    }

    std::map<std::string, Tensor> out;
    out["y"] = layer_output(axes == 2 ? conv_transpose2d(x, w, b, options) : conv_transpose1d(x, w, b, options_1d), axes);
    if (!gy) return out;
    if (axes == 2) {
        out["gx"] = layer_output(conv_transpose2d_backward_input(w, *gy, x.shape(), options), 2);
        out["gw"] = layer_output(conv_transpose2d_backward_weight(x, *gy, w.shape(), options), 2);
    } else {
        out["gx"] = layer_output(conv_transpose1d_backward_input(w, *gy, x.shape(), options_1d), 1);
        out["gw"] = layer_output(conv_transpose1d_backward_weight(x, *gy, w.shape(), options_1d), 1);
    }
    if (has_bias) out["gb"] = from_vector(conv_transpose2d_backward_bias(*gy));
    return out;
}

// The op table. Each chapter adds its ops here (or through register_op).
std::map<std::string, OpFunction>& op_table() {
    static std::map<std::string, OpFunction> table{
        // Chapter 1: single-channel signal and image ops (SciPy correlate/convolve, correlate2d/convolve2d).
        {"xcorr1d", [](const Case& c, const RunOptions&) { return run_single_channel_1d(c, false); }},
        {"convolve1d", [](const Case& c, const RunOptions&) { return run_single_channel_1d(c, true); }},
        {"xcorr2d", [](const Case& c, const RunOptions&) { return run_single_channel_2d(c, false); }},
        {"convolve2d", [](const Case& c, const RunOptions&) { return run_single_channel_2d(c, true); }},
        // Chapter 2: convolution layers (PyTorch F.conv1d / F.conv2d, with padding='same' for the _same ops).
        {"conv1d", [](const Case& c, const RunOptions& run) { return run_layer(c, run, 1, false); }},
        {"conv2d", [](const Case& c, const RunOptions& run) { return run_layer(c, run, 2, false); }},
        {"conv1d_same", [](const Case& c, const RunOptions& run) { return run_layer(c, run, 1, true); }},
        {"conv2d_same", [](const Case& c, const RunOptions& run) { return run_layer(c, run, 2, true); }},
        // Chapter 4: pooling (PyTorch F.max_pool2d, F.avg_pool2d, F.adaptive_avg_pool2d), y and gx.
        {"max_pool2d", [](const Case& c, const RunOptions&) { return run_pool(c, true); }},
        {"avg_pool2d", [](const Case& c, const RunOptions&) { return run_pool(c, false); }},
        {"adaptive_avg_pool2d", [](const Case& c, const RunOptions&) { return run_adaptive_pool(c); }},
        // Chapter 5: transposed convolutions (PyTorch F.conv_transpose1d / F.conv_transpose2d), y, gx, gw, gb.
        {"conv_transpose1d", [](const Case& c, const RunOptions&) { return run_transposed(c, 1); }},
        {"conv_transpose2d", [](const Case& c, const RunOptions&) { return run_transposed(c, 2); }},
    };
    return table;
}

}  // namespace

void register_op(const std::string& name, OpFunction function) { op_table()[name] = std::move(function); }

std::vector<std::string> supported_ops() {
    std::vector<std::string> names;
    for (const auto& [name, function] : op_table()) names.push_back(name);
    return names;
}

Case run_case(const Case& c, const RunOptions& options) {
    Case result;
    result.id = c.id;
    result.op = c.op;
    const auto it = op_table().find(c.op);
    if (it == op_table().end()) {
        result.error = str("unsupported op ", c.op);
        return result;
    }
    try {
        result.tensors = it->second(c, options);
    } catch (const std::exception& e) {
        result.error = e.what();
    }
    return result;
}

}  // namespace cnnlab::cases
