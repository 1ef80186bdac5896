#!/usr/bin/env bash
# cnnlab's main job on a fresh Debian 12 machine:
#   1. apt-installs whatever of cnnlab's Debian packages is missing (asks sudo when not root);
#   2. configures and builds the release preset;
#   3. runs `cnnlab verify` (every claim of every chapter; exits non-zero on a FAIL);
#   4. builds the documentation site and prints where it is.
# `tools/setup.sh --deps-only` stops after step 1 (used by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config
  libarmadillo-dev libopenblas-dev      # matrices, on OpenBLAS
  libboost-test-dev                     # tests
  libcli11-dev libstb-dev               # the cnnlab program, image files
  libfftw3-dev                          # the FFT convolution path
  zlib1g-dev                            # gzip'd IDX files (Fashion-MNIST)
  libbenchmark-dev                      # benchmarks
  clang-14 libclang-rt-14-dev libomp-14-dev   # the libFuzzer harnesses (fuzz/, the fuzz preset)
  dataset-fashion-mnist                 # the Fashion-MNIST images (Chapter 7 training)
  doxygen graphviz libjs-mathjax doxygen-awesome-css   # the site
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi
[ "${1:-}" = "--deps-only" ] && exit 0

cmake --preset release
cmake --build --preset release -j "$(nproc)"
echo
echo "== cnnlab verify: every claim of the chapters =="
./build/release/bin/cnnlab verify
echo
cmake --build --preset release --target docs
echo
echo "The site is built: $(pwd)/build/release/docs/html/index.html"
