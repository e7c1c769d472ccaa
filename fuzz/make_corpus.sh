#!/bin/sh
# fuzz/make_corpus.sh [BUILD]: regenerates the seed corpora in fuzz/corpus/
# from real short runs of several algorithms (kept small: small nets and
# replays). Run it when a format changes (checkpoint or network version).
# checkpoint/: each run's checkpoint less its 12-byte header and 4-byte CRC
# (fuzz_checkpoint frames them again). rundir/: config.txt, metrics.csv and
# episodes.csv joined by NUL bytes. net/: an architecture line and a
# network file's payload. settings/ and env_options/: hand-written lines.
set -e
B=${1:-build}
RLC="$B/rlc"
C=fuzz/corpus
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
rm -rf "$C"
mkdir -p "$C/checkpoint" "$C/rundir" "$C/net" "$C/settings" "$C/env_options"
common="eval_interval=0,eval_episodes=1,gif=false,log_interval=50"
small="hidden=8,buffer_size=64,batch_size=8,learning_starts=16"
run() {  # name algo env steps sets
  "$RLC" train --algo "$2" --env "$3" --steps "$4" --out "$T/$1" --force --set "$common,$5" >/dev/null
  f="$T/$1/checkpoint.rlc"
  n=$(wc -c <"$f")
  tail -c +13 "$f" | head -c $((n - 16)) >"$C/checkpoint/$1"
}
run dqn-cartpole dqn CartPole-v1 200 "$small"
run rainbow-cartpole rainbow CartPole-v1 200 "$small,atoms=5"
run per-dqn-acrobot per-dqn Acrobot-v1 120 "$small"
run n-step-dqn-mountaincar n-step-dqn MountainCar-v0 120 "$small,n_step=3"
run dqn-breakout dqn MinAtar/Breakout-v1 60 "hidden=c2k3-8,buffer_size=32,batch_size=4,learning_starts=8"
run ppo-cartpole ppo CartPole-v1 64 "hidden=8,num_steps=16,num_envs=2"
run ppo-pendulum ppo Pendulum-v1 64 "hidden=8,num_steps=16"
run a2c-acrobot a2c Acrobot-v1 40 "hidden=8,num_steps=5,num_envs=2"
run reinforce-cartpole reinforce CartPole-v1 300 "episodes_per_update=2"
run imitation-cartpole imitation CartPole-v1 100 ""
run qlearning-frozenlake q-learning FrozenLake-v1 300 ""
run sarsa-lambda-gridworld sarsa-lambda GridWorld-v0 300 ""
run qlambda-cliff q-lambda CliffWalking-v1 300 ""
run random-taxi random Taxi-v3 100 ""
run dqn-seaquest dqn MinAtar/Seaquest-v1 40 "hidden=c2k3-8,buffer_size=16,batch_size=4,learning_starts=8"
run ppo-mountaincar ppo MountainCarContinuous-v0 32 "hidden=8,num_steps=8"
run sac-pendulum sac Pendulum-v1 64 "$small"
run td3-mountaincar td3 MountainCarContinuous-v0 64 "$small"
for d in dqn-cartpole ppo-pendulum qlearning-frozenlake; do
  (cat "$T/$d/config.txt"; printf '\0'; cat "$T/$d/metrics.csv"; printf '\0'; cat "$T/$d/episodes.csv") >"$C/rundir/$d"
done
(printf '#P'; cat "$T/dqn-cartpole/config.txt"; printf '\0'; cat "$T/dqn-cartpole/metrics.csv"; printf '\0'; cat "$T/dqn-cartpole/episodes.csv") >"$C/rundir/plot"
# Networks: a few architectures saved by the library itself.
cat >"$T/nets.c" <<'PROG'
#include <stdio.h>
#include <stdlib.h>
#include "rlc/rlc.h"
int main(int argc, char **argv) {
  const char *archs[] = {"4-8-2", "3-16-16-1", "8-4", "2-5-5-5-3"};
  for (int i = 0; i < 4; i++) {
    rlcNetDef def = rlc_net_default_def();
    rlcNet *net;
    char p[512], q[512];
    if (rlc_net_def_mlp(&def, archs[i], RLC_LAYER_RELU) || rlc_net_create(&def, &net)) return 1;
    snprintf(p, sizeof p, "%s/tmp.rlcnet", argv[1]);
    if (rlc_net_save(net, p)) return 1;
    FILE *f = fopen(p, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 12, SEEK_SET);
    unsigned char *buf = malloc(n);
    size_t got = fread(buf, 1, n - 16, f);
    fclose(f);
    remove(p);
    snprintf(q, sizeof q, "%s/net%d", argv[1], i);
    f = fopen(q, "wb");
    fprintf(f, "%s\n", archs[i]);
    fwrite(buf, 1, got, f);
    fclose(f);
    free(buf);
    rlc_net_destroy(net);
  }
  return 0;
}
PROG
cc -Iinclude -o "$T/nets" "$T/nets.c" "$B/librlc.a" $(pkg-config --libs cairo libpng) -lgif -lm -lpthread
"$T/nets" "$C/net"
i=0
while IFS= read -r line; do
  i=$((i + 1))
  printf '%b' "$line" >"$C/settings/s$i"
done <<'LINES'
dqn\nCartPole-v1\n\nlr=1e-3,batch_size=32
\n\nhoml-dqn\n
ppo\nPendulum-v1\n\nnum_envs=4,num_steps=32\nhidden=64-64
rainbow\nMinAtar/Breakout-v1\n\nbuffer_size=1000
q-learning\nFrozenLake-v1\n\nalpha=0.1,env_options=map_name=8x8
+dqn\nCartPole-v1\n\nbuffer_size=134217728
+a2c\nAcrobot-v1\n\nhidden=c16k3-128
+reinforce\nCartPole-v1\n\nepisodes_per_update=1048576
+q-lambda\nGridWorld-v0\n\nenv_options=size=100
LINES
i=0
while IFS= read -r line; do
  i=$((i + 1))
  printf '%b' "$line" >"$C/env_options/e$i"
done <<'LINES'
\002size=5
\011map_name=8x8,is_slippery=false
\011desc=[SFFF;FHFH;FFFH;HFFG]
\000max_episode_steps=10
\017natural=true,sab=false
\023sticky_action_prob=0.2,difficulty_ramping=false
\203size=7
LINES
du -sh "$C"
