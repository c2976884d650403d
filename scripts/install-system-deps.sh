#!/usr/bin/env bash
# Installs the Debian packages the tests and `npm start` need when they are missing:
# chromium (end-to-end and panel tests), ripgrep (code-server's search), a C compiler (the
# kernel differential harness), strace (trace capture fixtures). Needs root; a no-op when all are present.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v strace >/dev/null 2>&1 || need+=(strace)
if [ ${#need[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
echo "system packages: installing ${need[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
