#!/usr/bin/env bash
# Publishes the lean server, ppkm-serve (no TorchSharp/libtorch), framework-dependent and self-contained for linux-x64,
# with each native ONNX Runtime choice (gpu: Microsoft.ML.OnnxRuntime.Gpu.Linux, CUDA with CPU fallback; cpu:
# Microsoft.ML.OnnxRuntime alone), and the full ppkm CLI framework-dependent for comparison; prints the sizes.
# usage: tools/publish-serve.sh [OUT]   (default artifacts/publish)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/publish}
c=${CONFIGURATION:-Release}
publish() { # name project self-contained ort
  rm -rf "$out/$1"
  dotnet publish "$2" -c "$c" -r linux-x64 --self-contained "$3" -p:PpkmServeOrt="$4" --nologo -v q -o "$out/$1" >/dev/null
}
publish ppkm-serve-fd src/PpkmOnnx.Serve false gpu
publish ppkm-serve-sc src/PpkmOnnx.Serve true gpu
publish ppkm-serve-cpu-fd src/PpkmOnnx.Serve false cpu
publish ppkm-serve-cpu-sc src/PpkmOnnx.Serve true cpu
publish ppkm-fd src/PpkmOnnx.Cli false gpu
full=$(du -sb "$out/ppkm-fd" | cut -f1)
for d in ppkm-fd ppkm-serve-fd ppkm-serve-sc ppkm-serve-cpu-fd ppkm-serve-cpu-sc; do
  size=$(du -sb "$out/$d" | cut -f1)
  awk -v d="$d" -v s="$size" -v f="$full" 'BEGIN { printf "%-18s %7.1f MB  %5.1f %% of ppkm-fd\n", d, s / 1e6, 100 * s / f }'
done
