"""Golden test vectors for cnnlab's pooling (Chapter 4), made with PyTorch in float64.

`make.py` calls build_cases() and writes the cases to ch04_pooling.cases. Ops (see CASE-FORMAT.md):
`max_pool2d` (torch.nn.functional.max_pool2d; params kernel, stride, padding, dilation, ceil_mode),
`avg_pool2d` (F.avg_pool2d; kernel, stride, padding, ceil_mode, count_include_pad) and
`adaptive_avg_pool2d` (F.adaptive_avg_pool2d; output_size). An absent stride is the kernel, as in
PyTorch. A case with the input `gy` (random, the shape of `y`) also has the output `gx`:
torch.autograd.grad of sum(y * gy) with respect to x.

The inputs of max pooling are a random permutation of distinct values, so every window has a single
arg-max and the gradient does not depend on how ties are broken. Every PyTorch output is also checked
against the pooling written here with NumPy, window by window (the output size by PyTorch's
documented rule, the windows, their divisors and where each window's gradient goes), so a misread
argument stops the script.
"""

import numpy as np
import torch
import torch.nn.functional as F

CASES_FILE = "ch04_pooling.cases"


# ---------------------------------------------------------------- pooling, independently
def pooled_size(n, k, s, p, d, ceil_mode):
    """PyTorch's output size: ⌊ or ⌈(n + 2p − d(k−1) − 1)/s⌉ + 1, less one when ceil_mode's last
    window would start in the right padding."""
    span = n + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def numpy_max_pool(x, gy, k, s, p, d, ceil_mode):
    """y (padding never wins) and gx (each gy routed to its window's arg-max)."""
    n_, c_, h, w = x.shape
    oh, ow = pooled_size(h, k[0], s[0], p[0], d[0], ceil_mode), pooled_size(w, k[1], s[1], p[1], d[1], ceil_mode)
    y, gx = np.zeros((n_, c_, oh, ow)), np.zeros_like(x)
    for i in range(oh):
        rows = [r for r in (i * s[0] - p[0] + u * d[0] for u in range(k[0])) if 0 <= r < h]
        for j in range(ow):
            cols = [c for c in (j * s[1] - p[1] + v * d[1] for v in range(k[1])) if 0 <= c < w]
            for b in range(n_):
                for ch in range(c_):
                    window = x[b, ch][np.ix_(rows, cols)]
                    r, c = np.unravel_index(np.argmax(window), window.shape)
                    y[b, ch, i, j] = window[r, c]
                    if gy is not None:
                        gx[b, ch, rows[r], cols[c]] += gy[b, ch, i, j]
    return y, gx


def avg_extent(i, n, k, s, p):
    """Window i of an average pooling axis: the input cells it reads and the cells the padded
    divisor counts (padding included, the part beyond the right padding not)."""
    start = i * s - p
    end = min(start + k, n + p)
    return range(max(start, 0), min(end, n)), end - start


def numpy_avg_pool(x, gy, k, s, p, ceil_mode, count_include_pad):
    n_, c_, h, w = x.shape
    oh, ow = pooled_size(h, k[0], s[0], p[0], 1, ceil_mode), pooled_size(w, k[1], s[1], p[1], 1, ceil_mode)
    y, gx = np.zeros((n_, c_, oh, ow)), np.zeros_like(x)
    for i in range(oh):
        rows, padded_rows = avg_extent(i, h, k[0], s[0], p[0])
        for j in range(ow):
            cols, padded_cols = avg_extent(j, w, k[1], s[1], p[1])
            divisor = padded_rows * padded_cols if count_include_pad else len(rows) * len(cols)
            window = (slice(None), slice(None), slice(rows.start, rows.stop), slice(cols.start, cols.stop))
            y[:, :, i, j] = x[window].sum(axis=(2, 3)) / divisor
            if gy is not None:
                gx[window] += (gy[:, :, i, j] / divisor)[:, :, None, None]
    return y, gx


def numpy_adaptive_avg_pool(x, gy, out):
    """Window i of an axis of n cells spans ⌊i·n/out⌋ … ⌈(i+1)·n/out⌉ − 1."""
    n_, c_, h, w = x.shape
    y, gx = np.zeros((n_, c_, out[0], out[1])), np.zeros_like(x)
    for i in range(out[0]):
        r0, r1 = (i * h) // out[0], -(-((i + 1) * h) // out[0])
        for j in range(out[1]):
            c0, c1 = (j * w) // out[1], -(-((j + 1) * w) // out[1])
            divisor = (r1 - r0) * (c1 - c0)
            y[:, :, i, j] = x[:, :, r0:r1, c0:c1].sum(axis=(2, 3)) / divisor
            if gy is not None:
                gx[:, :, r0:r1, c0:c1] += (gy[:, :, i, j] / divisor)[:, :, None, None]
    return y, gx


def agrees(a, b):
    return a.shape == b.shape and np.max(np.abs(a - b), initial=0.0) <= 1e-12 * max(1.0, np.max(np.abs(b)))


# ---------------------------------------------------------------- PyTorch as the oracle
def torch_pool(op, x, gy, args):
    """y and (with gy) gx = d sum(y * gy) / dx, by torch.autograd.grad."""
    xt = torch.from_numpy(x).requires_grad_()
    if op == "max_pool2d":
        y = F.max_pool2d(xt, **args)
    elif op == "avg_pool2d":
        y = F.avg_pool2d(xt, **args)
    else:
        y = F.adaptive_avg_pool2d(xt, **args)
    if gy is None:
        return y.detach().numpy(), None
    (gx,) = torch.autograd.grad((y * torch.from_numpy(gy)).sum(), [xt])
    return y.detach().numpy(), gx.numpy()


class PoolBuilder:
    def __init__(self, rng):
        self.rng = rng
        self.cases = []
        self.counters = {}

    def distinct(self, shape, offset=None):
        """A random permutation of distinct multiples of 1/4, centred on 0 (or starting at offset/4)."""
        count = int(np.prod(shape))
        start = -(count // 2) if offset is None else offset
        return (self.rng.permutation(count) + start).reshape(shape) / 4.0

    def add(self, op, x, kernel=None, stride=None, padding=(0, 0), dilation=(1, 1), ceil_mode=False,
            count_include_pad=True, output_size=None, gradient=True, explicit=True, expect=None):
        """One case on x (N×C×H×W). Params default as in PyTorch; explicit=False leaves the defaults
        (stride = kernel among them) out of the file, so that replay's own defaults get used."""
        x = np.asarray(x, dtype=np.float64)
        gy = None
        if op == "adaptive_avg_pool2d":
            args = {"output_size": tuple(output_size)}
            params = [("output_size", list(output_size))]
        else:
            stride_or_kernel = tuple(stride or kernel)
            args = {"kernel_size": tuple(kernel), "stride": stride_or_kernel, "padding": tuple(padding),
                    "ceil_mode": ceil_mode}
            params = [("kernel", list(kernel))]
            def param(key, values, default):
                if explicit or values != default:
                    params.append((key, values))
            param("stride", list(stride_or_kernel), list(kernel))
            param("padding", list(padding), [0, 0])
            if op == "max_pool2d":
                args["dilation"] = tuple(dilation)
                param("dilation", list(dilation), [1, 1])
            param("ceil_mode", [int(ceil_mode)], [0])
            if op == "avg_pool2d":
                args["count_include_pad"] = count_include_pad
                param("count_include_pad", [int(count_include_pad)], [1])

        y, _ = torch_pool(op, x, None, args)
        if gradient:
            gy = self.rng.randint(-16, 17, size=y.shape) / 8.0
        y_again, gx = torch_pool(op, x, gy, args)
        if op == "max_pool2d":
            expected = numpy_max_pool(x, gy, kernel, stride_or_kernel, padding, dilation, ceil_mode)
        elif op == "avg_pool2d":
            expected = numpy_avg_pool(x, gy, kernel, stride_or_kernel, padding, ceil_mode, count_include_pad)
        else:
            expected = numpy_adaptive_avg_pool(x, gy, output_size)
        if not np.array_equal(y, y_again) or not agrees(expected[0], y) or (gradient and not agrees(expected[1], gx)):
            raise SystemExit(f"{op}: PyTorch and the NumPy pooling disagree (x {x.shape}, {args})")
        if expect is not None and not np.array_equal(y, np.asarray(expect, dtype=np.float64)):
            raise SystemExit(f"{op}: PyTorch gives {y.tolist()}, the literal says {expect}")

        self.counters[op] = self.counters.get(op, 0) + 1
        tensors = [("x", x)] + ([("gy", gy)] if gradient else []) + [("y", y)] + ([("gx", gx)] if gradient else [])
        self.cases.append({"id": f"{op}-{self.counters[op]:03d}", "op": op, "params": params, "tensors": tensors})


def build_cases():
    torch.set_num_threads(1)
    b = PoolBuilder(np.random.RandomState(20240804))
    d2l = np.arange(9.0).reshape(1, 1, 3, 3)
    arange16 = np.arange(16.0).reshape(1, 1, 4, 4)

    # max_pool2d. The literals first: d2l's 2×2 max pooling of [[0..8]] (stride 1), d2l's
    # arange(16) with MaxPool2d(3) and MaxPool2d(3, padding=1, stride=2), and note 001's
    # arange(32).view(1, 2, 4, 4) with MaxPool2d(kernel_size=3, padding=1, stride=(2, 1)).
    b.add("max_pool2d", d2l, kernel=(2, 2), stride=(1, 1), gradient=False, expect=[[[[4, 5], [7, 8]]]])
    b.add("max_pool2d", arange16, kernel=(3, 3), explicit=False, expect=[[[[10]]]])
    b.add("max_pool2d", arange16, kernel=(3, 3), stride=(2, 2), padding=(1, 1), expect=[[[[5, 7], [13, 15]]]])
    b.add("max_pool2d", np.arange(32.0).reshape(1, 2, 4, 4), kernel=(3, 3), stride=(2, 1), padding=(1, 1))
    # Random distinct values: batch > 1, channels, stride, padding, dilation, non-square windows.
    b.add("max_pool2d", b.distinct((2, 3, 6, 8)), kernel=(2, 2), explicit=False)                  # stride = kernel
    b.add("max_pool2d", b.distinct((2, 2, 7, 7)), kernel=(3, 3), stride=(2, 2), padding=(1, 1))
    b.add("max_pool2d", b.distinct((3, 2, 5, 6)), kernel=(3, 3), stride=(1, 1), padding=(1, 1))   # overlapping windows
    b.add("max_pool2d", b.distinct((1, 3, 8, 9)), kernel=(3, 2), stride=(2, 3), padding=(1, 0))
    b.add("max_pool2d", b.distinct((2, 2, 8, 8)), kernel=(3, 3), stride=(1, 1), padding=(1, 1), dilation=(2, 2))
    b.add("max_pool2d", b.distinct((1, 2, 7, 9)), kernel=(2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 1))
    b.add("max_pool2d", b.distinct((2, 2, 8, 7)), kernel=(3, 3), stride=(2, 2))                   # floor: last row/col dropped
    b.add("max_pool2d", b.distinct((1, 2, 5, 7)), kernel=(2, 2), ceil_mode=True)                  # ceil: last windows cut
    b.add("max_pool2d", b.distinct((1, 2, 5, 5)), kernel=(2, 2), padding=(1, 1), ceil_mode=True)  # ceil: a window dropped
    b.add("max_pool2d", b.distinct((2, 1, 9, 8)), kernel=(3, 2), stride=(2, 2), padding=(1, 1), dilation=(2, 2), ceil_mode=True)
    b.add("max_pool2d", b.distinct((1, 3, 5, 6)), kernel=(1, 1), stride=(2, 2))                   # subsampling
    b.add("max_pool2d", b.distinct((2, 4, 5, 6)), kernel=(5, 6))                                  # global max
    # All values negative: a padded cell (−∞, not 0) must never win a corner window.
    b.add("max_pool2d", b.distinct((2, 2, 5, 5), offset=-60), kernel=(2, 2), padding=(1, 1))

    # avg_pool2d: d2l's 2×2 mean of [[0..8]], then padding counted and not, ceil_mode windows cut
    # (their divisor stops at the right padding) and dropped, non-square windows.
    b.add("avg_pool2d", d2l, kernel=(2, 2), stride=(1, 1), gradient=False, expect=[[[[2, 3], [5, 6]]]])
    b.add("avg_pool2d", b.distinct((2, 3, 6, 6)), kernel=(2, 2), explicit=False)
    b.add("avg_pool2d", b.distinct((2, 2, 7, 6)), kernel=(3, 3), stride=(2, 2), padding=(1, 1))
    b.add("avg_pool2d", b.distinct((2, 2, 7, 6)), kernel=(3, 3), stride=(2, 2), padding=(1, 1), count_include_pad=False)
    b.add("avg_pool2d", b.distinct((1, 2, 6, 6)), kernel=(3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True)
    b.add("avg_pool2d", b.distinct((1, 2, 6, 6)), kernel=(3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True,
          count_include_pad=False)
    b.add("avg_pool2d", b.distinct((1, 2, 5, 7)), kernel=(2, 2), ceil_mode=True)                  # cut windows
    b.add("avg_pool2d", b.distinct((1, 2, 5, 5)), kernel=(2, 2), padding=(1, 1), ceil_mode=True)  # a window dropped
    b.add("avg_pool2d", b.distinct((3, 2, 5, 6)), kernel=(3, 3), stride=(1, 1), padding=(1, 1), count_include_pad=False)
    b.add("avg_pool2d", b.distinct((1, 3, 6, 9)), kernel=(2, 3), stride=(1, 2), padding=(1, 1), count_include_pad=False)
    b.add("avg_pool2d", b.distinct((2, 2, 8, 7)), kernel=(3, 2), stride=(2, 3), padding=(0, 1))

    # adaptive_avg_pool2d: output sizes that divide the input (plain pooling), that do not
    # (overlapping windows of unequal size), global (1×1), identity, larger than the input.
    b.add("adaptive_avg_pool2d", b.distinct((2, 3, 6, 8)), output_size=(3, 4))
    b.add("adaptive_avg_pool2d", b.distinct((2, 2, 7, 5)), output_size=(3, 2))
    b.add("adaptive_avg_pool2d", b.distinct((1, 2, 9, 10)), output_size=(4, 3))
    b.add("adaptive_avg_pool2d", b.distinct((1, 3, 5, 7)), output_size=(1, 1))
    b.add("adaptive_avg_pool2d", b.distinct((3, 4, 6, 6)), output_size=(1, 1))
    b.add("adaptive_avg_pool2d", b.distinct((2, 2, 4, 4)), output_size=(4, 4))
    b.add("adaptive_avg_pool2d", b.distinct((1, 2, 3, 4)), output_size=(5, 6))
    return b
