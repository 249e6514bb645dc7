/**
 * A session of the lab on a real server: connect, preflight (nothing touched when it fails),
 * hand out the LabStore, and clean up what the runs left (slots, prepared transactions) on close.
 */
import { masked } from './pg-url';
import type { LabStore } from '../kernel/component';
import type { PatternDefinition } from '../kernel/pattern';
import { LOGICAL_SLOT } from '../actors/logical-decoder';
import { cleanUpServer, preflight, requirementsOf } from './pg-preflight';
import { connectServer } from './pg-server';

export type ServerSession =
  | { ok: false; message: string }
  | {
      ok: true;
      db: LabStore;
      /** "server: PostgreSQL 15.18 …, database lab as lab" */
      banner: string;
      version: string;
      notes: string[];
      /** Cleans up and disconnects; says what it removed, or null when nothing was left. */
      close(): Promise<string | null>;
    };

/** Slots the lab's runs create on a server (see actors/logical-decoder.ts); the only ones cleanup drops. */
export const LAB_SLOTS: string[] = [LOGICAL_SLOT];

/**
 * Why these patterns cannot run on a real server, or null. Every pattern can now: the CDC ones
 * read it through a logical slot (preflight checks wal_level and the privilege to make one).
 */
export function serverUnsupported(_patterns: readonly PatternDefinition[]): string | null {
  return null;
}

export async function openServerSession(url: string, patterns: readonly PatternDefinition[], options: { resetSchemas: boolean }): Promise<ServerSession> {
  let connection;
  try {
    connection = await connectServer(url);
  } catch (error) {
    return { ok: false, message: `cannot connect to ${masked(url)}: ${describeConnectError(error)}` };
  }
  try {
    const report = await preflight(connection.runner, requirementsOf(patterns), options);
    if (report.problems.length > 0) {
      await connection.close();
      return { ok: false, message: [`PostgreSQL ${report.version} at ${masked(url)} cannot host the lab as it is (nothing was changed):`, ...report.problems.map((p) => `  - ${p}`)].join('\n') };
    }
    const unset = connection.unset.filter((u) => u.name !== 'lc_messages' || report.notes.length === 0).map((u) => `could not set ${u.name} as PGlite has it: ${u.error}`);
    const conn = connection;
    return {
      ok: true,
      db: conn.db,
      version: report.version,
      banner: `server: PostgreSQL ${report.version}, database ${report.database} as ${report.user}`,
      notes: [...report.notes, ...unset],
      async close() {
        try {
          const cleaned = await cleanUpServer(conn.runner, LAB_SLOTS);
          const parts = [
            cleaned.slots.length > 0 ? `dropped replication slot${cleaned.slots.length === 1 ? '' : 's'} ${cleaned.slots.join(', ')}` : '',
            cleaned.prepared.length > 0 ? `rolled back prepared transaction${cleaned.prepared.length === 1 ? '' : 's'} ${cleaned.prepared.join(', ')}` : '',
          ].filter(Boolean);
          return parts.length > 0 ? `cleanup: ${parts.join('; ')}` : null;
        } finally {
          await conn.close();
        }
      },
    };
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}

function describeConnectError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return `${message} (is the server running and listening there?)`;
  if (code === '3D000') return `${message} (create it first: CREATE DATABASE ...)`;
  if (code === '28P01' || code === '28000') return `${message} (check the user and password in the URL)`;
  return message || String(code ?? 'unknown error');
}
