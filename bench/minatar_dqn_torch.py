"""The MinAtar paper's DQN (Young & Tian 2019, its examples/dqn.py as the
paper describes it), written as a plain PyTorch script: the baseline that
`rlc train --preset minatar-dqn` is timed against (bench/bench_minatar_speed.sh).

Network: Conv2d(C, 16, 3, stride 1) -> ReLU -> Linear(16*8*8, 128) -> ReLU ->
Linear(128, actions), PyTorch's default init. Centered RMSprop (torch.optim,
eps 0.01 outside the sqrt) lr 2.5e-4, alpha 0.95; replay 100,000 transitions
(a list sampled with random.sample), batch 32, one update per frame after a
5,000-frame replay start of random actions; epsilon 1 -> 0.1 over the next
100,000 frames; target network copied every 1,000 frames; smooth L1 loss;
gamma 0.99. Observations are (10, 10, C) booleans made float and channel-first
for the network, one frame at a time, as the paper's get_state does.

MinAtar itself cannot be installed here (no PyPI), so Breakout (all six
actions, sticky actions 0.1, no difficulty ramping) is written below from
MinAtar's description of the game.

Usage: python3 minatar_dqn_torch.py [frames] [seed]
Prints: frames/s and CPU frames/s over the frames after the replay start, the
update's share of the time, the episodes' returns so far, the BLAS in use.
"""
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.set_num_threads(1)


class Breakout:
    """MinAtar Breakout: paddle on row 9, a ball bouncing diagonally, three
    rows of bricks (refilled when cleared), the episode ends when the ball
    passes the paddle."""

    actions = "nlurdf"

    def __init__(self, seed, sticky=0.1):
        self.random = np.random.RandomState(seed)
        self.sticky = sticky
        self.last_action = 0
        self.reset()

    def reset(self):
        self.ball_y = 3
        start = self.random.choice(2)
        self.ball_x, self.ball_dir = [(0, 2), (9, 3)][start]
        self.pos = 4
        self.brick_map = np.zeros((10, 10))
        self.brick_map[1:4, :] = 1
        self.strike = False
        self.last_x, self.last_y = self.ball_x, self.ball_y
        self.terminal = False
        self.last_action = 0

    def act(self, a):
        if self.random.rand() < self.sticky:
            a = self.last_action
        self.last_action = a
        r = 0
        if self.terminal:
            return r, True
        a = self.actions[a]
        if a == "l":
            self.pos = max(0, self.pos - 1)
        elif a == "r":
            self.pos = min(9, self.pos + 1)
        self.last_x, self.last_y = self.ball_x, self.ball_y
        dx, dy = [(-1, -1), (1, -1), (1, 1), (-1, 1)][self.ball_dir]
        new_x, new_y = self.ball_x + dx, self.ball_y + dy
        strike_toggle = False
        if new_x < 0 or new_x > 9:
            new_x = min(max(new_x, 0), 9)
            self.ball_dir = [1, 0, 3, 2][self.ball_dir]
        if new_y < 0:
            new_y = 0
            self.ball_dir = [3, 2, 1, 0][self.ball_dir]
        elif self.brick_map[new_y, new_x] == 1:
            strike_toggle = True
            if not self.strike:
                r += 1
                self.strike = True
                self.brick_map[new_y, new_x] = 0
                new_y = self.last_y
                self.ball_dir = [3, 2, 1, 0][self.ball_dir]
        elif new_y == 9:
            if np.count_nonzero(self.brick_map) == 0:
                self.brick_map[1:4, :] = 1
            if self.ball_x == self.pos:
                self.ball_dir = [3, 2, 1, 0][self.ball_dir]
                new_y = self.last_y
            elif new_x == self.pos:
                self.ball_dir = [2, 3, 0, 1][self.ball_dir]
                new_y = self.last_y
            else:
                self.terminal = True
        if not strike_toggle:
            self.strike = False
        self.ball_x, self.ball_y = new_x, new_y
        return r, self.terminal

    def state(self):
        s = np.zeros((10, 10, 4), dtype=bool)
        s[9, self.pos, 0] = 1
        s[self.ball_y, self.ball_x, 1] = 1
        s[self.last_y, self.last_x, 2] = 1
        s[:, :, 3] = self.brick_map
        return s


class QNetwork(nn.Module):
    def __init__(self, in_channels, num_actions):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, 16, kernel_size=3, stride=1)
        self.fc_hidden = nn.Linear(16 * 8 * 8, 128)
        self.output = nn.Linear(128, num_actions)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = F.relu(self.fc_hidden(x.view(x.size(0), -1)))
        return self.output(x)


def get_state(s):
    return torch.tensor(s).permute(2, 0, 1).unsqueeze(0).float()


def main():
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    random.seed(seed)
    torch.manual_seed(seed)
    env = Breakout(seed)
    A, C = 6, 4
    policy, target = QNetwork(C, A), QNetwork(C, A)
    target.load_state_dict(policy.state_dict())
    opt = optim.RMSprop(policy.parameters(), lr=2.5e-4, alpha=0.95, centered=True, eps=0.01)
    replay, cap, start, batch = [], 100000, 5000, 32
    pos = 0
    s = get_state(env.state())
    returns, ret = [], 0.0
    update_s = 0.0
    t0 = c0 = None
    for t in range(frames):
        if t == start:
            t0, c0, update_s = time.perf_counter(), time.process_time(), 0.0
        if t < start:
            a = random.randrange(A)
        else:
            eps = 0.1 if t - start >= 100000 else 1.0 + (0.1 - 1.0) * (t - start) / 100000
            if random.random() < eps:
                a = random.randrange(A)
            else:
                with torch.no_grad():
                    a = policy(s).max(1)[1].item()
        r, done = env.act(a)
        ret += r
        s2 = get_state(env.state())
        tr = (s, torch.tensor([[a]]), torch.tensor([[float(r)]]), s2, torch.tensor([[float(done)]]))
        if len(replay) < cap:
            replay.append(tr)
        else:
            replay[pos] = tr
        pos = (pos + 1) % cap
        s = s2
        if done:
            returns.append(ret)
            ret = 0.0
            env.reset()
            s = get_state(env.state())
        if t >= start:
            u0 = time.perf_counter()
            sample = random.sample(replay, batch)
            st, ac, rw, ns, te = (torch.cat(x) for x in zip(*sample))
            q_sa = policy(st).gather(1, ac)
            with torch.no_grad():
                q_next = target(ns).max(1)[0].unsqueeze(1)
            y = rw + 0.99 * (1 - te) * q_next
            loss = F.smooth_l1_loss(q_sa, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            update_s += time.perf_counter() - u0
            if (t - start) % 1000 == 0:
                target.load_state_dict(policy.state_dict())
    n = frames - start
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    blas = [line.strip() for line in torch.__config__.show().splitlines() if "BLAS" in line]
    print(f"pytorch {torch.__version__}, threads {torch.get_num_threads()}, {'; '.join(blas)}")
    print(f"frames {n} after the replay start: {n / wall:.1f} frames/s wall, {n / cpu:.1f} frames/s CPU, "
          f"update {1000 * update_s / n:.3f} ms a frame ({100 * update_s / wall:.0f}% of the time)")
    last = returns[-100:]
    print(f"episodes {len(returns)}, average of the last {len(last)}: {sum(last) / max(1, len(last)):.2f}")


if __name__ == "__main__":
    main()
