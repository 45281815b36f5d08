# PpkmOnnx: two commands on a fresh machine.
#   make demo   restore, build, and run the pipeline end to end on the built-in demo data
#   make test   the whole test suite (what CI runs); last line "N passed, N failed, N skipped"
CONFIGURATION ?= Release
PPKM = dotnet run --project src/PpkmOnnx.Cli -c $(CONFIGURATION) --no-build --
ART ?= artifacts/demo

.PHONY: build test demo clean pack publish-serve

build:
	dotnet build PpkmOnnx.sln -c $(CONFIGURATION) --nologo -v q

test:
	CONFIGURATION=$(CONFIGURATION) bash tools/run-tests.sh

demo: build
	bash tools/demo.sh "$(ART)"

# NuGet packages (PpkmOnnx.Core, PpkmOnnx.Runtime + symbols, the ppkm tool) -> artifacts/nupkg/
pack: build
	CONFIGURATION=$(CONFIGURATION) bash tools/pack.sh artifacts/nupkg --no-build

# The lean server (ppkm-serve: no TorchSharp/libtorch) -> artifacts/publish/, sizes printed (see README)
publish-serve:
	CONFIGURATION=$(CONFIGURATION) bash tools/publish-serve.sh artifacts/publish

clean:
	dotnet clean PpkmOnnx.sln -v q
	rm -rf artifacts/demo

# make paper DATA=file [LABELS=1=negative,2=neutral,3=positive] [EPOCHS=2] [LR=2e-5]: the paper's two cases (see tools/paper.sh)
.PHONY: paper
paper: build
	DATA="$(DATA)" LABELS="$(LABELS)" EPOCHS="$(EPOCHS)" LR="$(LR)" OUT="$(or $(OUT),artifacts/paper)" bash tools/paper.sh
