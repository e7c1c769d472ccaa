"""PyTorch baseline for `rlc bench-nn`: microseconds per training update
(forward, MSE loss, backward, Adam step) on one thread, for the same networks.
Needs Debian's python3-torch. Usage: bench_nn_torch.py ARCH ACT BATCH
ARCH is 4-128-128-2 style or "minatar". Prints one number: us per update."""
import sys
import time

import torch

torch.set_num_threads(1)
arch, act, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
A = {"relu": torch.nn.ReLU, "elu": torch.nn.ELU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[act]
if arch == "minatar":
    # channel-last input like rlc's, permuted to NCHW inside (as a user would)
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(4, 16, 3, 1)
            self.fc = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16 * 8 * 8, 128), A(), torch.nn.Linear(128, 6))

        def forward(self, x):
            return self.fc(A()(self.conv(x.permute(0, 3, 1, 2))))

    net, x, y = Net(), torch.rand(batch, 10, 10, 4), torch.rand(batch, 6)
else:
    sizes = [int(s) for s in arch.split("-")]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(A())
    net, x, y = torch.nn.Sequential(*layers), torch.rand(batch, sizes[0]), torch.rand(batch, sizes[-1])
opt = torch.optim.Adam(net.parameters(), lr=1e-3)


def update():
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(net(x), y)
    loss.backward()
    opt.step()


for _ in range(200):
    update()
n = 2000
t0 = time.perf_counter()
for _ in range(n):
    update()
print(f"{(time.perf_counter() - t0) / n * 1e6:.2f}")
