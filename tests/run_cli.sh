#!/usr/bin/env bash
# Runs the cnnlab program once and checks its exit code and output.
#   run_cli.sh pass|fail REGEX PROGRAM ARGS...
# A refused input must give exactly one line on stderr, a non-zero exit and no crash (exit codes
# above 128 are signals). CMake lists cannot carry ';', so tests write a matrix's row break as '|'
# and it is turned back into ';' here.
set -u
expect=$1 match=$2 program=$3
shift 3
args=()
for a in "$@"; do args+=("${a//|/;}"); done
out=$("$program" "${args[@]}" 2>/tmp/cnnlab_cli_err.$$); code=$?
err=$(cat /tmp/cnnlab_cli_err.$$); rm -f /tmp/cnnlab_cli_err.$$
echo "\$ cnnlab ${args[*]}"; echo "exit $code"; echo "stdout: $out"; echo "stderr: $err"
if ((code > 128)); then echo "FAILED: crashed (signal $((code - 128)))"; exit 1; fi
if [ "$expect" = fail ]; then
  ((code != 0)) || { echo "FAILED: expected a non-zero exit"; exit 1; }
  [ -n "$err" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || { echo "FAILED: expected exactly one line on stderr"; exit 1; }
  text=$err
else
  ((code == 0)) || { echo "FAILED: expected exit 0"; exit 1; }
  text=$out
fi
printf '%s\n' "$text" | grep -Pzq -- "$match" || { echo "FAILED: output does not match /$match/"; exit 1; }
