/**
 * Following a captured table's columns as they change mid-stream, the way Debezium does.
 *
 * Debezium never asks the catalog per change: pgoutput sends a RELATION message (the table's
 * columns, from the catalog as it was at that point of the WAL) before the first change of a
 * table in a session and again after its definition changed, and Debezium rebuilds its schema for
 * the table from it. So a column renamed between two changes shows under its old name in the
 * first and its new name in the second, whenever the connector reads them and whether or not it
 * restarted in between.
 *
 * The lab's decoders need the columns from the connector (pg_walinspect decodes tuples by
 * position; test_decoding names every column, and the lab's rows keep the names they are given).
 * So when a read brings changes, the connector looks at the captured tables' columns in the
 * catalog, with the transaction that last changed them (`pg_attribute.xmin`); if they differ from
 * the columns it knows, the changes of transactions before that one keep the old names and those
 * after it are read again with the new ones. That needs the columns it knew to survive a restart
 * (the current catalog has only the new names), so a connector that follows relations keeps them
 * beside its row images (`service.cdc_connector_state.relations`); Debezium needs no such thing,
 * the server hands it the old names. One change of definition between two reads is handled (a
 * second one in the same stretch would need the catalog's history, which only the server keeps).
 */
import type { DatabaseOutcome, TracedDatabase } from '../kernel/traced-database';
import { capturedTables, type CapturedTable } from './wal';

export interface RelationCheck {
  tables: CapturedTable[];
  /** Per table, the run-relative transaction that last changed its columns (negative: before the run). */
  changedAt: Record<string, number>;
}

/** The captured tables as the catalog has them now, with the transaction that last changed each. */
export async function checkRelations(db: TracedDatabase, captured: string[]): Promise<DatabaseOutcome<RelationCheck>> {
  const result = await db.statement<Record<string, unknown>>(
    'check relations of captured tables (pg_attribute, as pgoutput sends RELATION)',
    `SELECT c.oid::regclass::text AS tbl, pg_relation_filenode(c.oid) AS relfilenode, a.attname, a.atttypid::regtype::text AS type,
       a.attlen, a.attalign, a.attisdropped,
       max(a.xmin::text::bigint) OVER (PARTITION BY c.oid) - o.origin_xid AS changed_tx
     FROM service.wal_origin o, pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
     WHERE c.oid = ANY($1::regclass[]) ORDER BY c.oid, a.attnum`,
    [`{${captured.join(',')}}`],
  );
  if (!result.ok) return result;
  const changedAt: Record<string, number> = {};
  for (const r of result.value.rows) changedAt[String(r.tbl)] = Number(r.changed_tx);
  return { ok: true, value: { tables: capturedTables(result.value.rows), changedAt } };
}

const namesOf = (t: CapturedTable) => t.columns.map((c) => `${c.name}:${c.type}:${c.dropped}`).join(',');

/**
 * The tables whose columns differ between what the connector knows and the catalog, with the
 * transaction that changed them. Empty when nothing changed.
 */
export function changedRelations(known: CapturedTable[], check: RelationCheck): { table: string; tx: number }[] {
  return check.tables
    .filter((now) => {
      const before = known.find((t) => t.table === now.table);
      return before !== undefined && namesOf(before) !== namesOf(now);
    })
    .map((now) => ({ table: now.table, tx: check.changedAt[now.table] ?? 0 }));
}

/** Column names by position, as kept in the connector's state: the layout comes from the catalog. */
export type KeptRelations = Record<string, string[]>;

export function keptRelations(tables: CapturedTable[]): KeptRelations {
  return Object.fromEntries(tables.map((t) => [t.table, t.columns.map((c) => c.name)]));
}

/** The catalog's layouts under the names the connector kept (same positions: a rename keeps them). */
export function withKeptNames(tables: CapturedTable[], kept: KeptRelations | null): CapturedTable[] {
  if (!kept) return tables;
  return tables.map((t) => {
    const names = kept[t.table];
    if (!names || names.length !== t.columns.length) return t;
    return { ...t, columns: t.columns.map((c, i) => ({ ...c, name: names[i]! })) };
  });
}
