#!/usr/bin/python3
"""Which arguments PyTorch accepts, for cnnlab to agree with: a grid of shapes and arguments, made with PyTorch.

Usage (Debian's python3 with python3-torch):
    /usr/bin/python3 tools/golden/legality.py [OUT_DIR]   # writes OUT_DIR/legality.tsv (default: data/golden)

`make.py` also calls write_table(). Ops: `conv2d`, `conv1d` (torch.nn.functional.conv2d / conv1d;
stride, padding, dilation, groups), `conv_transpose2d`, `conv_transpose1d` (F.conv_transpose2d /
conv_transpose1d; stride, padding, output_padding, dilation, groups; weight C_in × C_out/groups ×
kernel), `max_pool2d` (F.max_pool2d; kernel, stride, padding, dilation, ceil_mode) and `avg_pool2d`
(F.avg_pool2d; kernel, stride, padding, ceil_mode). Each row is run once on zero-filled float64
tensors of its shapes; PyTorch either returns (the row is `legal`, with the output shape) or raises
(the row is `refused`, with the first line of its message). `tests/legality_test` runs cnnlab on
every row and requires the same verdict and, when legal, the same output shape.

The grid: every argument PyTorch checks, at and around its limit — zero and negative stride, negative
padding, zero and negative dilation, a zero or negative kernel, a padded input exactly as long as the
dilated kernel and one shorter, groups not dividing the channels, the channels not matching the
weight; for the transposed ops output_padding equal to, above and below the stride and the dilation
and an output size of 1, 0 and below; for pooling padding exactly half the kernel and above it,
ceil_mode windows that would start in the right padding (PyTorch drops them), start inside the input
or are longer than the whole padded input — then ordinary combinations (stride 1–3, padding 0–2,
dilation 1–2, kernel 1–4, input 1–7, the two axes different) drawn with a fixed seed. Nothing depends on
the run: the script rewrites the file byte for byte.

Every `legal` row's output shape is also checked against the output-size formula written here, so a
misread argument stops the script: ⌊(n + 2p − d(K−1) − 1)/s⌋ + 1 for the convs and pooling (⌈·⌉ with
ceil_mode, less the last window when it would start in the right padding), (n − 1)s − 2p + d(K−1) + a + 1
for the transposed convs.

Columns (tab-separated, one header line; `-` for an argument the op does not take or the row leaves
to PyTorch's default, i.e. a pooling stride equal to the kernel): id, op, x (input shape), w (weight
shape, convs only), kernel (pooling only), stride, padding, dilation, output_padding, groups, ceil_mode,
pytorch (`legal` or `refused`), result (the output shape, or PyTorch's message), cnnlab_exception.
Shapes and per-axis arguments are comma-separated signed integers (h,w for the 2-D ops, one value for
the 1-D ones). `cnnlab_exception` is `-`, or the reason why cnnlab deliberately refuses a row that
PyTorch accepts. The only such rows are empty tensors PyTorch returns: an empty batch (N = 0), and a
conv with no input channels (C_in = 0), where PyTorch even returns 0 output channels instead of the
weight's C_out, breaking its own shape rule; cnnlab refuses empty tensors everywhere (every size must
be >= 1). The script stops when a legal row has an empty output without such a reason, or a row with a
reason is not of that kind.
"""

import itertools
import os
import random
import sys

import torch
import torch.nn.functional as F

TABLE_FILE = "legality.tsv"
COLUMNS = ["id", "op", "x", "w", "kernel", "stride", "padding", "dilation", "output_padding", "groups",
           "ceil_mode", "pytorch", "result", "cnnlab_exception"]
EMPTY_BATCH = ("PyTorch accepts an empty batch (N = 0) and returns an empty tensor; cnnlab refuses empty "
               "tensors (every size must be >= 1)")
NO_INPUT_CHANNELS = ("PyTorch accepts zero input channels and returns an empty tensor with 0 channels, not the "
                     "weight's C_out (its own output-shape rule broken); cnnlab refuses empty tensors (every size "
                     "must be >= 1)")

CONVS = {"conv2d": (F.conv2d, 2), "conv1d": (F.conv1d, 1)}
TRANSPOSED = {"conv_transpose2d": (F.conv_transpose2d, 2), "conv_transpose1d": (F.conv_transpose1d, 1)}
POOLS = {"max_pool2d": F.max_pool2d, "avg_pool2d": F.avg_pool2d}


# ---------------------------------------------------------------- the output-size formulas, independently
def floor_div(a, b):
    return a // b  # Python's // rounds towards −∞, as PyTorch's div_rtn


def conv_size(n, k, s, p, d):
    return floor_div(n + 2 * p - d * (k - 1) - 1, s) + 1


def transposed_size(n, k, s, p, d, a):
    return (n - 1) * s - 2 * p + d * (k - 1) + a + 1


def pool_size(n, k, s, p, d, ceil_mode):
    out = floor_div(n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0), s) + 1
    if ceil_mode and (out - 1) * s >= n + p:  # the last window would start in the right padding: dropped
        out -= 1
    return out


def expected_shape(row):
    """The output shape the formulas give for a row PyTorch accepted."""
    x = row["x"]
    spatial = x[2:]
    axes = len(spatial)
    if row["op"] in CONVS:
        w = row["w"]
        sizes = [conv_size(n, k, s, p, d) for n, k, s, p, d in
                 zip(spatial, w[2:], row["stride"], row["padding"], row["dilation"])]
        return (x[0], w[0], *sizes)
    if row["op"] in TRANSPOSED:
        w = row["w"]
        sizes = [transposed_size(n, k, s, p, d, a) for n, k, s, p, d, a in
                 zip(spatial, w[2:], row["stride"], row["padding"], row["dilation"], row["output_padding"])]
        return (x[0], w[1] * row["groups"][0], *sizes)
    stride = row["stride"] if row["stride"] is not None else row["kernel"]
    dilation = row["dilation"] if row["dilation"] is not None else (1,) * axes
    sizes = [pool_size(n, k, s, p, d, row["ceil_mode"][0] == 1) for n, k, s, p, d in
             zip(spatial, row["kernel"], stride, row["padding"], dilation)]
    return (x[0], x[1], *sizes)


# ---------------------------------------------------------------- PyTorch as the oracle
def zeros(shape):
    return torch.zeros(*shape, dtype=torch.float64)


def arg(values):
    """A per-axis argument as PyTorch takes it: a tuple for 2-D, an int for 1-D."""
    return tuple(values) if len(values) > 1 else values[0]


def run_pytorch(row):
    op = row["op"]
    x = zeros(row["x"])
    if op in CONVS:
        return CONVS[op][0](x, zeros(row["w"]), stride=arg(row["stride"]), padding=arg(row["padding"]),
                            dilation=arg(row["dilation"]), groups=row["groups"][0])
    if op in TRANSPOSED:
        return TRANSPOSED[op][0](x, zeros(row["w"]), stride=arg(row["stride"]), padding=arg(row["padding"]),
                                 output_padding=arg(row["output_padding"]), groups=row["groups"][0],
                                 dilation=arg(row["dilation"]))
    stride = arg(row["stride"]) if row["stride"] is not None else None
    if op == "max_pool2d":
        return F.max_pool2d(x, arg(row["kernel"]), stride=stride, padding=arg(row["padding"]),
                            dilation=arg(row["dilation"]), ceil_mode=row["ceil_mode"][0] == 1)
    return F.avg_pool2d(x, arg(row["kernel"]), stride=stride, padding=arg(row["padding"]),
                        ceil_mode=row["ceil_mode"][0] == 1)


def one_line(text):
    return " ".join(str(text).split())  # tabs, newlines and runs of spaces become one space


# ---------------------------------------------------------------- the rows
class Grid:
    def __init__(self):
        self.rows = []
        self.counters = {}
        self.seen = set()

    def add(self, op, x, w=None, kernel=None, stride=None, padding=None, dilation=None, output_padding=None,
            groups=None, ceil_mode=None, exception=None):
        """One row; per-axis arguments are ints (the same on every axis) or tuples (h, w)."""
        axes = len(x) - 2

        def per_axis(v):
            if v is None:
                return None
            return tuple(v) if isinstance(v, (tuple, list)) else (v,) * axes

        row = {"op": op, "x": tuple(x), "w": tuple(w) if w is not None else None, "kernel": per_axis(kernel),
               "stride": per_axis(stride), "padding": per_axis(padding), "dilation": per_axis(dilation),
               "output_padding": per_axis(output_padding),
               "groups": (groups,) if groups is not None else None,
               "ceil_mode": (int(ceil_mode),) if ceil_mode is not None else None, "exception": exception}
        # PyTorch's defaults made explicit, so that every row says what ran (pooling's stride stays
        # absent: it defaults to the kernel, which cnnlab must know too).
        if op in CONVS or op in TRANSPOSED:
            row["stride"] = row["stride"] or (1,) * axes
            row["padding"] = row["padding"] or (0,) * axes
            row["dilation"] = row["dilation"] or (1,) * axes
            row["groups"] = row["groups"] or (1,)
            if op in TRANSPOSED:
                row["output_padding"] = row["output_padding"] or (0,) * axes
        else:
            row["padding"] = row["padding"] or (0,) * axes
            if op == "max_pool2d":
                row["dilation"] = row["dilation"] or (1,) * axes
            row["ceil_mode"] = row["ceil_mode"] or (0,)
        key = tuple((k, row[k]) for k in sorted(row) if k != "exception")
        if key in self.seen:
            return
        self.seen.add(key)
        self.counters[op] = self.counters.get(op, 0) + 1
        row["id"] = f"{op}-{self.counters[op]:03d}"
        try:
            y = run_pytorch(row)
            row["pytorch"], row["result"] = "legal", tuple(y.shape)
            formula = expected_shape(row)
            if exception == NO_INPUT_CHANNELS:  # the inconsistency documented: 0 channels, not C_out
                formula = (formula[0], 0, *formula[2:])
            if tuple(formula) != row["result"]:
                raise SystemExit(f"{row['id']}: PyTorch gives {row['result']}, the formula {formula} ({row})")
            if y.numel() == 0 and not exception:
                raise SystemExit(f"{row['id']}: PyTorch returns an empty {row['result']}; give the row a reason")
        except RuntimeError as e:
            row["pytorch"], row["result"] = "refused", one_line(e)
        expected_kind = {EMPTY_BATCH: lambda: row["x"][0] == 0, NO_INPUT_CHANNELS: lambda: row["x"][1] == 0}
        if exception and not (exception in expected_kind and expected_kind[exception]() and row["pytorch"] == "legal"
                              and 0 in row["result"]):
            raise SystemExit(f"{row['id']}: an exception is only for an empty tensor PyTorch returns ({row})")
        self.rows.append(row)


def conv_edges(g, op):
    """conv2d / conv1d at their limits: what PyTorch refuses, and the legal rows right beside it."""
    two = op == "conv2d"
    x = (1, 2, 5, 6) if two else (1, 2, 6)
    w = (3, 2, 3, 2) if two else (3, 2, 3)
    g.add(op, x, w)
    for stride in ([0, -1, (0, 1), (1, 0), (2, -1)] if two else [0, -1]):
        g.add(op, x, w, stride=stride)
    for padding in ([-1, -2, (-1, 1), (1, -1)] if two else [-1, -2]):
        g.add(op, x, w, padding=padding)
    for dilation in ([0, -1, (0, 1), (2, 0), (1, -2)] if two else [0, -1]):
        g.add(op, x, w, dilation=dilation)
    # a kernel of zero taps along an axis
    for k in ([(3, 2, 0, 2), (3, 2, 3, 0)] if two else [(3, 2, 0)]):
        g.add(op, x, k)
    # padded input n + 2p exactly the dilated kernel d(K−1)+1 (one output), and one shorter
    spans = [(5, 5, 0, 1), (5, 6, 0, 1), (3, 5, 1, 1), (3, 6, 1, 1), (5, 3, 0, 2), (4, 3, 0, 2), (1, 3, 1, 1),
             (1, 4, 1, 1), (2, 4, 1, 1), (3, 3, 2, 3), (2, 3, 2, 3), (1, 2, 0, 1), (7, 4, 0, 2), (6, 4, 0, 2)]
    for n, k, p, d in spans:
        if two:
            g.add(op, (1, 1, n, 4), (2, 1, k, 2), padding=(p, 0), dilation=(d, 1))  # along the rows
            g.add(op, (1, 1, 4, n), (2, 1, 2, k), padding=(0, p), dilation=(1, d))  # along the columns
        else:
            g.add(op, (1, 1, n), (2, 1, k), padding=p, dilation=d)
    # stride longer than the input: one window
    g.add(op, (1, 1, 3, 3) if two else (1, 1, 3), (1, 1, 2, 2) if two else (1, 1, 2), stride=5)
    # groups: dividing both sides, not dividing the input channels, not the output channels, zero, negative
    spatial = (5, 4) if two else (5,)
    kernel = (3, 3) if two else (3,)
    for c_in, c_out, per_group, groups in [(4, 6, 2, 2), (4, 4, 1, 4), (4, 8, 1, 4), (6, 6, 2, 3), (3, 4, 1, 2),
                                           (3, 6, 1, 2), (4, 3, 2, 2), (4, 6, 1, 3), (6, 4, 2, 3), (2, 2, 1, 2),
                                           (4, 6, 2, 0), (4, 6, 2, -1), (2, 2, 2, 2), (4, 4, 4, 2), (2, 4, 1, 4)]:
        g.add(op, (1, c_in, *spatial), (c_out, per_group, *kernel), groups=groups)
    # channels not matching the weight
    for c_in, per_group in [(3, 2), (2, 3), (1, 2)]:
        g.add(op, (2, c_in, *spatial), (4, per_group, *kernel))
    # no output channels (PyTorch refuses), an empty batch (PyTorch returns an empty tensor)
    g.add(op, (1, 2, *spatial), (0, 2, *kernel))
    g.add(op, (0, 2, *spatial), (3, 2, *kernel), exception=EMPTY_BATCH)
    # no input channels (PyTorch returns an empty tensor of 0 channels), an empty spatial axis (refused)
    g.add(op, (1, 0, *spatial), (3, 0, *kernel), exception=NO_INPUT_CHANNELS)
    g.add(op, (1, 2, 0, 4) if two else (1, 2, 0), (3, 2, 1, 1) if two else (3, 2, 1))


def transposed_edges(g, op):
    """conv_transpose2d / conv_transpose1d at their limits."""
    two = op == "conv_transpose2d"
    x = (1, 2, 4, 3) if two else (1, 2, 4)
    w = (2, 3, 3, 2) if two else (2, 3, 3)
    g.add(op, x, w)
    for stride in ([0, -1, (0, 2), (2, 0)] if two else [0, -1]):
        g.add(op, x, w, stride=stride)
    for padding in ([-1, (0, -1), (-2, 0)] if two else [-1, -2]):
        g.add(op, x, w, padding=padding)
    for output_padding in ([-1, (0, -1)] if two else [-1]):
        g.add(op, x, w, stride=2, output_padding=output_padding)
    for dilation in ([0, -1, (1, 0), (-1, 2)] if two else [0, -1]):
        g.add(op, x, w, dilation=dilation)
    for k in ([(2, 3, 0, 2), (2, 3, 3, 0)] if two else [(2, 3, 0)]):
        g.add(op, x, k)
    # output_padding a against stride s and dilation d: below both, equal to one and below the other,
    # equal to both, above both, between them
    for s, d, a in [(2, 1, 0), (2, 1, 1), (2, 1, 2), (1, 2, 1), (1, 1, 1), (2, 2, 1), (2, 2, 2), (2, 2, 3),
                    (3, 2, 2), (2, 3, 2), (3, 1, 2), (3, 1, 3), (3, 1, 4), (1, 3, 2), (1, 3, 3), (2, 4, 3),
                    (3, 3, 3), (3, 3, 2), (1, 1, 0), (3, 4, 4), (4, 2, 3)]:
        if two:
            g.add(op, x, w, stride=(s, 1), dilation=(d, 1), output_padding=(a, 0))
            g.add(op, x, w, stride=(1, s), dilation=(1, d), output_padding=(0, a))
        else:
            g.add(op, x, w, stride=s, dilation=d, output_padding=a)
    # output size (n−1)s − 2p + d(K−1) + a + 1 = 1, 0 and −1; the padding removing a whole kernel copy
    for n, k, s, p, d, a in [(1, 3, 1, 1, 1, 0), (1, 3, 1, 2, 1, 0), (1, 1, 1, 1, 1, 0), (2, 1, 1, 1, 1, 0),
                             (3, 1, 1, 1, 1, 0), (2, 2, 2, 2, 1, 0), (2, 2, 2, 1, 1, 0), (2, 2, 2, 2, 1, 1),
                             (3, 3, 2, 4, 1, 0), (3, 3, 2, 3, 1, 1), (1, 3, 2, 2, 2, 1), (1, 3, 2, 3, 2, 1),
                             (4, 2, 1, 2, 1, 0), (4, 2, 1, 3, 1, 0), (5, 1, 3, 6, 1, 0), (5, 1, 3, 5, 1, 0)]:
        if two:
            g.add(op, (1, 1, n, 3), (1, 2, k, 2), stride=(s, 1), padding=(p, 0), dilation=(d, 1),
                  output_padding=(a, 0))
            g.add(op, (1, 1, 3, n), (1, 2, 2, k), stride=(1, s), padding=(0, p), dilation=(1, d),
                  output_padding=(0, a))
        else:
            g.add(op, (1, 1, n), (1, 2, k), stride=s, padding=p, dilation=d, output_padding=a)
    # groups (the weight's first size is C_in; C_out = groups · its second size)
    spatial = (3, 4) if two else (4,)
    kernel = (2, 3) if two else (3,)
    for c_in, per_group_out, groups in [(4, 3, 2), (4, 1, 4), (4, 2, 4), (6, 2, 3), (3, 2, 2), (3, 1, 3),
                                        (4, 3, 3), (6, 1, 4), (4, 3, 0), (4, 3, -2), (5, 2, 5), (2, 2, 2), (2, 1, 4)]:
        g.add(op, (1, c_in, *spatial), (c_in, per_group_out, *kernel), groups=groups)
    # channels not matching the weight's first size
    for c_in, w_in in [(2, 3), (3, 2), (4, 2)]:
        g.add(op, (2, c_in, *spatial), (w_in, 2, *kernel))
    g.add(op, (2, 4, *spatial), (4, 2, *kernel), groups=2)
    # no output channels (PyTorch refuses), an empty batch (PyTorch returns an empty tensor)
    g.add(op, (1, 2, *spatial), (2, 0, *kernel))
    g.add(op, (0, 2, *spatial), (2, 3, *kernel), exception=EMPTY_BATCH)
    # no input channels, an empty spatial axis (both refused)
    g.add(op, (1, 0, *spatial), (0, 3, *kernel))
    g.add(op, (1, 2, 0, 4) if two else (1, 2, 0), (2, 3, 1, 1) if two else (2, 3, 1))


def pool_edges(g, op):
    """max_pool2d / avg_pool2d at their limits."""
    max_pool = op == "max_pool2d"
    x = (1, 2, 6, 5)
    g.add(op, x, kernel=2)
    g.add(op, x, kernel=(3, 2))
    for kernel in [0, (0, 2), (2, 0), -1, (2, -1)]:
        g.add(op, x, kernel=kernel)
        g.add(op, x, kernel=kernel, stride=1)
    for stride in [0, (0, 1), (2, 0), -1, (1, -2)]:
        g.add(op, x, kernel=2, stride=stride)
    for padding in [-1, (0, -1), (-1, 1)]:
        g.add(op, x, kernel=3, stride=1, padding=padding)
    if max_pool:
        for dilation in [0, (0, 1), (1, 0), -1, (2, -1)]:
            g.add(op, x, kernel=2, stride=1, dilation=dilation)
    # padding exactly half the kernel (legal, even and odd kernels) and above half (refused)
    for k, p in [(1, 0), (1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (4, 2), (4, 3), (5, 2), (5, 3)]:
        g.add(op, x, kernel=(k, 3), stride=1, padding=(p, 0))
        g.add(op, x, kernel=(3, k), stride=1, padding=(0, p))
    g.add(op, x, kernel=(2, 4), padding=(1, 2))
    g.add(op, x, kernel=(2, 4), padding=(1, 3))
    # the padded input exactly the (dilated) kernel, and one shorter
    for n, k, p, d in [(3, 3, 0, 1), (2, 3, 0, 1), (1, 3, 1, 1), (1, 4, 1, 1), (2, 4, 1, 1), (1, 2, 0, 1),
                       (5, 3, 0, 2), (4, 3, 0, 2), (3, 3, 1, 2), (2, 3, 1, 2), (6, 4, 0, 2), (7, 4, 0, 2)]:
        if d > 1 and not max_pool:
            continue
        rows = {"dilation": (d, 1)} if max_pool else {}
        cols = {"dilation": (1, d)} if max_pool else {}
        g.add(op, (1, 1, n, 4), kernel=(k, 2), stride=1, padding=(p, 0), **rows)
        g.add(op, (1, 1, 4, n), kernel=(2, k), stride=1, padding=(0, p), **cols)
    # ceil_mode: a last window starting in the right padding is dropped, one starting inside the input
    # is kept (cut), one starting in the input but longer than the whole padded input is kept too
    for n, k, s, p in [(5, 2, 2, 1), (5, 2, 2, 0), (4, 2, 2, 1), (4, 3, 2, 1), (5, 3, 2, 1), (6, 3, 3, 1),
                       (7, 3, 3, 1), (5, 4, 3, 2), (6, 4, 3, 2), (4, 2, 3, 1), (7, 2, 3, 1), (1, 3, 3, 0),
                       (2, 3, 3, 0), (1, 2, 2, 0), (2, 4, 3, 0), (1, 3, 2, 1), (3, 3, 3, 1), (8, 3, 3, 0)]:
        for ceil_mode in [0, 1]:
            g.add(op, (1, 1, n, 5), kernel=(k, 2), stride=(s, 2), padding=(p, 0), ceil_mode=ceil_mode)
            g.add(op, (1, 1, 5, n), kernel=(2, k), stride=(2, s), padding=(0, p), ceil_mode=ceil_mode)
    if max_pool:
        # the padding limit is half the kernel K, not half the dilated kernel d(K−1)+1, so a dilated window
        # may hold padding only (PyTorch gives −inf there)
        for n, k, s, p, d in [(2, 2, 1, 1, 3), (3, 2, 1, 1, 3), (4, 3, 1, 1, 2), (4, 3, 1, 2, 2), (5, 2, 2, 1, 4),
                              (1, 2, 1, 1, 2), (2, 2, 2, 1, 3), (1, 3, 1, 1, 2)]:
            g.add(op, (1, 1, n, 3), kernel=(k, 1), stride=(s, 1), padding=(p, 0), dilation=(d, 1))
            g.add(op, (1, 1, 3, n), kernel=(1, k), stride=(1, s), padding=(0, p), dilation=(1, d), ceil_mode=1)
        for n, k, s, p, d in [(5, 2, 2, 1, 2), (6, 3, 2, 1, 2), (4, 2, 3, 1, 2), (3, 2, 2, 0, 3)]:
            for ceil_mode in [0, 1]:
                g.add(op, (1, 1, n, 5), kernel=(k, 2), stride=(s, 2), padding=(p, 0), dilation=(d, 1),
                      ceil_mode=ceil_mode)
    # an empty batch (PyTorch returns an empty tensor); no channels, an empty spatial axis (refused)
    g.add(op, (0, 2, 4, 4), kernel=2, exception=EMPTY_BATCH)
    g.add(op, (1, 0, 4, 4), kernel=2)
    g.add(op, (1, 2, 0, 4), kernel=1)


def ordinary(g, rng, op, count):
    """`count` rows of ordinary arguments drawn with `rng`: stride 1–3, padding 0–2, dilation 1–2,
    kernel 1–4, input 1–7, each axis drawn on its own; channels and groups for the convs."""
    two = op.endswith("2d")
    axes = 2 if two else 1

    def draw(low, high):
        return tuple(rng.randint(low, high) for _ in range(axes))

    for _ in range(count):
        n, k, s, p, d = draw(1, 7), draw(1, 4), draw(1, 3), draw(0, 2), draw(1, 2)
        batch = rng.randint(1, 2)
        if op in CONVS or op in TRANSPOSED:
            groups = rng.choice([1, 1, 1, 2])
            c_in, c_out = groups * rng.randint(1, 2), groups * rng.randint(1, 2)
            if op in CONVS:
                g.add(op, (batch, c_in, *n), (c_out, c_in // groups, *k), stride=s, padding=p, dilation=d,
                      groups=groups)
            else:
                # output_padding below the stride or the dilation, else 0
                a = tuple(rng.randint(0, max(si, di) - 1) for si, di in zip(s, d))
                g.add(op, (batch, c_in, *n), (c_in, c_out // groups, *k), stride=s, padding=p, dilation=d,
                      output_padding=a, groups=groups)
        else:
            p = tuple(min(pi, ki // 2) for pi, ki in zip(p, k))  # pooling's own limit, tested above
            stride = s if rng.random() < 0.8 else None
            extra = {"dilation": d} if op == "max_pool2d" else {}
            g.add(op, (batch, rng.randint(1, 2), *n), kernel=k, stride=stride, padding=p,
                  ceil_mode=rng.randint(0, 1), **extra)


def build_grid():
    g = Grid()
    rng = random.Random(20261127)
    for op, count in [("conv2d", 90), ("conv1d", 25)]:
        conv_edges(g, op)
        ordinary(g, rng, op, count)
    for op, count in [("conv_transpose2d", 80), ("conv_transpose1d", 25)]:
        transposed_edges(g, op)
        ordinary(g, rng, op, count)
    for op, count in [("max_pool2d", 80), ("avg_pool2d", 60)]:
        pool_edges(g, op)
        ordinary(g, rng, op, count)
    return g


# ---------------------------------------------------------------- writing
def cell(values):
    return "-" if values is None else ",".join(str(v) for v in values)


def format_row(row):
    result = cell(row["result"]) if row["pytorch"] == "legal" else row["result"]
    cells = [row["id"], row["op"], cell(row["x"]), cell(row["w"]), cell(row["kernel"]), cell(row["stride"]),
             cell(row["padding"]), cell(row["dilation"]), cell(row["output_padding"]), cell(row["groups"]),
             cell(row["ceil_mode"]), row["pytorch"], result, row["exception"] or "-"]
    assert all("\t" not in c and "\n" not in c for c in cells)
    return "\t".join(cells)


def write_table(out_dir):
    g = build_grid()
    path = os.path.join(out_dir, TABLE_FILE)
    with open(path, "w") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for row in g.rows:
            f.write(format_row(row) + "\n")
    print(f"wrote {len(g.rows)} rows to {path} (PyTorch {torch.__version__})")
    for op in g.counters:
        rows = [r for r in g.rows if r["op"] == op]
        refused = sum(r["pytorch"] == "refused" for r in rows)
        excepted = sum(bool(r["exception"]) for r in rows)
        print(f"  {op:17s} {len(rows):4d} rows, {refused:3d} refused by PyTorch, {excepted} cnnlab exceptions")
    return g


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out_dir = argv[1] if len(argv) > 1 else os.path.join(repo, "data", "golden")
    write_table(out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
