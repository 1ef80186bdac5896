#!/usr/bin/python3
"""Parameter counts and multiply-accumulates of the classic networks, measured with torchvision.

The Chapter 7 tests (tests/ch07_networks_test.cpp) compare cnnlab's shape inference with these numbers.
Parameters are torchvision's own modules' parameters; MACs are counted by forward hooks on a real
forward pass of one 224×224 image (conv: C_out·H_out·W_out·(C_in/g)·K_h·K_w, linear: in·out), so the
output sizes are PyTorch's, not cnnlab's. d2l's networks (LeNet, AlexNet, VGG, NiN, ResNet, DenseNet;
the PyTorch edition of Dive into Deep Learning, chapters 6–7) are written out as in the book, and
LeCun et al.'s 1998 LeNet-5 from the paper (its C3 connection table as sixteen convolutions over
their connected S2 maps, so that the hooks count connected taps only).

    /usr/bin/python3 tools/golden/net_counts.py [path/to/cnnlab]
    /usr/bin/python3 tools/golden/net_counts.py --trace

With the cnnlab program's path, also runs `cnnlab summary NET --json` for every network and reports
any difference (exit 1). With --trace, prints the output shape of every top-level child of d2l's
networks (and of every layer of d2l's AlexNet), on the input d2l prints them for.
"""
import json
import subprocess
import sys

import torch
from torch import nn
from torch.nn import functional as F
import torchvision


def lenet():  # d2l §6.6
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def lenet_modern():  # cnnlab's modernized LeNet (chapters/ch07_networks/nets.hpp)
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def resnet18_mini(width=16):  # cnnlab's ResNet-18-style net for 28×28 (chapters/ch07_networks/nets.hpp)
    from torchvision.models.resnet import BasicBlock
    layers = [nn.Conv2d(1, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
    channels = width
    for stage in range(4):
        planes, stride = width << stage, 1 if stage == 0 else 2
        down = None
        if stride != 1 or channels != planes:
            down = nn.Sequential(nn.Conv2d(channels, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
        layers += [BasicBlock(channels, planes, stride, down), BasicBlock(planes, planes)]
        channels = planes
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 10)]
    return nn.Sequential(*layers)


def nin():  # d2l §7.3, with the channel counts LazyConv2d infers for a 1-channel input
    def block(cin, cout, k, s, p):
        return nn.Sequential(nn.Conv2d(cin, cout, k, s, p), nn.ReLU(), nn.Conv2d(cout, cout, 1), nn.ReLU(),
                             nn.Conv2d(cout, cout, 1), nn.ReLU())
    return nn.Sequential(
        block(1, 96, 11, 4, 0), nn.MaxPool2d(3, stride=2), block(96, 256, 5, 1, 2), nn.MaxPool2d(3, stride=2),
        block(256, 384, 3, 1, 1), nn.MaxPool2d(3, stride=2), nn.Dropout(0.5), block(384, 10, 3, 1, 1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())


def alexnet_d2l():  # d2l §7.1
    return nn.Sequential(
        nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(),
        nn.Linear(6400, 4096), nn.ReLU(),
        nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), nn.ReLU(),
        nn.Dropout(p=0.5),
        nn.Linear(4096, 10))


def vgg_block(num_convs, in_channels, out_channels):  # d2l §7.2
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def vgg(conv_arch):  # d2l §7.2
    conv_blks = []
    in_channels = 1
    for (num_convs, out_channels) in conv_arch:
        conv_blks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(
        *conv_blks, nn.Flatten(),
        nn.Linear(out_channels * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 10))


CONV_ARCH = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))


def vgg11_d2l(ratio=4):  # d2l §7.2's small_conv_arch
    return vgg([(pair[0], pair[1] // ratio) for pair in CONV_ARCH])


class Residual(nn.Module):  # d2l §7.6
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


def resnet_block(input_channels, num_channels, num_residuals, first_block=False):  # d2l §7.6
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(Residual(num_channels, num_channels))
    return blk


def resnet18_d2l():  # d2l §7.6
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3),
                       nn.BatchNorm2d(64), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b2 = nn.Sequential(*resnet_block(64, 64, 2, first_block=True))
    b3 = nn.Sequential(*resnet_block(64, 128, 2))
    b4 = nn.Sequential(*resnet_block(128, 256, 2))
    b5 = nn.Sequential(*resnet_block(256, 512, 2))
    return nn.Sequential(b1, b2, b3, b4, b5, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))


def conv_block(input_channels, num_channels):  # d2l §7.7
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1))


class DenseBlock(nn.Module):  # d2l §7.7
    def __init__(self, num_convs, input_channels, num_channels):
        super(DenseBlock, self).__init__()
        layer = []
        for i in range(num_convs):
            layer.append(conv_block(num_channels * i + input_channels, num_channels))
        self.net = nn.Sequential(*layer)

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            X = torch.cat((X, Y), dim=1)
        return X


def transition_block(input_channels, num_channels):  # d2l §7.7
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))


def densenet_d2l():  # d2l §7.7
    b1 = nn.Sequential(
        nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3),
        nn.BatchNorm2d(64), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    num_channels, growth_rate = 64, 32
    num_convs_in_dense_blocks = [4, 4, 4, 4]
    blks = []
    for i, num_convs in enumerate(num_convs_in_dense_blocks):
        blks.append(DenseBlock(num_convs, num_channels, growth_rate))
        num_channels += num_convs * growth_rate
        if i != len(num_convs_in_dense_blocks) - 1:
            blks.append(transition_block(num_channels, num_channels // 2))
            num_channels = num_channels // 2
    return nn.Sequential(
        b1, *blks,
        nn.BatchNorm2d(num_channels), nn.ReLU(),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
        nn.Linear(num_channels, 10))


# LeCun, Bottou, Bengio, Haffner 1998, Table I: the S2 maps each C3 map reads.
C3_TABLE = [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 0], [5, 0, 1],
            [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 0], [4, 5, 0, 1], [5, 0, 1, 2],
            [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]]


class ScaledTanh(nn.Module):  # f(a) = A tanh(S a), A = 1.7159, S = 2/3
    def forward(self, x):
        return 1.7159 * torch.tanh(x * 2 / 3)


class Subsampling(nn.Module):  # the sum of each 2×2 window times a coefficient, plus a bias, per map
    def __init__(self, channels):
        super().__init__()
        self.coefficient = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return 4 * F.avg_pool2d(x, 2) * self.coefficient.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)


class TableConv(nn.Module):  # one 5×5 conv per C3 map over its connected S2 maps
    def __init__(self):
        super().__init__()
        self.maps = nn.ModuleList([nn.Conv2d(len(inputs), 1, 5) for inputs in C3_TABLE])

    def forward(self, x):
        return torch.cat([conv(x[:, inputs]) for conv, inputs in zip(self.maps, C3_TABLE)], dim=1)


class EuclideanRBF(nn.Module):  # y_i = Σ_j (x_j − w_ij)², fixed weights (a buffer, not a parameter)
    def __init__(self, inputs, outputs):
        super().__init__()
        self.register_buffer("weight", torch.ones(outputs, inputs))

    def forward(self, x):
        return ((x.unsqueeze(1) - self.weight.unsqueeze(0)) ** 2).sum(dim=2)


def lenet1998():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), ScaledTanh(), Subsampling(6), ScaledTanh(),
        TableConv(), ScaledTanh(), Subsampling(16), ScaledTanh(),
        nn.Conv2d(16, 120, 5), ScaledTanh(), nn.Flatten(), nn.Linear(120, 84), ScaledTanh(),
        EuclideanRBF(84, 10))


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
    "lenet1998": (lenet1998, (1, 32, 32)),
    "alexnet_d2l": (alexnet_d2l, (1, 224, 224)),
    "vgg11_d2l": (vgg11_d2l, (1, 224, 224)),
    "densenet_d2l": (densenet_d2l, (1, 96, 96)),
    "resnet18_d2l": (resnet18_d2l, (1, 96, 96)),
    "lenet_modern": (lenet_modern, (1, 28, 28)),
    "resnet18_mini": (resnet18_mini, (1, 28, 28)),
}

# d2l's shape traces: the net and the input it prints them for.
TRACES = {
    "alexnet_d2l": (alexnet_d2l, (1, 224, 224)),
    "vgg11_d2l": (vgg11_d2l, (1, 224, 224)),
    "vgg11_d2l full width": (lambda: vgg11_d2l(1), (1, 224, 224)),
    "resnet18_d2l": (resnet18_d2l, (1, 224, 224)),
    "densenet_d2l": (densenet_d2l, (1, 96, 96)),
}


def count(model, chw):
    macs = [0]

    def conv_hook(m, _, y):
        macs[0] += y[0].numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear_hook(m, _, y):
        macs[0] += m.in_features * m.out_features

    def rbf_hook(m, _, y):
        macs[0] += m.weight.numel()

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(conv_hook)
        elif isinstance(m, nn.Linear):
            m.register_forward_hook(linear_hook)
        elif isinstance(m, EuclideanRBF):
            m.register_forward_hook(rbf_hook)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *chw))
    return sum(p.numel() for p in model.parameters()), macs[0]


def trace():
    for name, (build, chw) in TRACES.items():
        print(f"{name} on 1×{'×'.join(map(str, chw))}:")
        x = torch.zeros(1, *chw)
        with torch.no_grad():
            for layer in build().eval():
                x = layer(x)
                print(f"  {layer.__class__.__name__:20} {'×'.join(map(str, x.shape))}")


def main():
    if sys.argv[1:] == ["--trace"]:
        trace()
        return
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
