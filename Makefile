# qir — top-level targets. `make run` and `make test` set everything up on a
# fresh Debian 12 machine (as root): packages, qir itself, the built-in stacks.
BUILD ?= build
JOBS ?= $(shell nproc)
QIR_ARGS ?=

.PHONY: all build deps stacks test-images run test unit-test integration-test bench clean

all: build

build:
	cmake -S . -B $(BUILD) -DQIR_WERROR=ON
	cmake --build $(BUILD) -j$(JOBS)

deps:
	scripts/install-deps

stacks: deps
	implementations/build-all

# OCI images for the tests, built from Debian packages (tests/images/README.md);
# cached under $${QIR_TEST_IMAGES:-/var/cache/qir/test-images}.
test-images: stacks
	tests/images/build.sh

run: deps build stacks
	$(BUILD)/qir run $(QIR_ARGS)

test: deps build stacks test-images
	cd $(BUILD) && ctest --output-on-failure

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -L unit

integration-test: deps build stacks test-images
	cd $(BUILD) && ctest --output-on-failure -L integration

bench: deps build stacks
	@if ls bench/*.sh >/dev/null 2>&1; then for b in bench/*.sh; do bash $$b $(BUILD)/qir; done; \
	else echo "no benchmarks yet"; fi

clean:
	rm -rf $(BUILD)
