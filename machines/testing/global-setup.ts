/**
 * Boots PGlite once for the whole test run and keeps its data directory in a temporary file, so
 * each test file starts from that copy in about a second instead of running initdb again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLabPostgres } from '../runtime/pglite';

export const DATA_DIR_ENV = 'DUAL_WRITE_LAB_TEST_DATADIR';

export default async function setup(): Promise<() => void> {
  const folder = mkdtempSync(join(tmpdir(), 'dual-write-lab-'));
  const file = join(folder, 'datadir.tar');
  const { pg } = await startLabPostgres();
  const dump = await pg.dumpDataDir('none');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await pg.close();
  process.env[DATA_DIR_ENV] = file;
  return () => rmSync(folder, { recursive: true, force: true });
}
