/**
 * What the articles claim, set against what the runs show. A claim is data (content/compare/
 * claims.json): which row it is about, which of that row's runs, and what it says cannot happen
 * there (or which row it says is faster). The verdict is computed here, with the run that refutes
 * it, so rewording a claim never changes its verdict and a kernel change that refutes one shows.
 */
import { z } from 'zod';
import { ANOMALY_IDS, FAULT_KINDS, FAULT_DESCRIPTIONS, PATTERN_IDS, type AnomalyId } from '../kernel/vocabulary';
import { judgeIndexClaim } from './scale/verdict';
import type { CompareRow, ExploredCase, JudgedClaim, PatternCases, ClaimVerdict } from './types';

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by dashes');
const text = (max: number) => z.string().trim().min(1).max(max);
const row = { pattern: z.enum(PATTERN_IDS), variant: id.default('default') };

const anomaliesClaim = z.strictObject({
  kind: z.literal('cannot-happen'),
  /** The fault kinds the claim is about; all of them when absent. */
  faultKinds: z.array(z.enum(FAULT_KINDS)).min(1).optional(),
  /** Whose faults; everyone's when absent. */
  actors: z.array(id).min(1).optional(),
  idempotent: z.enum(['off', 'on', 'either']).default('either'),
  cannot: z.array(z.enum(ANOMALY_IDS)).min(1),
});

const fasterClaim = z.strictObject({
  kind: z.literal('faster-than'),
  than: z.strictObject(row),
});

/** The relay's poll needs its index beyond `rows` rows: at that size it is `factor` times slower without. */
const indexClaim = z.strictObject({
  kind: z.literal('index-needed'),
  rows: z.number().int().positive(),
  factor: z.number().positive(),
});

export const claimSchema = z.strictObject({
  id,
  source: text(120),
  claim: text(300),
  /** What a reader should know to read the verdict (a default setting it depends on). */
  note: text(400).optional(),
  ...row,
  about: z.discriminatedUnion('kind', [anomaliesClaim, fasterClaim, indexClaim]),
});
export const claimsFileSchema = z.strictObject({ claims: z.array(claimSchema).min(1) });

export type Claim = z.infer<typeof claimSchema>;

export class ClaimError extends Error {}

/** Parses content/compare/claims.json, naming the claim and field that is wrong. */
export function parseClaims(json: unknown): Claim[] {
  const parsed = claimsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ClaimError(`content/compare/claims.json: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const claim of parsed.data.claims) {
    if (seen.has(claim.id)) throw new ClaimError(`content/compare/claims.json: claim id "${claim.id}" appears twice`);
    seen.add(claim.id);
  }
  return parsed.data.claims;
}

type CannotHappen = z.infer<typeof anomaliesClaim>;

function list(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

function scopeOf(about: CannotHappen): string {
  const kinds = about.faultKinds ? list(about.faultKinds.map((k) => FAULT_DESCRIPTIONS[k].label.toLowerCase())) : 'every kind of single fault';
  const whose = about.actors ? ` striking the ${list(about.actors)}` : '';
  const setting = about.idempotent === 'either' ? 'idempotency off and on' : `idempotency ${about.idempotent}`;
  return `${kinds}${whose}, at every point it can strike, ${setting}`;
}

function judgeCannotHappen(claim: Claim & { about: CannotHappen }, cases: readonly ExploredCase[]): ClaimVerdict {
  const { about } = claim;
  const selected = cases.filter((c) => (!about.faultKinds || about.faultKinds.includes(c.kind)) && (!about.actors || about.actors.includes(c.actor)));
  const settings = about.idempotent === 'either' ? (['off', 'on'] as const) : ([about.idempotent] as const);
  if (selected.length === 0) throw new ClaimError(`claim "${claim.id}" is about no run of ${claim.pattern}/${claim.variant}: no ${scopeOf(about)}`);
  const forbidden = new Set<AnomalyId>(about.cannot);
  for (const c of selected) {
    for (const setting of settings) {
      const shown = c[setting].anomalies.find((a) => forbidden.has(a.id));
      if (!shown) continue;
      return {
        basis: 'runs',
        holds: false,
        checkedRuns: selected.length * settings.length,
        refutedBy: { pattern: claim.pattern, variant: claim.variant, orders: c.orders, faults: [c.fault], idempotentConsumer: setting === 'on', step: c.struckStep, anomaly: shown.id, detail: `${c.fault}: ${shown.why}` },
      };
    }
  }
  return { basis: 'runs', holds: true, checkedRuns: selected.length * settings.length };
}

function judgeFaster(claim: Claim, than: { pattern: string; variant: string }, rows: readonly CompareRow[]): ClaimVerdict {
  const find = (pattern: string, variant: string) => {
    const found = rows.find((r) => r.pattern === pattern && r.variant === variant);
    if (!found) throw new ClaimError(`claim "${claim.id}" names ${pattern}/${variant}, which is no row of the comparison`);
    const figure = found.measures.commitToEffectMs;
    if (!figure) throw new ClaimError(`claim "${claim.id}": ${pattern}/${variant} has no commit-to-effect figure to compare`);
    return { row: found, median: figure.median };
  };
  const subject = find(claim.pattern, claim.variant);
  const other = find(than.pattern, than.variant);
  if (subject.median < other.median) return { basis: 'runs', holds: true, checkedRuns: 2 };
  const run = subject.row.measures.run;
  return {
    basis: 'runs',
    holds: false,
    checkedRuns: 2,
    refutedBy: { pattern: claim.pattern, ...run, anomaly: null, detail: `median commit-to-effect ${subject.median} ms (simulated) against ${other.median} ms for ${than.pattern}/${than.variant}` },
  };
}

function judgeIndex(claim: Claim, about: { rows: number; factor: number }, rows: readonly CompareRow[]): ClaimVerdict {
  const row = rows.find((r) => r.pattern === claim.pattern && r.variant === claim.variant);
  const atScale = row?.measures.atScale;
  if (!atScale?.poll) throw new ClaimError(`claim "${claim.id}": ${claim.pattern}/${claim.variant} has no poll measured at scale to judge it by`);
  const verdict = judgeIndexClaim(atScale.poll.sizes, { rows: about.rows, factor: about.factor });
  if (!verdict.measured) throw new ClaimError(`claim "${claim.id}": ${verdict.why}`);
  return { basis: 'measure', holds: verdict.holds, where: atScale.where, detail: verdict.why };
}

/** Claims that need figures only a real Postgres run at scale gives (a re-run in the browser leaves them out). */
export function needsScaleFigures(claim: Claim): boolean {
  return claim.about.kind === 'index-needed';
}

export function judgeClaims(claims: readonly Claim[], rows: readonly CompareRow[], cases: readonly PatternCases[]): JudgedClaim[] {
  return claims.map((claim) => {
    const base = { id: claim.id, source: claim.source, claim: claim.claim, ...(claim.note ? { note: claim.note } : {}), pattern: claim.pattern, variant: claim.variant };
    if (claim.about.kind === 'index-needed') {
      const { rows: size, factor } = claim.about;
      return { ...base, scope: `the relay's poll on an outbox of ${size.toLocaleString('en')} rows or more, with and without its index (wall-clock, measured)`, verdict: judgeIndex(claim, { rows: size, factor }, rows) };
    }
    if (claim.about.kind === 'faster-than') {
      const { than } = claim.about;
      return { ...base, scope: `median commit-to-effect latency of fault-free runs, against ${than.pattern}/${than.variant} (simulated)`, verdict: judgeFaster(claim, than, rows) };
    }
    const rowCases = cases.find((c) => c.pattern === claim.pattern)?.variants[claim.variant];
    if (!rowCases) throw new ClaimError(`claim "${claim.id}" names ${claim.pattern}/${claim.variant}, which is no row of the comparison`);
    return { ...base, scope: scopeOf(claim.about), verdict: judgeCannotHappen(claim as Claim & { about: CannotHappen }, rowCases) };
  });
}
