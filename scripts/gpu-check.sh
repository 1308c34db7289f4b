#!/usr/bin/env bash
# GPU check for a machine with a real NVIDIA GPU and driver: runs the agent with `--meter model,gpu`
# (NVML through koffi), puts a GPU load on for about a minute, samples `nvidia-smi
# --query-gpu=power.draw` and the agent's kepler_node_gpu_joules_total side by side, and prints how
# well they agree per GPU (mean power from each source, and the relative difference).
#
#   scripts/gpu-check.sh                 # from the repository root, after `npm ci`
#   DURATION=60 MAX_REL_DIFF=0.1 LOAD_CMD='python3 my_load.py' scripts/gpu-check.sh
#
# The load is LOAD_CMD when set, else a PyTorch matmul loop when python3 has torch, else gpu_burn when
# it is on PATH, else none (the GPU is compared idle, and the script says so). Exit status: 0 when
# every GPU agrees within MAX_REL_DIFF (default 0.10), 1 when one does not, 2 when something is missing.
set -euo pipefail

DURATION=${DURATION:-60}
STEP=${STEP:-2}
MAX_REL_DIFF=${MAX_REL_DIFF:-0.10}
PORT=${PORT:-28299}
NVML_LIBRARY=${NVML_LIBRARY:-libnvidia-ml.so.1}
cd "$(dirname "$0")/.."

command -v nvidia-smi >/dev/null || { echo "gpu-check: nvidia-smi not found: this needs a machine with an NVIDIA driver" >&2; exit 2; }
nvidia-smi --query-gpu=index,name,power.draw --format=csv,noheader || { echo "gpu-check: nvidia-smi cannot talk to the driver" >&2; exit 2; }
[ -d node_modules/koffi ] || { echo "gpu-check: run npm ci first" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

node --import tsx src/cli/main.ts agent --meter model,gpu --gpu.source nvml --gpu.nvml-library "$NVML_LIBRARY" \
  --metrics node --monitor.interval "${STEP}s" --web.listen-address "127.0.0.1:$PORT" --log.format json >"$work/agent.log" 2>&1 &
pids+=($!)
metrics() { curl -sf "http://127.0.0.1:$PORT/metrics"; }
for _ in $(seq 1 60); do metrics >/dev/null 2>&1 && break; sleep 1; done
metrics >/dev/null || { echo "gpu-check: the agent did not start:" >&2; cat "$work/agent.log" >&2; exit 2; }
if ! metrics | grep -q 'powerplane_node_power_source_info{.*meter="nvml".*component="gpu"'; then
  echo "gpu-check: the agent is not metering GPUs through NVML:" >&2
  curl -sf "http://127.0.0.1:$PORT/api/v1/capabilities" >&2 || true
  exit 2
fi

load="none"
if [ -n "${LOAD_CMD:-}" ]; then
  bash -c "$LOAD_CMD" >"$work/load.log" 2>&1 & pids+=($!); load="LOAD_CMD"
elif python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  python3 - "$DURATION" >"$work/load.log" 2>&1 <<'PY' &
import sys, time, torch
end = time.time() + float(sys.argv[1]) + 10
xs = [torch.randn(8192, 8192, device=f"cuda:{i}") for i in range(torch.cuda.device_count())]
while time.time() < end:
    for x in xs:
        x = x @ x
        x = x / x.norm()
    torch.cuda.synchronize()
PY
  pids+=($!); load="pytorch matmul"
elif command -v gpu_burn >/dev/null; then
  gpu_burn "$((DURATION + 10))" >"$work/load.log" 2>&1 & pids+=($!); load="gpu_burn"
fi
echo "gpu-check: load: $load; sampling for ${DURATION}s every ${STEP}s"
sleep 5

# joules counter per GPU at the start and the end; nvidia-smi power.draw sampled in between
joules() { metrics | awk '/^kepler_node_gpu_joules_total\{/ { match($0, /gpu="[0-9]+"/); g = substr($0, RSTART + 5, RLENGTH - 6); print g, $NF }'; }
joules >"$work/j0"; t0=$(date +%s.%N)
: >"$work/smi"
end=$(( $(date +%s) + DURATION ))
while [ "$(date +%s)" -lt "$end" ]; do
  nvidia-smi --query-gpu=index,power.draw --format=csv,noheader,nounits | tr -d ' ' | tr ',' ' ' >>"$work/smi"
  sleep "$STEP"
done
joules >"$work/j1"; t1=$(date +%s.%N)

echo "gpu  agent_W(NVML energy)  nvidia-smi_W(power.draw mean)  rel_diff"
status=0
while read -r gpu j0; do
  j1=$(awk -v g="$gpu" '$1 == g { print $2 }' "$work/j1")
  smi=$(awk -v g="$gpu" '$1 == g && $2 ~ /^[0-9.]+$/ { s += $2; n++ } END { if (n) printf "%.2f", s / n }' "$work/smi")
  [ -n "$j1" ] && [ -n "$smi" ] || { echo "$gpu  no data"; status=1; continue; }
  line=$(awk -v j0="$j0" -v j1="$j1" -v t0="$t0" -v t1="$t1" -v smi="$smi" -v max="$MAX_REL_DIFF" 'BEGIN {
    a = (j1 - j0) / (t1 - t0); d = (smi > 0) ? (a - smi) / smi : 0; if (d < 0) d = -d
    printf "%s %.2f %.2f %.3f %s", "", a, smi, d, (d <= max) ? "ok" : "DISAGREE" }')
  echo "$gpu $line"
  case "$line" in *DISAGREE) status=1 ;; esac
done <"$work/j0"
echo "gpu-check: load $load, ${DURATION}s, tolerance $MAX_REL_DIFF: $([ $status -eq 0 ] && echo agree || echo disagree)"
exit $status
