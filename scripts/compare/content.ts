/** The comparison's content files, read and validated (Node only: the build and the command line). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseClaims, type Claim } from '../../machines/compare/claims';
import { parseHousekeeping } from '../../machines/compare/housekeeping';
import type { Housekeeping } from '../../machines/compare/measures';

const CONTENT = fileURLToPath(new URL('../../content/compare/', import.meta.url));

function readJson(name: string): unknown {
  const path = `${CONTENT}${name}`;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`content/compare/${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function loadClaims(): Claim[] {
  return parseClaims(readJson('claims.json'));
}

export function loadHousekeeping(): Housekeeping {
  return parseHousekeeping(readJson('housekeeping.json'));
}
