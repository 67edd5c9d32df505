#!/usr/bin/env bash
# The Node suite: (1) a consumer project installs the package from this folder (`npm install
# <clone>/node`: the install script builds the addon with plain cargo, no devDependencies), (2)
# `npm install` inside node/ (napi build, regenerating index.d.ts) + drift check of index.d.ts,
# (3) tsc on the typings and the examples, (4) node --test (vectors, bad input, interop with
# node:crypto, async, parity with include/xpscrypto.h, Python↔Node file format).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
command -v node >/dev/null || { echo "node not found" >&2; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 18 ? 1 : 0)' || { echo "xpscrypto needs Node >= 18" >&2; exit 1; }
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

echo "--- consumer: npm install $ROOT/node from another project"
consumer="$(mktemp -d)"
trap 'rm -rf "$consumer"' EXIT
(cd "$consumer" && npm init -y >/dev/null && npm install "$ROOT/node" </dev/null)
(cd "$consumer" && node -e '
const x = require("xpscrypto")
const h = x.hash("sha256", Buffer.from("abc")).toString("hex")
if (h !== "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") throw new Error("bad digest " + h)
console.log("consumer ok: xpscrypto", x.version())')

echo "--- npm install in node/ (napi build, index.d.ts regenerated)"
(cd node && npm install </dev/null)
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$ROOT" diff --exit-code -- node/index.d.ts || { echo "node/index.d.ts is out of date: run npm install (or npm run gen-types) in node/ and commit it" >&2; exit 1; }
else
  (cd node && node scripts/gen-types.js --check)
fi
echo "--- tsc (typings + examples)"
(cd node && npx tsc -p tsconfig.json)
echo "--- node --test"
(cd node && XPS_PYTHON="${XPS_PYTHON:-${XPS_PY_VENV:-$ROOT/.venv-py}/bin/python}" node --test test/)
echo "--- node --test, portable kernels forced (XPS_CPU_DISABLE=all)"
(cd node && XPS_CPU_DISABLE=all node --test test/parity.test.js $(ls test/vectors.test.js test/interop.test.js 2>/dev/null))
