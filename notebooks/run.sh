#!/usr/bin/env bash
# Executes every notebook in notebooks/ with a Java kernel (rapaio-jupyter-kernel from Maven Central),
# headlessly, and prints "notebooks: N passed, N failed". Exit status is non-zero on any failure.
#
# Nothing is written to the user's home: the kernel spec, Jupyter's runtime files and the executed copies
# live under notebooks/target/. Needs Java 17, Maven and Debian's jupyter-nbconvert + jupyter-client
# (python3 with nbclient); .ci/run installs them.
#
# Usage: notebooks/run.sh [notebook.ipynb ...]   (default: notebooks/*.ipynb)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
target="$here/target"
kernel_version=3.0.1
kernel_jar="$HOME/.m2/repository/io/github/padreati/rapaio-jupyter-kernel/$kernel_version/rapaio-jupyter-kernel-$kernel_version.jar"
python=/usr/bin/python3

mkdir -p "$target/jupyter/kernels/ple4j-java" "$target/executed" "$target/runtime"

# 1. The project's jars and their dependencies (the kernel's classpath).
if [ -z "${PLE4J_SKIP_BUILD:-}" ]; then
  (cd "$root" && mvn -B -q -ntp package -DskipTests)
fi
# rapaio's RJK_CLASSPATH separates entries with ';' and expands globs.
cp="$root/ple-bench/target/ple-bench.jar;$root/ple-bench/target/lib/*.jar"

# The native build for this CPU, fixed on the kernel's command line: a notebook may touch ND4J before any
# PLE4J class runs NativeSelection, and unpinned JavaCPP loads whichever variant it finds first.
natives="$(java -cp "$root/ple-bench/target/ple-bench.jar:$root/ple-bench/target/lib/*" io.github.ple4j.model.NativeSelection)"

# 2. The kernel jar from Maven Central, and a project-local kernel spec.
if [ ! -f "$kernel_jar" ]; then
  mvn -B -q -ntp dependency:get -Dartifact=io.github.padreati:rapaio-jupyter-kernel:$kernel_version
fi
cat > "$target/jupyter/kernels/ple4j-java/kernel.json" <<JSON
{
  "argv": ["java", "-Xmx4g", "-Dorg.bytedeco.javacpp.platform.extension=$natives", "-jar", "$kernel_jar", "{connection_file}"],
  "display_name": "Java (PLE4J, rapaio $kernel_version)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {
    "RJK_CLASSPATH": "$cp",
    "RJK_COMPILER_OPTIONS": "",
    "RJK_INIT_SCRIPT": "",
    "RJK_TIMEOUT_MILLIS": "-1",
    "OMP_NUM_THREADS": "${OMP_NUM_THREADS:-1}",
    "PLE4J_SHARED_DIR": "${PLE4J_SHARED_DIR:-$root/../shared}",
    "PLE4J_REPORT_DIR": "$target/report"
  }
}
JSON

export JUPYTER_PATH="$target/jupyter"
export JUPYTER_DATA_DIR="$target/jupyter"
export JUPYTER_RUNTIME_DIR="$target/runtime"
export JUPYTER_CONFIG_DIR="$target/jupyter-config"
export IPYTHONDIR="$target/ipython"

notebooks=()
if [ "$#" -gt 0 ]; then
  for nb in "$@"; do notebooks+=("$(realpath "$nb")"); done
else
  notebooks=("$here"/*.ipynb)
fi
cd "$here"
"$python" "$here/run_notebooks.py" --kernel ple4j-java --out "$target/executed" "${notebooks[@]}"
