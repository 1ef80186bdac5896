#!/usr/bin/python3
"""PyTorch's convolution on the layer shapes of cnnlab's benchmarks: forward, backward-data and backward-weights.

For each layer of bench/layer_shapes.hpp (the shapes bench/ch02_bench.cpp and bench/ch03_bench.cpp time), at 1 and
2 threads, the best GFLOP/s of `--repetitions` timings of at least `--min-time` seconds each, credited — as cnnlab's
benchmarks credit every pass — with the forward's direct-formula FLOPs, 2 · N · C_out · H_out · W_out · C_in/g · K².
The passes are aten::convolution (forward, no autograd) and aten::convolution_backward with the output mask of the
pass: (input) for backward-data, (weight, bias) for backward-weights, as a layer's backward computes them.

Each thread count runs in a process of its own, started with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to it:
torch.set_num_threads does not reach OpenBLAS's own thread pool, which Debian's PyTorch calls for the GEMMs of its
1×1 and im2col convolutions, so a "1 thread" run in the same process still used both cores there (212 GFLOP/s on
ResNet's 1×1 layer, above one core's FMA peak, against 130 with the variables set).

Run from the repository root, with nothing else running:
    /usr/bin/python3 bench/pytorch_conv.py --csv bench/results/pytorch_conv.csv
PyTorch is Debian's python3-torch. The CSV has the columns of cnnlab_bench's --summary_csv (group,path,threads,
gflops), group = the Chapter 2 benchmark group, path = pytorch/forward, pytorch/input or pytorch/weight; the
performance page of the site reads it beside bench/results/ch02.csv and ch03.csv.
"""
import argparse
import os
import platform
import subprocess
import sys
import time

import torch

# The shapes of bench/layer_shapes.hpp: group, N, C_in, C_out, H = W, K, stride, padding, groups.
LAYERS = [
    ("ch02-ex5-4", 1, 256, 256, 100, 3, 1, 1, 1),
    ("ch02-ex5-4-reduce1x1", 1, 256, 64, 100, 1, 1, 0, 1),
    ("ch02-ex5-4-expand3x3", 1, 64, 256, 100, 3, 1, 1, 1),
    ("ch02-lenet-conv1", 256, 1, 6, 28, 5, 1, 2, 1),
    ("ch02-lenet-conv2", 256, 6, 16, 14, 5, 1, 0, 1),
    ("ch02-vgg-conv3-n1", 1, 256, 256, 56, 3, 1, 1, 1),
    ("ch02-vgg-conv3-n8", 8, 256, 256, 56, 3, 1, 1, 1),
    ("ch02-alexnet-conv1", 8, 3, 64, 224, 11, 4, 2, 1),
    ("ch02-resnet-1x1", 8, 256, 64, 56, 1, 1, 0, 1),
    ("ch02-depthwise-3x3", 8, 256, 256, 56, 3, 1, 1, 256),
]


def direct_flops(n, c_in, c_out, size, kernel, stride, pad, groups):
    out = (size + 2 * pad - kernel) // stride + 1
    return 2.0 * n * c_out * out * out * (c_in // groups) * kernel * kernel


def passes(n, c_in, c_out, size, kernel, stride, pad, groups):
    """The three passes of one layer as functions of no arguments, on fixed random tensors."""
    generator = torch.Generator().manual_seed(1)
    x = torch.rand(n, c_in, size, size, generator=generator) * 2 - 1
    w = torch.rand(c_out, c_in // groups, kernel, kernel, generator=generator) * 0.1
    b = torch.rand(c_out, generator=generator)
    args = ([stride, stride], [pad, pad], [1, 1], False, [0, 0], groups)
    with torch.no_grad():
        y = torch.ops.aten.convolution(x, w, b, *args)
    gy = torch.rand(y.shape, generator=generator)

    def forward():
        with torch.no_grad():
            torch.ops.aten.convolution(x, w, b, *args)

    def backward(mask):
        return lambda: torch.ops.aten.convolution_backward(gy, x, w, [c_out], *args, mask)

    return {"forward": forward, "input": backward([True, False, False]), "weight": backward([False, True, True])}


def best_seconds(function, min_time, repetitions):
    """The best time per call over `repetitions` timings (a busy machine only ever slows a call down)."""
    function()
    best = float("inf")
    for _ in range(repetitions):
        calls, start = 0, time.perf_counter()
        while True:
            function()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        best = min(best, elapsed / calls)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", help="write the measurements here")
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds per timing (default 0.2)")
    parser.add_argument("--repetitions", type=int, default=3, help="timings per pass, the best kept (default 3)")
    parser.add_argument("--filter", default="", help="only the groups containing this text")
    parser.add_argument("--threads", type=int, help="measure this thread count only, in this process (internal)")
    args = parser.parse_args()
    if args.threads:
        measure(args, args.threads)
        return 0
    print(f"{'group':<24}{'pass':<8}{'threads':>8}{'ms':>10}{'GFLOP/s':>10}", flush=True)
    rows = []
    for threads in (1, 2):
        environment = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
        command = [sys.executable, __file__, "--threads", str(threads), "--min-time", str(args.min_time),
                   "--repetitions", str(args.repetitions), "--filter", args.filter]
        child = subprocess.run(command, env=environment, stdout=subprocess.PIPE, text=True, check=True)
        for line in child.stdout.splitlines():
            if line.startswith("row "):
                rows.append(line[4:])
            else:
                print(line, flush=True)
    if args.csv:
        with open(args.csv, "w") as out:
            out.write(f"# GFLOP/s of PyTorch {torch.__version__} on the layer shapes of bench/layer_shapes.hpp, float, every pass\n"
                      "# credited with the forward's direct-formula FLOPs over wall time (best of "
                      f"{args.repetitions} timings of >= {args.min_time} s);\n"
                      f"# written by bench/pytorch_conv.py on {platform.machine()} with {os.cpu_count()} CPUs.\n"
                      "group,path,threads,gflops\n" + "\n".join(rows) + "\n")
    return 0


def measure(args, threads):
    """Prints the table lines of one thread count and, for the parent, each CSV row after "row "."""
    torch.set_num_threads(threads)
    for layer in LAYERS:
        group, shape = layer[0], layer[1:]
        if args.filter not in group:
            continue
        flops = direct_flops(*shape)
        for name, function in passes(*shape).items():
            seconds = best_seconds(function, args.min_time, args.repetitions)
            gflops = flops / seconds / 1e9
            print(f"{group:<24}{name:<8}{threads:>8}{seconds * 1e3:>10.2f}{gflops:>10.1f}")
            print(f"row {group},pytorch/{name},{threads},{gflops:.2f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
