/**
 * The logical decoder on a real server (LAB_DATABASE_URL, a database of the lab's own: its
 * schemas are dropped and made again), where a transaction can really stay open in one session
 * while others commit in another — what PGlite, a single session, cannot show.
 */
import { describe, expect, it } from 'vitest';
import { connectServer } from '../runtime/pg-server';
import { LOGICAL_PLUGIN, LOGICAL_SLOT } from './logical-decoder';
import { connectorLoop, freshOutboxRun, outboxRow } from './wal-decoder-harness';

const serverUrl = process.env.LAB_DATABASE_URL;
if (!serverUrl) console.log('logical-decoder-server.test.ts: LAB_DATABASE_URL is not set; the checks on a real server are skipped');

describe.skipIf(!serverUrl)('test_decoding on the server in LAB_DATABASE_URL', () => {
  it('publishes a commit once while an earlier transaction stays open in another session, and the open one once when it commits', async () => {
    const connector = await connectServer(serverUrl!, 'dual-write-lab connector');
    const service = await connectServer(serverUrl!, 'dual-write-lab open transaction');
    try {
      await freshOutboxRun(connector.db);
      const loop = await connectorLoop(connector.db, 0, LOGICAL_PLUGIN);
      await service.runner.exec(`BEGIN; ${outboxRow('evt-A')}`);
      await connector.runner.exec(outboxRow('evt-B'));
      await loop.poll();
      await loop.poll();
      await loop.poll();
      expect(loop.published).toEqual(['evt-B']);
      // The server keeps the open transaction's WAL (restart_lsn) behind the confirmed position.
      expect(await loop.slotConfirmed()).toBe(loop.stored());
      expect(await loop.slotRestart()).toBeLessThan(loop.stored());

      await service.runner.exec('COMMIT');
      await loop.poll();
      await loop.poll();
      expect(loop.published).toEqual(['evt-B', 'evt-A']);
    } finally {
      await service.runner.exec('ROLLBACK').catch(() => undefined);
      await connector.runner.query(`SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1`, [LOGICAL_SLOT]).catch(() => undefined);
      await service.close();
      await connector.close();
    }
  });
});
