/**
 * The boot image must be a faithful shortcut: the same trace whether Postgres came from it or
 * from a fresh initdb (a tab falls back to initdb when the image does not load).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../kernel/explore';
import { defaultScenario } from '../kernel/scenario';
import { getPattern } from '../patterns/index';
import { BOOT_IMAGE_FILE, PGLITE_VERSION } from './boot-image';
import { startLabPostgresInNode } from './boot-image-node';
import { startLabPostgres } from './pglite';

describe('the boot image', () => {
  it('is named for the installed PGlite', () => {
    const installed = JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string };
    expect(PGLITE_VERSION).toBe(installed.version);
    expect(BOOT_IMAGE_FILE).toMatch(new RegExp(`^postgres-${PGLITE_VERSION.replace(/\./g, '\\.')}-[0-9a-f]{8}\\.tgz$`));
  });

  it('holds only the database the lab connects to, and gives the same WAL-reading run as a fresh initdb', async () => {
    const fromImage = await startLabPostgresInNode();
    const fresh = await startLabPostgres();
    try {
      const databases = await fromImage.pg.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1');
      expect(databases.rows.map((r) => r.datname)).toEqual(['postgres']);
      const pattern = getPattern('outbox-cdc')!;
      const scenario = { ...defaultScenario('outbox-cdc'), faults: [{ kind: 'crash' as const, at: 'connector.store-position:1' }] };
      const [a, b] = [await runScenario(fromImage.db, pattern, scenario), await runScenario(fresh.db, pattern, scenario)];
      expect(new Set(a.outcome.anomalies.map((x) => x.id))).toEqual(new Set(['duplicate-delivery', 'duplicate-effect']));
      expect(JSON.stringify(a.trace)).toBe(JSON.stringify(b.trace));
      expect(JSON.stringify(a.steps)).toBe(JSON.stringify(b.steps));
    } finally {
      await fromImage.pg.close();
      await fresh.pg.close();
    }
  });
});
