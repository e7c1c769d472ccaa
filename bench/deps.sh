#!/bin/sh
# Installs the Debian packages the PyTorch comparisons in bench/ need (not rlc
# itself; scripts/deps.sh has those); quiet and quick when they are present.
#   python3-torch   PyTorch, for bench/minatar_dqn_torch.py and bench/rainbow_nstep_torch.py
#   libopenblas0    OpenBLAS: the BLAS PyTorch should use (Debian's reference
#                   BLAS makes it several times slower and flatters rlc);
#                   installing it points libblas.so.3 at it
set -e
PKGS="python3-torch libopenblas0"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "rlc bench: installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
