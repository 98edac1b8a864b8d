# atlas-multiorg. `make up` deploys the org stack; `make test` runs every test.
# Everything the tests need comes from the Go module proxy; no other tool is
# required. With the real tools on PATH, make e2e also runs the TypeScript
# example, which installs @pulumi/pulumi and typescript from the npm registry.

# bash: make state-db probes for a free port through /dev/tcp.
SHELL    := /bin/bash
STACK    ?= dev
GO       ?= go
PULUMI   ?= pulumi
PROGRAM  := bin/multiorg
PROJECTS := bin/projects
TOOL     := bin/atlas-multiorg
LOCALAPI := bin/atlas-local
# The component package's provider plugin (cmd/pulumi-resource-atlas-multiorg).
PLUGIN   := bin/pulumi-resource-atlas-multiorg

# make up: the org stack, stack "local", against the local Admin API, with a
# file backend inside the repository. Both are throwaway: the passphrase only
# guards state on this machine. The backend is reached through
# PULUMI_BACKEND_URL on each command, never through `pulumi login`, so the
# user's own login (Pulumi Cloud, a bucket) stays as it was.
LOCAL_DIR   := $(CURDIR)/.atlas-local
LOCAL_STATE := $(CURDIR)/.pulumi
# STATE=postgres keeps the local stack's state in make state-db's PostgreSQL
# instead (docs/running-as-a-team.md). The URL, which holds the database
# password, is read from its owner-only file by the shell, so make never
# prints it.
STATE    ?= file
STATE_DB := $(CURDIR)/.state-db
ifeq ($(STATE),postgres)
BACKEND_URL = "$$(cat $(STATE_DB)/url)"
else ifeq ($(STATE),file)
# metadata=skip: the file backend's blob library writes a sidecar .attrs file
# beside each state file, not atomically, and a process killed during that
# write leaves it empty, after which every command on the stack fails with
# "failed to load checkpoint: EOF" (docs/interrupted-deployments.md). The
# sidecar holds nothing Pulumi needs.
BACKEND_URL = "file://$(LOCAL_STATE)?metadata=skip"
else
$(error STATE=$(STATE): use STATE=file (the default) or STATE=postgres)
endif
LOCAL_PULUMI = PULUMI_BACKEND_URL=$(BACKEND_URL) PULUMI_DIY_BACKEND_PARALLEL=1 PULUMI_CONFIG_PASSPHRASE=$(LOCAL_PASSPHRASE) $(PULUMI)
LOCAL_PASSPHRASE := atlas-multiorg-local
# The provider plugin the binding is pinned to (internal/mongodbatlas.PluginVersion).
PROVIDER_VERSION := 4.14.0
LOCAL_STACK := local
SOURCES  := $(shell find . -name '*.go' -not -path './bin/*') go.mod go.sum

# Static analysis and fuzzing. golangci-lint is pinned and built from the Go
# module proxy into .tools/ (about 80 s once; the Go build cache keeps it).
GOLANGCI_VERSION := v2.15.0
TOOLS            := $(CURDIR)/.tools/bin
GOLANGCI         := $(TOOLS)/golangci-lint-$(GOLANGCI_VERSION)
# actionlint checks the CI workflows users copy from examples/ci/, pinned and
# built from the Go module proxy into .tools/ as golangci-lint is.
ACTIONLINT_VERSION := v1.7.12
ACTIONLINT         := $(TOOLS)/actionlint-$(ACTIONLINT_VERSION)
GOVULNCHECK      := golang.org/x/vuln/cmd/govulncheck@v1.1.4
# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can
# report "context deadline exceeded" at the deadline when the machine is
# loaded, with no failing input (golang/go#75804, fixed in Go 1.27; seen in CI
# here). 50000 runs take about 5-15 s per target on 2 idle cores.
FUZZTIME         ?= 50000x
FUZZ_TARGETS     := \
	FuzzValidateAndPlan:./components/multiorg \
	FuzzSpecFromConfig:./components/multiorg \
	FuzzSpecFromInputs:./components/multiorgpkg \
	FuzzConfigFromMap:./stacks/projects \
	FuzzParse:./internal/stackconfig \
	FuzzParseExpiries:./internal/cli \
	FuzzParseStackOutputOrgs:./internal/cli \
	FuzzResponses:./internal/atlasapi

.PHONY: all build sdk docs docs-check example-yaml example-typescript example-python example-down release up down local-api up-atlas up-projects down-atlas preview state-db state-db-down test unit race e2e bench-e2e bench-languages bench-status lint lint-ci fuzz vuln vet fmt-check bench clean

all: test

# The Go language host's own build (pulumi-language-go's compileProgram:
# `go build -buildvcs=false -o <buildTarget> -trimpath -ldflags "-w -s"`, run
# in the program's folder), to Pulumi.yaml's buildTarget. With the same flags
# and path, the go build Pulumi runs on every `pulumi up` finds the binary up
# to date and writes nothing; with other flags each side relinks the other's.
GO_HOST_BUILD = $(GO) build -buildvcs=false -o $(CURDIR)/$@ -trimpath -ldflags "-w -s"

$(PROGRAM): $(SOURCES)
	cd cmd/multiorg && $(GO_HOST_BUILD)

# stacks/projects/Pulumi.yaml's buildTarget.
$(PROJECTS): $(SOURCES)
	cd stacks/projects/cmd && $(GO_HOST_BUILD)

$(TOOL): $(SOURCES)
	$(GO) build -o $@ ./cmd/atlas-multiorg

$(LOCALAPI): $(SOURCES)
	$(GO) build -o $@ ./cmd/atlas-local

$(PLUGIN): $(SOURCES)
	$(GO) build -o $@ ./cmd/pulumi-resource-atlas-multiorg

build: $(PROGRAM) $(PROJECTS) $(TOOL) $(LOCALAPI) $(PLUGIN)

# Regenerate the component package's schema and its TypeScript and Python
# SDKs under sdk/ (a test fails while they are stale).
sdk:
	$(GO) run ./cmd/sdkgen sdk

# Regenerate, in place, every block of README.md, CONTRIBUTING.md and docs/
# that comes from code: the config and output references, the profile table
# and each command's --help. One habit with make sdk: make sdk docs.
docs:
	$(GO) run ./cmd/docsgen

# Fails, naming the file and saying to run make docs, while a generated block
# differs from the code. tests/docs_test.go checks the same, and that every
# relative link in README.md, CONTRIBUTING.md and docs/ resolves.
docs-check:
	$(GO) run ./cmd/docsgen -check

define require_pulumi
	@command -v $(PULUMI) >/dev/null 2>&1 || { \
	  echo "make: the Pulumi CLI is not installed (looked for '$(PULUMI)')."; \
	  echo "      Install it from https://www.pulumi.com/docs/install/ (for example:"; \
	  echo "      curl -fsSL https://get.pulumi.com | sh), then run this again."; \
	  echo "      'make up' and 'make down' need no login; 'make test' needs only Go."; \
	  exit 1; }
endef

# The pinned provider plugin, from the Pulumi registry, unless one is already
# installed or on PATH (the CLI then uses that binary for 4.14.0).
define install_provider
	@if command -v pulumi-resource-mongodbatlas >/dev/null 2>&1; then :; \
	elif $(PULUMI) plugin ls 2>/dev/null | grep -q '^mongodbatlas  *resource  *$(PROVIDER_VERSION)'; then :; \
	else $(PULUMI) plugin install resource mongodbatlas $(PROVIDER_VERSION); fi
endef

# What a local stack needs first: the CLI, atlas-local running, the provider
# plugin, and the backend: the file backend's folder, or make state-db's
# database running.
define local_prelude
	$(require_pulumi)
	@$(MAKE) --no-print-directory local-api
	$(install_provider)
	@mkdir -p $(LOCAL_STATE)
	@if [ "$(STATE)" = postgres ]; then $(MAKE) --no-print-directory state-db; fi
endef

# field NAME prints one value of atlas-local's seeded credentials.json.
SEED_FIELD = seed=$(LOCAL_DIR)/credentials.json; field() { grep -o "\"$$1\": \"[^\"]*\"" $$seed | cut -d'"' -f4; }
# The stack's mongodbatlas provider: atlas-local, signed in as its seeded
# paying organization (the secret through stdin, never on a command line).
# Needs SEED_FIELD before it in the same shell.
LOCAL_PROVIDER_CONFIG = $(LOCAL_PULUMI) config set --stack $(LOCAL_STACK) mongodbatlas:baseUrl "$$(cat $(LOCAL_DIR)/url)"; \
	$(LOCAL_PULUMI) config set --stack $(LOCAL_STACK) mongodbatlas:clientId "$$(field clientId)"; \
	field clientSecret | $(LOCAL_PULUMI) config set --stack $(LOCAL_STACK) --secret mongodbatlas:clientSecret

# make up's example people, for atlas-local only: Pulumi.dev.yaml invites
# nobody and sets no contact address, so that it is safe to point at a real
# account as shipped; the local stack gets two members, its team's members
# and a security contact, which atlas-local accepts and mails nobody. They go
# to the shipped analytics organization and its team data, so a config
# without both (one of your own) gets none.
LOCAL_PEOPLE := \
	'atlas-multiorg:orgs.analytics.securityContact=security@example.com' \
	'atlas-multiorg:orgs.analytics.members["ada@example.com"].roles[0]=ORG_OWNER' \
	'atlas-multiorg:orgs.analytics.members["grace@example.com"].roles[0]=ORG_MEMBER' \
	'atlas-multiorg:orgs.analytics.teams.data.members[0]=ada@example.com' \
	'atlas-multiorg:orgs.analytics.teams.data.members[1]=grace@example.com'

# The main job, with no Atlas account: start the local Admin API, point a
# "local" stack (the dev orgs, the seeded paying org, the example people) at
# it, and pulumi up.
up: $(PROGRAM) $(PLUGIN) $(LOCALAPI)
	$(local_prelude)
	$(LOCAL_PULUMI) stack select $(LOCAL_STACK) --create --non-interactive
	@$(SEED_FIELD); \
	sed -e "s|^  atlas-multiorg:payingOrgId: .*|  atlas-multiorg:payingOrgId: $$(field payingOrgId)|" \
	    -e "s|^  atlas-multiorg:orgOwnerId: .*|  atlas-multiorg:orgOwnerId: $$(field orgOwnerId)\n  atlas-multiorg:environment: dev|" \
	    Pulumi.dev.yaml > Pulumi.$(LOCAL_STACK).yaml; \
	$(LOCAL_PROVIDER_CONFIG)
	@if grep -q '^    analytics:$$' Pulumi.$(LOCAL_STACK).yaml && grep -q '^        data:$$' Pulumi.$(LOCAL_STACK).yaml; then \
	  echo "make up: the example people of LOCAL_PEOPLE, for atlas-local only"; \
	  $(LOCAL_PULUMI) config set-all --stack $(LOCAL_STACK) --path $(addprefix --plaintext ,$(LOCAL_PEOPLE)); fi
	$(LOCAL_PULUMI) up --stack $(LOCAL_STACK) --yes

# The component package's examples (examples/yaml, examples/typescript): the
# dev organizations through the plugin, each in a "local" stack of its own
# project, against the same local Admin API and file backend as make up.
# The plugin is found through the examples' `packages:` entry (../../bin).
EXAMPLE ?= yaml
define example_up
	$(local_prelude)
	@cd examples/$(1) && $(SEED_FIELD); \
	set -e; $(LOCAL_PULUMI) stack select $(LOCAL_STACK) --create --non-interactive; \
	$(LOCAL_PULUMI) config set --stack $(LOCAL_STACK) payingOrgId "$$(field payingOrgId)"; \
	$(LOCAL_PULUMI) config set --stack $(LOCAL_STACK) orgOwnerId "$$(field orgOwnerId)"; \
	$(LOCAL_PROVIDER_CONFIG); \
	$(LOCAL_PULUMI) up --stack $(LOCAL_STACK) --yes
endef

example-yaml: $(PLUGIN) $(LOCALAPI)
	$(call example_up,yaml)

# npm copies the SDK in (examples/typescript/.npmrc) and its postinstall
# compiles it with tsc.
example-typescript: $(PLUGIN) $(LOCALAPI)
	cd examples/typescript && npm install --no-audit --no-fund
	$(call example_up,typescript)

# A virtualenv with the pinned pulumi package from PyPI and the SDK
# (sdk/python) installed as a package, as a user's requirements.txt would.
example-python: $(PLUGIN) $(LOCALAPI)
	cd examples/python && python3 -m venv venv && venv/bin/pip install --quiet -r requirements.txt
	$(call example_up,python)

# A release of the component package, into dist/: the plugin archives the
# Pulumi CLI downloads from pluginDownloadURL (pulumi-resource-<name>-v<version>-
# <os>-<arch>.tar.gz), the schema, the npm package and the Python wheel and
# sdist, all of version VERSION. RELEASE_TARGETS narrows the platforms.
# PLUGIN_DOWNLOAD_URL names this repository: the CLI looks for the archives
# among the assets of its GitHub release tagged vVERSION (with the owner alone
# it would look in atlas-multiorg/pulumi-atlas-multiorg).
VERSION             ?=
PLUGIN_DOWNLOAD_URL ?= github://api.github.com/atlas-multiorg/atlas-multiorg
RELEASE_TARGETS     ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
RELEASE_LDFLAGS      = -X github.com/atlas-multiorg/atlas-multiorg/components/multiorgpkg.Version=$(VERSION) \
  -X github.com/atlas-multiorg/atlas-multiorg/components/multiorgpkg.PluginDownloadURL=$(PLUGIN_DOWNLOAD_URL)
release:
	@echo "$(VERSION)" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$$' || { echo "make release: give VERSION=x.y.z (got \"$(VERSION)\")"; exit 2; }
	rm -rf dist && mkdir -p dist/build
	set -e; for target in $(RELEASE_TARGETS); do \
	  os=$${target%/*}; arch=$${target#*/}; out=dist/build/$$os-$$arch; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(RELEASE_LDFLAGS)" -o $$out/pulumi-resource-atlas-multiorg ./cmd/pulumi-resource-atlas-multiorg; \
	  tar -czf dist/pulumi-resource-atlas-multiorg-v$(VERSION)-$$os-$$arch.tar.gz -C $$out pulumi-resource-atlas-multiorg; \
	done
	$(GO) run -ldflags "$(RELEASE_LDFLAGS)" ./cmd/sdkgen dist/build/sdk
	cp dist/build/sdk/schema.json dist/schema.json
	cd dist/build/sdk/nodejs && npm pack --silent --pack-destination ../../..
	python3 -m venv dist/build/venv && dist/build/venv/bin/pip install --quiet build
	dist/build/venv/bin/python -m build --outdir dist dist/build/sdk/python
	rm -rf dist/build
	@ls -l dist

# Destroy an example's organizations: make example-down EXAMPLE=typescript.
example-down: $(PLUGIN)
	$(require_pulumi)
	@$(MAKE) --no-print-directory local-api
	cd examples/$(EXAMPLE) && $(LOCAL_PULUMI) destroy --stack $(LOCAL_STACK) --yes

# Destroy the local stack's organizations and stop the local Admin API. The
# API must be up for the destroy, so it is started if it is not.
down:
	$(require_pulumi)
	@if [ "$(STATE)" = postgres ] || [ -d $(LOCAL_STATE) ]; then \
	  $(MAKE) --no-print-directory local-api && \
	  $(LOCAL_PULUMI) config set --stack $(LOCAL_STACK) mongodbatlas:baseUrl "$$(cat $(LOCAL_DIR)/url)" && \
	  $(LOCAL_PULUMI) destroy --stack $(LOCAL_STACK) --yes; \
	else echo "make down: no local state in $(LOCAL_STATE); nothing to destroy"; fi
	@if [ -f $(LOCAL_DIR)/pid ]; then kill $$(cat $(LOCAL_DIR)/pid) 2>/dev/null || true; rm -f $(LOCAL_DIR)/pid $(LOCAL_DIR)/url; fi

# Start the local Admin API in the background, once. It keeps the loopback
# address of its first start: the per-org providers in the state hold that
# base URL, and `pulumi destroy` uses them as they are saved.
local-api: $(LOCALAPI)
	@mkdir -p $(LOCAL_DIR)
	@if [ -f $(LOCAL_DIR)/pid ] && kill -0 $$(cat $(LOCAL_DIR)/pid) 2>/dev/null; then exit 0; fi; \
	start() { rm -f $(LOCAL_DIR)/url; \
	  nohup $(LOCALAPI) --data-dir $(LOCAL_DIR) --addr "$$1" --url-file $(LOCAL_DIR)/url --log $(LOCAL_DIR)/access.log \
	    > $(LOCAL_DIR)/server.log 2>&1 & echo $$! > $(LOCAL_DIR)/pid; \
	  for i in $$(seq 100); do [ -s $(LOCAL_DIR)/url ] && return 0; kill -0 $$(cat $(LOCAL_DIR)/pid) 2>/dev/null || return 1; sleep 0.1; done; return 1; }; \
	{ [ -s $(LOCAL_DIR)/addr ] && start "$$(cat $(LOCAL_DIR)/addr)"; } || start 127.0.0.1:0 || \
	  { cat $(LOCAL_DIR)/server.log; echo "make: atlas-local did not start"; exit 1; }; \
	sed 's|^http://||' $(LOCAL_DIR)/url > $(LOCAL_DIR)/addr; \
	echo "local Admin API at $$(cat $(LOCAL_DIR)/url) (log: $(LOCAL_DIR)/server.log, requests: $(LOCAL_DIR)/access.log)"

# A throwaway PostgreSQL for the state (docs/running-as-a-team.md): in
# .state-db/ (git ignores it), on the first free loopback port from 55432,
# run as the unprivileged postgres user when make runs as root, with a random
# password in an owner-only file, TCP on 127.0.0.1 only and no Unix socket.
# Pulumi creates its pulumi_state table on first use.
PG_BIN = $(shell pg_config --bindir 2>/dev/null)
state-db:
	@set -e; data=$(STATE_DB)/data; \
	if [ -f $$data/postmaster.pid ] && kill -0 "$$(head -1 $$data/postmaster.pid)" 2>/dev/null; then \
	  echo "state-db: running (pid $$(head -1 $$data/postmaster.pid)); use it with: export PULUMI_BACKEND_URL=\"\$$(cat $(STATE_DB)/url)\""; exit 0; fi; \
	[ -x "$(PG_BIN)/initdb" ] || { echo "make state-db: PostgreSQL is not installed (no pg_config on PATH); apt-get install postgresql"; exit 1; }; \
	as_db() { if [ "$$(id -u)" = 0 ]; then runuser -u postgres -- "$$@"; else "$$@"; fi; }; \
	mkdir -p $(STATE_DB); chmod 700 $(STATE_DB); \
	if [ ! -f $$data/PG_VERSION ]; then \
	  (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > $(STATE_DB)/password); \
	  mkdir -p $$data; \
	  if [ "$$(id -u)" = 0 ]; then chown postgres: $(STATE_DB) $$data $(STATE_DB)/password; fi; \
	  as_db test -r $(STATE_DB)/password || { echo "make state-db: the postgres user cannot reach $(STATE_DB); make every folder above it searchable (chmod o+x)"; exit 1; }; \
	  as_db $(PG_BIN)/initdb --no-instructions -D $$data -U pulumi --auth=scram-sha-256 --pwfile=$(STATE_DB)/password -E UTF8 > $(STATE_DB)/initdb.log; \
	fi; \
	port=55432; while (echo > /dev/tcp/127.0.0.1/$$port) 2>/dev/null; do port=$$((port + 1)); done; \
	as_db $(PG_BIN)/pg_ctl -D $$data -l $(STATE_DB)/server.log -w -s \
	  -o "-p $$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start; \
	password=$$(cat $(STATE_DB)/password); \
	PGPASSWORD=$$password $(PG_BIN)/psql -q -h 127.0.0.1 -p $$port -U pulumi -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'pulumi_state'" | grep -q 1 || \
	  PGPASSWORD=$$password $(PG_BIN)/createdb -h 127.0.0.1 -p $$port -U pulumi pulumi_state; \
	(umask 077; echo "postgres://pulumi:$$password@127.0.0.1:$$port/pulumi_state?sslmode=disable" > $(STATE_DB)/url.new); \
	mv $(STATE_DB)/url.new $(STATE_DB)/url; \
	echo "state-db: PostgreSQL on 127.0.0.1:$$port (log: $(STATE_DB)/server.log)"; \
	echo "state-db: use it with: export PULUMI_BACKEND_URL=\"\$$(cat $(STATE_DB)/url)\" PULUMI_DIY_BACKEND_PARALLEL=1   (or make up STATE=postgres)"

# Stop make state-db's PostgreSQL, by the PID in its data folder. The data
# stays, for the next make state-db; rm -rf .state-db discards it.
state-db-down:
	@data=$(STATE_DB)/data; \
	if [ -f $$data/postmaster.pid ] && kill -0 "$$(head -1 $$data/postmaster.pid)" 2>/dev/null; then \
	  kill -INT "$$(head -1 $$data/postmaster.pid)"; \
	  for i in $$(seq 100); do [ -f $$data/postmaster.pid ] || break; sleep 0.1; done; \
	  echo "state-db: stopped"; \
	else echo "state-db: not running"; fi

# Your own Atlas (docs/running-against-atlas.md): the org stack $(STACK),
# with the backend you logged in to and the credential in its config (and the
# package plugin, bin/, which serves the settings provider 4.14.0 cannot set). Pulumi
# shows the plan and asks before it changes anything.
up-atlas: $(PROGRAM) $(PLUGIN)
	$(require_pulumi)
	$(install_provider)
	$(PULUMI) up --stack $(STACK)

# The consumer stack $(STACK): projects inside the organizations of the org
# stack its orgStack names.
up-projects: $(PROJECTS)
	$(require_pulumi)
	cd stacks/projects && $(PULUMI) up --stack $(STACK)

# Tear down what up-atlas and up-projects made, in the one order Atlas
# allows: the consumer stack's projects first (Atlas refuses to delete an
# organization that has projects), then the org stack's organizations, whose
# adopted ones (importId) are released, not deleted. Pulumi asks before each
# destroy. A consumer stack that was never created is skipped.
down-atlas: $(PROGRAM) $(PLUGIN) $(PROJECTS)
	$(require_pulumi)
	@if (cd stacks/projects && $(PULUMI) stack --stack $(STACK) --show-name >/dev/null 2>&1); then \
	  echo "cd stacks/projects && $(PULUMI) destroy --stack $(STACK)"; \
	  cd stacks/projects && $(PULUMI) destroy --stack $(STACK); \
	else echo "make down-atlas: no consumer stack $(STACK) in stacks/projects; its projects are not in the way"; fi
	$(PULUMI) destroy --stack $(STACK)

preview: $(PROGRAM) $(PLUGIN)
	$(require_pulumi)
	$(PULUMI) preview --stack $(STACK)

# What CI runs: formatting, go vet, the generated documentation, golangci-lint,
# actionlint on the example workflows, every test under the race detector (the
# link check among them), each fuzz target for $(FUZZTIME), and the guides'
# workflows with the real tools (skipped, with the reason, where they are not
# on PATH).
test: fmt-check vet docs-check lint lint-ci race fuzz e2e

# The workflows of README.md and docs/ end to end with the real Pulumi CLI and
# provider plugin against atlas-local, in a scratch copy (tests/e2e). The run
# builds the tree once; E2E_PARALLEL tests run at a time, each in its own
# copy with its own atlas-local, PULUMI_HOME and backend (2 suits 2 cores:
# while one test waits on a process start or atlas-local, the other runs).
E2E_PARALLEL ?= 2
e2e:
	$(GO) test -tags e2e -count=1 -v -parallel $(E2E_PARALLEL) -timeout 30m ./tests/e2e/

# The e2e benchmarks are Benchmark functions, each run once (-benchtime 1x):
# they take their rounds from BENCH_ROUNDS and give medians. Each prints
# its table and appends it to the report file named.
E2E_BENCH = $(GO) test -tags e2e -count=1 -v -run '^$$' -benchtime 1x

# The scale benchmark with the real tools (tests/e2e/scale_test.go): BENCH_ORGS
# organizations created and destroyed by one org stack, by BENCH_SHARDS shards
# through atlas-multiorg deploy, and by Terraform with the same provider, on
# one atlas-local that delays every answer by BENCH_LATENCY. It prints the
# medians of BENCH_ROUNDS interleaved rounds and writes them to bench-e2e.md.
BENCH_ORGS    ?= 50,500
BENCH_SHARDS  ?= 5
BENCH_LATENCY ?= 100ms
BENCH_ROUNDS  ?= 3
# The prod rows (tests/e2e/prod_scale_test.go): one stack of each of
# BENCH_PROD_ORGS copies of the shipped prod analytics entry, then
# BENCH_PROD_SHARDED (organizations/shards) through deploy, each with its peak
# memory. An empty value leaves that part out.
BENCH_PROD_ORGS    ?= 50,100,200
BENCH_PROD_SHARDED ?= 500/10
bench-e2e:
	rm -f $(CURDIR)/bench-e2e.md
	BENCH_E2E_ORGS=$(BENCH_ORGS) BENCH_E2E_SHARDS=$(BENCH_SHARDS) BENCH_E2E_LATENCY=$(BENCH_LATENCY) BENCH_E2E_ROUNDS=$(BENCH_ROUNDS) \
	BENCH_E2E_PROD_ORGS=$(BENCH_PROD_ORGS) BENCH_E2E_PROD_SHARDED=$(BENCH_PROD_SHARDED) \
	BENCH_E2E_REPORT=$(CURDIR)/bench-e2e.md \
	  $(E2E_BENCH) -timeout 3h -bench '^(BenchmarkScale|BenchmarkProdScale)$$' ./tests/e2e/

# One `pulumi up` of the same 3 dev organizations from Go, YAML, TypeScript and
# Python (tests/e2e/languages_bench_test.go), the package languages from a
# linux/amd64 release, on an atlas-local that delays every answer by
# BENCH_LATENCY: the medians of BENCH_ROUNDS interleaved rounds, also written
# to bench-languages.md.
bench-languages:
	rm -f $(CURDIR)/bench-languages.md
	BENCH_E2E_ROUNDS=$(BENCH_ROUNDS) BENCH_E2E_LATENCY=$(BENCH_LATENCY) BENCH_E2E_REPORT=$(CURDIR)/bench-languages.md \
	  $(E2E_BENCH) -timeout 30m -bench '^BenchmarkLanguages$$' ./tests/e2e/

# atlas-multiorg status over BENCH_STATUS_STACKS stacks of BENCH_STATUS_ORGS
# organizations at each --parallel of BENCH_STATUS_PARALLEL, against one
# pulumi preview --refresh after another (tests/e2e/status_bench_test.go),
# also written to bench-status.md. Its knobs are read from the environment.
bench-status:
	rm -f $(CURDIR)/bench-status.md
	BENCH_E2E_REPORT=$(CURDIR)/bench-status.md $(E2E_BENCH) -timeout 1h -bench '^BenchmarkStatus$$' ./tests/e2e/

# The tests alone, without the race detector's slower build.
unit:
	$(GO) test -count=1 ./...

race:
	$(GO) test -race -count=1 ./...

$(GOLANGCI):
	mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)
	mv $(TOOLS)/golangci-lint $@

lint: $(GOLANGCI)
	$(GOLANGCI) run --allow-parallel-runners ./...

$(ACTIONLINT):
	mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) $(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)
	mv $(TOOLS)/actionlint $@

# Every GitHub Actions workflow of examples/ci/.
lint-ci: $(ACTIONLINT)
	$(ACTIONLINT) examples/ci/*.yml

fuzz:
	@set -e; for target in $(FUZZ_TARGETS); do \
	  name=$${target%%:*}; pkg=$${target#*:}; \
	  echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

# Known-vulnerability scan. It needs the Go vulnerability database
# (vuln.go.dev), which these build machines cannot reach, so CI leaves it
# out; run it where that database is reachable.
vuln:
	$(GO) run $(GOVULNCHECK) ./...

vet:
	$(GO) vet -tags e2e ./...

fmt-check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchtime 20x ./...

clean:
	rm -rf bin .tools
