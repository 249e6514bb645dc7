/**
 * Makes the Postgres boot image the site ships (public/generated/postgres/), unless this build
 * already has it: pages and workers load it instead of running initdb in the tab.
 */
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { ensureBootImage } from '../machines/runtime/boot-image-node';

const started = performance.now();
const path = await ensureBootImage();
const kb = Math.round(statSync(path).size / 1024);
console.log(`boot image: ${relative(process.cwd(), path)} (${kb} KB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
