#!/usr/bin/env python3
"""Executes PLE4J's notebooks headlessly with a Java kernel and reports `notebooks: N passed, N failed`.

Copes with the start-up races of the rapaio Java kernel (its channel threads may exit before they loop;
it opens its ports before it registers its handlers): a kernel that does not answer kernel_info within
--startup-timeout is killed and started again, up to --start-attempts times. A cell that raises an error is
a failure of that notebook and is never retried. Executed copies are written to --out.

Usage: run_notebooks.py --kernel NAME --out DIR [--timeout S] notebook.ipynb ...
"""
import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError


def execute(path, kernel, timeout, startup_timeout, attempts, out_dir):
    last = None
    for attempt in range(1, attempts + 1):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, kernel_name=kernel, timeout=timeout, startup_timeout=startup_timeout,
                                resources={"metadata": {"path": str(Path(path).parent)}})
        started = False
        try:
            with client.setup_kernel():
                started = True
                # Give the kernel's handlers a moment after it answered kernel_info.
                time.sleep(1.0)
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
            nbformat.write(nb, str(Path(out_dir) / Path(path).name))
            return None
        except CellExecutionError as e:
            nbformat.write(nb, str(Path(out_dir) / Path(path).name))
            return "cell error: " + str(e).strip().splitlines()[-1][:500]
        except (DeadKernelError, RuntimeError, TimeoutError) as e:
            if started and isinstance(e, CellExecutionError):
                return str(e)
            last = f"{type(e).__name__}: {e}"
            print(f"  {Path(path).name}: kernel did not start or died (attempt {attempt}/{attempts}): {last}",
                  file=sys.stderr)
            if started and not isinstance(e, DeadKernelError):
                return last
    return f"kernel failed {attempts} times: {last}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kernel", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    # A healthy kernel answers within seconds; a hung start (the race above) never does, so fail fast and
    # retry more often (3 attempts of 90 s all hung once in CI).
    p.add_argument("--startup-timeout", type=int, default=45)
    p.add_argument("--start-attempts", type=int, default=6)
    p.add_argument("notebooks", nargs="+")
    a = p.parse_args()
    Path(a.out).mkdir(parents=True, exist_ok=True)
    passed, failed = 0, 0
    for nb in a.notebooks:
        t0 = time.time()
        error = execute(nb, a.kernel, a.timeout, a.startup_timeout, a.start_attempts, a.out)
        took = time.time() - t0
        if error is None:
            passed += 1
            print(f"PASS {Path(nb).name} ({took:.0f} s)")
        else:
            failed += 1
            print(f"FAIL {Path(nb).name} ({took:.0f} s): {error}")
    print(f"notebooks: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
