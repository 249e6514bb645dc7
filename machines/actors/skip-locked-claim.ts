/**
 * Claiming rows under a lease, as competing outbox relays and job-queue workers do: one
 * `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING …`, so two claimers
 * never take the same row and neither waits on the other's locks. The lease is a timestamp
 * column: once it is older than the lease, the row is free to claim again, whoever held it.
 *
 * PGlite is one connection, so two claims never overlap here and SKIP LOCKED skips nothing; the
 * statement is still the one a real claimer sends, where it matters.
 */

/** SQL: the lease taken at `column` has run out by `now`. `now` and `leaseMs` are parameter refs (`$2`). */
export function leaseExpired(column: string, now: string, leaseMs: string): string {
  return `${column} < ${now}::timestamptz - make_interval(secs => ${leaseMs} / 1000.0)`;
}

/** SQL: when the lease taken at `column` runs out, as clock time for the live views. */
export function leaseUntil(column: string, leaseMs: string): string {
  return `to_char(${column} + make_interval(secs => ${leaseMs} / 1000.0), 'HH24:MI:SS.MS')`;
}

export interface ClaimStatement {
  table: string;
  /** The SET list that takes the claim. */
  set: string;
  /** Which rows may be claimed now. */
  claimable: string;
  orderBy: string;
  /** A parameter ref or a number. */
  limit: string;
  returning: string;
}

/** The claim itself: pick claimable rows in order, skip those another claimer has locked, take them. */
export function skipLockedClaim(c: ClaimStatement): string {
  return `UPDATE ${c.table} SET ${c.set}
       WHERE id IN (
         SELECT id FROM ${c.table}
         WHERE ${c.claimable}
         ORDER BY ${c.orderBy} LIMIT ${c.limit}
         FOR UPDATE SKIP LOCKED)
       RETURNING ${c.returning}`;
}
