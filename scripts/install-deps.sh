#!/usr/bin/env bash
# Installs everything reqscope needs to build, run and test on Debian 12.
# Used by both README command blocks and by .ci/run.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git clang-format
  libcurl4-openssl-dev libc-ares-dev libssl-dev openssl
  libcli11-dev libfmt-dev nlohmann-json3-dev libexpected-dev
  libcpp-httplib-dev catch2
  nginx nsd curl ca-certificates
  python3 python3-jwt python3-cryptography
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${packages[@]}"
