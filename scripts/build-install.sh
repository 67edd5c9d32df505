#!/usr/bin/env bash
# Build libxpscrypto through the root CMake project, install it into PREFIX, then build and run the
# example tour (examples/, a separate consumer project) against PREFIX.
#
#   scripts/build-install.sh PREFIX
#
# Build trees: build/ (root project, Release; cargo shares the workspace target/) and
# build/examples/. Idempotent; a second run only re-checks (cargo and make are incremental).
# Logs of every step go to build/logs/; on failure the tail of the failing log is printed.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=$(realpath -m -- "$1")
build="$root/build"
logs="$build/logs"
mkdir -p "$logs"
jobs=$(nproc 2>/dev/null || echo 2)
t_start=$SECONDS

# step NAME CMD... — runs CMD with stdin from /dev/null, output to build/logs/NAME.log.
step() {
    local name=$1 t0=$SECONDS
    shift
    if "$@" >"$logs/$name.log" 2>&1 </dev/null; then
        printf '  %-28s ok (%ds)\n' "$name" $((SECONDS - t0))
    else
        printf '  %-28s FAILED (%ds) — last lines of %s:\n' "$name" $((SECONDS - t0)) "$logs/$name.log"
        tail -n 40 "$logs/$name.log" | sed 's/^/    | /'
        exit 1
    fi
}

echo "xpscrypto build-install → $prefix"
step configure cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
step build cmake --build "$build" -j "$jobs"
step install cmake --install "$build" --prefix "$prefix"

# The example project finds the package only through CMAKE_PREFIX_PATH; -U drops a cached
# xpscrypto_DIR so a different PREFIX on a later run is honoured.
step examples-configure cmake -S "$root/examples" -B "$build/examples" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -Uxpscrypto_DIR
step examples-build cmake --build "$build/examples" -j "$jobs"
grep -q "xpscrypto_DIR:PATH=$prefix/" "$build/examples/CMakeCache.txt" || {
    echo "  examples did not resolve xpscrypto from $prefix" >&2
    exit 1
}

for exe in tour_c tour_c_static tour_cpp; do
    step "run-$exe" "$build/examples/$exe"
    grep -q '^tour ok$' "$logs/run-$exe.log" || { echo "  $exe did not finish" >&2; exit 1; }
done
echo "---- tour_c (linked against $prefix/lib/libxpscrypto.so) ----"
sed 's/^/  /' "$logs/run-tour_c.log"
echo "build-install done in $((SECONDS - t_start))s"
