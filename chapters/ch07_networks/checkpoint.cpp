// Checkpoint files (see checkpoint.hpp): a small binary writer and a reader that checks every length
// against what is left before it allocates, so a corrupt file is a data_error and never a crash.
#include "chapters/ch07_networks/checkpoint.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace cnnlab {
namespace {

constexpr char magic[8] = {'C', 'N', 'N', 'L', 'A', 'B', 'C', 'K'};

class Writer {
public:
    template <class T>
    void put(T value) {
        const char* bytes = reinterpret_cast<const char*>(&value);
        out_.append(bytes, sizeof(T));
    }
    void put_string(const std::string& s) {
        put<std::uint64_t>(s.size());
        out_.append(s);
    }
    void put_floats(const std::vector<float>& v) {
        put<std::uint64_t>(v.size());
        const char* bytes = reinterpret_cast<const char*>(v.data());
        out_.append(bytes, v.size() * sizeof(float));
    }
    const std::string& bytes() const { return out_; }

private:
    std::string out_;
};

class Reader {
public:
    Reader(const std::string& bytes, std::string file) : bytes_(bytes), file_(std::move(file)) {}
    template <class T>
    T get(const char* what) {
        need(sizeof(T), what);
        T value;
        std::memcpy(&value, bytes_.data() + at_, sizeof(T));
        at_ += sizeof(T);
        return value;
    }
    std::string get_string(const char* what) {
        const std::uint64_t size = get<std::uint64_t>(what);
        need(size, what);
        std::string s = bytes_.substr(at_, size);
        at_ += size;
        return s;
    }
    std::vector<float> get_floats(const char* what) {
        const std::uint64_t count = get<std::uint64_t>(what);
        if (count > (bytes_.size() - at_) / sizeof(float)) fail(what, "claims more values than the file holds");
        std::vector<float> v(count);
        if (count > 0) std::memcpy(v.data(), bytes_.data() + at_, count * sizeof(float));  // data() may be null when empty
        at_ += count * sizeof(float);
        return v;
    }
    std::uint64_t get_count(const char* what, std::uint64_t smallest_item) {
        const std::uint64_t count = get<std::uint64_t>(what);
        if (count > (bytes_.size() - at_) / smallest_item) fail(what, "claims more entries than the file holds");
        return count;
    }
    bool done() const { return at_ == bytes_.size(); }
    [[noreturn]] void fail(const char* what, const std::string& rule) const {
        throw data_error(str(file_, ": not a valid checkpoint: ", what, " ", rule, " (at byte ", at_, " of the payload)"));
    }

private:
    void need(std::uint64_t size, const char* what) const {
        if (size > bytes_.size() - at_) fail(what, "runs past the end of the payload");
    }
    const std::string& bytes_;
    std::string file_;
    std::size_t at_ = 0;
};

std::uint32_t crc_of(const std::string& bytes) {
    return std::uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), uInt(bytes.size())));
}

void write_options(Writer& w, const TrainingOptions& o) {
    w.put<std::uint64_t>(o.epochs);
    w.put<std::uint64_t>(o.batch);
    w.put<std::uint8_t>(o.optimizer == OptimizerKind::sgd ? 0 : 1);
    w.put<double>(o.learning_rate);
    w.put<double>(o.momentum);
    w.put<double>(o.weight_decay);
    w.put<std::uint64_t>(o.seed);
    w.put<std::uint8_t>(o.implementation == Implementation::optimized ? 0 : 1);
    w.put<std::uint8_t>(o.cosine_schedule ? 1 : 0);
}

TrainingOptions read_options(Reader& r) {
    TrainingOptions o;
    o.epochs = r.get<std::uint64_t>("the epoch count");
    o.batch = r.get<std::uint64_t>("the batch size");
    const auto optimizer = r.get<std::uint8_t>("the optimizer");
    if (optimizer > 1) r.fail("the optimizer", str("is ", int(optimizer), " (0 = sgd, 1 = adam)"));
    o.optimizer = optimizer == 0 ? OptimizerKind::sgd : OptimizerKind::adam;
    o.learning_rate = r.get<double>("the learning rate");
    o.momentum = r.get<double>("the momentum");
    o.weight_decay = r.get<double>("the weight decay");
    o.seed = r.get<std::uint64_t>("the seed");
    const auto implementation = r.get<std::uint8_t>("the implementation");
    if (implementation > 1) r.fail("the implementation", str("is ", int(implementation), " (0 or 1)"));
    o.implementation = implementation == 0 ? Implementation::optimized : Implementation::reference;
    const auto schedule = r.get<std::uint8_t>("the schedule");
    if (schedule > 1) r.fail("the schedule", str("is ", int(schedule), " (0 constant, 1 cosine)"));
    o.cosine_schedule = schedule == 1;
    if (o.batch == 0) r.fail("the batch size", "is 0");
    return o;
}

std::string read_file(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
        throw data_error(str(path.string(), ": no such checkpoint file"));
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) throw data_error(str(path.string(), ": cannot be read"));
    return bytes;
}

}  // namespace

Checkpoint make_checkpoint(const std::string& net, const NetInput& input, std::size_t classes, Layer& network,
                           const TrainingRun& run) {
    Checkpoint c;
    c.net = net;
    c.input = input;
    c.classes = classes;
    c.options = run.options;
    std::ostringstream random;
    random << run.random;
    c.random_state = random.str();
    c.optimizer_steps = run.optimizer.steps();
    c.optimizer_state = run.optimizer.state();
    c.history = run.history;
    for (const std::vector<Parameter>& list : {parameters(network), buffers(network)})
        for (const Parameter& p : list) c.tensors.push_back({p.name, {p.values.begin(), p.values.end()}});
    return c;
}

void save_checkpoint(const std::filesystem::path& path, const Checkpoint& c) {
    Writer w;
    w.put_string(c.net);
    w.put<std::uint64_t>(c.input.channels);
    w.put<std::uint64_t>(c.input.height);
    w.put<std::uint64_t>(c.input.width);
    w.put<std::uint64_t>(c.classes);
    write_options(w, c.options);
    w.put_string(c.random_state);
    w.put<std::uint64_t>(c.optimizer_steps);
    w.put<std::uint64_t>(c.optimizer_state.size());
    for (const std::vector<float>& s : c.optimizer_state) w.put_floats(s);
    w.put<std::uint64_t>(c.history.size());
    for (const EpochRecord& e : c.history) {
        w.put<std::uint64_t>(e.epoch);
        for (double v : {e.loss, e.train_accuracy, e.test_accuracy, e.examples_per_second, e.seconds}) w.put<double>(v);
    }
    w.put<std::uint64_t>(c.tensors.size());
    for (const NamedValues& t : c.tensors) {
        w.put_string(t.name);
        w.put_floats(t.values);
    }
    const std::filesystem::path temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        const std::uint64_t size = w.bytes().size();
        const std::uint32_t version = checkpoint_version, crc = crc_of(w.bytes());
        out.write(magic, sizeof magic);
        out.write(reinterpret_cast<const char*>(&version), sizeof version);
        out.write(reinterpret_cast<const char*>(&size), sizeof size);
        out.write(w.bytes().data(), std::streamsize(size));
        out.write(reinterpret_cast<const char*>(&crc), sizeof crc);
        out.flush();
        if (!out) throw data_error(str(temporary.string(), ": cannot write the checkpoint"));
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) throw data_error(str(path.string(), ": cannot replace the checkpoint (", error.message(), ")"));
}

Checkpoint load_checkpoint(const std::filesystem::path& path) {
    const std::string file = read_file(path);
    const std::string name = path.string();
    constexpr std::size_t header = sizeof magic + sizeof(std::uint32_t) + sizeof(std::uint64_t);
    if (file.size() < sizeof magic || std::memcmp(file.data(), magic, sizeof magic) != 0)
        throw data_error(str(name, ": not a cnnlab checkpoint (it does not start with CNNLABCK)"));
    if (file.size() < header) throw data_error(str(name, ": the checkpoint's header is cut short"));
    std::uint32_t version;
    std::uint64_t size;
    std::memcpy(&version, file.data() + sizeof magic, sizeof version);
    std::memcpy(&size, file.data() + sizeof magic + sizeof version, sizeof size);
    if (version != checkpoint_version)
        throw data_error(str(name, ": checkpoint format version ", version, "; this cnnlab reads version ",
                             checkpoint_version));
    if (size > file.size() - header || file.size() - header - size != sizeof(std::uint32_t))
        throw data_error(str(name, ": the checkpoint is truncated or has extra bytes (", file.size(),
                             " bytes for a payload of ", size, ")"));
    const std::string payload = file.substr(header, size);
    std::uint32_t stored;
    std::memcpy(&stored, file.data() + header + size, sizeof stored);
    if (stored != crc_of(payload))
        throw data_error(str(name, ": the checkpoint's checksum does not match its contents (the file is corrupt)"));

    Reader r(payload, name);
    Checkpoint c;
    c.net = r.get_string("the net name");
    c.input.channels = r.get<std::uint64_t>("the input channels");
    c.input.height = r.get<std::uint64_t>("the input height");
    c.input.width = r.get<std::uint64_t>("the input width");
    c.classes = r.get<std::uint64_t>("the class count");
    c.options = read_options(r);
    c.random_state = r.get_string("the random state");
    c.optimizer_steps = r.get<std::uint64_t>("the optimizer's step count");
    const std::uint64_t states = r.get_count("the optimizer's state", sizeof(std::uint64_t));
    for (std::uint64_t i = 0; i < states; ++i) c.optimizer_state.push_back(r.get_floats("an optimizer state"));
    const std::uint64_t epochs = r.get_count("the history", sizeof(std::uint64_t) + 5 * sizeof(double));
    for (std::uint64_t i = 0; i < epochs; ++i) {
        EpochRecord e;
        e.epoch = r.get<std::uint64_t>("an epoch number");
        for (double* v : {&e.loss, &e.train_accuracy, &e.test_accuracy, &e.examples_per_second, &e.seconds})
            *v = r.get<double>("an epoch record");
        c.history.push_back(e);
    }
    const std::uint64_t tensors = r.get_count("the tensor list", 2 * sizeof(std::uint64_t));
    for (std::uint64_t i = 0; i < tensors; ++i) {
        NamedValues t;
        t.name = r.get_string("a tensor name");
        t.values = r.get_floats("a tensor");
        c.tensors.push_back(std::move(t));
    }
    if (!r.done()) r.fail("the payload", "has bytes after the last tensor");
    return c;
}

RestoredRun restore_checkpoint(const Checkpoint& c) {
    std::unique_ptr<Sequential> network;
    try {
        network = make_net(c.net, c.classes, c.input);
    } catch (const std::exception& e) {
        throw data_error(str("checkpoint of '", c.net, "': the network cannot be rebuilt: ", e.what()));
    }
    initialize(*network, 0);  // allocates every tensor; all are overwritten below
    std::vector<Parameter> expected = parameters(*network);
    for (const Parameter& b : buffers(*network)) expected.push_back(b);
    if (expected.size() != c.tensors.size())
        throw data_error(str("checkpoint of '", c.net, "': ", c.tensors.size(), " tensors, but the network has ",
                             expected.size()));
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const NamedValues& t = c.tensors[i];
        if (t.name != expected[i].name || t.values.size() != expected[i].values.size())
            throw data_error(str("checkpoint of '", c.net, "': tensor ", i, " is '", t.name, "' with ", t.values.size(),
                                 " values, but the network's is '", expected[i].name, "' with ",
                                 expected[i].values.size()));
        if (!t.values.empty()) std::memcpy(expected[i].values.data(), t.values.data(), t.values.size() * sizeof(float));
    }
    RestoredRun restored{std::move(network), TrainingRun(c.options)};
    std::istringstream random(c.random_state);
    random >> restored.run.random;
    if (!random) throw data_error(str("checkpoint of '", c.net, "': the random state does not parse"));
    restored.run.optimizer.restore(c.optimizer_state, c.optimizer_steps);
    restored.run.history = c.history;
    return restored;
}

}  // namespace cnnlab
