"""The rainbow-is-all-you-need notebook 07 (N-step learning), re-typed as a
script: the baseline that `rlc train --preset rainbow-nstep` is compared with
(bench/bench_rainbow.sh).

Hyperparameters as ../shared/SEEDS.md lists them: CartPole-v1 limited to 200
steps, every episode reset with seed 777, done = terminated or truncated stored
as terminal; 4 -> 128 ReLU -> 128 ReLU -> 2 with PyTorch's default init, Adam
lr 1e-3; a 1-step and a 3-step ring buffer of 2000, index-aligned; 10,000
frames, one update per frame once 32 transitions are stored, 32 indices without
replacement, loss = smooth_l1(1-step, gamma) + smooth_l1(3-step, gamma^3);
epsilon from 1.0 down by 0.9/2000 after every update to 0.1; hard target copy
every 100 updates.

Gymnasium cannot be installed here (no PyPI), so CartPole-v1 is the Gymnasium
source's dynamics from gym_cartpole_baseline.py, seeded the way reset(seed=...) seeds it
(np.random.default_rng(seed) == Generator(PCG64(SeedSequence(seed)))), with the
TimeLimit wrapper's truncation. Plotting and video are left out.

Usage: python3 rainbow_nstep_torch.py [seed] [frames]
Prints one line: seed, score (the notebook's test: one greedy episode from the
seed-777 start), mean greedy return over 10 episodes seeded 0..9, wall seconds.
"""
import os
import random
import sys
import time
from collections import deque
from typing import Deque, Dict, List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gym_cartpole_baseline import CartPole as GymCartPole  # noqa: E402

torch.set_num_threads(1)


class CartPole(GymCartPole):
    """Gymnasium's CartPole-v1 (the step in gym_cartpole_baseline.py) with
    reset(seed=...) and TimeLimit(max_episode_steps)."""

    def __init__(self, max_episode_steps=500):
        super().__init__()
        self.max_episode_steps = max_episode_steps
        self.np_random = np.random.default_rng()
        self.action_rng = np.random.default_rng()
        self.elapsed = 0

    def seed_action_space(self, seed):
        self.action_rng = np.random.default_rng(seed)

    def sample_action(self):  # Discrete(2).sample()
        return int(self.action_rng.integers(2))

    def reset(self, seed=None):
        if seed is not None:
            self.np_random = np.random.default_rng(seed)
        self.elapsed = 0
        return super().reset(), {}

    def step(self, action):
        obs, reward, terminated, _, info = super().step(action)
        self.elapsed += 1
        return obs, reward, terminated, self.elapsed >= self.max_episode_steps, info


# ---- the notebook from here on (plotting and video removed) -----------------

class ReplayBuffer:
    """A simple numpy replay buffer."""

    def __init__(self, obs_dim: int, size: int, batch_size: int = 32, n_step: int = 1,
                 gamma: float = 0.99):
        self.obs_buf = np.zeros([size, obs_dim], dtype=np.float32)
        self.next_obs_buf = np.zeros([size, obs_dim], dtype=np.float32)
        self.acts_buf = np.zeros([size], dtype=np.float32)
        self.rews_buf = np.zeros([size], dtype=np.float32)
        self.done_buf = np.zeros(size, dtype=np.float32)
        self.max_size, self.batch_size = size, batch_size
        self.ptr, self.size, = 0, 0

        # for N-step Learning
        self.n_step_buffer = deque(maxlen=n_step)
        self.n_step = n_step
        self.gamma = gamma

    def store(self, obs: np.ndarray, act: np.ndarray, rew: float, next_obs: np.ndarray,
              done: bool) -> Tuple[np.ndarray, np.ndarray, float, np.ndarray, bool]:
        transition = (obs, act, rew, next_obs, done)
        self.n_step_buffer.append(transition)

        # single step transition is not ready
        if len(self.n_step_buffer) < self.n_step:
            return ()

        # make a n-step transition
        rew, next_obs, done = self._get_n_step_info(self.n_step_buffer, self.gamma)
        obs, act = self.n_step_buffer[0][:2]

        self.obs_buf[self.ptr] = obs
        self.next_obs_buf[self.ptr] = next_obs
        self.acts_buf[self.ptr] = act
        self.rews_buf[self.ptr] = rew
        self.done_buf[self.ptr] = done
        self.ptr = (self.ptr + 1) % self.max_size
        self.size = min(self.size + 1, self.max_size)

        return self.n_step_buffer[0]

    def sample_batch(self) -> Dict[str, np.ndarray]:
        indices = np.random.choice(self.size, size=self.batch_size, replace=False)
        return dict(obs=self.obs_buf[indices], next_obs=self.next_obs_buf[indices],
                    acts=self.acts_buf[indices], rews=self.rews_buf[indices],
                    done=self.done_buf[indices],
                    # for N-step Learning
                    indices=indices)

    def sample_batch_from_idxs(self, indices: np.ndarray) -> Dict[str, np.ndarray]:
        # for N-step Learning
        return dict(obs=self.obs_buf[indices], next_obs=self.next_obs_buf[indices],
                    acts=self.acts_buf[indices], rews=self.rews_buf[indices],
                    done=self.done_buf[indices])

    def _get_n_step_info(self, n_step_buffer: Deque, gamma: float) -> Tuple[np.int64, np.ndarray, bool]:
        """Return n step rew, next_obs, and done."""
        # info of the last transition
        rew, next_obs, done = n_step_buffer[-1][-3:]

        for transition in reversed(list(n_step_buffer)[:-1]):
            r, n_o, d = transition[-3:]

            rew = r + gamma * rew * (1 - d)
            next_obs, done = (n_o, d) if d else (next_obs, done)

        return rew, next_obs, done

    def __len__(self) -> int:
        return self.size


class Network(nn.Module):
    def __init__(self, in_dim: int, out_dim: int):
        """Initialization."""
        super(Network, self).__init__()

        self.layers = nn.Sequential(
            nn.Linear(in_dim, 128),
            nn.ReLU(),
            nn.Linear(128, 128),
            nn.ReLU(),
            nn.Linear(128, out_dim)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward method implementation."""
        return self.layers(x)


class DQNAgent:
    def __init__(self, env, memory_size: int, batch_size: int, target_update: int,
                 epsilon_decay: float, seed: int, max_epsilon: float = 1.0,
                 min_epsilon: float = 0.1, gamma: float = 0.99,
                 # N-step Learning
                 n_step: int = 3):
        obs_dim = 4
        action_dim = 2

        self.env = env
        self.batch_size = batch_size
        self.epsilon = max_epsilon
        self.epsilon_decay = epsilon_decay
        self.seed = seed
        self.max_epsilon = max_epsilon
        self.min_epsilon = min_epsilon
        self.target_update = target_update
        self.gamma = gamma

        # memory for 1-step Learning
        self.memory = ReplayBuffer(obs_dim, memory_size, batch_size, n_step=1)

        # memory for N-step Learning
        self.use_n_step = True if n_step > 1 else False
        if self.use_n_step:
            self.n_step = n_step
            self.memory_n = ReplayBuffer(obs_dim, memory_size, batch_size, n_step=n_step, gamma=gamma)

        # device: cpu
        self.device = torch.device("cpu")

        # networks: dqn, dqn_target
        self.dqn = Network(obs_dim, action_dim).to(self.device)
        self.dqn_target = Network(obs_dim, action_dim).to(self.device)
        self.dqn_target.load_state_dict(self.dqn.state_dict())
        self.dqn_target.eval()

        # optimizer
        self.optimizer = optim.Adam(self.dqn.parameters())

        # transition to store in memory
        self.transition = list()

        # mode: train / test
        self.is_test = False

    def select_action(self, state: np.ndarray) -> np.ndarray:
        """Select an action from the input state."""
        # epsilon greedy policy
        if self.epsilon > np.random.random():
            selected_action = self.env.sample_action()
        else:
            selected_action = self.dqn(torch.FloatTensor(state).to(self.device)).argmax()
            selected_action = selected_action.detach().cpu().numpy()

        if not self.is_test:
            self.transition = [state, selected_action]

        return selected_action

    def step(self, action: np.ndarray) -> Tuple[np.ndarray, np.float64, bool]:
        """Take an action and return the response of the env."""
        next_state, reward, terminated, truncated, _ = self.env.step(action)
        done = terminated or truncated

        if not self.is_test:
            self.transition += [reward, next_state, done]

            # N-step transition
            if self.use_n_step:
                one_step_transition = self.memory_n.store(*self.transition)
            # 1-step transition
            else:
                one_step_transition = self.transition

            # add a single step transition
            if one_step_transition:
                self.memory.store(*one_step_transition)

        return next_state, reward, done

    def update_model(self) -> torch.Tensor:
        """Update the model by gradient descent."""
        samples = self.memory.sample_batch()
        indices = samples["indices"]
        loss = self._compute_dqn_loss(samples, self.gamma)

        # we are gonna combine 1-step loss and n-step loss so as to
        # prevent high-variance.
        if self.use_n_step:
            samples = self.memory_n.sample_batch_from_idxs(indices)
            gamma = self.gamma ** self.n_step
            n_loss = self._compute_dqn_loss(samples, gamma)
            loss += n_loss

        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()

        return loss.item()

    def train(self, num_frames: int):
        """Train the agent."""
        self.is_test = False

        state, _ = self.env.reset(seed=self.seed)
        update_cnt = 0
        epsilons = []
        losses = []
        scores = []
        score = 0

        for frame_idx in range(1, num_frames + 1):
            action = self.select_action(state)
            next_state, reward, done = self.step(action)

            state = next_state
            score += reward

            # if episode ends
            if done:
                state, _ = self.env.reset(seed=self.seed)
                scores.append(score)
                score = 0

            # if training is ready
            if len(self.memory) >= self.batch_size:
                loss = self.update_model()
                losses.append(loss)
                update_cnt += 1

                # linearly decrease epsilon
                self.epsilon = max(
                    self.min_epsilon, self.epsilon - (
                        self.max_epsilon - self.min_epsilon
                    ) * self.epsilon_decay
                )
                epsilons.append(self.epsilon)

                # if hard update is needed
                if update_cnt % self.target_update == 0:
                    self._target_hard_update()
        return scores

    def test(self, seed) -> float:
        """Test the agent: one greedy episode."""
        self.is_test = True
        state, _ = self.env.reset(seed=seed)
        done = False
        score = 0
        while not done:
            action = self.select_action(state)
            next_state, reward, done = self.step(action)
            state = next_state
            score += reward
        self.is_test = False
        return score

    def _compute_dqn_loss(self, samples: Dict[str, np.ndarray], gamma: float) -> torch.Tensor:
        """Return dqn loss."""
        device = self.device  # for shortening the following lines
        state = torch.FloatTensor(samples["obs"]).to(device)
        next_state = torch.FloatTensor(samples["next_obs"]).to(device)
        action = torch.LongTensor(samples["acts"].reshape(-1, 1)).to(device)
        reward = torch.FloatTensor(samples["rews"].reshape(-1, 1)).to(device)
        done = torch.FloatTensor(samples["done"].reshape(-1, 1)).to(device)

        # G_t   = r + gamma * v(s_{t+1})  if state != Terminal
        #       = r                       otherwise
        curr_q_value = self.dqn(state).gather(1, action)
        next_q_value = self.dqn_target(next_state).max(dim=1, keepdim=True)[0].detach()
        mask = 1 - done
        target = (reward + gamma * next_q_value * mask).to(self.device)

        # calculate dqn loss
        loss = F.smooth_l1_loss(curr_q_value, target)

        return loss

    def _target_hard_update(self):
        """Hard update: target <- local."""
        self.dqn_target.load_state_dict(self.dqn.state_dict())


def seed_torch(seed):
    torch.manual_seed(seed)
    if torch.backends.cudnn.enabled:
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 777
    num_frames = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    np.random.seed(seed)
    random.seed(seed)
    seed_torch(seed)
    env = CartPole(max_episode_steps=200)
    env.seed_action_space(seed)

    # parameters
    memory_size = 2000
    batch_size = 32
    target_update = 100
    epsilon_decay = 1 / 2000

    t0 = time.perf_counter()
    # The env is reset with the notebook's seed 777 every episode; `seed`
    # drives the network init, exploration and sampling.
    agent = DQNAgent(env, memory_size, batch_size, target_update, epsilon_decay, 777)
    agent.train(num_frames)
    wall = time.perf_counter() - t0
    with torch.no_grad():
        score = agent.test(777)
        mean10 = float(np.mean([agent.test(s) for s in range(10)]))
    print(f"seed {seed} score {score:.0f} mean10 {mean10:.1f} wall_s {wall:.2f}")


if __name__ == "__main__":
    main()
