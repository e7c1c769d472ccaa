#!/bin/sh
# tests/cli_crash.sh: crash safety. A training run killed with SIGKILL at
# random moments (during checkpoint writes too) always resumes, continues
# exactly as an unbroken run, and leaves no temporary file; a write that
# fails (file size limit: the disk is "full") is a one-line error that keeps
# the previous checkpoint; an unwritable directory is a one-line error.
# Usage: sh tests/cli_crash.sh BUILD_DIR. Last line: "N passed, N failed".
PART=cli_crash
. "$(dirname "$0")/lib_cli.sh"

# DQN with its replay in every checkpoint (a few hundred kB each), written
# every 100 steps, so kills land inside writes as well as between them.
SET="checkpoint_interval=100,eval_interval=2000,eval_episodes=2,log_interval=250,gif=false,buffer_size=20000"
STEPS=20000
"$RLC" train --algo dqn --steps $STEPS --seed 7 --set "$SET" --out "$T/ref" --quiet || ko "unbroken run"

# Kill at pseudo-random moments, resume, kill again, ...; KILLS kills in all.
KILLS=${RLC_CRASH_KILLS:-25}
kills=0 resumes=0 i=0 in_write=0
start() {
  if [ -e "$T/c/checkpoint.rlc" ]; then
    "$RLC" train --resume "$T/c" --steps $STEPS --quiet 2>>"$T/errs" &
    resumes=$((resumes + 1))
  else
    "$RLC" train --algo dqn --steps $STEPS --seed 7 --set "$SET" --out "$T/c" --force --quiet 2>>"$T/errs" &
  fi
  pid=$!
}
while [ $i -lt "$KILLS" ]; do
  i=$((i + 1))
  delay=$(awk -v s="$i" 'BEGIN { srand(s * 7919); printf "%.3f", 0.02 + rand() * 0.4 }')
  start
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null
  ls "$T/c" 2>/dev/null | grep -q "\.tmp\." && in_write=$((in_write + 1))
  # A killed run's checkpoint always loads (rlc eval reads it).
  if [ -e "$T/c/checkpoint.rlc" ] && ! "$RLC" eval "$T/c" --episodes 1 >/dev/null 2>>"$T/errs"; then
    ko "checkpoint after kill $i does not load: $(tail -n 1 "$T/errs")"
  fi
done
start
wait "$pid" && ok "resumed to the end after $kills kills ($in_write during a checkpoint write, $resumes resumes)" || ko "final resume: $(tail -n 2 "$T/errs")"
if [ "$(cut -d, -f1,2,5- "$T/c/metrics.csv")" = "$(cut -d, -f1,2,5- "$T/ref/metrics.csv")" ] &&
  cmp -s "$T/c/episodes.csv" "$T/ref/episodes.csv"; then
  ok "killed and resumed run equals the unbroken one (metrics.csv, episodes.csv)"
else ko "killed and resumed run differs from the unbroken one"; fi
ls "$T/c" | grep -q "\.tmp\." && ko "temporary files left: $(ls "$T/c")" || ok "no temporary file left"
# (A sanitized build's LeakSanitizer lists its suppressions on stderr: not an error.)
grep -E "rlc: error|ERROR|runtime error" "$T/errs" >"$T/errlines"
[ -s "$T/errlines" ] && ko "errors during kills: $(head -n 2 "$T/errlines")" || ok "no error from any resume"

# The disk is full (a file size limit makes writes fail with EFBIG): the
# checkpoint write fails with one line, and the previous checkpoint stays.
"$RLC" train --algo dqn --steps 300 --seed 1 --set "$SET" --out "$T/full" --quiet || ko "run for the disk-full check"
before=$(md5sum <"$T/full/checkpoint.rlc")
(
  trap '' XFSZ
  ulimit -f 64 # 64 blocks of 512 bytes: smaller than a checkpoint with 300 transitions... and up
  exec "$RLC" train --resume "$T/full" --steps 3000 --quiet
) >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -ne 0 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^rlc: error: .*cannot write" "$T/err"; then
  ok "a failed checkpoint write is one line"
else ko "disk full: exit $rc, stderr: $(head -c 300 "$T/err")"; fi
[ "$before" = "$(md5sum <"$T/full/checkpoint.rlc")" ] && ok "the previous checkpoint is intact" ||
  ko "the previous checkpoint changed"
ls "$T/full" | grep -q "\.tmp\." && ko "temporary file left after a failed write" || ok "no temporary file after a failed write"
"$RLC" train --resume "$T/full" --steps 600 --quiet && ok "the run resumes after the failed write" ||
  ko "no resume after a failed write"

# A real full disk (ENOSPC): a 1 MB tmpfs in a private mount namespace
# (needs root, as CI has). Replay grows each checkpoint until one does not fit.
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
  mkdir -p "$T/tiny"
  unshare -m sh -c "mount -t tmpfs -o size=1m tmpfs '$T/tiny' &&
    '$RLC' train --algo dqn --steps 20000 --seed 1 --set checkpoint_interval=500,eval_interval=0,gif=false --out '$T/tiny/r' --quiet
    echo \$? >'$T/rc'; cp '$T/tiny/r/checkpoint.rlc' '$T/enospc.rlc'; ls '$T/tiny/r' >'$T/ls'" >"$T/out" 2>"$T/err"
  if [ "$(cat "$T/rc")" -ne 0 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^rlc: error: .*No space left on device" "$T/err"; then
    ok "disk full (ENOSPC): one line, exit $(cat "$T/rc")"
  else ko "disk full (ENOSPC): exit $(cat "$T/rc"), stderr: $(head -c 300 "$T/err")"; fi
  grep -q "\.tmp\." "$T/ls" && ko "temporary file left on the full disk" || ok "no temporary file left on the full disk"
  mkdir -p "$T/enospc" && cp "$T/enospc.rlc" "$T/enospc/checkpoint.rlc" &&
    "$RLC" eval "$T/enospc" --episodes 1 >/dev/null 2>"$T/err" && ok "the last checkpoint before the disk filled loads" ||
    ko "checkpoint after ENOSPC: $(cat "$T/err")"
else ok "disk full (ENOSPC) skipped: mounting a tmpfs needs root"; fi

# Directories that cannot be written.
expect_fail "a run directory under a file" "cannot create" "$RLC" train --algo random --steps 10 --out "$T/full/checkpoint.rlc/x"
expect_fail "a run directory in /proc" "cannot create" "$RLC" train --algo random --steps 10 --out /proc/rlc-test-run

cli_summary
