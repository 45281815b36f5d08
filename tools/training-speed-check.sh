#!/usr/bin/env bash
# Issue #12's training-speed measurements on whatever CPU this is, in one run, side by side:
#   1. Training.Bench efficiency + breakdown under two oneMKL modes: `vendor` against `auto` on CPUs that are not
#      Intel's (the AMD lever), `generic` against `auto` on Intel's (the same lever in reverse);
#   2. `ppkm train` on IFest sheet 1 (stratified ROWS rows, EPOCHS epochs, seed 42): the pre-#12 build (BASE_REV, with
#      oneMKL as it was: generic on non-Intel CPUs), the current build under both modes, and on an AVX-512 CPU the
#      current build with oneMKL capped at AVX2 (MKL_ENABLE_INSTRUCTIONS=AVX2: what `auto` gives an AVX2-only CPU);
#   3. tools/PytorchStepCompare when COMPARE=1 and Debian's python3-torch is installed.
# Everything lands in OUT as JSON, and a summary with the machine, the ratios and each run's validation macro-F1 is
# printed and written to OUT/summary.txt.
# Usage: tools/training-speed-check.sh [OUT]   (env: ROWS=2000 EPOCHS=1 BASE_REV=378d79f (empty: skip) ROUNDS=3
#        THREADS=2 COMPARE=0 DATA=../shared/data/ifest2021_ppkm/data_latih_sheet1_train.csv)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
OUT=$(realpath -m "${1:-artifacts/speed-check/$(date -u +%Y%m%dT%H%M%SZ)}")
ROWS=${ROWS:-2000}; EPOCHS=${EPOCHS:-1}; BASE_REV=${BASE_REV-378d79f}; ROUNDS=${ROUNDS:-3}; THREADS=${THREADS:-2}
COMPARE=${COMPARE:-0}; DATA=$(realpath -m "${DATA:-../shared/data/ifest2021_ppkm/data_latih_sheet1_train.csv}")
[ -f "$DATA" ] || { echo "training-speed-check: $DATA not found (set DATA)" >&2; exit 2; }
mkdir -p "$OUT"
worktree=""
cleanup() { if [ -n "$worktree" ]; then git worktree remove --force "$worktree" >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

vendor=$(grep -m1 '^vendor_id' /proc/cpuinfo | sed 's/.*: //')
if [ "$vendor" = GenuineIntel ]; then modes="generic auto"; else modes="vendor auto"; fi
{ grep -m1 '^model name' /proc/cpuinfo | sed 's/.*: //'; echo "vendor $vendor, $(nproc) logical CPUs";
  grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512_vnni|avx512_bf16|amx_bf16|amx_int8)$' | tr '\n' ' '; echo; } > "$OUT/machine.txt"
echo "== machine"; cat "$OUT/machine.txt"

echo "== build (Release)"
dotnet build src/PpkmOnnx.Cli -c Release -o "$OUT/bin/current" -v q -nologo >/dev/null
dotnet build tools/PpkmOnnx.Training.Bench -c Release -v q -nologo >/dev/null
bench="$root/tools/PpkmOnnx.Training.Bench/bin/Release/net10.0/PpkmOnnx.Training.Bench.dll"
if [ -n "$BASE_REV" ]; then
  worktree=$(mktemp -d)
  git worktree add -f "$worktree" "$BASE_REV" -q
  (cd "$worktree" && dotnet build src/PpkmOnnx.Cli -c Release -o "$OUT/bin/base" -v q -nologo >/dev/null)
  cleanup; worktree=""
fi

for mode in $modes; do
  echo "== Training.Bench efficiency and breakdown, PPKM_MKL_KERNELS=$mode"
  PPKM_MKL_KERNELS=$mode dotnet "$bench" efficiency "$ROUNDS" 2 32 64 "$THREADS" > "$OUT/efficiency-$mode.json"
  PPKM_MKL_KERNELS=$mode dotnet "$bench" breakdown 32 64 "$THREADS" > "$OUT/breakdown-$mode.json"
done

echo "== ppkm train: $ROWS rows of $(basename "$DATA"), $EPOCHS epoch(s)"
"$OUT/bin/current/ppkm" pretrained import minilm -o "$OUT/minilm" >/dev/null
train() { # name, then environment assignments and the ppkm binary
  local name=$1; shift
  echo "   $name"; rm -rf "$OUT/train-$name"
  env "$@" train "$OUT/minilm" -o "$OUT/train-$name" --data "$DATA" --labels 1=negative,2=neutral,3=positive \
    --limit "$ROWS" --epochs "$EPOCHS" --lr 1e-4 --threads "$THREADS" --seed 42 > "$OUT/train-$name.log" 2>&1
}
if [ -n "$BASE_REV" ]; then train base "$OUT/bin/base/ppkm"; fi
for mode in $modes; do train "current-$mode" PPKM_MKL_KERNELS=$mode "$OUT/bin/current/ppkm"; done
# On an AVX-512 CPU, oneMKL capped at its AVX2 kernels stands in for an AVX2-only CPU (AMD Zen3) under `auto`.
avx2_run=0; rm -rf "$OUT/train-current-auto-avx2"
if grep -qw avx512f /proc/cpuinfo; then avx2_run=1; train current-auto-avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 "$OUT/bin/current/ppkm"; fi

if [ "$COMPARE" = 1 ]; then
  echo "== tools/PytorchStepCompare"
  SKIP_BUILD=1 THREADS=$THREADS "$here/PytorchStepCompare/compare.sh" > "$OUT/pytorch-compare.txt" 2>&1 || echo "   (failed: see $OUT/pytorch-compare.txt)"
fi

/usr/bin/python3 - "$OUT" "$modes" "$BASE_REV" "$avx2_run" <<'PY' | tee "$OUT/summary.txt"
import json, os, sys
out, modes, base, avx2_run = sys.argv[1], sys.argv[2].split(), sys.argv[3], sys.argv[4] == "1"
print(open(os.path.join(out, "machine.txt")).read().strip())
print("\nTraining.Bench (MiniLM-L6 shape, batch 32 x 64):")
for m in modes:
    e = json.load(open(os.path.join(out, f"efficiency-{m}.json")))
    b = json.load(open(os.path.join(out, f"breakdown-{m}.json")))
    f = e["results"]["flat_adamw"]
    print(f"  PPKM_MKL_KERNELS={m}: oneMKL code path {e['machine']['mkl_kernels']['code_path']}, step {f['step_seconds_median']:.3f} s, "
          f"{f['fraction_of_peak']:.2f} of the fp32 peak ({e['gemm_peak']['peak_gflops']} GFLOP/s), optimizer share {f['optimizer_share']:.3f}, "
          f"Linear GEMMs {b['linear_gemms_average_gflops']} GFLOP/s")
print("\nppkm train (epochs' seconds, validation / test macro-F1):")
runs = (["base"] if base else []) + [f"current-{m}" for m in modes]
runs += ["current-auto-avx2"] if avx2_run else []
seconds = {}
for r in runs:
    t = json.load(open(os.path.join(out, f"train-{r}", "training.json")))
    seconds[r] = sum(e["seconds"] for e in t["epochs"])
    best = t["epochs"][t["best_epoch"] - 1]["validation"]["macro_f1"]
    peak = (t.get("performance") or {}).get("peak_resident_mb")  # absent before session 10's builds
    print(f"  {r:>17}: {seconds[r]:8.1f} s, {100 * best:.2f} / {100 * t['test']['macro_f1']:.2f}" + (f", peak RSS {peak:.0f} MB" if peak else ""))
slow, fast = f"current-{modes[0]}", "current-auto"
print(f"\n  auto over {modes[0]}: {seconds[slow] / seconds[fast]:.2f}x")
if base:
    print(f"  current (auto) over base {base}: {seconds['base'] / seconds[fast]:.2f}x (issue #12's end-to-end target: >= 1.5x where training is slowest)")
    if "current-auto-avx2" in seconds:
        print(f"  current (auto, oneMKL capped at AVX2) over base {base}: {seconds['base'] / seconds['current-auto-avx2']:.2f}x")
PY
echo "== written to $OUT"
