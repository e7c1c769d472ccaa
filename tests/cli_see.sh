#!/bin/sh
# tests/cli_see.sh: seeing runs: output names checked, progress lines in logs,
# Ctrl-C, the best model, several seeds, video, the live window, the report.
# Usage: sh tests/cli_see.sh BUILD_DIR. Last line: "N passed, N failed".
PART=cli_see
. "$(dirname "$0")/lib_cli.sh"

# --gif writes GIF data: another extension is refused, nothing written.
expect_fail "play --gif x.png refused" "must end in .gif" "$RLC" play --env Taxi-v3 --episodes 1 --gif "$T/out.png"
[ ! -e "$T/out.png" ] && ok "no .png written" || ko "out.png written"
"$RLC" play --episodes 1 --gif "$T/UP.GIF" --quiet >/dev/null && ok "play --gif X.GIF accepted" || ko "X.GIF refused"

# Ctrl-C: a checkpoint, one line saying so, exit status 130; progress lines
# (whole lines, no carriage returns) while stderr is a file.
: >"$T/int.err"
"$RLC" train --algo dqn --steps 100000000 --set stop_at_threshold=false --out "$T/int" --progress 0.2 >"$T/int.out" 2>"$T/int.err" &
pid=$!
i=0
while [ $i -lt 200 ] && [ "$(grep -c '% | ' "$T/int.err")" -lt 3 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] && ok "Ctrl-C exits 130" || ko "Ctrl-C exit status $rc"
grep -q "^rlc: interrupted, checkpoint saved" "$T/int.err" && ok "Ctrl-C says interrupted, checkpoint saved" ||
  ko "no interrupted line: $(tail -c 300 "$T/int.err")"
[ -s "$T/int/checkpoint.rlc" ] && ok "Ctrl-C left a checkpoint" || ko "no checkpoint after Ctrl-C"
n=$(grep -c '^ *[0-9]*% | [0-9]* steps' "$T/int.err")
[ "$n" -ge 3 ] && ok "progress lines in a log file ($n)" || ko "$n progress lines: $(head -c 300 "$T/int.err")"
grep -q "$(printf '\r')" "$T/int.err" && ko "carriage returns in a log file" || ok "no carriage returns in a log file"
last_json "$RLC" eval "$T/int" --episodes 1 --json
at=$(json_get steps)
"$RLC" train --resume "$T/int" --steps $((at + 500)) --quiet && ok "the interrupted run resumes (at step $at)" ||
  ko "resume after Ctrl-C at step $at: $(cat "$T/err")"

# The best model: best.rlc beside checkpoint.rlc; eval --best says which it used.
"$RLC" train --algo random --steps 6000 --set episodes=0,eval_interval=1000,eval_episodes=5 --out "$T/best" >"$T/best.out" 2>&1
[ -s "$T/best/best.rlc" ] && ok "train keeps best.rlc" || ko "no best.rlc"
grep -q "^best evaluation: .* kept in best.rlc" "$T/best.out" && ok "train summary names the best evaluation" ||
  ko "summary: $(cat "$T/best.out")"
"$RLC" eval "$T/best" --best --episodes 2 >"$T/out" && grep -q "^model: best.rlc" "$T/out" && ok "eval --best says best.rlc" ||
  ko "eval --best: $(cat "$T/out")"
"$RLC" eval "$T/best" --episodes 2 >"$T/out" && grep -q "^model: checkpoint.rlc, the final one" "$T/out" &&
  ok "eval says the final model" || ko "eval: $(cat "$T/out")"
last_json "$RLC" eval "$T/best" --best --episodes 2 --json && [ "$(json_get model)" = '"best"' ] && ok "eval --best --json model" ||
  ko "eval --best --json: $J"
cp -r "$T/best" "$T/nobest" && rm "$T/nobest/best.rlc"
expect_fail "eval --best without best.rlc" "no best model" "$RLC" eval "$T/nobest" --best

# Several seeds: DIR/seed-S each, a summary across them, a plot with bands.
if last_json "$RLC" train --algo random --steps 2000 --seeds 0-2 --jobs 2 --set episodes=0,eval_interval=500 --out "$T/seeds" --json; then
  [ "$(json_get seeds)" = 3 ] && [ "$(json_get failed)" = 0 ] && ok "train --seeds 0-2 --jobs 2" || ko "seeds json: $J"
else ko "train --seeds ($(head -c 300 "$T/err"))"; fi
for s in 0 1 2; do [ -s "$T/seeds/seed-$s/checkpoint.rlc" ] || ko "no seed-$s run"; done
"$RLC" train --algo random --steps 2000 --seeds 3,5 --set episodes=0 --out "$T/seeds" >"$T/out" 2>&1 &&
  grep -q "^2 seeds in .*mean ± std across seeds" "$T/out" && [ -d "$T/seeds/seed-5" ] && ok "train --seeds 3,5 one after another" ||
  ko "seeds 3,5: $(cat "$T/out")"
"$RLC" plot "$T/seeds" -o "$T/seeds.png" >/dev/null && [ -s "$T/seeds.png" ] && ok "plot a seeds directory" || ko "plot seeds"
expect_fail "--seeds with --seed" "does not go with it" "$RLC" train --seeds 0-1 --seed 3 --out "$T/x"
expect_fail "--seeds malformed" "expected seeds like" "$RLC" train --seeds 4-x --out "$T/x"
expect_fail "--seeds reversed" "increasing ranges" "$RLC" train --seeds 4-1 --out "$T/x"

# Video: --video FILE.mp4 on play and eval; the MP4 plays in headless Chromium
# (ready, the right size and duration, time advancing).
expect_fail "play --video x.gif refused" "must end in .mp4" "$RLC" play --episodes 1 --video "$T/x.gif"
expect_fail "eval --gif and --video" "not both" "$RLC" eval "$T/best" --gif "$T/a.gif" --video "$T/a.mp4"
"$RLC" play --policy heuristic --episodes 1 --video "$T/cp.mp4" --json >"$T/out" && [ -s "$T/cp.mp4" ] &&
  ok "play --video writes an MP4" || ko "play --video: $(cat "$T/out")"
len=$(sed -n 's/.*"steps": \([0-9]*\).*/\1/p' "$T/out")
"$RLC" eval "$T/best" --episodes 2 --video "$T/ev.mp4" >/dev/null && [ -s "$T/ev.mp4" ] && ok "eval --video writes an MP4" ||
  ko "eval --video"
"$RLC" play --env Taxi-v3 --episodes 1 --video "$T/taxi.mp4" --quiet >/dev/null && [ -s "$T/taxi.mp4" ] &&
  ok "play --video on Taxi (550 x 350)" || ko "play --video Taxi"
# browser PAGE: Chromium's DOM after the page ran (virtual time: no waiting).
browser() {
  timeout 120 chromium --headless=new --user-data-dir="$T/chrome" --no-sandbox --disable-gpu --autoplay-policy=no-user-gesture-required \
    --virtual-time-budget=10000 --dump-dom "file://$1" 2>/dev/null
}
cat >"$T/video.html" <<'HTML'
<!doctype html><html><body><video id="v" src="cp.mp4" muted autoplay></video><pre id="out">pending</pre>
<script>
const v = document.getElementById('v'), out = document.getElementById('out');
function show() {
  out.textContent = 'ready=' + v.readyState + ' w=' + v.videoWidth + ' h=' + v.videoHeight +
    ' duration=' + v.duration + ' time=' + v.currentTime + ' error=' + (v.error ? v.error.code : 0);
}
for (const e of ['loadeddata', 'playing', 'timeupdate', 'ended', 'error']) v.addEventListener(e, show);
v.play().catch(show);
</script></body></html>
HTML
if command -v chromium >/dev/null; then
  res=$(browser "$T/video.html" | sed -n 's/.*<pre id="out">\([^<]*\)<.*/\1/p')
  want=$(awk "BEGIN { printf \"%g\", ($len + 1) / 50 }")  # CartPole renders at 50 fps
  case "$res" in
    *"ready=4 w=600 h=400 duration=$want "*"error=0")
      t=$(echo "$res" | sed -n 's/.*time=\([0-9.]*\).*/\1/p')
      awk "BEGIN { exit !($t > 0) }" && ok "the MP4 plays in Chromium ($res)" || ko "the MP4 did not advance: $res" ;;
    *) ko "the MP4 in Chromium: '$res' (expected ready=4 w=600 h=400 duration=$want)" ;;
  esac
else ko "chromium is not installed (sh scripts/deps.sh)"; fi

# Training videos: RecordVideo's trigger every video_interval-th evaluation, and agent.mp4.
"$RLC" train --algo heuristic --steps 4000 --set eval_interval=1000,eval_episodes=2,video=true,video_interval=2 \
  --out "$T/vid" --quiet && ok "train video=true" || ko "train video=true"
[ "$(ls "$T/vid/videos" 2>/dev/null | tr '\n' ' ')" = "eval-000001000.mp4 eval-000003000.mp4 " ] &&
  ok "videos of every 2nd evaluation" || ko "videos: $(ls "$T/vid/videos" 2>&1 | tr '\n' ' ')"
[ -s "$T/vid/agent.mp4" ] && ok "train writes agent.mp4" || ko "no agent.mp4"
"$RLC" train --algo heuristic --steps 10000 --set eval_interval=1000,eval_episodes=1,video=true,gif=false --out "$T/cub" --quiet
[ "$(ls "$T/cub/videos" 2>/dev/null | tr '\n' ' ')" = "eval-000001000.mp4 eval-000002000.mp4 eval-000009000.mp4 " ] &&
  ok "videos on RecordVideo's cubic schedule by default (evaluations 0, 1, 8)" || ko "cubic videos: $(ls "$T/cub/videos" 2>&1 | tr '\n' ' ')"

# The live window, under a virtual display this script starts (Xvfb). Screenshots
# come from the X server (tests/tools/x11_shot.c) and are compared with the
# env's own frames.
(unset DISPLAY WAYLAND_DISPLAY SDL_VIDEODRIVER
  expect_fail "--render human without a display" "needs a display" "$RLC" play --render human --episodes 1)
expect_fail "--render other modes" "the mode is human" "$RLC" play --render rgb --episodes 1
san=""
nm "$B/librlc.a" 2>/dev/null | grep -q __asan_ && san="-fsanitize=address,undefined"
if command -v Xvfb >/dev/null &&
  cc -O1 $san -Iinclude tests/tools/x11_shot.c "$B/librlc.a" $(pkg-config --libs cairo libpng libavformat libavcodec libswscale libavutil x11) \
    -lgif -lbox2d -lm -lpthread -o "$T/x11_shot" 2>"$T/cc.err"; then
  Xvfb -displayfd 5 -screen 0 1280x1024x24 -nolisten tcp 5>"$T/display" 2>/dev/null &
  xvfb=$!
  i=0
  while [ ! -s "$T/display" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  export DISPLAY=":$(cat "$T/display")"
  # Under the sanitizers: SDL, X11 and D-Bus keep allocations to the end, in
  # libraries loaded and unloaded at run time whose stacks LSan cannot name
  # (so no suppression matches); AddressSanitizer itself stays on.
  asan_options=$ASAN_OPTIONS
  [ -n "$san" ] && export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  # play --render human: the window shows the env's frames; Escape ends it.
  "$RLC" play --env GridWorld-v0 --render human --policy heuristic --episodes 1000 >"$T/play.out" 2>&1 &
  pid=$!
  "$T/x11_shot" GridWorld-v0 0 "$T/shot.png" escape >"$T/shot.out" 2>&1 && ok "the window shows the env's frame ($(cat "$T/shot.out"))" ||
    ko "play window: $(cat "$T/shot.out")"
  i=0
  while kill -0 $pid 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 $pid 2>/dev/null; then kill $pid; ko "Escape did not end rlc play"
  else wait $pid && ok "Escape ends rlc play cleanly (exit 0)" || ko "rlc play after Escape: $(cat "$T/play.out")"; fi
  # eval --watch: closing the window ends it, with the episodes watched whole.
  "$RLC" train --algo heuristic --env GridWorld-v0 --steps 500 --out "$T/gw" --quiet
  "$RLC" eval "$T/gw" --watch --episodes 1000 >"$T/eval.out" 2>&1 &
  pid=$!
  "$T/x11_shot" GridWorld-v0 0 "$T/shot2.png" close >"$T/shot.out" 2>&1 && ok "eval --watch shows the env's frame" ||
    ko "eval window: $(cat "$T/shot.out")"
  i=0
  while kill -0 $pid 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 $pid 2>/dev/null; then kill $pid; ko "closing the window did not end rlc eval --watch"
  else wait $pid && grep -q "window was closed" "$T/eval.out" && ok "closing the window ends eval --watch" ||
    ko "eval --watch after closing: $(cat "$T/eval.out")"; fi
  # train --watch on GridWorld: the Q-values live.
  "$RLC" train --algo q-learning --env GridWorld-v0 --steps 100000000 --watch --out "$T/gwt" >"$T/train.out" 2>&1 &
  pid=$!
  "$T/x11_shot" GridWorld-v0 0 "$T/shot3.png" training >"$T/shot.out" 2>&1 && ok "train --watch: $(cat "$T/shot.out")" ||
    ko "train --watch: $(cat "$T/shot.out")"
  kill -INT $pid
  wait $pid
  rc=$?
  [ $rc -eq 130 ] && ok "train --watch stops on Ctrl-C" || ko "train --watch exit $rc: $(tail -c 300 "$T/train.out")"
  kill $xvfb
  wait $xvfb 2>/dev/null
  unset DISPLAY
  ASAN_OPTIONS=$asan_options
else ko "no Xvfb or the screenshot tool does not build: $(head -c 300 "$T/cc.err")"; fi

# The HTML report: one file, nothing fetched; in Chromium its images load,
# its video plays, and the text a person reads is there.
"$RLC" train --algo heuristic --steps 3000 --set eval_interval=1000,eval_episodes=3,video=true --out "$T/rep" --quiet
if "$RLC" report "$T/rep" "$T/seeds" -o "$T/report.html" >/dev/null; then ok "report writes one file"
else ko "report: $(cat "$T/err")"; fi
grep -Eq '(src|href)="(https?:|//|file:)' "$T/report.html" && ko "the report links outside itself" || ok "the report is self-contained"
grep -q "<script" "$T/report.html" && ko "the report has a script" || ok "the report runs no script"
expect_fail "report -o x.png" "must end in .html" "$RLC" report "$T/rep" -o "$T/x.png"
expect_fail "report of a non-run" "not a run directory" "$RLC" report "$T" -o "$T/y.html"
if command -v chromium >/dev/null; then
  text=$(browser "$T/report.html" | sed 's/<[^>]*>/ /g')
  for want in "rlc run report" "heuristic on CartPole-v1, seed 0" "Evaluations (greedy policy)" "Best evaluation:" \
    "Timings" "The trained agent" "Configuration (" "5 seeds" "Learning curves (mean and ±1 std band across seeds)"; do
    case "$text" in *"$want"*) ok "the report shows '$want'" ;; *) ko "the report lacks '$want'" ;; esac
  done
  cat >"$T/look.html" <<'HTML'
<!doctype html><html><body><iframe id="f" src="report.html" width="1000" height="800"></iframe><pre id="out">pending</pre>
<script>
document.getElementById('f').addEventListener('load', () => {
  const d = document.getElementById('f').contentDocument, out = document.getElementById('out');
  const imgs = [...d.images], v = d.querySelector('video');
  const look = () => out.textContent = 'images=' + imgs.length + ' loaded=' + imgs.filter(i => i.complete && i.naturalWidth > 0).length +
    ' video=' + (v ? v.readyState + ' ' + v.videoWidth + 'x' + v.videoHeight + ' time=' + v.currentTime : 'none');
  look();
  if (v) for (const e of ['loadeddata', 'playing', 'timeupdate']) v.addEventListener(e, look);
});
</script></body></html>
HTML
  res=$(timeout 120 chromium --headless=new --user-data-dir="$T/chrome" --no-sandbox --disable-gpu --allow-file-access-from-files \
    --autoplay-policy=no-user-gesture-required --virtual-time-budget=10000 --dump-dom "file://$T/look.html" 2>/dev/null |
    sed -n 's/.*<pre id="out">\([^<]*\)<.*/\1/p')
  case "$res" in
    "images=3 loaded=3 video=4 600x400 time="*) ok "in Chromium the report's curves load and its video plays ($res)" ;;
    *) ko "the report in Chromium: '$res'" ;;
  esac
  timeout 120 chromium --headless=new --user-data-dir="$T/chrome" --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,1400 \
    --screenshot="$T/report.png" "file://$T/report.html" >/dev/null 2>&1
  [ "$(wc -c <"$T/report.png" 2>/dev/null || echo 0)" -gt 50000 ] && ok "a screenshot of the report ($(wc -c <"$T/report.png") bytes)" ||
    ko "no screenshot of the report"
fi

cli_summary
