#!/usr/bin/env bash
# Installs the build tree into a temporary prefix and builds examples/downstream against it, as a
# user of the package would: find_package(cnnlab CONFIG REQUIRED) and link cnnlab::cnnlab.
#   downstream_package.sh SOURCE_DIR BUILD_DIR CMAKE CXX_COMPILER BUILD_TYPE [CXX_FLAGS [EXE_LINKER_FLAGS]]
# Fails if installing, configuring, building or running the example fails, or if it does not print
# d2l's [[19,25],[37,43]] and "downstream: OK".
set -euo pipefail
source_dir=$1 build_dir=$2 cmake=$3 cxx=$4 build_type=$5 cxx_flags=${6:-} linker_flags=${7:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cnnlab_downstream.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

step() { echo "== $*"; }
step "install $build_dir into $tmp/prefix"
"$cmake" --install "$build_dir" --prefix "$tmp/prefix"
for f in lib/cmake/cnnlab/cnnlabConfig.cmake lib/cmake/cnnlab/cnnlabConfigVersion.cmake lib/libcnnlab.a \
         include/chapters/ch01_convolution/convolution.hpp include/chapters/ch02_layers/layer.hpp; do
  [ -f "$tmp/prefix/$f" ] || { echo "FAILED: $f was not installed"; exit 1; }
done

step "configure examples/downstream against it"
# The source tree must not be reachable: only the installed headers may serve the example.
"$cmake" -S "$source_dir/examples/downstream" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$build_type" \
  -DCMAKE_CXX_FLAGS="$cxx_flags" -DCMAKE_EXE_LINKER_FLAGS="$linker_flags"
step "build"
"$cmake" --build "$tmp/build"
if grep -rqE -- "-(I|isystem) ?$source_dir(/| |$)" "$tmp/build"; then
  echo "FAILED: the example compiles with include paths into the source tree"; exit 1
fi

step "run"
out=$(OMP_NUM_THREADS=1 "$tmp/build/downstream")
printf '%s\n' "$out"
printf '%s\n' "$out" | grep -Pzq 'xcorr2d:\n *19 +25\n *37 +43\n' ||
  { echo "FAILED: xcorr2d did not print [[19,25],[37,43]]"; exit 1; }
printf '%s\n' "$out" | grep -q '^downstream: OK$' || { echo "FAILED: no 'downstream: OK'"; exit 1; }
echo "downstream package: OK"
