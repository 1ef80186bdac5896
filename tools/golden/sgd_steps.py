#!/usr/bin/python3
"""Three steps of torch.optim.SGD on one parameter tensor, for tests/ch07_optimizers_test.cpp's literals.

Run: /usr/bin/python3 tools/golden/sgd_steps.py  (Debian's python3-torch)."""
import torch

START = [1.0, -2.0, 0.5]
GRADIENTS = [[0.5, 0.25, -1.0], [-0.5, 1.0, 2.0], [0.1, 0.2, 0.3]]
CASES = [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9, weight_decay=0.01),
         dict(lr=0.1, momentum=0.9, nesterov=True), dict(lr=0.05, momentum=0.5, dampening=0.5)]

for options in CASES:
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([p], **options)
    for g in GRADIENTS:
        p.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
    print(options, ", ".join(repr(v) for v in p.detach().tolist()))
