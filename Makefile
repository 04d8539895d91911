# qlora-lab: `make demo` sets up, builds in release mode and runs the main job; `make test` runs every test.
SWIFT ?= swift
RELEASE_FLAGS = -c release
TEST_FLAGS = -c release -Xswiftc -enable-testing

.PHONY: setup build data demo reports test test-slurm bench clean

setup:
	./scripts/setup

build: setup
	$(SWIFT) build $(RELEASE_FLAGS)

data: build
	$(SWIFT) run $(RELEASE_FLAGS) qlab data prepare

# The main job: the smoke grid (four QLoRA cells on SmolLM2-135M, their evaluation and tournament).
demo: data
	$(SWIFT) run $(RELEASE_FLAGS) qlab quantize --model Tests/Fixtures/qlora-reference/tiny-llama/base --dtype nf4 --double-quant
	$(SWIFT) run $(RELEASE_FLAGS) qlab run smoke
	$(SWIFT) run $(RELEASE_FLAGS) qlab plan smoke
	$(SWIFT) run $(RELEASE_FLAGS) qlab report smoke

# The research reports: each experiment runs what is not done yet (done cells are skipped, a killed one resumes),
# then its page in reports/NAME/ is regenerated from the store; reports/README.md sums them up.
RESEARCH = quantization-types lora-layers learning-rate rate-by-rank qlora-vs-lora qlora-vs-lora-long quantization-types-long multi-turn memory chinese
reports: data
	@for e in smoke $(RESEARCH); do \
	  $(SWIFT) run $(RELEASE_FLAGS) qlab run $$e && $(SWIFT) run $(RELEASE_FLAGS) qlab report $$e || exit 1; \
	done
	$(SWIFT) run $(RELEASE_FLAGS) qlab export smoke $(RESEARCH) --lineage --out reports/lineage.jsonl.zip

# The tests run under the BLAS kernel qlab itself would choose (OpenBLAS alone may fall back to its slowest on a
# CPU it does not know); a set OPENBLAS_CORETYPE is left as it is. Likewise the matmul backend: the one qlab's
# `auto` takes here unless QLAB_MATMUL names one, with idle OpenMP and OpenBLAS threads sleeping under oneDNN (as
# qlab runs).
WITH_KERNEL = qlab=$$($(SWIFT) build $(TEST_FLAGS) --show-bin-path)/qlab; \
	if [ -z "$$OPENBLAS_CORETYPE" ]; then \
	  core=$$($$qlab blas --name) && \
	  echo "tests run on the BLAS kernel qlab chooses here: $$core" && \
	  export OPENBLAS_CORETYPE=$$core QLAB_BLAS_AUTO=$$core; \
	fi; \
	if [ -z "$$QLAB_MATMUL" ]; then \
	  backend=$$($$qlab blas --backend) && \
	  echo "tests run on the matmul backend qlab chooses here: $$backend" && \
	  export QLAB_MATMUL=$$backend; \
	fi; \
	if [ "$$QLAB_MATMUL" = onednn ]; then \
	  if [ -z "$$OMP_WAIT_POLICY$$GOMP_SPINCOUNT" ]; then export OMP_WAIT_POLICY=passive; fi; \
	  if [ -z "$$OPENBLAS_THREAD_TIMEOUT" ]; then export OPENBLAS_THREAD_TIMEOUT=4; fi; \
	fi;

test: setup
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	@echo "tests run on:"; $$($(SWIFT) build $(TEST_FLAGS) --show-bin-path)/qlab blas | sed -n '1p;4p;5p;/^matmul:/p;/^idle threads:/p' | sed 's/^/  /'
	@$(WITH_KERNEL) $(SWIFT) test $(TEST_FLAGS) --skip-build

# A grid as Slurm job arrays on a real one-node Slurm started here (installs slurm-wlm and munge when
# missing), cancelled and resumed, against the same grid run locally; the cluster is stopped afterwards.
test-slurm: setup
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	./scripts/slurm-local start
	@$(WITH_KERNEL) QLAB_SLURM_TESTS=1 $(SWIFT) test $(TEST_FLAGS) --skip-build --filter SlurmEndToEndTests; \
	  status=$$?; ./scripts/slurm-local stop; exit $$status

bench: setup
	$(SWIFT) build $(TEST_FLAGS) --product qlab
	@$(WITH_KERNEL) cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build
