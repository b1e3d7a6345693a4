#!/usr/bin/env bash
# Same-run speed comparison of PLE4J and PyTorch on the two benchmark configs at batch 256 and 1024, one
# thread each. Runs PLE4J's `throughput` command and the PyTorch reference (torch_ple.py) one after the
# other and prints the ratios. Needs Debian's python3-torch AND an optimised BLAS for it: Debian's torch is
# built against the generic libblas.so.3, which is the slow reference BLAS unless an alternative such as
# OpenBLAS is installed (apt-get install python3-torch libopenblas0-pthread). Run on an idle machine.
#
# Usage: ple-bench/python/compare.sh [output-dir]      (after mvn -B -q package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/target/ple-report/compare}"
mkdir -p "$out"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
java -jar "$root/ple-bench/target/ple-bench.jar" throughput --threads 1 --runs 5 --out "$out" > "$out/ple4j.log" 2>&1
: > "$out/torch.jsonl"
for config in paddle-census large; do
  for batch in 256 1024; do
    /usr/bin/python3 "$here/torch_ple.py" --config "$config" --batch "$batch" --threads 1 --runs 5 >> "$out/torch.jsonl"
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
ours = {}
for r in json.load(open(f"{out}/throughput.json"))["results"]:
    for b in r["batches"]:
        ours[(r["config"], b["batchSize"])] = (b["train"]["samplesPerSecond"]["median"], b["infer"]["samplesPerSecond"]["median"],
                                               max(b["train"]["memory"]["rssPeakBytes"], b["infer"]["memory"]["rssPeakBytes"]) / 2**20)
rows = ["| config | batch | PLE4J train | PyTorch train | ratio | PLE4J infer | PyTorch infer | ratio | PLE4J peak RSS MiB | PyTorch peak RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
for line in open(f"{out}/torch.jsonl"):
    t = json.loads(line)
    o = ours.get((t["config"], t["batch"]))
    if o is None:
        continue
    rows.append(f"| {t['config']} | {t['batch']} | {o[0]:,.0f} | {t['trainSamplesPerSecond']:,.0f} | {o[0] / t['trainSamplesPerSecond']:.2f} "
                f"| {o[1]:,.0f} | {t['inferSamplesPerSecond']:,.0f} | {o[1] / t['inferSamplesPerSecond']:.2f} | {o[2]:,.0f} | {t['peakRssMiB']:,.0f} |")
text = "\n".join(rows)
open(f"{out}/compare.md", "w").write("# PLE4J vs PyTorch, samples/s (median), 1 thread\n\n" + text + "\n")
print(text)
PY
