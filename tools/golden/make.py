#!/usr/bin/python3
"""Golden test vectors for cnnlab, made with SciPy and PyTorch in float64.

Usage (Debian's python3 with python3-scipy, python3-numpy and python3-torch):
    /usr/bin/python3 tools/golden/make.py [OUT_DIR]      # writes OUT_DIR/ch01_single_channel.cases (SciPy),
                                                          # OUT_DIR/ch02_layers.cases (PyTorch, layers.py)
                                                          # OUT_DIR/ch03_gradients.cases (PyTorch autograd)
                                                          # OUT_DIR/ch04_pooling.cases (PyTorch, pooling.py)
                                                          # OUT_DIR/ch05_transposed.cases (PyTorch, transposed.py)
                                                          # and OUT_DIR/legality.tsv (PyTorch's verdicts, legality.py)
                                                          # (default: data/golden beside this script's repo)
    /usr/bin/python3 tools/golden/make.py compare RESULTS [CASES]
                                                          # compares the `y` of a results file with the golden one
                                                          # (CASES defaults to ch01_single_channel.cases)

The files are in the case format of cnnlab (`cnnlab replay` reads them). Every value is float64 printed
with %.17g, and the inputs come from fixed seeds, so running the script again reproduces the files byte
for byte (with the same library versions).

This part of the script makes the Chapter 1 (single-channel) cases with SciPy; layers.py makes the
Chapter 2 layer cases and the Chapter 3 gradient cases with PyTorch, pooling.py the Chapter 4 pooling
cases (forward and autograd gradient), transposed.py the Chapter 5 transposed-convolution cases (forward
and autograd gradients), legality.py the table of which arguments PyTorch accepts and refuses.

For every case that carries `pad_before`/`pad_after`, the script finds those paddings empirically: it pads
the input with every per-side combination of zeros and keeps the one for which a valid-mode
cross-correlation (written here with plain NumPy slicing; the flipped kernel for convolve*) equals SciPy's
output. Exactly one combination must match, else the script stops. The paddings found document SciPy's
centring of even kernels in `same` mode, which differs between its 1-D and 2-D functions.
"""

import os
import sys

import numpy as np
import scipy
import scipy.signal

CASES_FILE = "ch01_single_channel.cases"
KEYWORDS = {"case", "op", "param", "tensor", "end"}


# ---------------------------------------------------------------- independent valid-mode correlation
def valid_xcorr(x, w):
    """Valid-mode cross-correlation of an n-D array, as the sum over kernel taps of shifted slices."""
    out_shape = tuple(n - k + 1 for n, k in zip(x.shape, w.shape))
    if min(out_shape) < 1:
        return None
    y = np.zeros(out_shape)
    for tap in np.ndindex(*w.shape):
        window = tuple(slice(t, t + o) for t, o in zip(tap, out_shape))
        y += w[tap] * x[window]
    return y


def find_padding(op, x, w, y):
    """The unique per-side zero padding (before, after per axis) that makes valid_xcorr equal y."""
    kernel = w[(slice(None, None, -1),) * w.ndim] if op.startswith("convolve") else w
    ranges = [range(0, k + 1) for k in w.shape]
    matches = []
    for before in np.ndindex(*[len(r) for r in ranges]):
        for after in np.ndindex(*[len(r) for r in ranges]):
            padded = np.pad(x, list(zip(before, after)))
            z = valid_xcorr(padded, kernel)
            if z is not None and z.shape == y.shape and np.max(np.abs(z - y)) <= 1e-12 * max(1.0, np.max(np.abs(y))):
                matches.append((list(before), list(after)))
    if len(matches) != 1:
        raise SystemExit(f"{op}: expected exactly one padding to reproduce SciPy, found {matches} "
                         f"(x {x.shape}, w {w.shape})")
    return matches[0]


# ---------------------------------------------------------------- SciPy as the oracle
def scipy_op(op, x, w, mode):
    if op == "xcorr1d":
        return scipy.signal.correlate(x, w, mode=mode, method="direct")
    if op == "convolve1d":
        return scipy.signal.convolve(x, w, mode=mode, method="direct")
    if op == "xcorr2d":
        return scipy.signal.correlate2d(x, w, mode=mode, boundary="fill", fillvalue=0)
    if op == "convolve2d":
        return scipy.signal.convolve2d(x, w, mode=mode, boundary="fill", fillvalue=0)
    raise ValueError(op)


# ---------------------------------------------------------------- writing the case format
def format_tensor(name, a):
    a = np.asarray(a, dtype=np.float64)
    lines = [f"tensor {name} {a.ndim} " + " ".join(str(d) for d in a.shape)]
    rows = a.reshape(-1, a.shape[-1]) if a.ndim > 1 else a.reshape(1, -1)
    for row in rows:  # row-major: last index fastest, one line per last-axis row
        lines.append(" ".join("%.17g" % v for v in row))
    return lines


def format_case(case):
    lines = [f"case {case['id']}", f"op {case['op']}"]
    for key, values in case["params"]:
        lines.append(f"param {key} " + " ".join(str(v) for v in values))
    for name, a in case["tensors"]:
        lines += format_tensor(name, a)
    lines.append("end")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the cases
class Builder:
    def __init__(self):
        self.cases = []
        self.counters = {}
        self.centring = {}  # (op, mode, parity per axis) -> (before, after) per axis, for the README

    def add(self, op, x, w, mode, with_padding=True, expect=None):
        x = np.asarray(x, dtype=np.float64)
        w = np.asarray(w, dtype=np.float64)
        y = np.asarray(scipy_op(op, x, w, mode), dtype=np.float64)
        if expect is not None and not np.array_equal(y, np.asarray(expect, dtype=np.float64)):
            raise SystemExit(f"{op}: SciPy gives {y.tolist()}, the literal says {expect}")
        self.counters[op] = self.counters.get(op, 0) + 1
        params = [("mode", [mode])]
        before, after = find_padding(op, x, w, y)  # checked even when not written
        if with_padding:
            params += [("pad_before", before), ("pad_after", after)]
        key = (op, mode, tuple("even" if k % 2 == 0 else "odd" for k in w.shape))
        self.centring.setdefault(key, (tuple(before), tuple(after), w.shape))
        self.cases.append({
            "id": f"{op}-{self.counters[op]:03d}",
            "op": op,
            "params": params,
            "tensors": [("x", x), ("w", w), ("y", y)],
        })


def build_cases():
    rng = np.random.RandomState(20240501)
    b = Builder()
    modes = ["valid", "same", "full"]

    # 1-D: odd and even kernels in every mode, plus a 1-tap kernel, a kernel as long as the input,
    # and (full mode) a kernel longer than the input.
    for op in ["xcorr1d", "convolve1d"]:
        for mode in modes:
            for n, k in [(9, 3), (8, 4), (7, 2)]:
                b.add(op, rng.standard_normal(n), rng.standard_normal(k), mode)
        b.add(op, rng.standard_normal(6), rng.standard_normal(1), "same")
        b.add(op, rng.standard_normal(6), rng.standard_normal(6), "valid")
        b.add(op, rng.standard_normal(4), rng.standard_normal(6), "full")

    # 2-D: square odd, square even and non-square mixed-parity kernels on non-square inputs.
    for op in ["xcorr2d", "convolve2d"]:
        for mode in modes:
            for (h, w_), (kh, kw) in [((7, 9), (3, 3)), ((8, 6), (2, 2)), ((6, 11), (2, 3)), ((9, 7), (3, 4))]:
                b.add(op, rng.standard_normal((h, w_)), rng.standard_normal((kh, kw)), mode)
        b.add(op, rng.standard_normal((5, 12)), rng.standard_normal((5, 4)), "valid")  # kernel rows = input rows
        b.add(op, rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), "full")    # kernel larger than input

    # `same` with odd kernels only, without pad params: every convention (cnnlab, PyTorch, SciPy) agrees.
    b.add("xcorr1d", rng.standard_normal(8), rng.standard_normal(5), "same", with_padding=False)
    b.add("convolve1d", rng.standard_normal(11), rng.standard_normal(3), "same", with_padding=False)
    b.add("xcorr2d", rng.standard_normal((6, 8)), rng.standard_normal((3, 5)), "same", with_padding=False)
    b.add("convolve2d", rng.standard_normal((12, 5)), rng.standard_normal((5, 3)), "same", with_padding=False)

    # d2l's corr2d literal (d2l 6.2.1): integer values, exact in any arithmetic.
    b.add("xcorr2d", [[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]], "valid", with_padding=False,
          expect=[[19, 25], [37, 43]])
    return b


# ---------------------------------------------------------------- reading (for `compare`)
def read_cases(path):
    """{id: {name: ndarray}} of the tensors in a case file; a case's `error` line, or what is malformed
    in it, as {'error': text}. A malformed case does not stop the reading: it resumes at the next `case`."""
    tokens = []  # (text, is the rest of an `error` line)
    with open(path) as f:
        for line in f:
            words = line.split()
            if "error" in words:
                k = words.index("error")
                tokens += [(w, False) for w in words[:k + 1]] + [(" ".join(words[k + 1:]), True)]
            else:
                tokens += [(w, False) for w in words]
    cases, i, current = {}, 0, None
    while i < len(tokens):
        t, rest = tokens[i]
        try:
            if rest:
                i += 1
            elif t == "case":
                current = cases.setdefault(tokens[i + 1][0], {})
                i += 2
            elif t == "tensor":
                name, ndim = tokens[i + 1][0], int(tokens[i + 2][0])
                dims = [int(d) for d, _ in tokens[i + 3:i + 3 + ndim]]
                count = int(np.prod(dims))
                start = i + 3 + ndim
                values = [float(v) for v, _ in tokens[start:start + count]]
                current[name] = np.array(values).reshape(dims)
                i = start + count
            elif t == "error":
                current["error"] = tokens[i + 1][0] if i + 1 < len(tokens) else "unspecified"
                i += 2
            else:
                i += 1
        except (ValueError, IndexError, TypeError) as e:
            if current is not None:
                current["error"] = f"malformed case: {e}"
            i += 1
            while i < len(tokens) and tokens[i] != ("case", False):
                i += 1
    return cases


def compare(results_path, cases_path):
    golden, results = read_cases(cases_path), read_cases(results_path)
    worst, failures = {}, 0
    for case_id, tensors in golden.items():
        op = case_id.rsplit("-", 1)[0]
        got = results.get(case_id)
        if "y" not in tensors:
            print(f"{case_id}: the golden file has no y ({tensors.get('error', 'not compared')})")
            failures += 1
            continue
        if got is None or "y" not in got:
            print(f"{case_id}: " + (got.get("error", "no y") if got else "missing from the results"))
            failures += 1
            continue
        if got["y"].shape != tensors["y"].shape:
            print(f"{case_id}: y has shape {got['y'].shape}, expected {tensors['y'].shape}")
            failures += 1
            continue
        err = float(np.max(np.abs(got["y"] - tensors["y"])))
        worst[op] = max(worst.get(op, 0.0), err)
        if err > 1e-9:
            print(f"{case_id}: max |Δy| = {err:.3g} > 1e-9")
            failures += 1
    for op, err in sorted(worst.items()):
        print(f"{op}: max |Δy| = {err:.3g}")
    print(f"{len(golden)} cases, {failures} failing")
    return 1 if failures else 0


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    default_dir = os.path.join(repo, "data", "golden")
    if len(argv) >= 2 and argv[1] == "compare":
        if len(argv) not in (3, 4):
            raise SystemExit("usage: make.py compare RESULTS [CASES]")
        return compare(argv[2], argv[3] if len(argv) == 4 else os.path.join(default_dir, CASES_FILE))
    out_dir = argv[1] if len(argv) > 1 else default_dir
    b = build_cases()
    write_cases(os.path.join(out_dir, CASES_FILE), b.cases, f"SciPy {scipy.__version__}, NumPy {np.__version__}")
    print("padding SciPy uses (before, after per axis) for a kernel of the given shape:")
    for (op, mode, parity), (before, after, shape) in sorted(b.centring.items()):
        print(f"  {op:10s} {mode:5s} {'x'.join(parity):9s} kernel {'x'.join(map(str, shape)):4s} "
              f"before {before} after {after}")

    import layers  # PyTorch is needed only from here on
    lb = layers.build_cases()
    write_cases(os.path.join(out_dir, layers.CASES_FILE), lb.cases,
                f"PyTorch {layers.torch.__version__}, NumPy {np.__version__}")
    print("padding PyTorch's padding='same' uses ((before, after) per axis; total dilation·(K−1)):")
    for (spatial, kernel, dilation), pads in sorted(lb.centring.items()):
        print(f"  {spatial}-D kernel {'x'.join(map(str, kernel)):4s} dilation {'x'.join(map(str, dilation)):4s} "
              f"pads {pads}")

    gb = layers.build_gradient_cases()
    write_cases(os.path.join(out_dir, layers.GRADIENTS_FILE), gb.cases,
                f"PyTorch {layers.torch.__version__} autograd, NumPy {np.__version__}")

    import pooling
    pb = pooling.build_cases()
    write_cases(os.path.join(out_dir, pooling.CASES_FILE), pb.cases,
                f"PyTorch {pooling.torch.__version__} (forward and autograd), NumPy {np.__version__}")

    import transposed
    tb = transposed.build_cases()
    write_cases(os.path.join(out_dir, transposed.CASES_FILE), tb.cases,
                f"PyTorch {transposed.torch.__version__} (forward and autograd), NumPy {np.__version__}")

    import legality
    legality.write_table(out_dir)
    return 0


def write_cases(path, cases, made_with):
    with open(path, "w") as f:
        for case in cases:
            f.write(format_case(case))
    print(f"wrote {len(cases)} cases ({os.path.getsize(path) // 1024} KB) to {path} ({made_with})")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
