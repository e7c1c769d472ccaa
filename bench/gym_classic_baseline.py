"""Stand-ins for Gymnasium's MountainCar-v0, Acrobot-v1, Pendulum-v1 and
FrozenLake-v1 step loops, for speed baselines only.

Gymnasium cannot be installed here (no PyPI), so this runs what
gym.make(ID) runs per step: each env's step() as written in gymnasium/envs
(numpy float64 state, numpy/math trig, np.array per step, Acrobot's rk4 over
numpy arrays, FrozenLake's categorical_sample over P), plus the TimeLimit,
OrderEnforcing and PassiveEnvChecker wrapper calls reduced to their
bookkeeping (gym_cartpole_baseline.py). The real Gymnasium does a little more
per step, so these baselines are, if anything, faster than Gymnasium.
Usage: gym_classic_baseline.py ID STEPS. Prints one line: steps_per_s.
"""
import math
import sys

import numpy as np

from gym_cartpole_baseline import steps_per_second


class MountainCar:
    def __init__(self):
        self.min_position, self.max_position, self.max_speed = -1.2, 0.6, 0.07
        self.goal_position, self.goal_velocity = 0.5, 0
        self.force, self.gravity = 0.001, 0.0025
        self.np_random = np.random.default_rng(0)

    def reset(self):
        self.state = np.array([self.np_random.uniform(low=-0.6, high=-0.4), 0])
        return np.array(self.state, dtype=np.float32)

    def step(self, action):
        assert 0 <= action < 3, f"{action!r} ({type(action)}) invalid"
        position, velocity = self.state
        velocity += (action - 1) * self.force + math.cos(3 * position) * (-self.gravity)
        velocity = np.clip(velocity, -self.max_speed, self.max_speed)
        position += velocity
        position = np.clip(position, self.min_position, self.max_position)
        if position == self.min_position and velocity < 0:
            velocity = 0
        terminated = bool(position >= self.goal_position and velocity >= self.goal_velocity)
        self.state = (position, velocity)
        return np.array(self.state, dtype=np.float32), -1.0, terminated, False, {}


def wrap(x, m, M):
    diff = M - m
    while x > M:
        x = x - diff
    while x < m:
        x = x + diff
    return x


def bound(x, m, M):
    return min(max(x, m), M)


def rk4(derivs, y0, t):
    yout = np.zeros((len(t), len(y0)), np.float64)
    yout[0] = y0
    for i in np.arange(len(t) - 1):
        this = t[i]
        dt = t[i + 1] - this
        dt2 = dt / 2.0
        y0 = yout[i]
        k1 = np.asarray(derivs(y0))
        k2 = np.asarray(derivs(y0 + dt2 * k1))
        k3 = np.asarray(derivs(y0 + dt2 * k2))
        k4 = np.asarray(derivs(y0 + dt * k3))
        yout[i + 1] = y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return yout[-1][:4]


class Acrobot:
    dt = 0.2
    LINK_LENGTH_1 = LINK_LENGTH_2 = 1.0
    LINK_MASS_1 = LINK_MASS_2 = 1.0
    LINK_COM_POS_1 = LINK_COM_POS_2 = 0.5
    LINK_MOI = 1.0
    MAX_VEL_1, MAX_VEL_2 = 4 * np.pi, 9 * np.pi
    AVAIL_TORQUE = [-1.0, 0.0, +1]
    torque_noise_max = 0.0

    def __init__(self):
        self.np_random = np.random.default_rng(0)

    def reset(self):
        self.state = self.np_random.uniform(low=-0.1, high=0.1, size=(4,)).astype(np.float32)
        return self._get_ob()

    def step(self, a):
        s = self.state
        torque = self.AVAIL_TORQUE[a]
        if self.torque_noise_max > 0:
            torque += self.np_random.uniform(-self.torque_noise_max, self.torque_noise_max)
        s_augmented = np.append(s, torque)
        ns = rk4(self._dsdt, s_augmented, [0, self.dt])
        ns[0] = wrap(ns[0], -np.pi, np.pi)
        ns[1] = wrap(ns[1], -np.pi, np.pi)
        ns[2] = bound(ns[2], -self.MAX_VEL_1, self.MAX_VEL_1)
        ns[3] = bound(ns[3], -self.MAX_VEL_2, self.MAX_VEL_2)
        self.state = ns
        terminated = bool(-np.cos(ns[0]) - np.cos(ns[1] + ns[0]) > 1.0)
        reward = -1.0 if not terminated else 0.0
        return self._get_ob(), reward, terminated, False, {}

    def _get_ob(self):
        s = self.state
        return np.array([np.cos(s[0]), np.sin(s[0]), np.cos(s[1]), np.sin(s[1]), s[2], s[3]], dtype=np.float32)

    def _dsdt(self, s_augmented):
        m1, m2 = self.LINK_MASS_1, self.LINK_MASS_2
        l1 = self.LINK_LENGTH_1
        lc1, lc2 = self.LINK_COM_POS_1, self.LINK_COM_POS_2
        I1 = I2 = self.LINK_MOI
        g = 9.8
        a = s_augmented[-1]
        s = s_augmented[:-1]
        theta1, theta2, dtheta1, dtheta2 = s[0], s[1], s[2], s[3]
        d1 = m1 * lc1**2 + m2 * (l1**2 + lc2**2 + 2 * l1 * lc2 * np.cos(theta2)) + I1 + I2
        d2 = m2 * (lc2**2 + l1 * lc2 * np.cos(theta2)) + I2
        phi2 = m2 * lc2 * g * np.cos(theta1 + theta2 - np.pi / 2.0)
        phi1 = (-m2 * l1 * lc2 * dtheta2**2 * np.sin(theta2)
                - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * np.sin(theta2)
                + (m1 * lc1 + m2 * l1) * g * np.cos(theta1 - np.pi / 2) + phi2)
        ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1**2 * np.sin(theta2) - phi2) / (
            m2 * lc2**2 + I2 - d2**2 / d1)
        ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0


def angle_normalize(x):
    return ((x + np.pi) % (2 * np.pi)) - np.pi


class Pendulum:
    max_speed, max_torque, dt, g, m, l = 8, 2.0, 0.05, 10.0, 1.0, 1.0

    def __init__(self):
        self.np_random = np.random.default_rng(0)

    def reset(self):
        high = np.array([np.pi, 1.0])
        self.state = self.np_random.uniform(low=-high, high=high)
        self.last_u = None
        return self._get_obs()

    def step(self, u):
        th, thdot = self.state
        g, m, l, dt = self.g, self.m, self.l, self.dt
        u = np.clip(u, -self.max_torque, self.max_torque)[0]
        self.last_u = u
        costs = angle_normalize(th) ** 2 + 0.1 * thdot**2 + 0.001 * (u**2)
        newthdot = thdot + (3 * g / (2 * l) * np.sin(th) + 3.0 / (m * l**2) * u) * dt
        newthdot = np.clip(newthdot, -self.max_speed, self.max_speed)
        newth = th + newthdot * dt
        self.state = np.array([newth, newthdot])
        return self._get_obs(), -costs, False, False, {}

    def _get_obs(self):
        theta, thetadot = self.state
        return np.array([np.cos(theta), np.sin(theta), thetadot], dtype=np.float32)


def categorical_sample(prob_n, np_random):
    prob_n = np.asarray(prob_n)
    csprob_n = np.cumsum(prob_n)
    return np.argmax(csprob_n > np_random.random())


class FrozenLake:
    def __init__(self):
        desc = ["SFFF", "FHFH", "FFFH", "HFFG"]
        self.desc = desc = np.asarray(desc, dtype="c")
        nrow, ncol = 4, 4
        nS = nrow * ncol
        self.initial_state_distrib = np.array(desc == b"S").astype("float64").ravel()
        self.initial_state_distrib /= self.initial_state_distrib.sum()
        self.P = {s: {a: [] for a in range(4)} for s in range(nS)}

        def to_s(row, col):
            return row * ncol + col

        def inc(row, col, a):
            if a == 0:
                col = max(col - 1, 0)
            elif a == 1:
                row = min(row + 1, nrow - 1)
            elif a == 2:
                col = min(col + 1, ncol - 1)
            elif a == 3:
                row = max(row - 1, 0)
            return (row, col)

        def update_probability_matrix(row, col, action):
            newrow, newcol = inc(row, col, action)
            newstate = to_s(newrow, newcol)
            newletter = desc[newrow, newcol]
            terminated = bytes(newletter) in b"GH"
            reward = float(newletter == b"G")
            return newstate, reward, terminated

        for row in range(nrow):
            for col in range(ncol):
                s = to_s(row, col)
                for a in range(4):
                    li = self.P[s][a]
                    letter = desc[row, col]
                    if letter in b"GH":
                        li.append((1.0, s, 0, True))
                    else:
                        for b in [(a - 1) % 4, a, (a + 1) % 4]:
                            li.append((1.0 / 3.0, *update_probability_matrix(row, col, b)))
        self.np_random = np.random.default_rng(0)

    def reset(self):
        self.s = categorical_sample(self.initial_state_distrib, self.np_random)
        self.lastaction = None
        return int(self.s)

    def step(self, a):
        transitions = self.P[self.s][a]
        i = categorical_sample([t[0] for t in transitions], self.np_random)
        p, s, r, t = transitions[i]
        self.s = s
        self.lastaction = a
        return int(s), r, t, False, {"prob": p}


ENVS = {  # id: (class, max_episode_steps, action sampler)
    "MountainCar-v0": (MountainCar, 200, lambda rng, n: rng.integers(0, 3, size=n).tolist()),
    "Acrobot-v1": (Acrobot, 500, lambda rng, n: rng.integers(0, 3, size=n).tolist()),
    "Pendulum-v1": (Pendulum, 200, lambda rng, n: list(rng.uniform(-2, 2, size=(n, 1)).astype(np.float32))),
    "FrozenLake-v1": (FrozenLake, 100, lambda rng, n: rng.integers(0, 4, size=n).tolist()),
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ENVS:
        sys.exit(f"usage: gym_classic_baseline.py {{{','.join(ENVS)}}} STEPS")
    cls, limit, sample = ENVS[sys.argv[1]]
    actions = sample(np.random.default_rng(1), int(sys.argv[2]))
    print(f"{steps_per_second(cls(), limit, actions):.0f}")

if __name__ == "__main__":
    main()
