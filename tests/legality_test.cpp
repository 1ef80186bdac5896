// What is legal: cnnlab must refuse exactly the arguments PyTorch refuses and accept the rest with
// PyTorch's output shape. data/golden/legality.tsv (made by tools/golden/legality.py) holds PyTorch's
// verdict on a grid of conv2d, conv1d, conv_transpose2d, conv_transpose1d, max_pool2d and avg_pool2d
// arguments at and around every limit; each row is run here as a case (cnnlab::cases::run_case, the
// route of `cnnlab replay`, where the params are signed), and every row the typed C++ API can hold
// (no negative value) is run through that API too.
#define BOOST_TEST_MODULE legality
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/case_file.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "chapters/ch05_transposed/transposed.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace cases = cnnlab::cases;

namespace {

const char* const table_path = CNNLAB_SOURCE_DIR "/data/golden/legality.tsv";

const std::vector<std::string> columns{"id",      "op",      "x",        "w",      "kernel",
                                       "stride",  "padding", "dilation", "output_padding",
                                       "groups",  "ceil_mode", "pytorch", "result", "cnnlab_exception"};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

using Values = std::optional<std::vector<long long>>;  // a cell of comma-separated integers; empty for "-"

// One row of the table: the arguments, PyTorch's verdict, and a documented cnnlab exception if any.
struct Row {
    std::size_t line = 0;
    std::string id, op;
    Values x, w, kernel, stride, padding, dilation, output_padding, groups, ceil_mode;
    bool pytorch_legal = false;
    std::string result;        // the output shape ("1,3,3,5") or PyTorch's message
    std::string exception;     // why cnnlab refuses a row PyTorch accepts; empty for none

    // What cnnlab must say: PyTorch's verdict, except on a documented exception (cnnlab refuses).
    bool cnnlab_legal() const { return pytorch_legal && exception.empty(); }
};

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, separator)) parts.push_back(part);
    if (!text.empty() && text.back() == separator) parts.emplace_back();
    return parts;
}

Values parse_values(const std::string& cell, const std::string& where) {
    if (cell == "-") return std::nullopt;
    std::vector<long long> values;
    for (const std::string& part : split(cell, ',')) {
        std::size_t used = 0;
        const long long v = std::stoll(part, &used);
        BOOST_TEST_REQUIRE(used == part.size(), where << ": '" << cell << "' is not a list of integers");
        values.push_back(v);
    }
    return values;
}

std::string cell_text(const Values& v) {
    if (!v) return "-";
    std::string text;
    for (long long x : *v) text += (text.empty() ? "" : ",") + std::to_string(x);
    return text;
}

std::vector<Row> read_table() {
    std::ifstream in(table_path);
    BOOST_TEST_REQUIRE(in.good(), table_path << " is not readable");
    std::string line;
    std::getline(in, line);
    BOOST_TEST_REQUIRE((split(line, '\t') == columns), table_path << ": the header is not the expected columns");
    std::vector<Row> rows;
    for (std::size_t number = 2; std::getline(in, line); ++number) {
        const std::string where = std::string(table_path) + ":" + std::to_string(number);
        const std::vector<std::string> cells = split(line, '\t');
        BOOST_TEST_REQUIRE(cells.size() == columns.size(), where << ": " << cells.size() << " cells, not " << columns.size());
        Row r;
        r.line = number;
        r.id = cells[0];
        r.op = cells[1];
        Values* targets[] = {&r.x, &r.w, &r.kernel, &r.stride, &r.padding, &r.dilation, &r.output_padding, &r.groups, &r.ceil_mode};
        for (std::size_t k = 0; k < std::size(targets); ++k) *targets[k] = parse_values(cells[2 + k], where);
        BOOST_TEST_REQUIRE((cells[11] == "legal" || cells[11] == "refused"), where << ": verdict '" << cells[11] << "'");
        r.pytorch_legal = cells[11] == "legal";
        r.result = cells[12];
        r.exception = cells[13] == "-" ? "" : cells[13];
        BOOST_TEST_REQUIRE(r.x.has_value(), where << ": no input shape");
        rows.push_back(r);
    }
    return rows;
}

const std::vector<Row>& table() {
    static const std::vector<Row> rows = read_table();
    return rows;
}

// True when an output shape such as "1,0,3,2" has an empty axis.
bool has_zero_dim(const std::string& shape) {
    const std::vector<std::string> dims = split(shape, ',');
    return std::find(dims.begin(), dims.end(), "0") != dims.end();
}

// "conv2d-017 (line 18): conv2d x 1,2,5,6 w 3,2,3,2 stride 0,0 ..." — the row's arguments, for messages.
std::string describe(const Row& r) {
    std::string text = r.id + " (line " + std::to_string(r.line) + "): " + r.op + " x " + cell_text(r.x);
    const std::pair<const char*, const Values*> parts[] = {{"w", &r.w},
                                                           {"kernel", &r.kernel},
                                                           {"stride", &r.stride},
                                                           {"padding", &r.padding},
                                                           {"dilation", &r.dilation},
                                                           {"output_padding", &r.output_padding},
                                                           {"groups", &r.groups},
                                                           {"ceil_mode", &r.ceil_mode}};
    for (const auto& [name, values] : parts)
        if (*values) text += std::string(" ") + name + " " + cell_text(*values);
    return text;
}

std::string pytorch_verdict(const Row& r) {
    std::string text = r.pytorch_legal ? "PyTorch legal " + r.result : "PyTorch refused (" + r.result + ")";
    if (!r.exception.empty()) text += " [documented exception: cnnlab refuses]";
    return text;
}

std::string dims_text(const std::vector<std::size_t>& dims) {
    std::string text;
    for (std::size_t d : dims) text += (text.empty() ? "" : ",") + std::to_string(d);
    return text;
}

// A zero-filled case tensor of the row's shape.
cases::Tensor zero_tensor(const std::vector<long long>& dims) {
    cases::Tensor t;
    for (long long d : dims) t.dims.push_back(static_cast<std::size_t>(d));
    t.values.assign(t.element_count(), 0.0);
    return t;
}

// The row as a case, its params signed as a case file holds them.
cases::Case as_case(const Row& r) {
    cases::Case c;
    c.id = r.id;
    c.op = r.op;
    c.tensors["x"] = zero_tensor(*r.x);
    if (r.w) c.tensors["w"] = zero_tensor(*r.w);
    const std::pair<const char*, const Values*> params[] = {{"kernel", &r.kernel},   {"stride", &r.stride},
                                                            {"padding", &r.padding}, {"dilation", &r.dilation},
                                                            {"output_padding", &r.output_padding},
                                                            {"groups", &r.groups},   {"ceil_mode", &r.ceil_mode}};
    for (const auto& [name, values] : params)
        if (*values) c.params[name] = **values;
    return c;
}

// cnnlab's verdict: the output shape ("1,3,3,5"), or nullopt with the refusal in `error`.
struct Verdict {
    std::optional<std::string> shape;
    std::string error;
    std::string str() const { return shape ? "cnnlab legal " + *shape : "cnnlab refused (" + error + ")"; }
};

Verdict run_as_case(const Row& r) {
    const cases::Case result = cases::run_case(as_case(r));
    if (!result.error.empty()) return {std::nullopt, result.error};
    const auto y = result.tensors.find("y");
    if (y == result.tensors.end()) return {std::nullopt, "no error but no y either"};
    return {dims_text(y->second.dims), ""};
}

bool all_non_negative(const Row& r) {
    for (const Values* v : {&r.x, &r.w, &r.kernel, &r.stride, &r.padding, &r.dilation, &r.output_padding, &r.groups, &r.ceil_mode})
        if (*v && std::any_of((*v)->begin(), (*v)->end(), [](long long x) { return x < 0; })) return false;
    return true;
}

// A Shape4 from a row's N×C×H×W, or N×C×L held as N×C×1×L (a 1-D weight likewise).
cnnlab::Shape4 shape4(const std::vector<long long>& d) {
    const auto u = [&](std::size_t i) { return static_cast<std::size_t>(d[i]); };
    return d.size() == 3 ? cnnlab::Shape4{u(0), u(1), 1, u(2)} : cnnlab::Shape4{u(0), u(1), u(2), u(3)};
}

std::string shape_text(const cnnlab::Shape4& s, bool one_d) {
    return one_d ? dims_text({s.n, s.c, s.w}) : dims_text({s.n, s.c, s.h, s.w});
}

// The row through the typed API (conv2d_layer, conv1d_layer, conv_transpose2d, conv_transpose1d,
// max_pool2d, avg_pool2d), for rows with no negative value (the options hold std::size_t).
Verdict run_typed(const Row& r) {
    using cnnlab::Step2;
    const bool one_d = r.x->size() == 3;
    const auto at = [](const Values& v, std::size_t i) { return static_cast<std::size_t>((*v)[i]); };
    const auto step = [&](const Values& v) { return one_d ? Step2{1, at(v, 0)} : Step2{at(v, 0), at(v, 1)}; };
    const cnnlab::Tensor4<double> x(shape4(*r.x));
    try {
        cnnlab::Shape4 y;
        if (r.op == "conv2d" || r.op == "conv1d") {
            const cnnlab::Tensor4<double> w(shape4(*r.w));
            if (one_d) {
                const cnnlab::Conv1dOptions o{.padding = cnnlab::Sides{at(r.padding, 0), at(r.padding, 0)},
                                              .stride = at(r.stride, 0),
                                              .dilation = at(r.dilation, 0),
                                              .groups = at(r.groups, 0)};
                y = cnnlab::conv1d_layer(x, w, {}, o).shape();
            } else {
                cnnlab::Conv2dOptions o;
                o.padding = cnnlab::Sides2::symmetric(at(r.padding, 0), at(r.padding, 1));
                o.stride = step(r.stride);
                o.dilation = step(r.dilation);
                o.groups = at(r.groups, 0);
                y = cnnlab::conv2d_layer(x, w, {}, o).shape();
            }
        } else if (r.op == "conv_transpose2d" || r.op == "conv_transpose1d") {
            const cnnlab::Tensor4<double> w(shape4(*r.w));
            if (one_d) {
                const cnnlab::ConvTranspose1dOptions o{.stride = at(r.stride, 0),
                                                       .padding = at(r.padding, 0),
                                                       .output_padding = at(r.output_padding, 0),
                                                       .dilation = at(r.dilation, 0),
                                                       .groups = at(r.groups, 0)};
                y = cnnlab::conv_transpose1d(x, w, {}, o).shape();
            } else {
                const cnnlab::ConvTranspose2dOptions o{.stride = step(r.stride),
                                                       .padding = step(r.padding),
                                                       .output_padding = step(r.output_padding),
                                                       .dilation = step(r.dilation),
                                                       .groups = at(r.groups, 0)};
                y = cnnlab::conv_transpose2d(x, w, {}, o).shape();
            }
        } else if (r.op == "max_pool2d" || r.op == "avg_pool2d") {
            cnnlab::Pool2dOptions o;
            o.kernel = step(r.kernel);
            if (r.stride) o.stride = step(r.stride);
            o.padding = step(r.padding);
            if (r.dilation) o.dilation = step(r.dilation);
            o.ceil_mode = r.ceil_mode && (*r.ceil_mode)[0] == 1;
            y = r.op == "max_pool2d" ? cnnlab::max_pool2d(x, o).shape() : cnnlab::avg_pool2d(x, o).shape();
        } else {
            return {std::nullopt, "the test has no typed call for op " + r.op};
        }
        return {shape_text(y, one_d), ""};
    } catch (const std::exception& e) {
        return {std::nullopt, e.what()};
    }
}

// "" when cnnlab's verdict is the one the row asks for, else the line that reports the disagreement.
std::string disagreement(const Row& r, const Verdict& v, const std::string& route) {
    const bool agree = r.cnnlab_legal() ? (v.shape && *v.shape == r.result) : !v.shape;
    return agree ? "" : describe(r) + ": " + pytorch_verdict(r) + ", " + route + " " + v.str();
}

std::string report(const std::vector<std::string>& lines, std::size_t total) {
    std::string text = std::to_string(lines.size()) + " of " + std::to_string(total) + " rows disagree:";
    for (const std::string& line : lines) text += "\n  " + line;
    return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(legality)

BOOST_AUTO_TEST_CASE(table_covers_every_limit) {
    const std::vector<Row>& rows = table();
    std::map<std::string, int> per_op, refused_per_op;
    int exceptions = 0;
    for (const Row& r : rows) {
        ++per_op[r.op];
        refused_per_op[r.op] += r.pytorch_legal ? 0 : 1;
        if (!r.exception.empty()) {
            ++exceptions;
            // the only documented kinds: an empty tensor PyTorch returns for an empty batch or no input channels
            BOOST_TEST((r.pytorch_legal && ((*r.x)[0] == 0 || (*r.x)[1] == 0) && has_zero_dim(r.result)),
                       describe(r) << ": an exception that is not an empty batch or channel axis");
        }
    }
    for (const char* op : {"conv2d", "conv1d", "conv_transpose2d", "conv_transpose1d", "max_pool2d", "avg_pool2d"}) {
        BOOST_TEST(per_op[op] >= 40, op << " has " << per_op[op] << " rows");
        BOOST_TEST(refused_per_op[op] >= 15, op << ": PyTorch refuses " << refused_per_op[op] << " rows");
        BOOST_TEST(per_op[op] - refused_per_op[op] >= 20, op << ": PyTorch accepts " << per_op[op] - refused_per_op[op]);
    }
    BOOST_TEST(exceptions <= 10);

    // The limits the grid must reach, each with PyTorch's verdict as the row records it.
    const auto count = [&](auto predicate) { return std::count_if(rows.begin(), rows.end(), predicate); };
    const auto has_value = [](const Values& v, auto predicate) { return v && std::any_of(v->begin(), v->end(), predicate); };
    const auto negative = [](long long v) { return v < 0; };
    const auto zero = [](long long v) { return v == 0; };
    BOOST_TEST(count([&](const Row& r) { return has_value(r.stride, zero) && !r.pytorch_legal; }) >= 6);
    BOOST_TEST(count([&](const Row& r) { return has_value(r.padding, negative) && !r.pytorch_legal; }) >= 6);
    BOOST_TEST(count([&](const Row& r) { return has_value(r.dilation, negative) && !r.pytorch_legal; }) >= 4);
    BOOST_TEST(count([&](const Row& r) { return has_value(r.dilation, zero) && !r.pytorch_legal; }) >= 4);
    BOOST_TEST(count([&](const Row& r) { return has_value(r.kernel, zero) && !r.pytorch_legal; }) >= 4);
    BOOST_TEST(count([&](const Row& r) { return r.w && has_value(r.w, zero) && (*r.x)[0] != 0 && !r.pytorch_legal; }) >= 8);
    BOOST_TEST(count([&](const Row& r) { return has_value(r.output_padding, negative) && !r.pytorch_legal; }) >= 2);
    BOOST_TEST(count([&](const Row& r) { return has_value(r.groups, [](long long g) { return g <= 0; }); }) >= 4);
    // the kernel as long as the padded input (legal) and one longer (refused) is asserted through the
    // messages: PyTorch refuses the longer one with its kernel-size rule, and ceil_mode rows exist
    BOOST_TEST(count([](const Row& r) { return contains(r.result, "Kernel size can't be greater than actual input size"); }) >= 10);
    BOOST_TEST(count([](const Row& r) { return contains(r.result, "output padding must be smaller than either stride or dilation"); }) >= 10);
    BOOST_TEST(count([](const Row& r) { return contains(r.result, "pad should be at most half of kernel size"); }) >= 10);
    BOOST_TEST(count([](const Row& r) { return contains(r.result, "Output size is too small"); }) >= 20);
    BOOST_TEST(count([&](const Row& r) { return r.ceil_mode && (*r.ceil_mode)[0] == 1 && r.pytorch_legal; }) >= 30);
}

BOOST_AUTO_TEST_CASE(cnnlab_refuses_exactly_what_pytorch_refuses) {
    const std::vector<Row>& rows = table();
    std::vector<std::string> disagreements, unnamed;
    for (const Row& r : rows) {
        const Verdict v = run_as_case(r);
        if (const std::string line = disagreement(r, v, "run_case"); !line.empty()) disagreements.push_back(line);
        // a refusal names the op it refuses and stays on one line
        if (!v.shape && (!contains(v.error, r.op) || contains(v.error, "\n")))
            unnamed.push_back(describe(r) + ": " + v.error);
    }
    BOOST_TEST(disagreements.empty(), report(disagreements, rows.size()));
    std::string listed;
    for (const std::string& line : unnamed) listed += "\n  " + line;
    BOOST_TEST(unnamed.empty(), unnamed.size() << " refusals do not name the op on one line:" << listed);
}

BOOST_AUTO_TEST_CASE(typed_api_gives_the_same_verdicts) {
    // Every row whose arguments the typed options can hold (they are std::size_t: no negative value).
    std::vector<std::string> disagreements;
    std::size_t checked = 0, refused = 0;
    for (const Row& r : table()) {
        if (!all_non_negative(r)) continue;
        ++checked;
        const Verdict v = run_typed(r);
        refused += v.shape ? 0 : 1;
        if (const std::string line = disagreement(r, v, "typed API"); !line.empty()) disagreements.push_back(line);
    }
    BOOST_TEST(checked >= 500u);
    BOOST_TEST(refused >= 100u);
    BOOST_TEST(disagreements.empty(), report(disagreements, checked));
}

BOOST_AUTO_TEST_CASE(negative_params_are_refused_by_name_not_wrapped) {
    // A negative padding must not become a huge std::size_t: the case runner refuses it, naming the param.
    for (const Row& r : table()) {
        if (!r.padding || std::none_of(r.padding->begin(), r.padding->end(), [](long long v) { return v < 0; })) continue;
        const Verdict v = run_as_case(r);
        BOOST_TEST(!v.shape, describe(r));
        BOOST_TEST(contains(v.error, "padding"), describe(r) << ": " << v.error);
    }
}

BOOST_AUTO_TEST_SUITE_END()
