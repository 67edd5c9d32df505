#!/usr/bin/env node
// Builds the addon with @napi-rs/cli and regenerates index.d.ts (`napi build` emits the typedefs
// of every #[napi] item, their doc comments as JSDoc, after scripts/dts-header.d.ts).
// `--check`: build into a temporary directory and fail if its index.d.ts differs from node/'s.
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const here = path.resolve(__dirname, '..')
const root = path.resolve(here, '..')
const check = process.argv.includes('--check')
const outDir = check ? fs.mkdtempSync(path.join(os.tmpdir(), 'xps-dts-')) : here
const napi = path.join(here, 'node_modules', '.bin', process.platform === 'win32' ? 'napi.cmd' : 'napi')

const r = spawnSync(
  napi,
  ['build', '--release', '--no-js', '--output-dir', outDir, '--dts', 'index.d.ts',
    '--target-dir', process.env.CARGO_TARGET_DIR || path.join(root, 'target-bindings'), '--manifest-path', path.join(here, 'Cargo.toml'),
    '--package-json-path', path.join(here, 'package.json')],
  { stdio: ['ignore', 'inherit', 'inherit'], cwd: here },
)
if (r.status !== 0) process.exit(r.status ?? 1)
if (check) {
  const a = fs.readFileSync(path.join(here, 'index.d.ts'), 'utf8')
  const b = fs.readFileSync(path.join(outDir, 'index.d.ts'), 'utf8')
  if (a !== b) {
    console.error('node/index.d.ts is out of date: run `npm run gen-types` in node/ and commit it')
    process.exit(1)
  }
  console.error('node/index.d.ts is up to date')
} else {
  fs.rmSync(path.join(here, 'xpscrypto.node.tmp'), { force: true })
}
