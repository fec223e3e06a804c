# WS Doctor: `make run` builds and opens the app on its built-in lab; `make test` runs everything CI checks.
# Both install what is missing first (Debian 12 packages, Node modules, tauri-driver), so they work on a
# fresh machine as root or with sudo.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
BUILD_PACKAGES := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libsoup-3.0-dev \
	librsvg2-dev libayatana-appindicator3-dev libxdo-dev libdbus-1-dev file python3
TEST_PACKAGES := xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring nginx-light python3-venv rabbitmq-server squid haproxy apache2 libglib2.0-bin gsettings-desktop-schemas groff-base desktop-file-utils man-db mosquitto
APP := target/debug/wsdoctor-app
STAMPS := target/.stamps

.PHONY: run test build ui deps deps-build deps-test deps-package check-toolchain fmt lint test-rust test-ui \
	test-e2e test-package package bindings docs bench dev measure clean

## run: install what is missing, build, and open the app on the built-in lab
run: deps-build build
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No graphical display here (DISPLAY is unset): the app cannot open. Use the CLI instead: ./target/debug/wsdoctor --help, or ./target/debug/wsdoctor lab"; \
	else \
	  exec ./$(APP); \
	fi

## test: everything CI checks, from a clean clone (no separate `build`: the test build compiles every
## crate and binary, and the end-to-end suite runs the app that build made)
test: deps-build deps-test fmt lint test-rust test-ui test-e2e test-package
	@echo "make test: all checks passed"

## build: the UI bundle, then every crate (the app embeds ui/dist)
build: ui
	cargo build --workspace --locked

ui: $(STAMPS)/ui-deps
	cd ui && npm run build --silent

fmt:
	cargo fmt --all -- --check

lint: ui
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cd ui && npm run --silent typecheck && npm run --silent lint

## test-rust: unit and integration tests, including the bindings-freshness and capability checks and the
## crash-safety test, in one build with the `test-seams` hooks (inert unless a test sets their variables;
## the builds users get do not have them). One feature set for the tests and the end-to-end app, so the
## crates are compiled once for both.
TEST_FEATURES := --features wsdoctor-app/test-seams,wsdoctor-cli/test-seams
test-rust: ui
	scripts/with-keyring cargo test --workspace $(TEST_FEATURES) --locked

test-ui: $(STAMPS)/ui-deps
	cd ui && npm test --silent

# The end-to-end suite drives the app through its test seams (scripted dialogs): the test build's app
# (built here when test-rust has not run).
test-e2e: ui $(STAMPS)/e2e-deps
	cargo test --workspace $(TEST_FEATURES) --locked --no-run
	tests/e2e/run.sh

## package: the release .deb (app and CLI, desktop entry, icons, man pages, bash/zsh/fish completions) in
## target/release/deb/; install it with `sudo apt install ./target/release/deb/wsdoctor_*.deb`
package: deps-build deps-package ui
	scripts/package release

# test-package: the .deb made from the test build, installed with apt, used from /usr/bin (CLI, man pages,
# completions, the app in a real window), then removed with nothing left (needs root or sudo).
test-package: ui deps-test deps-package
	cargo build --workspace $(TEST_FEATURES) --locked
	scripts/test-package

## bindings: regenerate ui/src/bindings.ts from the Rust types
bindings: ui
	UPDATE_BINDINGS=1 cargo test -p wsdoctor-app --test bindings --locked

## docs: regenerate docs/diagnoses.md from the diagnosis catalog
docs:
	UPDATE_DOCS=1 cargo test -p wsdoctor-core --lib --locked catalog

## dev: the app against the Vite dev server, with hot reload of the UI
dev: deps-build
	cd ui && npm run dev & vite=$$!; trap "kill $$vite" EXIT; \
	  cargo run -p wsdoctor-app --no-default-features

## bench: check times against the lab (in the engine, and whole `wsdoctor check` processes beside wscat), scanning a 5,000-file project and a 2 GB log, the console under a
## 1,000,000-message flood (beside websocat), `wsdoctor connect` printing that flood into a pipe (beside
## websocat: time and peak RSS), each hostile server's check (time and peak RSS), loading 10,000 profiles,
## a Socket.IO console decoding a 200,000-event flood from Node socket.io (beside socket.io-client), and the
## UI's render times
bench: $(STAMPS)/websocat
	cargo bench -p wsdoctor-core --bench check --locked
	cargo bench -p wsdoctor-core --bench inspect --locked
	cargo bench -p wsdoctor-core --bench console_flood --locked
	cargo bench -p wsdoctor-core --bench profiles --locked
	cargo bench -p wsdoctor-cli --bench connect_flood --locked
	cargo bench -p wsdoctor-cli --bench check_process --locked
	cargo bench -p wsdoctor-core --bench hostile --locked
	cargo bench -p wsdoctor-core --bench frameworks --locked
	cargo bench -p wsdoctor-core --bench console_frameworks --locked
	cd ui && npm run --silent bench

# websocat receives the same flood as the console in the console_flood bench, for comparison.
$(STAMPS)/websocat: | $(STAMPS)
	command -v websocat >/dev/null || cargo install websocat --locked --version 1.14.1
	touch $@

## measure: launch time, idle memory and size of the release app (scripts/measure-app), and the app under
## a 1,000,000-message flood (scripts/measure-flood)
measure: deps-build deps-test ui
	scripts/measure-app
	scripts/measure-flood

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules tests/e2e/node_modules tests/servers/node_modules

deps: deps-build deps-test deps-package

# cargo-deb builds the .deb (pinned: `cargo install` compiles it once, ~1.5 min).
CARGO_DEB_VERSION := 3.6.3
deps-package: $(STAMPS)/cargo-deb
$(STAMPS)/cargo-deb: | $(STAMPS)
	cargo deb --version 2>/dev/null | grep -q "$(CARGO_DEB_VERSION)" || cargo install cargo-deb --locked --version $(CARGO_DEB_VERSION)
	touch $@

deps-build: check-toolchain $(STAMPS)/build-packages $(STAMPS)/ui-deps

deps-test: $(STAMPS)/test-packages $(STAMPS)/e2e-deps $(STAMPS)/tauri-driver $(STAMPS)/test-servers

check-toolchain:
	@command -v cargo >/dev/null || { echo "Rust is missing: install rustup (see https://rustup.rs), then run make again; rust-toolchain.toml selects 1.95." >&2; exit 1; }
	@command -v node >/dev/null || { echo "Installing Node.js and npm from Debian"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)||(a===20&&b>=19)||a===21?0:1)' || \
	  { echo "Node.js $$(node --version) is too old for Vite 8: install Node 20.19+ or 22.12+" >&2; exit 1; }

# Installs only the Debian packages dpkg does not already know.
define apt_install
	@missing=""; for p in $(1); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get install -y -qq $$missing >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; }; \
	fi
endef

$(STAMPS):
	mkdir -p $@

$(STAMPS)/build-packages: Makefile | $(STAMPS)
	$(call apt_install,$(BUILD_PACKAGES))
	touch $@

$(STAMPS)/test-packages: Makefile | $(STAMPS)
	$(call apt_install,$(TEST_PACKAGES))
	touch $@

$(STAMPS)/ui-deps: ui/package-lock.json | $(STAMPS)
	cd ui && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMPS)/e2e-deps: tests/e2e/package-lock.json | $(STAMPS)
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Real WebSocket servers the Rust tests start: Python websockets and the ASGI stacks (in a venv), uvicorn
# without a WebSocket library (in a venv of its own), and Node ws, Socket.IO, Express.
$(STAMPS)/test-servers: tests/servers/package-lock.json tests/servers/requirements.txt tests/servers/requirements-bare.txt tests/servers/requirements-bare-nodeps.txt | $(STAMPS)
	python3 -m venv target/py
	target/py/bin/pip install --quiet --disable-pip-version-check -r tests/servers/requirements.txt
	python3 -m venv target/py-bare
	target/py-bare/bin/pip install --quiet --disable-pip-version-check -r tests/servers/requirements-bare.txt
	target/py-bare/bin/pip install --quiet --disable-pip-version-check --no-deps -r tests/servers/requirements-bare-nodeps.txt
	cd tests/servers && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMPS)/tauri-driver: | $(STAMPS)
	command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --version 2.1.0
	touch $@
