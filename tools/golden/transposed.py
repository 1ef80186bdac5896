"""Golden test vectors for cnnlab's transposed convolutions (Chapter 5), made with PyTorch in float64.

`make.py` calls build_cases() and writes the cases to ch05_transposed.cases. Ops (see CASE-FORMAT.md):
`conv_transpose2d` and `conv_transpose1d` (torch.nn.functional.conv_transpose2d / conv_transpose1d;
params stride, padding, output_padding, dilation, groups, bias). The weight is PyTorch's
C_in × C_out/groups × kernel. Every case has the input `gy` (random, the shape of `y`) and the
outputs `y`, `gx`, `gw` and (with a bias) `gb`: torch.autograd.grad of sum(y * gy) with respect to
x, w and b.

Every PyTorch output is also checked against the scatter formula written here with NumPy, so a
misread argument stops the script: each input cell i of channel c adds x[c, i]·w[c, q, t] onto the
output cell i·s − p + t·d of every output channel q of its group, for every kernel tap t (a strided
slice per tap, on a buffer `p` wider before and `a` wider after, then cut to the output). The
gradients are that loop read backwards: gy at the cell a tap reached goes back onto x[c, i] times
w[c, q, t], and onto w[c, q, t] times x[c, i]; gb sums gy over everything but the channel axis.
"""

import numpy as np
import torch
import torch.nn.functional as F

CASES_FILE = "ch05_transposed.cases"


# ---------------------------------------------------------------- the scatter formula, independently
def transposed_size(n, k, s, p, d, a):
    """(n − 1)s − 2p + d(k − 1) + a + 1, PyTorch's documented output size."""
    return (n - 1) * s - 2 * p + d * (k - 1) + a + 1


def tap_window(tap, stride, dilation, inputs):
    """The cells of the uncut output buffer that the input cells 0 … n−1 reach through kernel tap t:
    t·d, t·d + s, …, t·d + (n − 1)s, one strided slice per axis."""
    return tuple(slice(t * d, t * d + (n - 1) * s + 1, s) for t, d, n, s in zip(tap, dilation, inputs, stride))


def buffer_and_cut(x_spatial, kernel, stride, padding, dilation, output_padding):
    """The length of the uncut buffer per axis ((n − 1)s + d(k − 1) + 1, plus a: the output padding can
    reach past the last tap) and the slices that cut the output from it (p removed from the front)."""
    lengths, cut = [], []
    for n, k, s, p, d, a in zip(x_spatial, kernel, stride, padding, dilation, output_padding):
        lengths.append((n - 1) * s + d * (k - 1) + 1 + a)
        cut.append(slice(p, p + transposed_size(n, k, s, p, d, a)))
    return lengths, tuple(cut)


def numpy_transposed(x, w, b, stride, padding, output_padding, dilation, groups):
    """y[n, q, i·s − p + t·d] += x[n, c, i] w[c, q − g·C_out/g, t] for the channels c of q's group g; + b[q]."""
    spatial = x.ndim - 2
    kernel = w.shape[2:]
    lengths, cut = buffer_and_cut(x.shape[2:], kernel, stride, padding, dilation, output_padding)
    c_in, c_out = x.shape[1] // groups, w.shape[1]
    full = np.zeros((x.shape[0], c_out * groups, *lengths))
    for g in range(groups):
        ins, outs = slice(g * c_in, (g + 1) * c_in), slice(g * c_out, (g + 1) * c_out)
        for tap in np.ndindex(*kernel):
            window = (slice(None), outs) + tap_window(tap, stride, dilation, x.shape[2:])
            full[window] += np.einsum("nc...,cq->nq...", x[:, ins], w[(ins, slice(None)) + tap])
    y = full[(slice(None), slice(None)) + cut]
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * spatial)
    return y


def numpy_transposed_backward(x, w, gy, stride, padding, output_padding, dilation, groups):
    """gx, gw, gb of sum(gy * y) for numpy_transposed's y: gy is put back into the uncut buffer (zero
    where the cut removed cells), and every tap reads it at the cells it wrote."""
    spatial = x.ndim - 2
    kernel = w.shape[2:]
    lengths, cut = buffer_and_cut(x.shape[2:], kernel, stride, padding, dilation, output_padding)
    c_in, c_out = x.shape[1] // groups, w.shape[1]
    full = np.zeros((gy.shape[0], gy.shape[1], *lengths))
    full[(slice(None), slice(None)) + cut] = gy
    gx, gw = np.zeros_like(x), np.zeros_like(w)
    axes = "ij"[:spatial]  # einsum sums the spatial axes away only when they are named
    for g in range(groups):
        ins, outs = slice(g * c_in, (g + 1) * c_in), slice(g * c_out, (g + 1) * c_out)
        for tap in np.ndindex(*kernel):
            reached = full[(slice(None), outs) + tap_window(tap, stride, dilation, x.shape[2:])]
            gx[:, ins] += np.einsum("nq...,cq->nc...", reached, w[(ins, slice(None)) + tap])
            gw[(ins, slice(None)) + tap] += np.einsum(f"nc{axes},nq{axes}->cq", x[:, ins], reached)
    return gx, gw, gy.sum(axis=(0,) + tuple(range(2, 2 + spatial)))


def agrees(a, b):
    return a.shape == b.shape and np.max(np.abs(a - b), initial=0.0) <= 1e-12 * max(1.0, np.max(np.abs(b), initial=0.0))


# ---------------------------------------------------------------- PyTorch as the oracle
def torch_transposed(x, w, b, gy, args):
    """y and the gradients [gx, gw] (+ [gb] with a bias) of sum(y * gy), by torch.autograd.grad."""
    op = F.conv_transpose2d if x.ndim == 4 else F.conv_transpose1d
    inputs = [torch.from_numpy(a).requires_grad_() for a in (x, w) + (() if b is None else (b,))]
    y = op(*inputs, **args)
    grads = torch.autograd.grad((y * torch.from_numpy(gy)).sum(), inputs) if gy is not None else []
    return y.detach().numpy(), [g.numpy() for g in grads]


class TransposedBuilder:
    def __init__(self, rng):
        self.rng = rng
        self.cases = []
        self.counters = {}

    def values(self, shape):
        """Random multiples of 1/8 in [-2, 2]: short to print, and every product and sum of the layer
        is then exact in float64, so `y` and the gradients are the exact answers."""
        return self.rng.randint(-16, 17, size=shape) / 8.0

    def add(self, x, w, bias=False, stride=None, padding=None, output_padding=None, dilation=None, groups=1,
            explicit=True, expect=None):
        """One case: x is N×C_in×spatial (a shape, or the values themselves), w C_in×C_out/g×kernel (same).
        Per-axis args default to PyTorch's; explicit=False leaves the defaults out of the file (replay's
        own defaults get used)."""
        x = self.values(x) if isinstance(x, tuple) else np.asarray(x, dtype=np.float64)
        w = self.values(w) if isinstance(w, tuple) else np.asarray(w, dtype=np.float64)
        spatial = x.ndim - 2
        op = {1: "conv_transpose1d", 2: "conv_transpose2d"}[spatial]
        stride = list(stride or [1] * spatial)
        padding = list(padding or [0] * spatial)
        output_padding = list(output_padding or [0] * spatial)
        dilation = list(dilation or [1] * spatial)
        b = self.values(w.shape[1] * groups) if bias else None
        args = {"stride": tuple(stride), "padding": tuple(padding), "output_padding": tuple(output_padding),
                "groups": groups, "dilation": tuple(dilation)}

        y, _ = torch_transposed(x, w, b, None, args)
        gy = self.values(y.shape)
        y_again, grads = torch_transposed(x, w, b, gy, args)
        formula = (stride, padding, output_padding, dilation, groups)
        if not np.array_equal(y, y_again) or not agrees(numpy_transposed(x, w, b, *formula), y):
            raise SystemExit(f"{op}: PyTorch and the NumPy scatter formula disagree (x {x.shape}, w {w.shape}, {args})")
        expected = numpy_transposed_backward(x, w, gy, *formula)
        if not all(agrees(e, g) for e, g in zip(expected, grads)):
            raise SystemExit(f"{op}: PyTorch's gradients and the NumPy formula disagree (x {x.shape}, w {w.shape}, {args})")
        if expect is not None and not np.array_equal(y, np.asarray(expect, dtype=np.float64)):
            raise SystemExit(f"{op}: PyTorch gives {y.tolist()}, the literal says {expect}")

        params = []
        def param(key, values, default):
            if explicit or values != default:
                params.append((key, values))
        param("stride", stride, [1] * spatial)
        param("padding", padding, [0] * spatial)
        param("output_padding", output_padding, [0] * spatial)
        param("dilation", dilation, [1] * spatial)
        param("groups", [groups], [1])
        param("bias", [1 if bias else 0], [0])

        self.counters[op] = self.counters.get(op, 0) + 1
        tensors = [("x", x), ("w", w)] + ([("b", b)] if bias else []) + [("gy", gy), ("y", y)]
        tensors += list(zip(["gx", "gw", "gb"], grads))
        self.cases.append({"id": f"{op}-{self.counters[op]:03d}", "op": op, "params": params, "tensors": tensors})


def build_cases():
    torch.set_num_threads(1)
    b = TransposedBuilder(np.random.RandomState(20240905))

    # d2l's transposed-convolution literal (d2l 13.10.1): X = K = [[0, 1], [2, 3]], then with
    # padding 1 (the full result loses its border) and stride 2 (the kernel copies do not overlap).
    d2l = np.array([[[[0.0, 1.0], [2.0, 3.0]]]])
    b.add(d2l, d2l, explicit=False, expect=[[[[0, 0, 1], [0, 4, 6], [4, 12, 9]]]])
    b.add(d2l, d2l, padding=(1, 1), expect=[[[[4]]]])
    b.add(d2l, d2l, stride=(2, 2), expect=[[[[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]]]])

    # Decoder-style up-sampling: 4×4 kernel, stride 2, padding 1 doubles the size (DCGAN); 3×3 stride 2
    # padding 1 output_padding 1 doubles it too; 2×2 stride 2 (U-Net); with batches and bias.
    b.add((2, 3, 4, 4), (3, 2, 4, 4), bias=True, stride=(2, 2), padding=(1, 1))
    b.add((1, 4, 3, 5), (4, 3, 4, 4), stride=(2, 2), padding=(1, 1))
    b.add((2, 2, 3, 3), (2, 3, 3, 3), bias=True, stride=(2, 2), padding=(1, 1), output_padding=(1, 1))
    b.add((1, 3, 4, 3), (3, 2, 3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 0))
    b.add((2, 4, 3, 4), (4, 2, 2, 2), bias=True, stride=(2, 2))
    b.add((1, 2, 3, 3), (2, 2, 3, 3), bias=True, stride=(3, 3), padding=(1, 1), output_padding=(2, 1))
    b.add((2, 8, 4, 4), (8, 6, 4, 4), bias=True, stride=(2, 2), padding=(1, 1))          # 8 → 6 channels

    # Stride 1: the wide convolution with the rotated kernel; padding up to K − 1 (then a valid conv).
    b.add((1, 2, 4, 5), (2, 3, 3, 3), bias=True, explicit=False)
    b.add((2, 3, 5, 4), (3, 2, 3, 3), padding=(1, 1))
    b.add((1, 2, 5, 5), (2, 2, 3, 3), bias=True, padding=(2, 2))
    b.add((1, 1, 3, 4), (1, 1, 2, 2), stride=(1, 1), padding=(0, 1))

    # output_padding ≥ stride, allowed while it is below the dilation (PyTorch: "smaller than either").
    b.add((1, 2, 4, 4), (2, 2, 3, 3), dilation=(2, 2), output_padding=(1, 1))
    b.add((1, 2, 3, 4), (2, 3, 2, 3), bias=True, stride=(2, 1), dilation=(3, 3), output_padding=(2, 2))
    b.add((2, 1, 3, 3), (1, 2, 3, 2), stride=(1, 2), dilation=(3, 2), padding=(1, 0), output_padding=(2, 1))

    # Dilation 2 and 3, with stride and padding.
    b.add((1, 2, 4, 4), (2, 2, 3, 3), bias=True, dilation=(2, 2), stride=(2, 2), padding=(1, 1))
    b.add((2, 2, 3, 5), (2, 2, 3, 2), dilation=(3, 2), padding=(2, 1))
    b.add((1, 3, 3, 3), (3, 1, 2, 3), dilation=(2, 3), stride=(3, 2), padding=(0, 2), output_padding=(1, 1))

    # Groups: 2 groups, depthwise (groups = C_in, one output channel each) and depthwise with a
    # channel multiplier of 2, with stride, padding, output_padding.
    b.add((1, 4, 3, 4), (4, 2, 3, 3), bias=True, groups=2)
    b.add((2, 4, 3, 3), (4, 3, 2, 2), groups=2, stride=(2, 2))
    b.add((1, 4, 4, 3), (4, 1, 4, 4), bias=True, groups=2, stride=(2, 2), padding=(1, 1))
    b.add((2, 3, 4, 4), (3, 1, 3, 3), bias=True, groups=3, padding=(1, 1))                              # depthwise
    b.add((1, 3, 3, 4), (3, 1, 3, 3), groups=3, stride=(2, 2), padding=(1, 1), output_padding=(1, 1))  # depthwise, up ×2
    b.add((1, 2, 3, 3), (2, 2, 3, 3), bias=True, groups=2, stride=(2, 1), dilation=(1, 2))            # multiplier 2
    b.add((2, 6, 3, 3), (6, 2, 2, 3), bias=True, groups=3, stride=(1, 2), dilation=(2, 1), padding=(1, 1),
          output_padding=(1, 1))

    # Non-square kernels and strides, 1×1 kernels (a per-pixel GEMM; with stride, zeros between
    # copies), a 1×1 input (the kernel itself, scaled), padding that cuts into every copy.
    b.add((1, 2, 3, 4), (2, 3, 1, 5), bias=True, stride=(1, 2))
    b.add((2, 2, 4, 3), (2, 2, 5, 2), stride=(2, 3), padding=(2, 0))
    b.add((1, 3, 3, 4), (3, 2, 2, 4), stride=(3, 1), padding=(0, 1), output_padding=(2, 0))
    b.add((2, 3, 3, 3), (3, 4, 1, 1), bias=True)
    b.add((1, 2, 3, 2), (2, 3, 1, 1), stride=(2, 3), output_padding=(1, 2))
    b.add((2, 3, 1, 1), (3, 2, 4, 3), bias=True)
    b.add((1, 2, 2, 3), (2, 2, 3, 3), stride=(2, 2), padding=(2, 2))
    b.add((3, 2, 2, 2), (2, 3, 3, 2), bias=True, stride=(2, 2), padding=(1, 0), output_padding=(1, 1),
          explicit=False)

    # conv_transpose1d: N×C×L, with stride, padding, output_padding, dilation, groups.
    b.add((1, 3, 5), (3, 2, 3), bias=True, explicit=False)
    b.add((2, 2, 6), (2, 3, 4), stride=(2,), padding=(1,))
    b.add((1, 2, 4), (2, 2, 3), bias=True, stride=(2,), padding=(1,), output_padding=(1,))
    b.add((2, 4, 5), (4, 1, 3), groups=4, dilation=(2,), output_padding=(1,))
    b.add((1, 4, 6), (4, 3, 2), bias=True, groups=2, stride=(3,), padding=(1,), output_padding=(2,))
    return b
