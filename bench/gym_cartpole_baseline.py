"""A stand-in for Gymnasium's CartPole-v1 step loop, for speed baselines only.

Gymnasium itself cannot be installed here (no PyPI), so this replays what
gym.make("CartPole-v1") runs per step: the env's step() as written in
gymnasium/envs/classic_control/cartpole.py (numpy float64 state, np.sin/np.cos,
np.array per step), plus the TimeLimit, OrderEnforcing and PassiveEnvChecker
wrapper calls reduced to their bookkeeping. The real Gymnasium does a little
more per step, so this baseline is, if anything, faster than Gymnasium.
Prints one line: steps_per_s.
"""
import math
import sys
import time

import numpy as np


class CartPole:
    def __init__(self):
        self.gravity, self.masscart, self.masspole = 9.8, 1.0, 0.1
        self.total_mass = self.masspole + self.masscart
        self.length = 0.5
        self.polemass_length = self.masspole * self.length
        self.force_mag, self.tau = 10.0, 0.02
        self.theta_threshold_radians = 12 * 2 * math.pi / 360
        self.x_threshold = 2.4
        self.np_random = np.random.default_rng(0)
        self.state = None
        self.steps_beyond_terminated = None

    def reset(self):
        self.state = self.np_random.uniform(low=-0.05, high=0.05, size=(4,))
        self.steps_beyond_terminated = None
        return np.array(self.state, dtype=np.float32)

    def action_contains(self, x):  # gymnasium.spaces.Discrete(2).contains
        if isinstance(x, int):
            as_int64 = np.int64(x)
        elif isinstance(x, (np.generic, np.ndarray)) and (np.issubdtype(x.dtype, np.integer) and x.shape == ()):
            as_int64 = np.int64(x)
        else:
            return False
        return bool(0 <= as_int64 < 2)

    def step(self, action):
        assert self.action_contains(action), f"{action!r} ({type(action)}) invalid"
        assert self.state is not None, "Call reset before using step method."
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta = np.cos(theta)
        sintheta = np.sin(theta)
        temp = (force + self.polemass_length * np.square(theta_dot) * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * np.square(costheta) / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = np.array((x, x_dot, theta, theta_dot), dtype=np.float64)
        terminated = bool(x < -self.x_threshold or x > self.x_threshold
                          or theta < -self.theta_threshold_radians or theta > self.theta_threshold_radians)
        reward = 1.0
        if terminated and self.steps_beyond_terminated is None:
            self.steps_beyond_terminated = 0
        return np.array(self.state, dtype=np.float32), reward, terminated, False, {}


class TimeLimit:
    def __init__(self, env, max_steps):
        self.env, self.max_steps, self.elapsed = env, max_steps, 0

    def reset(self):
        self.elapsed = 0
        return self.env.reset()

    def step(self, action):
        obs, r, term, trunc, info = self.env.step(action)
        self.elapsed += 1
        if self.elapsed >= self.max_steps:
            trunc = True
        return obs, r, term, trunc, info


class OrderEnforcing:  # also stands for PassiveEnvChecker after its first step
    def __init__(self, env):
        self.env, self._has_reset = env, False

    def reset(self):
        self._has_reset = True
        return self.env.reset()

    def step(self, action):
        if not self._has_reset:
            raise RuntimeError("Cannot call env.step() before calling env.reset()")
        return self.env.step(action)


def steps_per_second(env, max_steps, actions):
    """Gymnasium's wrapper stack around env, stepped through actions with resets."""
    env = TimeLimit(OrderEnforcing(OrderEnforcing(env)), max_steps)
    env.reset()
    t0 = time.perf_counter()
    for a in actions:
        _, _, term, trunc, _ = env.step(a)
        if term or trunc:
            env.reset()
    return len(actions) / (time.perf_counter() - t0)


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    actions = np.random.default_rng(1).integers(0, 2, size=steps).tolist()
    print(f"{steps_per_second(CartPole(), 500, actions):.0f}")


if __name__ == "__main__":
    main()
