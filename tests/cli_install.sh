#!/bin/sh
# tests/cli_install.sh: `make install` into a temporary prefix gives the
# headers, librlc.a, librlc.so with its SONAME and versioned links, the tool,
# rlc.pc and the man page; README.md's pkg-config build line builds and runs
# the README's library example against it; `make uninstall` removes it all.
# Usage: sh tests/cli_install.sh BUILD_DIR. Last line: "N passed, N failed".
PART=cli_install
. "$(dirname "$0")/lib_cli.sh"
ROOT=$(pwd)
P="$T/prefix"

# The build being tested, as it was made (a sanitized library stays one).
extra=""
nm "$B/librlc.a" 2>/dev/null | grep -q __asan_ && extra="SANITIZE=1"
if make --no-print-directory -s install PREFIX="$P" BUILD="$B" $extra >"$T/out" 2>&1; then ok "make install PREFIX=..."
else ko "make install: $(tail -c 400 "$T/out")"; fi
V=$(sed -n 's/^#define RLC_VERSION "\(.*\)"/\1/p' include/rlc/core.h)
for f in include/rlc/rlc.h include/rlc/run.h lib/librlc.a "lib/librlc.so.$V" lib/pkgconfig/rlc.pc bin/rlc \
  share/man/man1/rlc.1; do
  [ -f "$P/$f" ] || ko "not installed: $f"
done
[ "$(readlink "$P/lib/librlc.so")" = librlc.so.0 ] && [ "$(readlink "$P/lib/librlc.so.0")" = "librlc.so.$V" ] &&
  readelf -d "$P/lib/librlc.so.$V" | grep -q 'SONAME.*\[librlc\.so\.0\]' &&
  ok "librlc.so -> librlc.so.0 -> librlc.so.$V (SONAME librlc.so.0)" || ko "shared library links or SONAME"
"$P/bin/rlc" version | grep -q "^rlc $V" && ok "installed rlc runs" || ko "installed rlc"
grep -q '^\.TH RLC 1' "$P/share/man/man1/rlc.1" && grep -q '^\.SS "rlc train"' "$P/share/man/man1/rlc.1" &&
  grep -q 'resume' "$P/share/man/man1/rlc.1" && ok "man page rlc(1) with every command" || ko "man page"

# README.md's library example, built with its pkg-config line as written.
awk '/^## The library/ {f = 1; next} f && /^```c$/ {c = 1; next} c && /^```$/ {exit} c {print}' README.md >"$T/demo.c"
cmd=$(sed -n '/^## The library/,/^## /s/^Installed, build it with `\([^`]*\)`.*/\1/p' README.md | head -n 1)
mkdir -p "$T/bin"
if [ -n "$extra" ]; then
  printf '#!/bin/sh\nexec %s "$@" -fsanitize=address,undefined\n' "$(command -v cc)" >"$T/bin/cc"
  chmod +x "$T/bin/cc"
fi
case "$cmd" in
  *"pkg-config"*"rlc"*)
    if (cd "$T" && PATH="$T/bin:$PATH" PKG_CONFIG_PATH="$P/lib/pkgconfig" sh -c "$cmd") >"$T/out" 2>&1 &&
      (cd "$T" && LD_LIBRARY_PATH="$P/lib" ./a.out) >"$T/out2" 2>&1 && grep -q '^PPO, ' "$T/out2"; then
      ok "README example with \`$cmd\`: $(cat "$T/out2")"
    else ko "README example via pkg-config: $(head -c 400 "$T/out") $(head -c 300 "$T/out2")"; fi ;;
  *) ko "README has no 'Installed, build it with \`... pkg-config ... rlc\`' line: '$cmd'" ;;
esac

if make --no-print-directory -s uninstall PREFIX="$P" BUILD="$B" >"$T/out" 2>&1 &&
  [ -z "$(find "$P" -type f -o -type l)" ]; then ok "make uninstall removes every file"
else ko "left after uninstall: $(find "$P" -type f -o -type l | head -5 | tr '\n' ' ')"; fi
cli_summary
