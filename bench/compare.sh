#!/usr/bin/env bash
# Measures flink-backup against the tools people use today, side by side, in one run:
#   (a) one file, cold process: flink-backup validate vs check-jsonschema and ajv-cli
#   (b) 10,000 FlinkDeployments in 1,000 files: the same (one document per file for the peers)
#   (c) one restore: flink-backup restore vs the equivalent yq edit
#   (d) peak memory of (b)
#   (e) restore at scale: 3,000 targets with 30,000 snapshots, and twice and four times that
#   (f) one file whose every object has a finding, at two sizes: placing findings grows linearly
# Installs check-jsonschema and yq into bench/out/venv, ajv-cli into bench/npm/node_modules (npm ci,
# from the committed lock file); writes bench/out/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
mkdir -p "$out"
cargo build --release --locked --quiet

if [ ! -x "$out/venv/bin/python3" ]; then
  python3 -m venv "$out/venv"
fi
"$out/venv/bin/python3" -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
# ajv-cli compiles the schema to JavaScript: the fastest JSON Schema validator available here.
npm ci --prefix bench/npm --no-audit --no-fund --silent

if ! command -v jq >/dev/null 2>&1; then
  # yq (the Python one, kislyuk/yq) drives jq.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -qq jq >/dev/null
  else
    echo "compare.sh: yq needs jq; install it (apt-get install jq)" >&2
    exit 2
  fi
fi

"$out/venv/bin/python3" bench/make_corpus.py "$out/corpus"
"$out/venv/bin/python3" bench/crd_to_jsonschema.py \
  schemas/crds/1.15.0/flinkdeployments.flink.apache.org-v1.yml > "$out/flinkdeployment.crd.schema.json"
"$out/venv/bin/python3" bench/measure.py "$out" | tee "$out/results.md"
