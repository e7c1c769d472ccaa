#!/bin/sh
# scripts/man.sh RLC OUT: writes the man page rlc(1) to OUT from the tool's
# own --help texts (rlc --help and rlc COMMAND --help), so the page says
# exactly what the program does.
set -e
RLC=$1
OUT=$2
VERSION=$("$RLC" version | sed -n 's/^rlc \([^ :]*\).*/\1/p')
# roff: backslashes doubled, hyphens and leading dots escaped.
esc() { sed -e 's/\\/\\\\/g' -e 's/-/\\-/g' -e "s/^\\./\\\\\\&./" -e "s/^'/\\\\\\&'/"; }
cmds=$("$RLC" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
{
  echo ".TH RLC 1 \"\" \"rlc $VERSION\" \"User Commands\""
  echo ".SH NAME"
  printf '%s\n' 'rlc \- reinforcement learning in C: train, evaluate and watch agents on Gymnasium\-compatible environments'
  echo ".SH SYNOPSIS"
  echo ".B rlc"
  echo ".I COMMAND"
  echo "[options]"
  echo ".SH DESCRIPTION"
  "$RLC" --help | awk 'NR == 1' | esc
  echo ".PP"
  printf '%s\n' 'With no arguments, \fBrlc train\fR trains DQN on CartPole\-v1 (its default preset) and writes the'
  echo "run directory (config.txt, metrics.csv, episodes.csv, TensorBoard events, checkpoint.rlc,"
  echo "curve.png, agent.gif)."
  echo ".SH COMMANDS"
  for c in $cmds; do
    echo ".SS \"rlc $c\""
    # Escaped first, then laid out: usage in bold, options as tagged paragraphs.
    "$RLC" "$c" --help 2>&1 | sed -e 's/\\/\\\\/g' -e 's/-/\\-/g' | awk '
      /^usage: / { sub(/^usage: /, ""); print ".B " $0; print ".PP"; next }
      /^options:/ { next }
      /^  \\-/ {
        line = $0; sub(/^  /, "", line)
        n = match(line, /  +/)
        print ".TP"
        if (n) { print substr(line, 1, n - 1); d = substr(line, n); sub(/^ +/, "", d); print d }
        else print line
        next
      }
      /^$/ { print ".PP"; next }
      { sub(/^ +/, ""); if (substr($0, 1, 1) == "." || substr($0, 1, 1) == "\047") $0 = "\\&" $0; print }'
  done
  echo ".SH FILES"
  echo "A run directory holds config.txt (every setting), metrics.csv, episodes.csv, a TensorBoard"
  echo "events file, checkpoint.rlc (written at creation, every checkpoint_seconds and at the end;"
  printf '%s\n' '\fBrlc train \-\-resume DIR\fR continues exactly), curve.png and agent.gif.'
  echo ".SH EXIT STATUS"
  printf '%s\n' '0 on success; 1 with a one\-line message on stderr for any error; 2 for a malformed command line.'
  echo ".SH SEE ALSO"
  printf '%s\n' 'The library'\''s headers in include/rlc/ (rlc.h includes them all); pkg\-config \-\-cflags \-\-libs rlc.'
} >"$OUT"
