/**
 * `blocked`: prepared transactions still in doubt when the run ends (in Postgres, and wherever
 * else the pattern says, e.g. at an XA broker), and every participant Postgres refused a row lock
 * while one held it (known from SQLSTATE 55P03, recorded in the step's facts).
 */
import type { OutcomeSources } from '../outcome-sources';
import { preparedHere } from '../prepared-here';
import type { SqlRunner } from '../traced-database';
import type { Anomaly, StepRecord, TraceEntry } from '../types';
import { causeOf, lowerFirstWord } from './words';

export async function blocked(runner: SqlRunner, sources: OutcomeSources, steps: readonly StepRecord[], trace: readonly TraceEntry[]): Promise<Anomaly[]> {
  const anomalies: Anomaly[] = [];
  // Postgres's own list of prepared transactions, this database's only: on a real server it
  // spans the cluster, and another database's are not this run's.
  const inDoubt = (await preparedHere(runner)).map((gid) => ({ gid }));
  const elsewhere = sources.inDoubt?.() ?? [];
  const gids = [...new Set([...inDoubt.map((x) => x.gid), ...elsewhere.map((p) => p.gid)])];
  for (const gid of gids) {
    anomalies.push({
      id: 'blocked',
      subject: `transaction ${gid}`,
      evidence: [
        ...inDoubt.filter((x) => x.gid === gid).map(() => ({ ref: `pg_prepared_xacts gid=${gid}`, detail: 'prepared in Postgres, neither committed nor rolled back; its locks are held' })),
        ...elsewhere.filter((p) => p.gid === gid).map((p) => p.evidence),
      ],
      why: `Transaction ${gid} is still in doubt when the run ends: its participants wait for a decision that has not come${causeOf(steps, null)}.`,
    });
  }
  const refusals = steps.flatMap((step) => step.facts.lockRefusals ?? []).flatMap((seq) => trace[seq] ?? []);
  for (const refusal of refusals) {
    const step = steps.find((s) => s.index === refusal.step);
    anomalies.push({
      id: 'blocked',
      subject: `${refusal.to} at step ${refusal.step}`,
      evidence: [{ ref: `trace #${refusal.seq} (t=${refusal.t} ms)`, detail: `${refusal.to} was refused a lock: ${refusal.label}` }],
      why: `The ${refusal.to} could not lock a row another transaction held${step ? ` (${lowerFirstWord(step.caption.replace(/\.$/, ''))})` : ''}${causeOf(steps, null)}.`,
    });
  }
  return anomalies;
}
