#!/usr/bin/env bash
# Training-step time of our TorchSharp BERT vs the same model in PyTorch (Debian python3-torch), measured side by
# side: runs alternate TorchSharp, PyTorch, TorchSharp, PyTorch … so load from other jobs hits both alike.
# Prints the median s/step of each side and the ratio TorchSharp/PyTorch for the 6-layer teacher (MiniLM-L6 shape)
# and the 3-layer DistilBERT student.
# Usage: tools/PytorchStepCompare/compare.sh   (env: ROUNDS=3 WARMUP=1 STEPS=3 BATCH=32 SEQ=64 THREADS=2 SKIP_BUILD=0
#        PRECISION=fp32|bf16 DROPOUT=libtorch|counter: the TorchSharp side's opt-in compute choices; PyTorch stays fp32)
set -euo pipefail
ROUNDS=${ROUNDS:-3}; WARMUP=${WARMUP:-1}; STEPS=${STEPS:-3}; BATCH=${BATCH:-32}; SEQ=${SEQ:-64}; THREADS=${THREADS:-2}
PRECISION=${PRECISION:-fp32}; DROPOUT=${DROPOUT:-libtorch}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3   # Debian's interpreter: `python3` on PATH may be a pyenv shim without torch
if ! "$py" -c "import torch" 2>/dev/null; then
  echo "compare.sh: $py cannot import torch; install Debian's python3-torch (apt-get install -y python3-torch libopenblas0-openmp)" >&2
  exit 2
fi
bench_dir="$root/tools/PpkmOnnx.Training.Bench"
if [ "${SKIP_BUILD:-0}" != 1 ]; then dotnet build "$bench_dir" -c Release -v q -nologo >/dev/null; fi
bench_dll="$bench_dir/bin/Release/net10.0/PpkmOnnx.Training.Bench.dll"
# Both sides get the same thread count; OMP_NUM_THREADS also pins OpenBLAS (openmp build) and libtorch's pool.
export OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$ROUNDS"); do
  for model in teacher student; do
    echo "round $round/$ROUNDS $model: TorchSharp" >&2
    dotnet "$bench_dll" step "$model" "$WARMUP" "$STEPS" "$BATCH" "$SEQ" "$THREADS" "$PRECISION" "$DROPOUT" | grep '^{' | sed "s/^{/{\"round\":$round,/" >>"$results"
    echo "round $round/$ROUNDS $model: PyTorch" >&2
    "$py" "$here/bert_step.py" --model "$model" --warmup "$WARMUP" --steps "$STEPS" --batch "$BATCH" --seq "$SEQ" --threads "$THREADS" \
      | sed "s/^{/{\"round\":$round,/" >>"$results"
  done
done
libtorch=$(grep -o 'libtorch-cpu-linux-x64" Version="[^"]*' "$root/Directory.Packages.props" | sed 's/.*Version="//' || true)
debian=$(dpkg-query -W -f='${Version}' python3-torch 2>/dev/null || true)
"$py" - "$results" "$libtorch" "$debian" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
libtorch, debian = sys.argv[2] or "?", sys.argv[3] or "?"
first = runs[0]
print(f"batch {first['batch']} x seq {first['seq']}, {first['threads']} threads, {first['warmup']} warm-up + "
      f"{len(first['step_seconds'])} timed steps per run, {max(r['round'] for r in runs)} alternating rounds")
for impl in ("torchsharp", "pytorch"):
    r = next(r for r in runs if r["impl"] == impl)
    mkl = r.get("mkl_kernels") or {}
    mkl_text = f"; oneMKL code path {mkl.get('code_path')}, vendor check {mkl.get('vendor_check')} (PPKM_MKL_KERNELS={mkl.get('mode')})" if mkl else ""
    extra = f" (libtorch {libtorch}; precision {r.get('precision', 'fp32')}, dropout {r.get('dropout', 'libtorch')}{mkl_text})" if impl == "torchsharp" else f" (Debian python3-torch {debian}; BLAS {', '.join(r.get('blas', [])) or '?'})"
    print(f"{impl:<10} {r['version']}{extra}")
print(f"{'model':<28} {'TorchSharp s/step':>18} {'PyTorch s/step':>15} {'ratio TS/PT':>12}   per-round ratios")
for model in ("teacher", "student"):
    mine = [r for r in runs if r["model"] == model]
    ts = [t for r in mine if r["impl"] == "torchsharp" for t in r["step_seconds"]]
    pt = [t for r in mine if r["impl"] == "pytorch" for t in r["step_seconds"]]
    per_round = []
    for rnd in sorted({r["round"] for r in mine}):
        a = [statistics.median(r["step_seconds"]) for r in mine if r["round"] == rnd and r["impl"] == "torchsharp"]
        b = [statistics.median(r["step_seconds"]) for r in mine if r["round"] == rnd and r["impl"] == "pytorch"]
        if a and b: per_round.append(a[0] / b[0])
    layers = mine[0]["layers"]
    name = f"{model} ({layers} layers, {mine[0]['params'] / 1e6:.1f} M)"
    mts, mpt = statistics.median(ts), statistics.median(pt)
    print(f"{name:<28} {mts:>18.3f} {mpt:>15.3f} {mts / mpt:>12.2f}   {' '.join(f'{x:.2f}' for x in per_round)}")
    for impl in ("torchsharp", "pytorch"):
        ph = [r["phase_seconds"] for r in mine if r["impl"] == impl and "phase_seconds" in r]
        if ph:
            print(f"  {impl:<10} mean phases s: " + ", ".join(f"{k} {statistics.mean(p[k] for p in ph):.3f}" for k in ph[0]))
    # Memory: growth from before the optimizer to the process's peak (optimizer state, gradients, activations), medians over runs.
    growth = {impl: [r["peak_resident_mb"] - r["resident_mb_before_steps"] for r in mine if r["impl"] == impl and r.get("peak_resident_mb")]
              for impl in ("torchsharp", "pytorch")}
    if growth["torchsharp"] and growth["pytorch"]:
        gts, gpt = statistics.median(growth["torchsharp"]), statistics.median(growth["pytorch"])
        print(f"  resident memory for training (peak minus before the optimizer): TorchSharp {gts:.0f} MB, PyTorch {gpt:.0f} MB, ratio {gts / gpt:.2f}")
PY
