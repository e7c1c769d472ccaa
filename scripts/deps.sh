#!/bin/sh
# Installs the Debian packages rlc needs; quiet and quick when they are present.
#   libcairo2-dev      drawing env frames and plots (antialiased shapes, text)
#   libpng-dev         PNG files
#   libgif-dev         animated GIFs
#   fonts-dejavu-core  the font for text in frames and plots
#   clang              the clang build variant of `make check`
#   libclang-rt-14-dev clang's libFuzzer and sanitizer runtimes (make fuzz)
#   libavcodec-dev libavformat-dev libswscale-dev  MP4 video (H.264 through Debian's libx264 in libavcodec)
#   libsdl2-dev        the live window of rlc play --render human / eval --watch / train --watch
#   xvfb xauth         a virtual display, so the window's tests run headless
#   chromium           headless browser: the tests play the MP4 and open the HTML report in it
#   libbox2d-dev       Box2D 2.4 physics for LunarLander (C++; behind src/env/envs/box2d_shim.cpp)
# With --bench, instead the packages of bench/'s PyTorch comparisons:
#   python3-torch      PyTorch, for bench/minatar_dqn_torch.py and bench/rainbow_nstep_torch.py
#   libopenblas0       the BLAS PyTorch should use (Debian's reference BLAS makes it several
#                      times slower and flatters rlc); installing it points libblas.so.3 at it
# Usage: sh scripts/deps.sh [--check] [--bench]  (--check: name what is missing, install nothing)
set -e
CHECK=0 BENCH=0
for a in "$@"; do
  case "$a" in
  --check) CHECK=1 ;;
  --bench) BENCH=1 ;;
  *) echo "usage: sh scripts/deps.sh [--check] [--bench]" >&2; exit 2 ;;
  esac
done
PKGS="build-essential pkg-config libcairo2-dev libpng-dev libgif-dev fonts-dejavu-core clang libclang-rt-14-dev"
PKGS="$PKGS libavcodec-dev libavformat-dev libswscale-dev libsdl2-dev xvfb xauth chromium libbox2d-dev"
[ $BENCH -eq 1 ] && PKGS="python3-torch libopenblas0"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ $CHECK -eq 1 ]; then
  echo "rlc: missing Debian packages:$missing (make deps installs them)" >&2
  exit 1
fi
echo "rlc: installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
