/**
 * Makes the Postgres boot image the site ships (public/generated/postgres/), unless this build
 * already has it: pages and workers load it instead of running initdb in the tab. Images an older
 * recipe left there are removed, or every build would ship all of them.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ensureBootImage } from '../machines/runtime/boot-image-node';

const started = performance.now();
const path = await ensureBootImage();
const dir = dirname(path);
const stale = readdirSync(dir).filter((name) => /^postgres-.*\.tgz$/.test(name) && name !== basename(path));
for (const name of stale) rmSync(join(dir, name), { force: true });
const kb = Math.round(statSync(path).size / 1024);
const removed = stale.length > 0 ? `; removed ${stale.length} older ${stale.length === 1 ? 'image' : 'images'}` : '';
console.log(`boot image: ${relative(process.cwd(), path)} (${kb} KB) in ${((performance.now() - started) / 1000).toFixed(1)} s${removed}`);
