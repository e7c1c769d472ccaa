#!/bin/sh
# tests/cli.sh: end-to-end checks of the rlc command line: exit statuses, one-line
# errors, --json lines, GIF output, the env checker on every env.
# Usage: sh tests/cli.sh BUILD_DIR. Last line: "N passed, N failed".
PART=cli
. "$(dirname "$0")/lib_cli.sh"

expect_fail "unknown env id" "unknown env id 'CartPole-v9' (did you mean 'CartPole-v1'" "$RLC" play --env CartPole-v9
expect_fail "unknown command" "unknown command" "$RLC" frobnicate
expect_fail "unknown option" "unknown option '--bogus'" "$RLC" play --bogus
expect_fail "bad number" "--episodes abc: expected an integer" "$RLC" play --episodes abc
expect_fail "out-of-range number" "--episodes 0: must be in" "$RLC" play --episodes 0
expect_fail "unknown policy" "unknown policy" "$RLC" play --policy smart
expect_fail "bad env option" "unknown option 'bogus' for CartPole-v1" "$RLC" play --options bogus=1
expect_fail "gif into a missing directory" "" "$RLC" play --episodes 1 --gif /nonexistent/dir/x.gif
expect_fail "check-env without id" "needs an env id" "$RLC" check-env
expect_fail "bench-env bad threads" "--threads 0" "$RLC" bench-env CartPole-v1 --threads 0

for c in list play check-env bench-env bench-nn; do
  if "$RLC" $c --help >"$T/out" 2>&1 && grep -q "^usage: rlc $c" "$T/out"; then ok "$c --help"; else ko "$c --help"; fi
done

# The book's basic policy on CartPole: 500 episodes of at most 200 steps average about 42.
if last_json "$RLC" play --env CartPole-v1 --policy heuristic --episodes 500 --max-steps 200 --seed 0 --quiet --json; then
  m=$(json_get mean_return)
  if awk "BEGIN{exit !($m > 38 && $m < 46)}"; then ok "heuristic CartPole mean return $m (book: 41.7)"; else ko "heuristic mean return $m"; fi
  [ "$(json_get episodes)" = 500 ] && ok "play --json episodes" || ko "play --json episodes"
else ko "play --json"; fi

# Same seed, same output.
"$RLC" play --episodes 5 --seed 7 >"$T/a" && "$RLC" play --episodes 5 --seed 7 >"$T/b"
if cmp -s "$T/a" "$T/b"; then ok "play is deterministic per seed"; else ko "play is deterministic per seed"; fi

# GIF of the first episode.
if "$RLC" play --policy heuristic --episodes 1 --gif "$T/cp.gif" >/dev/null && [ -s "$T/cp.gif" ] &&
  [ "$(head -c 6 "$T/cp.gif")" = "GIF89a" ]; then ok "play --gif writes a GIF"; else ko "play --gif writes a GIF"; fi
ls "$T" | grep -q tmp && ko "no temp files left" || ok "no temp files left"

# Every registered env passes the checker.
if "$RLC" check-env --all --quiet >"$T/out" 2>&1; then ok "check-env --all ($(grep -c 'all checks passed' "$T/out") envs)"
else ko "check-env --all: $(grep FAIL "$T/out" | head -3)"; fi

if last_json "$RLC" bench-env CartPole-v1 --steps 200000 --json && [ -n "$(json_get steps_per_s)" ]; then ok "bench-env --json"
else ko "bench-env --json"; fi
if last_json "$RLC" bench-nn --arch 4-32-32-2 --act elu --iters 200 --json && [ -n "$(json_get us_per_update)" ]; then ok "bench-nn --json"
else ko "bench-nn --json"; fi
expect_fail "bench-nn bad arch" "" "$RLC" bench-nn --arch 4-x-2
if last_json "$RLC" list --json && [ "$(json_get envs)" -ge 2 ]; then ok "list --json"; else ko "list --json"; fi
# A heuristic that never ends an episode, on an env without a time limit
# (Seaquest's stays under water forever): play caps the episode and says so.
if timeout 120 "$RLC" play --env MinAtar/Seaquest-v1 --policy heuristic --episodes 1 >"$T/out" 2>"$T/err" &&
  grep -q "length 10000 (truncated)" "$T/out" && grep -q "no time limit: episodes end after 10000 steps" "$T/err"; then
  ok "play caps episodes of envs without a time limit"
else ko "play without a time limit: $(head -c 200 "$T/out") $(head -c 200 "$T/err")"; fi
# --algos --json: a JSON object per algorithm, then the count.
if "$RLC" list --algos --json >"$T/algos" && tail -n 1 "$T/algos" | grep -q '^{"algorithms": [0-9]*}$' &&
  grep '^{"algo": "ppo", ' "$T/algos" | grep -q '"presets": "cleanrl-ppo[,"]' && ! grep -qv '^{' "$T/algos"; then
  ok "list --algos --json"
else ko "list --algos --json: $(head -c 200 "$T/algos")"; fi
# Long ids keep the columns aligned: every row's max-steps column ends at the header's.
"$RLC" list >"$T/list"
end=$(head -n 1 "$T/list" | awk '{print index($0, "max steps") + 8}')
if awk -v e="$end" 'NR > 1 && NF >= 3 && /Discrete|Box/ { if (substr($0, e, 1) != " " && substr($0, e + 1, 1) == " ") next; bad++ }
  END { exit bad > 0 }' "$T/list"; then ok "list columns aligned"
else ko "list columns misaligned"; fi

# The custom env example registers its env and passes the checker.
if [ -x "$B/examples/custom_env" ]; then
  if "$B/examples/custom_env" >"$T/out" 2>&1; then ok "examples/custom_env runs"; else ko "examples/custom_env: $(tail -3 "$T/out")"; fi
fi

cli_summary
