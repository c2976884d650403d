#!/usr/bin/env bash
# Captures the strace and /proc/PID/maps fixtures that test the importers, from real programs on
# this machine: node, python3, and a small C program that uses MREMAP_DONTUNMAP. The outputs are
# committed small (test/engine/import/fixtures/); the import test also makes a fresh capture.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-test/engine/import/fixtures}
mkdir -p "$out"
command -v strace >/dev/null || { echo "capture-traces: strace is missing (apt-get install strace)"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O0 -o "$tmp/dontunmap" test/engine/import/fixtures/dontunmap.c
strace -f -e trace=memory -o "$out/c-dontunmap.strace" "$tmp/dontunmap"
strace -f -tt -e trace=memory -o "$out/python-mmap.strace" python3 -c '
import mmap
m = mmap.mmap(-1, 1 << 20)
m.resize(2 << 20)
m.close()'
strace -f -e trace=memory -o "$tmp/node.strace" node -e 'Buffer.alloc(1 << 24).fill(1)'
# node maps a lot; keep the first 150 lines so the fixture stays small.
head -n 150 "$tmp/node.strace" > "$out/node-startup.strace"
python3 -c 'import mmap,sys; m = mmap.mmap(-1, 65536); sys.stdout.write(open("/proc/self/maps").read())' > "$out/python.maps"
echo "capture-traces: wrote $(ls "$out" | grep -cE '\.(strace|maps)$') fixtures to $out"
