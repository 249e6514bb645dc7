/**
 * Stale cache, judged from the history of reads the way a history checker (Jepsen's, say) judges
 * a register: every value the cache served is set against the version the source of truth had
 * committed before that read began. A later write that heals the key does not undo a stale read
 * a caller already got, so the final state alone is not enough. A key still stale when the run
 * ends is reported too: every read until it expires gets the old value.
 */
import type { Anomaly, Evidence } from '../types';

/** One read the cache answered, from its own record: a hit with the value served, or a miss. */
export interface ServedRead {
  step: number;
  t: number;
  key: string;
  by: string;
  value: string | null;
}

/** An entry the cache still holds when the run ends. */
export interface HeldEntry {
  key: string;
  value: string;
  setAt: number;
  expiresAt: number;
  setBy: string;
}

/** What the source of truth held for every cached key after a step (step 0: before the first). */
export interface TruthAtStep {
  step: number;
  versions: ReadonlyMap<string, number>;
}

export interface StaleCacheInput {
  reads: readonly ServedRead[];
  live: readonly HeldEntry[];
  /** Ascending by step; one entry per step that changed the truth, and step 0. */
  history: readonly TruthAtStep[];
  versionOf(value: string): number | null;
  /** How an anomaly names the key's subject ("order 1"). */
  subjectOf(key: string): string;
  /** The clause naming the struck faults that concern this key, or ''. */
  causeOf(key: string): string;
}

/** The truth as it stood before `step` began: the last change made by an earlier step. */
function truthBefore(history: readonly TruthAtStep[], step: number): TruthAtStep | undefined {
  let found: TruthAtStep | undefined;
  for (const entry of history) if (entry.step < step) found = entry;
  return found;
}

/** The step at which `key` last changed in the source of truth before step `before` (0: never). */
function changedAt(history: readonly TruthAtStep[], key: string, before: number): number {
  let since = 0;
  let previous: number | undefined;
  history.forEach((entry, i) => {
    if (entry.step >= before) return;
    const version = entry.versions.get(key);
    if (i > 0 && version !== previous) since = entry.step;
    previous = version;
  });
  return since;
}

function describe(version: number | null | undefined): string {
  return version === undefined ? 'no such row' : version === null ? 'a value the lab cannot read' : `version ${version}`;
}

function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

export function staleCacheAnomalies(input: StaleCacheInput): Anomaly[] {
  const finalTruth = input.history.at(-1)?.versions ?? new Map<string, number>();
  const keys = [...new Set([...input.reads.filter((r) => r.value !== null).map((r) => r.key), ...input.live.map((e) => e.key)])].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  const anomalies: Anomaly[] = [];
  for (const key of keys) {
    const staleReads = input.reads.flatMap((read) => {
      if (read.key !== key || read.value === null) return [];
      const served = input.versionOf(read.value);
      const current = truthBefore(input.history, read.step)?.versions.get(key);
      return served === current ? [] : [{ read, served, current, since: changedAt(input.history, key, read.step) }];
    });
    const held = input.live.find((e) => e.key === key);
    const heldVersion = held ? input.versionOf(held.value) : undefined;
    const actual = finalTruth.get(key);
    const staleAtEnd = held !== undefined && heldVersion !== actual;
    if (staleReads.length === 0 && !staleAtEnd) continue;

    const subject = input.subjectOf(key);
    const evidence: Evidence[] = staleReads.map(({ read, served, current, since }) => ({
      ref: `read of ${key} at step ${read.step} (t=${read.t} ms)`,
      detail: `the ${read.by} was served ${describe(served)}; Postgres had held ${describe(current)} since ${since === 0 ? 'the start' : `step ${since}`}`,
    }));
    if (held && staleAtEnd) {
      evidence.push(
        { ref: `cache ${key}`, detail: `holds ${describe(heldVersion)} at the end, set by the ${held.setBy} at t=${held.setAt} ms, alive until t=${held.expiresAt} ms` },
        { ref: `postgres ${subject}`, detail: describe(actual) },
      );
    }
    const first = staleReads[0];
    const why = staleAtEnd
      ? `The cache serves ${describe(heldVersion)} of ${subject} while Postgres holds ${describe(actual)}; every read gets the old value until the key expires at t=${held!.expiresAt} ms (simulated)${
          staleReads.length > 0 ? `, and it was already served stale ${times(staleReads.length)}` : ''
        }${input.causeOf(key)}.`
      : `The ${first!.read.by} was served ${describe(first!.served)} of ${subject} at step ${first!.read.step} while Postgres held ${describe(first!.current)}; a later write healed the key, but ${
          staleReads.length === 1 ? 'that read was' : `${staleReads.length} stale reads were`
        } already served${input.causeOf(key)}.`;
    anomalies.push({ id: 'stale-cache', subject, evidence, why });
  }
  return anomalies;
}
