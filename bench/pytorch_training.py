#!/usr/bin/python3
"""Training throughput of cnnlab against PyTorch, in the same run: examples/s of one training step
(forward, softmax cross-entropy, backward, optimizer step) at batch 256 on 1 and 2 threads, for d2l's
LeNet (SGD, lr 0.9), the modernized LeNet and the ResNet-18-style net (Adam, lr 1e-3) of cnnlab's
Chapter 7, on the same random 1×28×28 inputs.

Run from the repository root after `cmake --workflow --preset bench` (or `cmake --build build/bench`):
    /usr/bin/python3 bench/pytorch_training.py [--bench build/bench/bin/cnnlab_bench] [--csv out.csv]
PyTorch is Debian's python3-torch. cnnlab's numbers come from `cnnlab_bench --benchmark_filter=ch07-train-`.
PyTorch runs each net and thread count in a process of its own with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to
the thread count: torch.set_num_threads does not reach OpenBLAS's own pool, which PyTorch's GEMMs use.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time

import os

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "golden"))
from net_counts import lenet, lenet_modern, resnet18_mini  # noqa: E402  (the same definitions as the counts)


NETS = {"lenet": (lenet, "sgd"), "lenet_modern": (lenet_modern, "adam"), "resnet18_mini": (resnet18_mini, "adam")}


def pytorch_examples_per_second(name, threads):
    """PyTorch's rate for one net and thread count, measured in a child process whose thread pools are set."""
    environment = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    child = subprocess.run([sys.executable, __file__, "--measure", name, str(threads)], env=environment,
                           check=True, capture_output=True, text=True)
    return float(child.stdout.split()[-1])


def best_pytorch_rate(name, threads, batch=256, seconds=2.0, repetitions=3):
    """The best of `repetitions` timings of `seconds` each (a noisy machine only ever slows a run down)."""
    return max(pytorch_timing(name, threads, batch, seconds) for _ in range(repetitions))


def pytorch_timing(name, threads, batch, seconds):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    build, optimizer_name = NETS[name]
    net = build()
    optimizer = (torch.optim.SGD(net.parameters(), lr=0.9) if optimizer_name == "sgd"
                 else torch.optim.Adam(net.parameters(), lr=1e-3))
    x = torch.rand(batch, 1, 28, 28) * 2 - 1
    y = torch.arange(batch) % 10
    loss_function = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_function(net(x), y).backward()
        optimizer.step()

    for _ in range(3):
        step()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        steps += 1
    return steps * batch / (time.perf_counter() - start)


def cnnlab_examples_per_second(bench):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        # The JSON goes to a file: the benchmark program prints its summary table on stdout.
        subprocess.run([bench, "--benchmark_filter=ch07-train-", "--benchmark_min_time=2",
                        "--benchmark_repetitions=3", "--benchmark_report_aggregates_only=false",
                        f"--benchmark_out={out.name}", "--benchmark_out_format=json"],
                       check=True, capture_output=True, text=True)
        results = json.load(open(out.name))
    rates = {}
    for b in results["benchmarks"]:
        if b.get("run_type") == "aggregate":
            continue
        # "ch07-train-lenet/batch256/2/real_time" → ("lenet", 2); the best of the repetitions
        parts = b["name"].split("/")
        key = (parts[0][len("ch07-train-"):], int(parts[2]))
        rates[key] = max(rates.get(key, 0.0), b["examples/s"])
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default="build/bench/bin/cnnlab_bench")
    parser.add_argument("--csv", help="also write the table here")
    parser.add_argument("--measure", nargs=2, metavar=("NET", "THREADS"), help="internal: PyTorch's rate only")
    args = parser.parse_args()
    if args.measure:
        print(best_pytorch_rate(args.measure[0], int(args.measure[1])))
        return 0
    cnnlab = cnnlab_examples_per_second(args.bench)
    rows = ["net,threads,cnnlab_examples_per_second,pytorch_examples_per_second,ratio"]
    print(f"{'net':<15}{'threads':>8}{'cnnlab ex/s':>14}{'PyTorch ex/s':>15}{'cnnlab/PyTorch':>16}")
    for name in NETS:
        for threads in (1, 2):
            ours = cnnlab.get((name, threads))
            theirs = pytorch_examples_per_second(name, threads)
            ratio = ours / theirs if ours else float("nan")
            print(f"{name:<15}{threads:>8}{ours or float('nan'):>14.0f}{theirs:>15.0f}{ratio:>16.2f}")
            rows.append(f"{name},{threads},{ours or 0:.0f},{theirs:.0f},{ratio:.3f}")
    if args.csv:
        with open(args.csv, "w") as out:
            out.write("\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
