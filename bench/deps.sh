#!/bin/sh
# Installs the Debian packages of bench/'s PyTorch comparisons (PyTorch and
# OpenBLAS; scripts/deps.sh lists them).
exec sh "$(dirname "$0")/../scripts/deps.sh" --bench "$@"
