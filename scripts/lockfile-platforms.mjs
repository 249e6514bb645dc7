#!/usr/bin/env node
/**
 * The npm registry these machines reach serves only Linux builds of packages such as Next's SWC
 * compiler and Tailwind's oxide engine, so `npm install` here writes a lock file without the
 * macOS, Windows and other builds. `npm ci` then refuses that lock file as out of sync (and a
 * laptop could not install from it). This adds an entry for every missing platform build, marked
 * optional with its os and cpu, so npm skips it where it does not fit and fetches it where it does.
 *
 * Run after any `npm install` on these machines: node scripts/lockfile-platforms.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

const OS_NAMES = ['android', 'darwin', 'freebsd', 'linux', 'win32', 'openbsd', 'sunos', 'aix'];
const CPU_NAMES = ['arm64', 'x64', 'ia32', 'wasm32', 'arm'];

function platformOf(name) {
  const base = name.split('/').pop();
  const parts = base.split('-');
  const os = OS_NAMES.find((o) => parts.includes(o));
  const cpu = base.includes('gnueabihf') ? 'arm' : CPU_NAMES.find((c) => parts.includes(c));
  return { os, cpu };
}

const added = [];
for (const [location, meta] of Object.entries(packages)) {
  for (const [dependency, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${dependency}`;
    const top = `node_modules/${dependency}`;
    if (packages[nested] || packages[top]) continue;
    const { os, cpu } = platformOf(dependency);
    if (!os && !cpu) continue; // Not a platform build: leave a genuinely missing dependency visible.
    packages[top] = { version, optional: true, ...(cpu ? { cpu: [cpu] } : {}), ...(os ? { os: [os] } : {}) };
    added.push(`${dependency}@${version}`);
  }
}

const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length === 0 ? 'lock file already lists every platform build' : `added ${added.length}: ${added.join(', ')}`);
