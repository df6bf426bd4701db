#!/usr/bin/env bash
# Builds the native side of bpf-probes (called by Maven). Without the BPF toolchain or kernel BTF
# the module still builds without its native artifacts, and the service reports runtime evidence
# as off; with CI=true a missing prerequisite is an error, because CI must exercise the probes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out="$1"
tools_out="$2"
gen="$3"

missing=()
command -v clang >/dev/null 2>&1 || missing+=("clang")
command -v bpftool >/dev/null 2>&1 || [ -x /usr/sbin/bpftool ] || missing+=("bpftool")
[ -f /usr/include/bpf/libbpf.h ] || missing+=("libbpf-dev")
[ -f /usr/include/gelf.h ] || missing+=("libelf-dev")
[ -r /sys/kernel/btf/vmlinux ] || missing+=("kernel BTF (/sys/kernel/btf/vmlinux)")
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "bpf-probes: cannot build the probes, missing: ${missing[*]} (scripts/install-deps.sh installs them)" >&2
    exit 1
  fi
  echo "bpf-probes: native build SKIPPED, missing: ${missing[*]}; runtime evidence will be off" >&2
  exit 0
fi
export PATH="$PATH:/usr/sbin"
make -s OUT="$out" TOOLS_OUT="$tools_out" GEN="$gen" all
