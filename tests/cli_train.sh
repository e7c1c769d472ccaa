#!/bin/sh
# tests/cli_train.sh: rlc train / eval / plot end to end: the run directory,
# --json lines, resume, refusing to overwrite, one-line errors.
# Usage: sh tests/cli_train.sh BUILD_DIR. Last line: "N passed, N failed".
PART=cli_train
. "$(dirname "$0")/lib_cli.sh"

# A run directory with everything in it.
R="$T/h"
if last_json "$RLC" train --algo heuristic --steps 2000 --set eval_interval=1000,eval_episodes=5 --out "$R" --json; then
  ok "train --json"
  for k in env algo seed steps episodes wall_s steps_per_s eval_mean_return eval_std_return eval_episodes solved; do
    [ -n "$(json_get $k)" ] || ko "train --json lacks $k"
  done
  [ "$(json_get steps)" = 2000 ] && ok "train ran 2000 steps" || ko "steps = $(json_get steps)"
  [ "$(json_get algo)" = '"heuristic"' ] && ok "json algo" || ko "json algo $(json_get algo)"
else ko "train --json (exit $?, $(head -c 300 "$T/err"))"; fi
for f in config.txt metrics.csv episodes.csv checkpoint.rlc curve.png agent.gif; do
  [ -s "$R/$f" ] && ok "run dir has $f" || ko "run dir lacks $f"
done
ls "$R"/events.out.tfevents.* >/dev/null 2>&1 && ok "run dir has a TensorBoard events file" || ko "no events file"
head -n 1 "$R/metrics.csv" | grep -q "^step,episodes,wall_s,steps_per_s,train_return,train_length,eval_return" \
  && ok "metrics.csv header" || ko "metrics.csv header: $(head -n 1 "$R/metrics.csv")"
grep -q "^eval_interval=1000$" "$R/config.txt" && grep -q "^rlc_version=" "$R/config.txt" \
  && ok "config.txt holds the resolved settings" || ko "config.txt"

# Refuse to overwrite; --force does.
before=$(md5sum <"$R/metrics.csv")
expect_fail "out dir holds another run" "holds another run" "$RLC" train --algo random --steps 100 --out "$R"
[ "$before" = "$(md5sum <"$R/metrics.csv")" ] && ok "nothing overwritten" || ko "metrics.csv changed"
"$RLC" train --algo random --steps 100 --out "$R" --force --quiet && ok "--force overwrites" || ko "--force"

# Resume: N then 2N equals 2N at once (episodes and metrics without the clock).
"$RLC" train --algo random --steps 1500 --seed 4 --out "$T/a" --quiet --set eval_interval=500 &&
  "$RLC" train --resume "$T/a" --steps 3000 --quiet &&
  "$RLC" train --algo random --steps 3000 --seed 4 --out "$T/b" --quiet --set eval_interval=500
if cmp -s "$T/a/episodes.csv" "$T/b/episodes.csv" &&
  [ "$(cut -d, -f1,2,5- "$T/a/metrics.csv")" = "$(cut -d, -f1,2,5- "$T/b/metrics.csv")" ]; then
  ok "resume to 2N equals 2N"
else ko "resume differs"; fi
expect_fail "resume cannot change settings" "cannot change it" "$RLC" train --resume "$T/a" --seed 5
# A budget only grows; a refused resume leaves every file as it was.
sums=$(cat "$T/a/config.txt" "$T/a/metrics.csv" "$T/a/episodes.csv" "$T/a/checkpoint.rlc" | md5sum)
expect_fail "resume refuses a smaller budget" "the run has done 3000 steps already" "$RLC" train --resume "$T/a" --steps 2000
[ "$sums" = "$(cat "$T/a/config.txt" "$T/a/metrics.csv" "$T/a/episodes.csv" "$T/a/checkpoint.rlc" | md5sum)" ] &&
  ok "a refused resume changes no file" || ko "a refused resume changed the run directory"
# The horizon of PPO's lr annealing is fixed at creation: N with horizon=2N,
# then --resume --steps 2N, equals one 2N run (lr column included).
"$RLC" train --algo ppo --steps 1536 --set horizon=3072,log_interval=256,gif=false --out "$T/pa" --quiet &&
  "$RLC" train --resume "$T/pa" --steps 3072 --quiet &&
  "$RLC" train --algo ppo --steps 3072 --set log_interval=256,gif=false --out "$T/pb" --quiet
grep -q "^horizon=3072$" "$T/pb/config.txt" && ok "config.txt records the horizon" || ko "no horizon in config.txt"
if [ "$(cut -d, -f1,2,5- "$T/pa/metrics.csv")" = "$(cut -d, -f1,2,5- "$T/pb/metrics.csv")" ]; then
  ok "ppo: N (horizon 2N) resumed to 2N equals 2N"
else ko "ppo resume with the horizon differs"; fi
# --resume may change nn_threads alone (results do not depend on it): N on one
# thread, resumed to 2N on two, equals 2N on one; config.txt and the next
# resume keep the new count; any other --set is refused.
"$RLC" train --steps 1500 --seed 3 --out "$T/ta" --quiet --set hidden=256-256,eval_interval=500,gif=false &&
  "$RLC" train --resume "$T/ta" --steps 3000 --set nn_threads=2 --quiet &&
  "$RLC" train --steps 3000 --seed 3 --out "$T/tb" --quiet --set hidden=256-256,eval_interval=500,gif=false
if cmp -s "$T/ta/episodes.csv" "$T/tb/episodes.csv" &&
  [ "$(cut -d, -f1,2,5- "$T/ta/metrics.csv")" = "$(cut -d, -f1,2,5- "$T/tb/metrics.csv")" ]; then
  ok "resume on 2 threads (--set nn_threads=2) equals one run on 1"
else ko "resume with nn_threads=2 differs"; fi
grep -q "^nn_threads=2$" "$T/ta/config.txt" && "$RLC" train --resume "$T/ta" --steps 3200 --quiet &&
  grep -q "^nn_threads=2$" "$T/ta/config.txt" && ok "config.txt and the next resume keep nn_threads=2" ||
  ko "nn_threads not kept"
expect_fail "resume refuses --set of a setting that changes results" "can change only nn_threads" \
  "$RLC" train --resume "$T/ta" --steps 4000 --set lr=0.1
expect_fail "resume refuses nn_threads out of range" "nn_threads=0: must be in" \
  "$RLC" train --resume "$T/ta" --steps 4000 --set nn_threads=0
# An edited config.txt is refused on resume (the checkpoint's settings rule).
cp -r "$T/a" "$T/edited"
echo "eval_interval=700" >>"$T/edited/config.txt"
expect_fail "resume refuses an edited config.txt" "config.txt has eval_interval=700 but the checkpoint has eval_interval=500" \
  "$RLC" train --resume "$T/edited" --steps 4000

# eval and plot.
if last_json "$RLC" eval "$R" --episodes 3 --json; then
  [ "$(json_get eval_episodes)" = 3 ] && ok "eval --json" || ko "eval episodes $(json_get eval_episodes)"
else ko "eval --json ($(head -c 300 "$T/err"))"; fi
"$RLC" eval "$T/a" --episodes 2 --gif "$T/e.gif" >/dev/null && [ -s "$T/e.gif" ] && ok "eval --gif" || ko "eval --gif"
"$RLC" plot "$T/a" "$T/b" -o "$T/ab.png" >/dev/null && [ -s "$T/ab.png" ] && ok "plot two runs" || ko "plot"
"$RLC" plot "$T/a" --output="$T/a.png" >/dev/null && [ -s "$T/a.png" ] && ok "plot --output=FILE" || ko "plot --output="

# Bad input: one line, nonzero, nothing written.
expect_fail "unknown algorithm" "unknown algorithm 'nope'" "$RLC" train --algo nope --out "$T/x"
expect_fail "unknown env" "unknown env id" "$RLC" train --algo random --env Nope-v0 --out "$T/x"
expect_fail "unknown preset" "unknown preset" "$RLC" train --preset nope --out "$T/x"
expect_fail "algorithm: did you mean" "did you mean 'double-dqn'" "$RLC" train --algo double_dqn --out "$T/x"
# Divergence stops the run with a one-line error instead of exiting 0 with NaN weights.
expect_fail "divergence is an error" "training diverged by step" "$RLC" train --algo dqn \
  --set optimizer=sgd,lr=10,loss=mse --steps 5000 --out "$T/div" --quiet
# The last good checkpoint stays (the one at creation here): it loads, without NaN.
"$RLC" eval "$T/div" --episodes 3 >"$T/out" 2>&1 && grep -q "(trained 0 steps)" "$T/out" && ! grep -qi nan "$T/out" &&
  ok "the last good checkpoint is kept" || ko "diverged run's checkpoint: $(cat "$T/out")"
many=""
i=0
while [ $i -lt 61 ]; do many="$many --set gamma=0.9"; i=$((i + 1)); done
# shellcheck disable=SC2086
expect_fail "more than 60 --set" "more than 60 --set" "$RLC" train --algo dqn $many --out "$T/x"
expect_fail "preset: did you mean" "did you mean 'homl-dqn'" "$RLC" train --preset homl_dqn --out "$T/x"
# --env-options reach the env as written (commas and brackets inside included).
if "$RLC" train --algo q-learning --env GridWorld-v0 --env-options size=10,goal_reward=2 --episodes 3 --out "$T/eo" --quiet \
  --set gif=false && grep -q '^env_options=size=10,goal_reward=2$' "$T/eo/config.txt"; then ok "--env-options size=10,goal_reward=2"
else ko "--env-options: $(cat "$T/eo/config.txt" 2>/dev/null | grep env_options)"; fi
expect_fail "unknown hyperparameter" "unknown hyperparameter 'stepz'" "$RLC" train --algo random --set stepz=3 --out "$T/x"
expect_fail "malformed value" "expected an integer" "$RLC" train --algo random --set steps=lots --out "$T/x"
expect_fail "impossible value" "num_envs=-2" "$RLC" train --algo random --steps 10 --set num_envs=-2 --out "$T/x"
expect_fail "tabular on a continuous env" "q-learning needs discrete observations" "$RLC" train --algo q-learning --env CartPole-v1 --out "$T/x"
[ ! -e "$T/x" ] && ok "failed runs write nothing" || ko "a failed run created $T/x"
expect_fail "missing checkpoint" "is not a run directory" "$RLC" eval "$T/none"
printf 'garbage' >"$T/a/checkpoint.rlc"
expect_fail "corrupt checkpoint (eval)" "not an rlc checkpoint" "$RLC" eval "$T/a"
expect_fail "corrupt checkpoint (resume)" "not an rlc checkpoint" "$RLC" train --resume "$T/a" --steps 5000
expect_fail "plot of a non-run" "not a run directory" "$RLC" plot "$T/none" -o "$T/n.png"
"$RLC" list --algos | grep -q "^random" && ok "list --algos" || ko "list --algos"
expect_fail "list unknown algo" "unknown algorithm" "$RLC" list --algo nope

# The library example trains PPO briefly and acts with the trained agent.
"$B/examples/train_agent" "$T/ex" >"$T/out" 2>&1 && grep -q "one greedy episode: return" "$T/out" \
  && ok "examples/train_agent runs" || ko "examples/train_agent: $(head -c 300 "$T/out")"

cli_summary
