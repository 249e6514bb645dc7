/**
 * What "the same run" means between PGlite and a real server: the same trace (every message and
 * statement, in order, at the same virtual time), the same steps (captions, statechart states) and
 * the same outcome. A run is reduced to lines, and two runs agree when their lines do; the first
 * line that differs is what a person needs to see.
 */
import type { ExploredRun } from '../../machines/kernel/explore';
import { formatFault } from '../../machines/kernel/scenario';
import type { RunResult, TraceEntry } from '../../machines/kernel/types';

export interface RunLines {
  /** Which run of the exploration: variant, orders, fault, idempotency. */
  key: string;
  lines: string[];
}

export function runKey(run: Pick<ExploredRun, 'variant' | 'orders' | 'faults' | 'idempotentConsumer'>): string {
  return `${run.variant} · orders ${run.orders.join(',')} · ${run.faults.map(formatFault).join(' + ') || 'no fault'} · idempotency ${run.idempotentConsumer ? 'on' : 'off'}`;
}

function traceLine(e: TraceEntry): string {
  const fault = e.fault ? ` [${formatFault(e.fault)}]` : '';
  const sql = e.sql ? ` | ${e.sql.join(' ; ')}` : '';
  return `trace #${e.seq} step ${e.step} t=${e.t} ${e.from} → ${e.to} ${e.kind}${e.ok ? '' : ' (failed)'}: ${e.label}${fault}${sql}`;
}

/**
 * A run as lines. Everything that is compared is here; a `rewrite` maps what must differ between
 * the two (a decoder's own statements, raw positions) to what it means before comparing.
 */
export function linesOf(result: RunResult, rewrite: (line: string) => string = (l) => l): string[] {
  const lines = result.trace.map(traceLine);
  for (const s of result.steps) {
    const states = Object.entries(s.states).map(([k, v]) => `${k}=${v}`).join(' ');
    lines.push(`step ${s.index} t=${s.t} ${s.point}${s.struck ? ` [${formatFault(s.struck)} struck]` : ''}: ${s.caption} | ${states}`);
  }
  const { outcome } = result;
  for (const a of outcome.anomalies) lines.push(`anomaly ${a.id} — ${a.subject}: ${a.why} | ${a.evidence.map((e) => `${e.ref}: ${e.detail}`).join('; ')}`);
  lines.push(`outcome: ${outcome.settled ? 'settled' : 'did not settle'}; ${outcome.summary}`);
  return lines.map(rewrite);
}

export interface Difference {
  key: string;
  /** "trace line", "step", "anomaly", "outcome", or "run" when one side lacks the run. */
  what: string;
  pglite: string;
  server: string;
}

const kindOf = (line: string) => (line.startsWith('trace') ? 'trace line' : (line.split(' ')[0] ?? 'line'));

/** The first line that differs, or null when the runs agree. */
export function firstDifference(key: string, pglite: string[], server: string[]): Difference | null {
  const n = Math.max(pglite.length, server.length);
  for (let i = 0; i < n; i++) {
    const a = pglite[i];
    const b = server[i];
    if (a === b) continue;
    return { key, what: kindOf(a ?? b ?? ''), pglite: a ?? '(nothing: its run ends here)', server: b ?? '(nothing: its run ends here)' };
  }
  return null;
}

/** Pairs the two explorations run by run (both enumerate the same plans when their fault-free runs agree). */
export function compareExplorations(pglite: RunLines[], server: RunLines[]): { agree: number; total: number; differences: Difference[] } {
  const differences: Difference[] = [];
  const byKey = new Map(server.map((r) => [r.key, r]));
  let agree = 0;
  for (const run of pglite) {
    const other = byKey.get(run.key);
    byKey.delete(run.key);
    const difference = other ? firstDifference(run.key, run.lines, other.lines) : { key: run.key, what: 'run', pglite: 'explored', server: '(not explored: its fault-free run listed other fault points)' };
    if (difference) differences.push(difference);
    else agree++;
  }
  for (const extra of byKey.values()) differences.push({ key: extra.key, what: 'run', pglite: '(not explored: its fault-free run listed other fault points)', server: 'explored' });
  return { agree, total: pglite.length + byKey.size, differences };
}

/**
 * The quick subset (`--quick`, what CI checks): per variant and order set, the fault-free run
 * and the first point where each fault kind can strike, each with idempotency off and on. Every
 * variant and every kind of fault is covered, in a fraction of the runs. A fresh predicate per
 * exploration: it remembers the kinds it has let through, and is asked in the exploration's order.
 */
export function firstPointOfEachKind(): (run: Pick<ExploredRun, 'variant' | 'orders' | 'faults' | 'idempotentConsumer'>) => boolean {
  const taken = new Map<string, string>();
  return (run) => {
    const fault = run.faults[0];
    if (!fault) return true;
    const base = `${run.variant}|${run.orders.join(',')}|${fault.kind}`;
    const first = taken.get(base);
    if (first === undefined) taken.set(base, fault.at);
    return (first ?? fault.at) === fault.at;
  };
}
