# List the recipes.
default:
    @just --list

# What CI runs: fmt check, clippy -D warnings, no module cycles, tests, docs, the README sample command.
ci:
    bash .ci/run

# Run the tests.
test:
    cargo test --workspace --locked

# Convert the shipped sample into out/.
sample:
    -cargo run --release --bin nebulk -- convert testdata/sample/accounts.csv --schema testdata/sample/template.csv --existing testdata/sample/existing.csv --out out/

# Rewrite the golden files of testdata/cases and testdata/bad from the current output (review the diff before committing).
golden:
    UPDATE_GOLDEN=1 cargo test -p nebulk-cli --test integration -- golden:: bad::

# Run every cargo-fuzz target for FUZZ_SECONDS each (default 60) on stable Rust; see fuzz/run.sh.
fuzz *TARGETS:
    bash fuzz/run.sh {{TARGETS}}

# Format the code.
fmt:
    cargo fmt --all

# Run the criterion benchmarks (parse, rules, check, emit, pipeline, xml) on generated data.
bench:
    cargo bench -p nebulk-benches

# Compare nebulk with cat, polars, frictionless and qsv (env: SIZES, RUNS, LINEAR, XML_ROWS, OUT); writes BENCHMARKS.md.
bench-peers:
    bash benches/peers/run.sh

# Two nebulk binaries side by side on 1M rows (a change that must not be slower)
bench-compare old new:
    bash benches/peers/compare.sh {{old}} {{new}}

# Regenerate docs/report.png, the README's picture of report.html: the shipped sample's report in headless Chromium.
report-screenshot:
    -cargo run --bin nebulk -- convert testdata/sample/accounts.csv --schema testdata/sample/template.csv --existing testdata/sample/existing.csv --out target/report-sample -q
    mkdir -p docs
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2000 --screenshot=docs/report.png "file://$PWD/target/report-sample/report.html"
