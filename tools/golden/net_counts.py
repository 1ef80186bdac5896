#!/usr/bin/python3
"""Parameter counts and multiply-accumulates of the classic networks, measured with torchvision.

The Chapter 7 tests (tests/ch07_networks_test.cpp) compare cnnlab's shape inference with these numbers.
Parameters are torchvision's own modules' parameters; MACs are counted by forward hooks on a real
forward pass of one 224×224 image (conv: C_out·H_out·W_out·(C_in/g)·K_h·K_w, linear: in·out), so the
output sizes are PyTorch's, not cnnlab's. d2l's LeNet and NiN are written out as in the book.

    /usr/bin/python3 tools/golden/net_counts.py [path/to/cnnlab]

With the cnnlab program's path, also runs `cnnlab summary NET --json` for every network and reports
any difference (exit 1).
"""
import json
import subprocess
import sys

import torch
from torch import nn
import torchvision


def lenet():  # d2l §6.6
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def nin():  # d2l §7.3, with the channel counts LazyConv2d infers for a 1-channel input
    def block(cin, cout, k, s, p):
        return nn.Sequential(nn.Conv2d(cin, cout, k, s, p), nn.ReLU(), nn.Conv2d(cout, cout, 1), nn.ReLU(),
                             nn.Conv2d(cout, cout, 1), nn.ReLU())
    return nn.Sequential(
        block(1, 96, 11, 4, 0), nn.MaxPool2d(3, stride=2), block(96, 256, 5, 1, 2), nn.MaxPool2d(3, stride=2),
        block(256, 384, 3, 1, 1), nn.MaxPool2d(3, stride=2), nn.Dropout(0.5), block(384, 10, 3, 1, 1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())


NETS = {
    "lenet": (lenet, (1, 28, 28)),
    "alexnet": (lambda: torchvision.models.alexnet(), (3, 224, 224)),
    "vgg11": (lambda: torchvision.models.vgg11(), (3, 224, 224)),
    "vgg16": (lambda: torchvision.models.vgg16(), (3, 224, 224)),
    "nin": (nin, (1, 224, 224)),
    "googlenet": (lambda: torchvision.models.googlenet(aux_logits=False, init_weights=False), (3, 224, 224)),
    "resnet18": (lambda: torchvision.models.resnet18(), (3, 224, 224)),
    "resnet34": (lambda: torchvision.models.resnet34(), (3, 224, 224)),
    "resnet50": (lambda: torchvision.models.resnet50(), (3, 224, 224)),
    "densenet121": (lambda: torchvision.models.densenet121(), (3, 224, 224)),
}


def count(model, chw):
    macs = [0]

    def conv_hook(m, _, y):
        macs[0] += y[0].numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear_hook(m, _, y):
        macs[0] += m.in_features * m.out_features

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(conv_hook)
        elif isinstance(m, nn.Linear):
            m.register_forward_hook(linear_hook)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *chw))
    return sum(p.numel() for p in model.parameters()), macs[0]


def main():
    cnnlab = sys.argv[1] if len(sys.argv) > 1 else None
    failed = False
    print(f"{'net':12} {'parameters':>12} {'MACs':>14} {'GMACs':>7}" + ("  cnnlab" if cnnlab else ""))
    for name, (build, chw) in NETS.items():
        params, macs = count(build(), chw)
        line = f"{name:12} {params:12d} {macs:14d} {macs / 1e9:7.2f}"
        if cnnlab:
            out = subprocess.run([cnnlab, "summary", name, "--json"], capture_output=True, text=True, check=True)
            got = json.loads(out.stdout)
            same = got["total_params"] == params and got["total_macs"] == macs
            failed |= not same
            line += "  agrees" if same else f"  DIFFERS: {got['total_params']} params, {got['total_macs']} MACs"
        print(line)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
