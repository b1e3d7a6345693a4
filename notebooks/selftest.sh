#!/usr/bin/env bash
# Proves the runner fails on a broken notebook: a notebook whose second cell throws must make run.sh exit
# non-zero and report "notebooks: 0 passed, 1 failed". Used by .ci/run after the real notebooks.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$here/target/selftest"
mkdir -p "$work"
/usr/bin/python3 - "$work/broken.ipynb" <<'PY'
import sys
import nbformat
from nbformat.v4 import new_notebook, new_code_cell
nb = new_notebook()
nb.metadata["kernelspec"] = {"name": "ple4j-java", "display_name": "Java (PLE4J)", "language": "java"}
nb.cells = [new_code_cell("int answer = 42;"),
            new_code_cell('if (answer == 42) throw new IllegalStateException("this notebook is broken on purpose");'),
            new_code_cell('System.out.println("never reached");')]
nbformat.write(nb, sys.argv[1])
PY
set +e
PLE4J_SKIP_BUILD=1 "$here/run.sh" "$work/broken.ipynb" > "$work/output.txt" 2>&1
status=$?
set -e
if [ "$status" -eq 0 ]; then
  echo "selftest FAILED: run.sh exited 0 on a broken notebook"; exit 1
fi
if ! grep -q "^notebooks: 0 passed, 1 failed$" "$work/output.txt"; then
  echo "selftest FAILED: expected 'notebooks: 0 passed, 1 failed' in:"; cat "$work/output.txt"; exit 1
fi
if ! grep -q "broken on purpose" "$work/output.txt"; then
  echo "selftest FAILED: the cell's error message is not reported:"; grep -E "FAIL" "$work/output.txt"; exit 1
fi
echo "selftest passed: a broken notebook fails the run (exit $status)"
