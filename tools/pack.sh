#!/usr/bin/env bash
# Packs PpkmOnnx.Core, PpkmOnnx.Runtime (each with a .snupkg symbols package) and the ppkm .NET tool (PpkmOnnx.Cli)
# into OUT (default artifacts/nupkg). `make pack` runs it; the tool-install tests run it with --no-build.
# usage: tools/pack.sh [OUT] [more dotnet pack arguments, e.g. --no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/nupkg}
shift || true
for project in src/PpkmOnnx.Core src/PpkmOnnx.Runtime src/PpkmOnnx.Cli; do
  dotnet pack "$project" -c "${CONFIGURATION:-Release}" --nologo -v q -o "$out" "$@"
done
