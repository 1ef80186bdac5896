#!/usr/bin/python3
"""Three steps of torch.optim.SGD and of torch.optim.Adam / torch.optim.AdamW on one parameter tensor, for
tests/ch07_optimizers_test.cpp's literals (sgd_step and adam_step; AdamW is adam_step with
decoupled_weight_decay). Every case starts from START and takes the three GRADIENTS, in double precision.

Run: /usr/bin/python3 tools/golden/sgd_steps.py  (Debian's python3-torch)."""
import torch

START = [1.0, -2.0, 0.5]
GRADIENTS = [[0.5, 0.25, -1.0], [-0.5, 1.0, 2.0], [0.1, 0.2, 0.3]]
SGD_CASES = [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9, weight_decay=0.01),
             dict(lr=0.1, momentum=0.9, nesterov=True), dict(lr=0.05, momentum=0.5, dampening=0.5)]
# foreach=False: the single-tensor loop, whose order of operations adam_step follows.
ADAM_CASES = [(torch.optim.Adam, dict(lr=0.1)), (torch.optim.Adam, dict(lr=0.1, weight_decay=0.01)),
              (torch.optim.AdamW, dict(lr=0.1, weight_decay=0.01)),
              (torch.optim.Adam, dict(lr=0.1, betas=(0.5, 0.9), eps=1e-6))]


def three_steps(optimizer_class, options):
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    optimizer = optimizer_class([p], **options)
    for g in GRADIENTS:
        p.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
    return ", ".join(repr(v) for v in p.detach().tolist())


for options in SGD_CASES:
    print("SGD", options, three_steps(torch.optim.SGD, options))
for optimizer_class, options in ADAM_CASES:
    print(optimizer_class.__name__, options, three_steps(optimizer_class, dict(options, foreach=False)))
