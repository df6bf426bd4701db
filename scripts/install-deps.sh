#!/usr/bin/env bash
# Installs the Debian packages the build needs that Maven cannot bring. As root it installs what is
# missing with apt-get; otherwise it names the missing packages and stops.
set -euo pipefail

# curl + unzip: the Maven wrapper downloads and unpacks Maven itself.
packages=(ca-certificates curl unzip)
# bpf-probes: CO-RE programs (clang, llvm, bpftool for vmlinux.h) and the JNI bridge over libbpf
# (libbpf-dev, libelf-dev, zlib1g-dev, make, gcc, pkg-config). Optional without root: the build
# then skips the probes and the service runs with runtime evidence off.
optional=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev make gcc pkg-config)
if [ "$(id -u)" -eq 0 ]; then
  packages+=("${optional[@]}")
else
  for p in "${optional[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      echo "install-deps: $p is missing: the eBPF probes will not be built (runtime evidence off)" >&2
    fi
  done
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: missing packages ${missing[*]} and no apt-get here; install their equivalents" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
