#!/bin/sh
# bench/bench_offpolicy.sh: the races of the off-policy issue, on this
# machine. RLtools itself is not installed here; its figures (a different
# machine: OpenBLAS, one thread) are printed beside rlc's for reference.
#   1. TD3 on Pendulum-v1, RLtools' sizes (preset rltools-td3), 5 seeds
#   2. SAC on Pendulum-v1, RLtools' sizes (preset rltools-sac), 5 seeds
#   3. PPO on Pendulum-v1, RLtools' settings (preset rltools-ppo), 5 seeds
#   4. MountainCarContinuous-v0 with rlc's default (td3), 5 seeds
#   5. one update at batch 256 with 256-256 nets, per algorithm, against the
#      core's FMA peak measured by bench/fma_peak.c
#   6. the time split of a whole run (act, env, update; thread CPU time)
# Wall time is end to end (`rlc train` as a process); CPU is user + sys.
# Greedy returns: mean of 100 evaluation episodes after training ("10 ep":
# the final policy's mean over episodes 0-9 of `rlc eval`, RLtools' protocol
# of 10 deterministic episodes, for comparison with its figures).
#   7. the evaluation protocol's noise: one policy trained longer (TD3, 60k
#      steps), its mean over 1000 episodes, and the spread of its means over
#      100 disjoint blocks of 10 episodes
# Usage: sh bench/bench_offpolicy.sh [SEEDS]   (default 5)
cd "$(dirname "$0")/.." || exit 1
make -s build/rlc build/bench/bench_offpolicy || exit 1
N=${1:-5}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

race() {  # name preset|algo env extra-settings rltools-figure
  name=$1 preset=$2 env=$3 extra=$4 ref=$5
  : > "$T/$name"
  s=0
  while [ $s -lt "$N" ]; do
    if [ "${preset#*-}" != "$preset" ]; then what="--preset $preset"; else what="--algo $preset --env $env"; fi
    /usr/bin/time -f "%e %U %S" -o "$T/time" build/rlc train $what --seed $s --quiet --json --force \
      --out "$T/run" --set "gif=false,eval_interval=0,eval_episodes=100${extra:+,$extra}" > "$T/json" || exit 1
    ret=$(sed 's/.*"eval_mean_return": \([-0-9.e+]*\).*/\1/' "$T/json")
    steps=$(sed 's/.*"steps": \([0-9]*\),.*/\1/' "$T/json")
    r10=$(build/rlc eval "$T/run" --episodes 10 --seed 0 --json | tail -n 1 |
          sed 's/.*"eval_mean_return": \([-0-9.e+]*\).*/\1/')
    set -- $(cat "$T/time")
    echo "$s $1 $(echo "$2 + $3" | bc) $ret $steps $r10" >> "$T/$name"
    printf '  %-12s seed %d: %6d steps  wall %6.2f s  cpu %6.2f s  greedy return %8.1f  (10 ep %7.1f)\n' "$name" "$s" \
      "$steps" "$1" "$(echo "$2 + $3" | bc)" "$ret" "$r10"
    s=$((s + 1))
  done
  printf '%-12s median of %d: wall %.2f s  cpu %.2f s  greedy return %.1f  (10 ep %.1f)   (%s)\n' "$name" "$N" \
    "$(cut -d' ' -f2 "$T/$name" | median)" "$(cut -d' ' -f3 "$T/$name" | median)" \
    "$(cut -d' ' -f4 "$T/$name" | median)" "$(cut -d' ' -f6 "$T/$name" | median)" "$ref"
}

echo "== races (this machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
race td3-rltools rltools-td3 Pendulum-v1 "" "RLtools: about 5.5 s, returns -137 -150 -133 on seeds 0-2; rl-zoo TD3 at 20k steps -152"
race sac-rltools rltools-sac Pendulum-v1 "" "RLtools: about 3.2 s, returns -189 -143 -143 on seeds 0-2; rl-zoo SAC at 20k steps -157"
race ppo-rltools rltools-ppo Pendulum-v1 "" "RLtools: about 5.9 s, -174 over 1000 episodes"
race mcc-td3 td3 MountainCarContinuous-v0 "eval_interval=5000,eval_episodes=10" "solved: greedy mean >= 90"
awk '$4 >= 90 {n++} END {printf "mcc-td3      solved (>= 90) in %d of %d seeds\n", n, NR}' "$T/mcc-td3"

echo "== one update at batch 256, 256-256 nets (thread CPU time)"
cc -O2 -o "$T/fma_peak" bench/fma_peak.c || exit 1
peak=$("$T/fma_peak")
echo "core peak measured by bench/fma_peak.c (12 independent 8-wide FMA chains, best of 40): $peak GFLOP/s"
for a in ddpg td3 sac; do
  line=$(build/bench/bench_offpolicy $a Pendulum-v1 - \
    "hidden=256-256,batch_size=256,learning_starts=256,steps=1256,train_unit=step,gradient_steps=1,buffer_size=100000" 0 1)
  us=$(echo "$line" | sed 's/.*us_per_update=\([0-9.]*\).*/\1/')
  gf=$(echo "$line" | sed 's/.*update_gflops=\([0-9.]*\).*/\1/')
  printf '  %-5s %8.0f us per update  %6.1f GFLOP/s  = %4.1f%% of peak\n' "$a" "$us" "$gf" \
    "$(echo "100 * $gf / $peak" | bc -l)"
done

echo "== time split of whole runs (thread CPU time, seed 0)"
for p in "td3 rltools-td3" "sac rltools-sac"; do
  set -- $p
  build/bench/bench_offpolicy "$1" Pendulum-v1 "$2" - 0 100 |
    awk '{for (i = 1; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
          printf "  %-12s cpu %.2f s: act %.1f%%  env %.1f%%  update %.1f%%  (%s us per update; greedy return %s)\n",
            "'"$2"'", v["cpu_s"], 100 * v["act_s"] / v["cpu_s"], 100 * v["env_s"] / v["cpu_s"],
            100 * v["update_s"] / v["cpu_s"], v["us_per_update"], v["return"]}'
done

echo "== the evaluation protocol's noise (Pendulum-v1 episodes differ by their initial state)"
build/rlc train --preset rltools-td3 --steps 60000 --seed 0 --quiet --json --force --out "$T/long" \
  --set "gif=false,eval_interval=0,eval_episodes=1000" > "$T/json" || exit 1
echo "  TD3 (rltools-td3) trained 60k steps: mean of 1000 episodes $(sed 's/.*"eval_mean_return": \([-0-9.e+]*\).*/\1/' "$T/json")"
: > "$T/blocks"
for b in $(seq 0 10 990); do
  build/rlc eval "$T/long" --episodes 10 --seed "$b" --json | tail -n 1 |
    sed 's/.*"eval_mean_return": \([-0-9.e+]*\).*/\1/' >> "$T/blocks"
done
sort -g "$T/blocks" | awk '{a[NR] = $1} END {printf "  the same policy over 100 blocks of 10 episodes: p10 %.1f  median %.1f  p90 %.1f  (min %.1f, max %.1f)\n",
  a[10], (a[50] + a[51]) / 2, a[90], a[1], a[NR]}'
