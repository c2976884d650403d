#!/usr/bin/env bash
# Installs the Debian packages the tests and `npm start` need when they are missing:
# chromium (end-to-end and panel tests), ripgrep (code-server's search), a C compiler (the
# kernel differential harness), strace (trace capture fixtures), make/g++/python3 (node-gyp, for
# code-server's native modules). Needs root; a no-op when all are present.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v make >/dev/null 2>&1 || need+=(make)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
echo "system packages: installing ${need[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Wait (up to 10 min) rather than fail when another apt/dpkg run holds the lock.
LOCK=(-o DPkg::Lock::Timeout=600)
$SUDO apt-get "${LOCK[@]}" update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${LOCK[@]}" install -y -qq --no-install-recommends "${need[@]}"
