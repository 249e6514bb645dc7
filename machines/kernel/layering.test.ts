/**
 * The structure the rest of the lab stands on, checked: the kernel imports nothing from the
 * actors or the patterns, the simulation imports nothing from React, and the generated pattern
 * lists say exactly what the pattern folders hold.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleGeneratedFiles } from '../../scripts/generate-pattern-registry';

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

describe('the layers', () => {
  it('the kernel imports nothing from machines/actors or machines/patterns', () => {
    const offending = sourceFiles(join(ROOT, 'machines', 'kernel')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => /(^|\/)(actors|patterns)\//.test(spec))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the simulation imports nothing from React or the components', () => {
    const offending = sourceFiles(join(ROOT, 'machines')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^react(-dom)?$|^@xyflow\/|(^|\/)components\//.test(spec))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the generated pattern lists match the pattern folders', async () => {
    expect(await staleGeneratedFiles()).toEqual([]);
  });
});
