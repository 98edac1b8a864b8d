# atlas-multiorg. `make up` deploys the org stack; `make test` runs every test.
# Everything the tests need comes from the Go module proxy; no other tool is required.

STACK    ?= dev
GO       ?= go
PULUMI   ?= pulumi
PROGRAM  := bin/multiorg
PROJECTS := bin/projects
TOOL     := bin/atlas-multiorg
SOURCES  := $(shell find . -name '*.go' -not -path './bin/*') go.mod go.sum

.PHONY: all build up up-projects preview test vet fmt-check bench clean

all: test

# Same path as Pulumi.yaml's buildTarget: an up-to-date binary makes the
# go build Pulumi runs on every `pulumi up` a no-op instead of a relink.
$(PROGRAM): $(SOURCES)
	$(GO) build -o $@ ./cmd/multiorg

# Same path as stacks/projects/Pulumi.yaml's buildTarget.
$(PROJECTS): $(SOURCES)
	$(GO) build -o $@ ./stacks/projects/cmd

$(TOOL): $(SOURCES)
	$(GO) build -o $@ ./cmd/atlas-multiorg

build: $(PROGRAM) $(PROJECTS) $(TOOL)

define require_pulumi
	@command -v $(PULUMI) >/dev/null 2>&1 || { \
	  echo "make: the Pulumi CLI is not installed (looked for '$(PULUMI)')."; \
	  echo "      Install it from https://www.pulumi.com/docs/install/ (for example:"; \
	  echo "      curl -fsSL https://get.pulumi.com | sh), log in with 'pulumi login',"; \
	  echo "      then run 'make up' again. 'make test' needs only Go."; \
	  exit 1; }
endef

# The main job: create or update the organizations of $(STACK).
up: $(PROGRAM)
	$(require_pulumi)
	$(PULUMI) up --stack $(STACK)

# The consumer stack: projects inside the organizations of the org stack.
up-projects: $(PROJECTS)
	$(require_pulumi)
	cd stacks/projects && $(PULUMI) up --stack $(STACK)

preview: $(PROGRAM)
	$(require_pulumi)
	$(PULUMI) preview --stack $(STACK)

test: fmt-check vet
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchtime 20x ./...

clean:
	rm -rf bin
