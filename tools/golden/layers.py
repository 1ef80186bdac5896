"""Golden test vectors for cnnlab's convolution layers (Chapter 2) and their gradients (Chapter 3),
made with PyTorch in float64.

`make.py` calls build_cases() and writes the cases to ch02_layers.cases, then build_gradient_cases()
and writes ch03_gradients.cases. Ops (see CASE-FORMAT.md): `conv2d`, `conv1d`
(torch.nn.functional.conv2d / conv1d with PyTorch's symmetric `padding`) and `conv2d_same`,
`conv1d_same` (the same functions with `padding='same'`). A gradient case adds the input `gy` (random,
the shape of `y`) and the outputs `gx`, `gw` and (with a bias) `gb`: torch.autograd.grad of
sum(y * gy) with respect to x, w and b.

Every PyTorch output is also checked against the layer formula written here with NumPy (a sum over
kernel taps of strided slices, group by group), so a misread argument stops the script. For the
`_same` ops the script finds PyTorch's per-side padding empirically, as make.py does for SciPy: it
tries every (before, after) per axis and keeps the one for which the NumPy formula on the padded
input equals PyTorch's output; exactly one must match. The gradients are checked the same way against
the backward formula written here with NumPy (the forward's tap loop run backwards: every tap adds
gy times the weight tap onto the input window it read, and gy times that window onto the weight tap).
"""

import warnings

import numpy as np
import torch
import torch.nn.functional as F

CASES_FILE = "ch02_layers.cases"
GRADIENTS_FILE = "ch03_gradients.cases"


# ---------------------------------------------------------------- the layer formula, independently
def output_size(n, k, stride, dilation):
    """Outputs of a valid-mode layer axis on an already padded input of n, or 0 when there is none."""
    span = dilation * (k - 1) + 1
    return 0 if span > n else (n - span) // stride + 1


def numpy_layer(x, w, b, stride, pads, dilation, groups):
    """y[n, p, i...] = b[p] + sum over the group's channels d and taps t of w[p, d, t] x_pad[n, d, i*s + t*dil]."""
    spatial = x.ndim - 2
    xp = np.pad(x, [(0, 0), (0, 0)] + [tuple(p) for p in pads])
    kernel = w.shape[2:]
    out = [output_size(xp.shape[2 + a], kernel[a], stride[a], dilation[a]) for a in range(spatial)]
    if min(out) < 1:
        return None
    c_in, c_out = x.shape[1] // groups, w.shape[0] // groups
    y = np.zeros((x.shape[0], w.shape[0], *out))
    for g in range(groups):
        xs = xp[:, g * c_in:(g + 1) * c_in]
        ws = w[g * c_out:(g + 1) * c_out]
        for tap in np.ndindex(*kernel):
            window = tuple(slice(t * d, t * d + (o - 1) * s + 1, s) for t, d, o, s in zip(tap, dilation, out, stride))
            patch = xs[(slice(None), slice(None)) + window]          # N × C_in/g × out...
            taps = ws[(slice(None), slice(None)) + tap]              # C_out/g × C_in/g
            y[:, g * c_out:(g + 1) * c_out] += np.einsum("nc...,pc->np...", patch, taps)
    if b is not None:
        y += b.reshape((1, -1) + (1,) * spatial)
    return y


def numpy_layer_backward(x, w, gy, stride, pads, dilation, groups):
    """gx, gw, gb of sum(gy * y) for numpy_layer's y: each tap's window of the padded input gets
    gy·w[tap] added, and w[tap] gets gy·window; gb sums gy over everything but the channel axis."""
    spatial = x.ndim - 2
    xp = np.pad(x, [(0, 0), (0, 0)] + [tuple(p) for p in pads])
    gxp, gw = np.zeros_like(xp), np.zeros_like(w)
    kernel, out = w.shape[2:], gy.shape[2:]
    c_in, c_out = x.shape[1] // groups, w.shape[0] // groups
    axes = "ij"[:spatial]  # einsum sums the spatial axes away only when they are named
    for g in range(groups):
        ins, outs = slice(g * c_in, (g + 1) * c_in), slice(g * c_out, (g + 1) * c_out)
        for tap in np.ndindex(*kernel):
            window = tuple(slice(t * d, t * d + (o - 1) * s + 1, s) for t, d, o, s in zip(tap, dilation, out, stride))
            patch = (slice(None), ins) + window
            gxp[patch] += np.einsum("np...,pc->nc...", gy[:, outs], w[(outs, slice(None)) + tap])
            gw[(outs, slice(None)) + tap] += np.einsum(f"np{axes},nc{axes}->pc", gy[:, outs], xp[patch])
    gx = gxp[(slice(None), slice(None)) + tuple(slice(p[0], p[0] + n) for p, n in zip(pads, x.shape[2:]))]
    return gx, gw, gy.sum(axis=(0,) + tuple(range(2, 2 + spatial)))


def agrees(a, b):
    return a is not None and a.shape == b.shape and np.max(np.abs(a - b)) <= 1e-12 * max(1.0, np.max(np.abs(b)))


def find_same_padding(x, w, b, dilation, groups, y):
    """The unique per-side padding [(before, after) per axis] that makes numpy_layer equal y (stride 1)."""
    spatial = x.ndim - 2
    totals = [d * (k - 1) for d, k in zip(dilation, w.shape[2:])]
    matches = []
    for before in np.ndindex(*[t + 1 for t in totals]):
        for after in np.ndindex(*[t + 1 for t in totals]):
            pads = list(zip(before, after))
            shape = [output_size(x.shape[2 + a] + sum(pads[a]), w.shape[2 + a], 1, dilation[a]) for a in range(spatial)]
            if shape != list(y.shape[2:]):
                continue
            if agrees(numpy_layer(x, w, b, [1] * spatial, pads, dilation, groups), y):
                matches.append(pads)
    if len(matches) != 1:
        raise SystemExit(f"padding='same': expected exactly one padding to reproduce PyTorch, found {matches} "
                         f"(x {x.shape}, w {w.shape}, dilation {dilation})")
    return matches[0]


# ---------------------------------------------------------------- PyTorch as the oracle
def torch_layer(x, w, b, stride, padding, dilation, groups):
    conv = F.conv2d if x.ndim == 4 else F.conv1d
    t = lambda a: None if a is None else torch.from_numpy(a)
    y = conv(t(x), t(w), t(b), stride=tuple(stride), padding=padding if padding == "same" else tuple(padding),
             dilation=tuple(dilation), groups=groups)
    return y.numpy()


def torch_layer_gradients(x, w, b, gy, stride, padding, dilation, groups):
    """y and the gradients [gx, gw] (+ [gb] with a bias) of sum(y * gy), by torch.autograd.grad."""
    conv = F.conv2d if x.ndim == 4 else F.conv1d
    inputs = [torch.from_numpy(a).requires_grad_() for a in (x, w) + (() if b is None else (b,))]
    y = conv(*inputs, stride=tuple(stride), padding=padding if padding == "same" else tuple(padding),
             dilation=tuple(dilation), groups=groups)
    grads = torch.autograd.grad((y * torch.from_numpy(gy)).sum(), inputs)
    return y.detach().numpy(), [g.numpy() for g in grads]


class LayerBuilder:
    def __init__(self, rng, gradients=False):
        self.rng = rng
        self.gradients = gradients  # also gy (input) and gx, gw, gb (outputs) in every case
        self.cases = []
        self.counters = {}
        self.centring = {}  # (spatial, kernel, dilation) -> PyTorch's per-side padding in padding='same'

    def values(self, shape):
        """Random multiples of 1/8 in [-2, 2]: short to print, and every product and sum of a layer
        is then exact in float64, so `y` is the exact answer, not one rounding of it."""
        return self.rng.randint(-16, 17, size=shape) / 8.0

    def add(self, op, x_shape, w_shape, bias=False, stride=None, padding=None, dilation=None, groups=1,
            explicit=True, with_padding=True):
        """One case. x_shape N×C×spatial, w_shape C_out×C_in/g×kernel; per-axis args default to PyTorch's.
        explicit=False leaves params at their default out of the file (replay's defaults get used);
        with_padding=False leaves pad_before/pad_after out of a _same case (cnnlab's own rule gets used)."""
        spatial = len(x_shape) - 2
        assert op in ("conv1d", "conv2d", "conv1d_same", "conv2d_same") and op[4] == str(spatial)
        same = op.endswith("_same")
        stride = list(stride or [1] * spatial)
        dilation = list(dilation or [1] * spatial)
        padding = list(padding or [0] * spatial)
        x, w = self.values(x_shape), self.values(w_shape)
        b = self.values(w_shape[0]) if bias else None

        y = torch_layer(x, w, b, stride, "same" if same else padding, dilation, groups)
        if same:
            pads = find_same_padding(x, w, b, dilation, groups, y)
            key = (spatial, tuple(w_shape[2:]), tuple(dilation))
            self.centring.setdefault(key, pads)
        else:
            pads = [(p, p) for p in padding]
            if not agrees(numpy_layer(x, w, b, stride, pads, dilation, groups), y):
                raise SystemExit(f"{op}: PyTorch and the NumPy formula disagree (x {x_shape}, w {w_shape})")

        params = []
        def param(key, values, default):
            if explicit or values != default:
                params.append((key, values))
        param("stride", stride, [1] * spatial)
        if not same:
            param("padding", padding, [0] * spatial)
        param("dilation", dilation, [1] * spatial)
        param("groups", [groups], [1])
        param("bias", [1 if bias else 0], [0])
        if same:
            params.append(("mode", ["same"]))
            if with_padding:
                params += [("pad_before", [p[0] for p in pads]), ("pad_after", [p[1] for p in pads])]

        self.counters[op] = self.counters.get(op, 0) + 1
        tensors = [("x", x), ("w", w)] + ([("b", b)] if bias else [])
        if not self.gradients:
            tensors.append(("y", y))
        else:
            gy = self.values(y.shape)
            y_again, grads = torch_layer_gradients(x, w, b, gy, stride, "same" if same else padding, dilation, groups)
            expected = numpy_layer_backward(x, w, gy, stride, pads, dilation, groups)
            if not np.array_equal(y_again, y) or not all(agrees(e, g) for e, g in zip(expected, grads)):
                raise SystemExit(f"{op}: PyTorch's gradients and the NumPy formula disagree (x {x_shape}, w {w_shape})")
            tensors += [("gy", gy), ("y", y)] + list(zip(["gx", "gw", "gb"], grads))
        self.cases.append({"id": f"{op}-{self.counters[op]:03d}", "op": op, "params": params, "tensors": tensors})


def build_cases():
    torch.set_num_threads(1)
    # PyTorch warns that padding='same' with an even kernel and odd dilation copies the input: true, harmless.
    warnings.filterwarnings("ignore", message="Using padding='same' with even kernel lengths")
    b = LayerBuilder(np.random.RandomState(20240602))

    # conv2d: PyTorch's symmetric padding. Bias or not, batch 1 and 3, stride, dilation, groups
    # (2, depthwise, depthwise with channel multiplier 2), non-square and even kernels, 1×1.
    b.add("conv2d", (1, 2, 5, 6), (3, 2, 3, 3), bias=True, explicit=False)        # 3×3, stride 1: Winograd applies
    b.add("conv2d", (3, 2, 4, 5), (3, 2, 3, 3), padding=(1, 1))                  # batch 3, no bias
    b.add("conv2d", (1, 2, 6, 9), (2, 2, 3, 3), bias=True, padding=(1, 1))       # 4×4 Winograd tiles and a partial one
    b.add("conv2d", (1, 3, 5, 6), (2, 3, 3, 3), bias=True, stride=(2, 2), padding=(1, 1))
    b.add("conv2d", (1, 2, 5, 6), (2, 2, 2, 3), stride=(2, 1))                   # unequal strides
    b.add("conv2d", (1, 2, 6, 5), (2, 2, 3, 3), dilation=(2, 2), padding=(2, 1))
    b.add("conv2d", (3, 1, 4, 6), (2, 1, 3, 2), bias=True, dilation=(1, 2), padding=(0, 1))
    b.add("conv2d", (1, 4, 4, 5), (4, 2, 3, 3), bias=True, groups=2)
    b.add("conv2d", (3, 4, 4, 4), (4, 2, 3, 3), groups=2, stride=(2, 2), padding=(1, 1))
    b.add("conv2d", (1, 3, 4, 5), (3, 1, 3, 3), bias=True, groups=3, padding=(1, 1))   # depthwise
    b.add("conv2d", (1, 3, 4, 5), (6, 1, 3, 3), groups=3)                                # depthwise, multiplier 2
    b.add("conv2d", (3, 2, 5, 6), (4, 1, 3, 3), bias=True, groups=2, stride=(2, 2), dilation=(2, 2), padding=(2, 1))
    b.add("conv2d", (1, 4, 4, 4), (4, 1, 2, 2), groups=4, explicit=False)                # depthwise, even kernel
    b.add("conv2d", (1, 2, 3, 7), (2, 2, 1, 5), padding=(0, 2))                          # 1×5
    b.add("conv2d", (1, 2, 6, 4), (2, 2, 5, 2), bias=True)                               # 5×2
    b.add("conv2d", (3, 2, 3, 4), (2, 2, 2, 2), bias=True)                               # 2×2
    b.add("conv2d", (1, 2, 7, 6), (2, 2, 4, 4), stride=(2, 2), padding=(1, 1))           # 4×4
    b.add("conv2d", (3, 3, 2, 4), (4, 3, 1, 1), bias=True)                               # 1×1: a GEMM
    b.add("conv2d", (1, 3, 5, 5), (2, 3, 1, 1), stride=(2, 2))                           # 1×1 strided
    b.add("conv2d", (1, 2, 3, 3), (2, 2, 1, 1), bias=True, padding=(1, 1))               # 1×1 padded: a bias border
    b.add("conv2d", (1, 2, 3, 4), (2, 2, 3, 4), bias=True)                               # kernel = input: 1×1 output
    b.add("conv2d", (1, 1, 3, 3), (1, 1, 3, 3), bias=True, padding=(3, 2))               # corners see only zeros
    b.add("conv2d", (3, 4, 3, 5), (4, 2, 2, 3), bias=True, groups=2, stride=(2, 1), dilation=(1, 2), padding=(1, 2))

    # conv2d_same: PyTorch's padding='same' (stride 1), odd, even and mixed kernels, dilation;
    # pad_before/pad_after record where PyTorch puts an even kernel's extra zero.
    b.add("conv2d_same", (1, 2, 4, 5), (2, 2, 3, 3), bias=True)
    b.add("conv2d_same", (1, 2, 4, 4), (2, 2, 2, 2))
    b.add("conv2d_same", (3, 1, 5, 5), (2, 1, 4, 4), bias=True)
    b.add("conv2d_same", (1, 3, 4, 5), (2, 3, 2, 3), bias=True)
    b.add("conv2d_same", (1, 2, 5, 6), (2, 2, 2, 3), dilation=(3, 2))      # dilated even kernel: odd total 3
    b.add("conv2d_same", (1, 3, 4, 5), (3, 1, 3, 2), groups=3, bias=True)   # depthwise
    b.add("conv2d_same", (1, 2, 4, 5), (4, 1, 4, 3), groups=2)              # depthwise, multiplier 2, even rows
    b.add("conv2d_same", (3, 2, 3, 4), (2, 2, 1, 1), bias=True)             # 1×1: nothing to pad
    b.add("conv2d_same", (1, 2, 5, 5), (2, 2, 3, 3), explicit=False, with_padding=False)
    b.add("conv2d_same", (1, 2, 4, 6), (2, 2, 2, 4), bias=True, with_padding=False)

    # conv1d: N×C×L, stride, padding, dilation, groups; a text-CNN-like window over embeddings.
    b.add("conv1d", (1, 3, 10), (4, 3, 3), bias=True, explicit=False)
    b.add("conv1d", (3, 2, 9), (3, 2, 4), stride=(2,), padding=(2,))
    b.add("conv1d", (1, 2, 12), (2, 2, 3), bias=True, dilation=(2,), padding=(1,))
    b.add("conv1d", (1, 4, 9), (6, 2, 3), bias=True, groups=2)
    b.add("conv1d", (3, 3, 7), (3, 1, 5), groups=3, padding=(2,))              # depthwise
    b.add("conv1d", (1, 2, 13), (4, 1, 3), bias=True, groups=2, stride=(3,))   # depthwise, multiplier 2
    b.add("conv1d", (1, 4, 6), (2, 4, 1))                                      # 1×1
    b.add("conv1d", (1, 6, 10), (3, 6, 5), bias=True)                          # window 5 over 6-dim embeddings

    # conv1d_same: odd, even, dilated even (odd total), grouped, depthwise.
    b.add("conv1d_same", (1, 2, 9), (3, 2, 3), bias=True)
    b.add("conv1d_same", (3, 2, 8), (2, 2, 4))
    b.add("conv1d_same", (1, 3, 10), (2, 3, 2), bias=True, dilation=(3,))
    b.add("conv1d_same", (1, 4, 11), (4, 2, 5), dilation=(2,), groups=2)
    b.add("conv1d_same", (1, 3, 7), (3, 1, 4), bias=True, groups=3)
    b.add("conv1d_same", (1, 2, 9), (2, 2, 6), with_padding=False)
    return b


def build_gradient_cases():
    """The Chapter 3 cases: the layer ops with an upstream gradient gy and PyTorch's gx, gw, gb."""
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", message="Using padding='same' with even kernel lengths")
    b = LayerBuilder(np.random.RandomState(20240703), gradients=True)

    # conv2d: stride (gx is zero where no window reads), padding, dilation, groups, depthwise, 1×1,
    # bias and none, batch > 1; two 16→16/20-channel 3×3 stride-1 layers, for which cnnlab runs gx as
    # a Winograd forward over rot180(W) and gw by Winograd (picked for ≥ 16 channels on both sides).
    b.add("conv2d", (1, 2, 5, 6), (3, 2, 3, 3), bias=True, explicit=False)
    b.add("conv2d", (3, 2, 4, 5), (3, 2, 3, 3), padding=(1, 1))                  # batch 3, no bias
    b.add("conv2d", (1, 3, 7, 6), (2, 3, 3, 3), bias=True, stride=(2, 2), padding=(1, 1))
    b.add("conv2d", (1, 1, 6, 6), (1, 1, 3, 3), stride=(2, 2))                   # last row/column unread: gx = 0 there
    b.add("conv2d", (1, 2, 5, 6), (2, 2, 2, 3), stride=(2, 1))                   # unequal strides, even rows
    b.add("conv2d", (1, 2, 6, 5), (2, 2, 3, 3), dilation=(2, 2), padding=(2, 1))
    b.add("conv2d", (3, 1, 4, 6), (2, 1, 3, 2), bias=True, dilation=(1, 2), padding=(0, 1))
    b.add("conv2d", (1, 4, 4, 5), (4, 2, 3, 3), bias=True, groups=2)
    b.add("conv2d", (3, 4, 5, 5), (4, 2, 3, 3), groups=2, stride=(2, 2), padding=(1, 1))
    b.add("conv2d", (1, 3, 4, 5), (3, 1, 3, 3), bias=True, groups=3, padding=(1, 1))   # depthwise
    b.add("conv2d", (2, 3, 5, 5), (6, 1, 3, 3), groups=3)                                # depthwise, multiplier 2
    b.add("conv2d", (2, 2, 6, 7), (4, 1, 3, 3), bias=True, groups=2, stride=(2, 2), dilation=(2, 2), padding=(2, 1))
    b.add("conv2d", (2, 4, 3, 5), (4, 2, 2, 3), bias=True, groups=2, stride=(2, 1), dilation=(1, 2), padding=(1, 2))
    b.add("conv2d", (1, 2, 7, 6), (2, 2, 4, 4), stride=(2, 2), padding=(1, 1))           # 4×4
    b.add("conv2d", (1, 3, 3, 4), (4, 3, 1, 1), bias=True)                               # 1×1
    b.add("conv2d", (2, 3, 5, 5), (2, 3, 1, 1), stride=(2, 2))                           # 1×1 strided
    b.add("conv2d", (1, 2, 3, 3), (2, 2, 1, 1), bias=True, padding=(1, 1))               # 1×1 padded
    b.add("conv2d", (1, 2, 3, 4), (2, 2, 3, 4), bias=True)                               # kernel = input
    b.add("conv2d", (1, 1, 3, 3), (1, 1, 3, 3), bias=True, padding=(3, 2))               # padding > K−1
    b.add("conv2d", (2, 16, 6, 6), (16, 16, 3, 3), bias=True, padding=(1, 1))            # Winograd backward
    b.add("conv2d", (1, 16, 8, 7), (20, 16, 3, 3))                                       # Winograd, valid

    # conv2d_same: odd, even (extra zero bottom/right, recorded as per-side pad_before/pad_after),
    # mixed, dilated even, depthwise, 16 channels; one without pads (cnnlab's own rule).
    b.add("conv2d_same", (1, 2, 4, 5), (2, 2, 3, 3), bias=True)
    b.add("conv2d_same", (1, 2, 4, 4), (2, 2, 2, 2))
    b.add("conv2d_same", (2, 1, 5, 5), (2, 1, 4, 4), bias=True)
    b.add("conv2d_same", (1, 3, 4, 5), (2, 3, 2, 3), bias=True)
    b.add("conv2d_same", (1, 2, 5, 6), (2, 2, 2, 3), dilation=(3, 2))
    b.add("conv2d_same", (1, 3, 4, 5), (3, 1, 3, 2), groups=3, bias=True)
    b.add("conv2d_same", (1, 16, 5, 6), (16, 16, 3, 3), bias=True)                       # Winograd backward
    b.add("conv2d_same", (1, 2, 4, 6), (2, 2, 2, 4), bias=True, with_padding=False)

    # conv1d: stride, padding, dilation, groups, depthwise, 1×1, batch > 1.
    b.add("conv1d", (1, 3, 10), (4, 3, 3), bias=True, explicit=False)
    b.add("conv1d", (3, 2, 9), (3, 2, 4), stride=(2,), padding=(2,))
    b.add("conv1d", (1, 2, 12), (2, 2, 3), bias=True, dilation=(2,), padding=(1,))
    b.add("conv1d", (2, 4, 9), (6, 2, 3), bias=True, groups=2)
    b.add("conv1d", (3, 3, 7), (3, 1, 5), groups=3, padding=(2,))              # depthwise
    b.add("conv1d", (1, 2, 13), (4, 1, 3), bias=True, groups=2, stride=(3,))   # multiplier 2, stride 3
    b.add("conv1d", (1, 4, 6), (2, 4, 1))                                      # 1×1

    # conv1d_same: odd, even, dilated even, grouped; one without pads.
    b.add("conv1d_same", (1, 2, 9), (3, 2, 3), bias=True)
    b.add("conv1d_same", (3, 2, 8), (2, 2, 4))
    b.add("conv1d_same", (1, 3, 10), (2, 3, 2), bias=True, dilation=(3,))
    b.add("conv1d_same", (1, 4, 11), (4, 2, 5), dilation=(2,), groups=2)
    b.add("conv1d_same", (1, 2, 9), (2, 2, 6), with_padding=False)
    return b
