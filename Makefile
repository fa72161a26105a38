# One command runs every test, on SQLite and on PostgreSQL:   make test
# PostgreSQL must be reachable at CONTACTD_TEST_POSTGRES (default below);
# each test makes its own schema there and drops it afterwards.
CONTACTD_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export CONTACTD_TEST_POSTGRES
FUZZTIME ?= 20000x

.PHONY: test unit fuzz vet bench run

test: vet unit fuzz

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1)
	go vet ./...

unit:
	go test -count=1 -timeout 15m ./...

# Short fuzz runs of every fuzz target (package:Target); the seed corpora
# live in each package's testdata/fuzz and also run in every plain go test.
FUZZ_TARGETS = phone:FuzzNormalize tabfile:FuzzReadCSV vcard:FuzzVCard mapping:FuzzParse mapping:FuzzSuggest mapping:FuzzRepairPhoneCell fuzzy:FuzzFold rules:FuzzParse store:FuzzRuleSQL

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name"; \
		./.ci/fuzz-one "$$pkg" "$$name" "$(FUZZTIME)" || exit 1; \
	done

bench:
	go run ./cmd/contactd-bench

run:
	go run ./cmd/contactd
