#!/usr/bin/env bash
# Same-run speed comparison of PLE4J and PyTorch, cell by cell: for every config, batch size, thread count (and id
# distribution of the sparse ID configs) PLE4J's `throughput` command runs, then the PyTorch reference
# (torch_ple.py) in each of its implementations (fused, per-expert), alternating, so drift on a shared machine hits
# both sides alike. The ratio of every cell is PLE4J over the FASTEST PyTorch implementation. Writes compare.json
# (every measurement with the CPU model and flags) and compare.md; with --docs also docs/results/compare-pytorch.{md,json}.
#
# Needs Debian's python3-torch AND an optimised BLAS for it (apt-get install python3-torch libopenblas0-pthread:
# Debian's torch is built against the generic libblas.so.3, the slow reference BLAS without OpenBLAS). Run after
# `mvn -B -q package -DskipTests` on an otherwise idle machine.
#
# Usage: ple-bench/python/compare.sh [--docs] [output-dir]
# Environment (defaults in brackets): THREADS [1 2], DENSE_CONFIGS [paddle-census large], DENSE_BATCHES [256 1024],
#   SPARSE_CONFIGS [ids-1e5 ids-1e6 ids-1e7 criteo bags], SPARSE_BATCHES [256 1024], IDS [uniform zipf], RUNS [5],
#   IMPLS [fused per-expert]. OMP_WAIT_POLICY, when set, reaches both stacks (their OpenMP runtimes read it at start;
#   `passive` stops idle worker threads from spinning, which on 2 shared cores made both much faster at 2 threads).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
docs=0
if [ "${1:-}" = "--docs" ]; then
  docs=1
  shift
fi
out="${1:-$root/target/ple-report/compare}"
mkdir -p "$out/ple4j"
THREADS="${THREADS:-1 2}"
DENSE_CONFIGS="${DENSE_CONFIGS:-paddle-census large}"
DENSE_BATCHES="${DENSE_BATCHES:-256 1024}"
SPARSE_CONFIGS="${SPARSE_CONFIGS:-ids-1e5 ids-1e6 ids-1e7 criteo bags}"
SPARSE_BATCHES="${SPARSE_BATCHES:-256 1024}"
IDS="${IDS:-uniform zipf}"
RUNS="${RUNS:-5}"
IMPLS="${IMPLS:-fused per-expert}"
jar="$root/ple-bench/target/ple-bench.jar"
[ -f "$jar" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 1; }
: > "$out/torch.jsonl"
: > "$out/cells.txt"

cell() {   # config batch threads ids(-|uniform|zipf)
  local config="$1" batch="$2" threads="$3" ids="$4" dir
  dir="$out/ple4j/$config-b$batch-t$threads-$ids"
  local idsArg=()
  [ "$ids" = "-" ] || idsArg=(--ids "$ids")
  echo "== $config batch $batch threads $threads ids $ids" | tee -a "$out/cells.txt"
  OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" java -jar "$jar" throughput --config "$config" \
    --batch "$batch" --threads "$threads" --runs "$RUNS" "${idsArg[@]}" --out "$dir" > "$dir.log" 2>&1 \
    || { echo "PLE4J failed, see $dir.log" >&2; tail -5 "$dir.log" >&2; exit 1; }
  for impl in $IMPLS; do
    local tIds=()
    [ "$ids" = "-" ] || tIds=(--ids "$ids")
    OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" /usr/bin/python3 "$here/torch_ple.py" --config "$config" \
      --batch "$batch" --threads "$threads" --runs "$RUNS" --impl "$impl" "${tIds[@]}" >> "$out/torch.jsonl"
  done
}

for t in $THREADS; do
  for c in $DENSE_CONFIGS; do
    for b in $DENSE_BATCHES; do
      cell "$c" "$b" "$t" -
    done
  done
  for c in $SPARSE_CONFIGS; do
    for b in $SPARSE_BATCHES; do
      for ids in $IDS; do
        cell "$c" "$b" "$t" "$ids"
      done
    done
  done
done

/usr/bin/python3 - "$out" "$docs" "$root" <<'PY'
import glob, json, os, platform, sys, datetime
out, docs, root = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
ours = {}
prov = None
for f in sorted(glob.glob(f"{out}/ple4j/*/throughput.json")):
    rep = json.load(open(f))
    p = rep["provenance"]
    prov = prov or p
    ids = p.get("ids") if any(r["config"].startswith(("ids-", "criteo", "bags")) for r in rep["results"]) else "-"
    for r in rep["results"]:
        for b in r["batches"]:
            key = (r["config"], b["batchSize"], p["threads"], ids)
            ours[key] = dict(train=b["train"]["samplesPerSecond"]["median"], infer=b["infer"]["samplesPerSecond"]["median"],
                             rss=max(b["train"]["memory"]["rssPeakBytes"], b["infer"]["memory"]["rssPeakBytes"]) / 2**20)
torch = {}
tprov = None
for line in open(f"{out}/torch.jsonl"):
    t = json.loads(line)
    tprov = tprov or t
    key = (t["config"], t["batch"], t["threads"], t.get("ids") or "-")
    torch.setdefault(key, []).append(t)
rows = []
for key in sorted(ours, key=lambda k: (k[2], k[0].startswith(("ids", "criteo", "bags")), k[0], k[1], k[3])):
    o, ts = ours[key], torch.get(key, [])
    if not ts:
        continue
    bt = max(ts, key=lambda t: t["trainSamplesPerSecond"])
    bi = max(ts, key=lambda t: t["inferSamplesPerSecond"])
    rss = min(t["peakRssMiB"] for t in ts)
    rows.append(dict(config=key[0], batch=key[1], threads=key[2], ids=key[3], ple4jTrain=o["train"], torchTrain=bt["trainSamplesPerSecond"],
                     torchTrainImpl=bt.get("impl"), trainRatio=o["train"] / bt["trainSamplesPerSecond"], ple4jInfer=o["infer"],
                     torchInfer=bi["inferSamplesPerSecond"], torchInferImpl=bi.get("impl"), inferRatio=o["infer"] / bi["inferSamplesPerSecond"],
                     ple4jRssMiB=o["rss"], torchRssMiB=rss, rssRatio=o["rss"] / rss,
                     torchAll=[{k: t[k] for k in ("impl", "trainSamplesPerSecond", "inferSamplesPerSecond", "peakRssMiB")} for t in ts]))
cpu = (tprov or {}).get("cpu") or (prov or {}).get("cpu")
provenance = dict(created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), cpu=cpu,
                  ple4j={k: prov.get(k) for k in ("library", "jvm", "nativeJar", "nativeSelection", "blasLibrary", "backend",
                                                  "blas")} if prov else None,
                  ompWaitPolicy=os.environ.get("OMP_WAIT_POLICY") or "unset",
                  torch=(tprov or {}).get("version"), python=platform.python_version(),
                  command="ple-bench/python/compare.sh", runs=os.environ.get("RUNS", "5"))
json.dump(dict(provenance=provenance, cells=rows), open(f"{out}/compare.json", "w"), indent=2)
md = ["# PLE4J vs PyTorch, same run (samples/s, median of timed runs)", "",
      f"Machine: {cpu['model'] if cpu else '?'} ({', '.join(cpu['flags']) if cpu else '?'}); created {provenance['created']} by "
      f"`ple-bench/python/compare.sh`; PyTorch {provenance['torch']}; PLE4J {prov.get('library') if prov else '?'} on "
      f"{prov.get('nativeJar') if prov else '?'} with OpenBLAS {prov.get('blasLibrary', '?') if prov else '?'}; "
      f"OMP_WAIT_POLICY {provenance['ompWaitPolicy']}.",
      "Ratio = PLE4J / the fastest PyTorch implementation of the cell (fused or per-expert, named after the figure). "
      "Peak RSS: PLE4J's process vs the smaller PyTorch process.", "",
      "| config | batch | threads | ids | PLE4J train | PyTorch train | ratio | PLE4J infer | PyTorch infer | ratio | PLE4J RSS MiB | PyTorch RSS MiB | ratio |",
      "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
for r in rows:
    md.append(f"| {r['config']} | {r['batch']} | {r['threads']} | {r['ids']} | {r['ple4jTrain']:,.0f} | {r['torchTrain']:,.0f} ({r['torchTrainImpl']}) "
              f"| {r['trainRatio']:.2f} | {r['ple4jInfer']:,.0f} | {r['torchInfer']:,.0f} ({r['torchInferImpl']}) | {r['inferRatio']:.2f} "
              f"| {r['ple4jRssMiB']:,.0f} | {r['torchRssMiB']:,.0f} | {r['rssRatio']:.2f} |")
below = [r for r in rows if r["trainRatio"] < 1 or r["inferRatio"] < 1]
md += ["", f"Cells: {len(rows)}; below 1.0 in training or inference: {len(below)}."]
text = "\n".join(md) + "\n"
open(f"{out}/compare.md", "w").write(text)
print(text)
if docs:
    os.makedirs(f"{root}/docs/results", exist_ok=True)
    open(f"{root}/docs/results/compare-pytorch.md", "w").write(text)
    json.dump(dict(provenance=provenance, cells=rows), open(f"{root}/docs/results/compare-pytorch.json", "w"), indent=2)
    print("wrote docs/results/compare-pytorch.md and .json")
PY
