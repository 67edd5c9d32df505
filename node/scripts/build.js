#!/usr/bin/env node
// Builds the native addon `xpscrypto.node` next to index.js from the Rust sources.
//
// Runs as the package's `install` script, so `npm install` inside node/ and `npm install <clone>/node`
// from another project both build from source with only a Rust toolchain and the npm registry.
//  - With @napi-rs/cli installed (npm install inside node/, which installs the devDependencies):
//    `napi build`, which also regenerates index.d.ts (CI then checks it did not change).
//  - Without it (a folder or git dependency is installed without its devDependencies): plain
//    cargo, in the target dir shared with the Python build.
// Either way cargo runs with stdin closed (it once read npm's stdin socket).
// `--force` rebuilds even if the addon exists; XPS_NODE_SKIP_BUILD=1 skips the build.
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const here = path.resolve(__dirname, '..')
const root = path.resolve(here, '..')
const out = path.join(here, 'xpscrypto.node')

function main() {
  if (process.env.XPS_NODE_SKIP_BUILD === '1') return
  const napi = path.join(here, 'node_modules', '.bin', process.platform === 'win32' ? 'napi.cmd' : 'napi')
  if (fs.existsSync(napi) && process.env.XPS_NODE_PLAIN_CARGO !== '1') {
    // Development: always through napi (incremental), so index.d.ts is regenerated every time.
    const r = spawnSync(process.execPath, [path.join(__dirname, 'gen-types.js')], { stdio: ['ignore', 'inherit', 'inherit'] })
    if (r.status !== 0) fail('napi build failed')
    return
  }
  if (fs.existsSync(out) && !process.argv.includes('--force') && !stale()) return
  const cargo = process.env.CARGO || 'cargo'
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target-bindings')
  const args = ['build', '--release', '-p', 'xpscrypto-node', '--manifest-path', path.join(root, 'Cargo.toml')]
  console.error(`xpscrypto: building the native addon (${cargo} ${args.join(' ')})`)
  const r = spawnSync(cargo, args, {
    // From the workspace root, so cargo reads its .cargo/config.toml (the curve25519-dalek IFMA
    // backend cfg) whatever directory npm runs this script in.
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, CARGO_TARGET_DIR: targetDir },
  })
  if (r.error) fail(`could not run ${cargo}: ${r.error.message} (install Rust: https://rustup.rs)`)
  if (r.status !== 0) fail(`cargo build failed with status ${r.status}`)
  const lib = { linux: 'libxpscrypto_node.so', darwin: 'libxpscrypto_node.dylib', win32: 'xpscrypto_node.dll' }[process.platform]
  if (!lib) fail(`unsupported platform ${process.platform}`)
  const built = path.join(targetDir, 'release', lib)
  // Copy to a temporary name and rename: a process loading the old addon never sees half a file.
  fs.copyFileSync(built, `${out}.tmp`)
  fs.renameSync(`${out}.tmp`, out)
}

/** True when a Rust source is newer than the built addon (development convenience). */
function stale() {
  const t = fs.statSync(out).mtimeMs
  const newer = (dir) =>
    fs.existsSync(dir) &&
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = path.join(dir, e.name)
      return e.isDirectory() ? newer(p) : fs.statSync(p).mtimeMs > t
    })
  return newer(path.join(here, 'src')) || newer(path.join(root, 'core', 'src'))
}

function fail(msg) {
  console.error(`xpscrypto: ${msg}`)
  process.exit(1)
}

main()
