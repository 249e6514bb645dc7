/**
 * Trade-offs measured from fault-free runs with several orders: how long an order takes from its
 * commit to its effect downstream, how much talking to Postgres each order costs, which tables pile
 * up rows, how many moving parts there are. All of it read from the runs (their trace, an observer
 * of the outcome adapters after every step, the tables at the end), in simulated time.
 */
import type { LabStore } from '../kernel/component';
import { runScenario } from '../kernel/explore';
import type { PatternDefinition } from '../kernel/pattern';
import type { RunProbe } from '../kernel/run-options';
import { tablesOf } from '../kernel/schema';
import type { RunResult, Scenario, TraceEntry, TraceKind } from '../kernel/types';
import type { GrowingTable, LatencyFigure, RowMeasures, RunLink } from './types';

/** Five orders: three close together, then two after the system has gone quiet. */
export const MEASURED_ORDERS: readonly number[] = [0, 40, 80, 1500, 3000];
/** The short run a table's rows are compared against, to tell what grows with the orders. */
export const SHORT_ORDERS: readonly number[] = [0, 40];

/** Kinds of participant a team must run and watch besides the service, its database, the broker and consumers. */
const EXTRA_INFRASTRUCTURE = new Set(['relay', 'connector', 'coordinator', 'event-store']);

/** A call from one participant to another (a reply, an error or a crash is not one). */
const CALL_KINDS: ReadonlySet<TraceKind> = new Set(['request', 'sql', 'publish', 'fetch', 'offset-commit', 'append', 'read', 'cache']);

/** What a table is to the measures (content/compare/housekeeping.json says, per table). */
export type TableRole =
  | { role: 'business' }
  | { role: 'instrument' }
  | { role: 'bookkeeping'; housekeeping: string };

export type Housekeeping = ReadonlyMap<string, TableRole>;

/** Times (step start, simulated ms) at which each thing first appeared downstream and in the truth. */
interface Arrivals {
  committedAt: Map<string, number>;
  effectAt: Map<string, number>;
  /** Truth as it stood after each step, for read-your-writes. */
  truthAfterStep: Map<number, Set<number>>;
  downstream: 'effects' | 'cache' | 'saga' | null;
}

function firstSeen(map: Map<string, number>, key: string, t: number): void {
  if (!map.has(key)) map.set(key, t);
}

/**
 * For a consumer: an order commits when the truth first holds it and takes effect when a shipment
 * for it is first active. For a cache: a write of version v commits when the truth first holds v,
 * and takes effect once the cache can no longer serve anything older for that key.
 */
function arrivalsObserver(): { arrivals: Arrivals; observe: (probe: RunProbe) => Promise<void> } {
  const arrivals: Arrivals = { committedAt: new Map(), effectAt: new Map(), truthAfterStep: new Map(), downstream: null };
  const pending = new Map<string, { key: string; version: number }>();
  const observe = async ({ step, t, sources, runner }: RunProbe) => {
    const stepIndex = step?.index ?? 0;
    arrivals.downstream = sources.downstream;
    if (sources.downstream === 'effects') {
      const truth = await sources.truth.orders();
      arrivals.truthAfterStep.set(stepIndex, new Set(truth));
      for (const order of truth) firstSeen(arrivals.committedAt, String(order), t);
      for (const effect of await sources.effects()) if (effect.active) firstSeen(arrivals.effectAt, String(effect.orderId), t);
      return;
    }
    if (sources.downstream === 'saga') {
      // A saga's order takes effect when it is confirmed, every participant's step done.
      const orders = await sources.sagaOrders();
      arrivals.truthAfterStep.set(stepIndex, new Set(orders.map((o) => o.orderId)));
      for (const order of orders) {
        firstSeen(arrivals.committedAt, String(order.orderId), t);
        if (order.fate === 'confirmed') firstSeen(arrivals.effectAt, String(order.orderId), t);
      }
      return;
    }
    for (const [key, version] of await sources.versions(runner)) {
      const id = `${key}@${version}`;
      if (!arrivals.committedAt.has(id)) pending.set(id, { key, version });
      firstSeen(arrivals.committedAt, id, t);
    }
    const held = new Map(sources.live(t).map((entry) => [entry.key, sources.versionOf(entry.value)]));
    for (const [id, { key, version }] of pending) {
      const cached = held.get(key);
      if (cached === undefined || (cached !== null && cached >= version)) {
        firstSeen(arrivals.effectAt, id, t);
        pending.delete(id);
      }
    }
  };
  return { arrivals, observe };
}

function latency(arrivals: Arrivals): LatencyFigure | null {
  const samples = [...arrivals.effectAt].flatMap(([id, at]) => {
    const committed = arrivals.committedAt.get(id);
    return committed === undefined ? [] : [at - committed];
  });
  if (samples.length === 0) return null;
  const sorted = samples.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, max: sorted.at(-1)!, samples: sorted.length };
}

function talk(trace: readonly TraceEntry[], databaseIds: ReadonlySet<string>): { statements: number; roundTrips: number } {
  let statements = 0;
  let roundTrips = 0;
  for (const entry of trace) {
    if (!CALL_KINDS.has(entry.kind) || !databaseIds.has(entry.to)) continue;
    roundTrips++;
    statements += entry.sql?.length ?? 0;
  }
  return { statements, roundTrips };
}

const perOrder = (total: number, orders: number) => (orders === 0 ? 0 : Math.round((total / orders) * 10) / 10);

/**
 * The client heard back about each order only once the order was in the truth. Only the first
 * reply about an order counts: a later one (a cancellation) is about a change, not the placing.
 */
function readYourWrites(result: RunResult, arrivals: Arrivals): boolean {
  if (!result.outcome.settled) return false;
  if (result.outcome.anomalies.some((a) => a.id === 'stale-cache')) return false;
  const clients = new Set(result.participants.filter((p) => p.kind === 'client').map((p) => p.id));
  const answered = new Set<number>();
  for (const step of result.steps) {
    const replied = step.entries.some((seq) => {
      const entry = result.trace[seq]!;
      return entry.kind === 'reply' && entry.ok && clients.has(entry.to);
    });
    const truth = arrivals.truthAfterStep.get(step.index);
    if (!replied || !truth) continue;
    for (const order of step.facts.orders) {
      if (answered.has(order)) continue;
      answered.add(order);
      if (!truth.has(order)) return false;
    }
  }
  return true;
}

async function tableRows(db: LabStore, tables: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of tables) {
    const { rows } = await db.runner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts.set(table, Number(rows[0]?.n ?? 0));
  }
  return counts;
}

export function runLink(scenario: Scenario, step: number | null = null): RunLink {
  return { variant: scenario.variant, orders: [...scenario.orders], faults: scenario.faults.map((f) => `${f.kind}@${f.at}`), idempotentConsumer: scenario.idempotentConsumer, step };
}

export class MissingHousekeeping extends Error {}

export async function measureRow(db: LabStore, pattern: PatternDefinition, variant: string, seed: number, housekeeping: Housekeeping): Promise<RowMeasures> {
  const scenario = (orders: readonly number[], idempotentConsumer: boolean): Scenario => ({ pattern: pattern.info.id, variant, seed, faults: [], idempotentConsumer, orders: [...orders] });
  const tables = tablesOf(pattern.schema(variant), pattern.hiddenTables);
  const databaseIds = new Set(pattern.info.participants.filter((p) => p.kind === 'database').map((p) => p.id));
  const withConsumer = pattern.info.hasConsumer;

  const measured = scenario(MEASURED_ORDERS, false);
  const { arrivals, observe } = arrivalsObserver();
  const off = await runScenario(db, pattern, measured, { observe });
  const commits = arrivals.committedAt.size;
  const offTalk = talk(off.trace, databaseIds);

  // Growth is judged on the safe configuration: the idempotent consumer's processed_events counts.
  const longScenario = scenario(MEASURED_ORDERS, withConsumer);
  const long = withConsumer ? await runScenario(db, pattern, longScenario) : off;
  const onTalk = withConsumer ? talk(long.trace, databaseIds) : offTalk;
  const rowsLong = await tableRows(db, tables);
  await runScenario(db, pattern, scenario(SHORT_ORDERS, withConsumer));
  const rowsShort = await tableRows(db, tables);

  const growingTables: GrowingTable[] = [];
  for (const table of tables) {
    const short = rowsShort.get(table) ?? 0;
    const longRows = rowsLong.get(table) ?? 0;
    if (longRows <= short) continue;
    const role = housekeeping.get(table);
    if (!role) throw new MissingHousekeeping(`${pattern.info.id}/${variant}: table ${table} grows with the orders (${short} rows after ${SHORT_ORDERS.length} orders, ${longRows} after ${MEASURED_ORDERS.length}) but content/compare/housekeeping.json does not say what it is`);
    if (role.role === 'bookkeeping') growingTables.push({ table, rowsShort: short, rowsLong: longRows, housekeeping: role.housekeeping });
  }

  return {
    simulated: true,
    run: runLink(measured),
    runIdempotent: withConsumer ? runLink(longScenario) : null,
    effect: arrivals.downstream === 'cache' ? 'cache' : arrivals.downstream === 'saga' ? 'confirmation' : 'shipment',
    commitToEffectMs: latency(arrivals),
    statementsPerOrder: { off: perOrder(offTalk.statements, commits), on: perOrder(onTalk.statements, commits) },
    roundTripsPerOrder: { off: perOrder(offTalk.roundTrips, commits), on: perOrder(onTalk.roundTrips, commits) },
    growingTables,
    participants: off.participants.length,
    extraInfrastructure: off.participants.filter((p) => EXTRA_INFRASTRUCTURE.has(p.kind)).map((p) => p.label),
    readYourWrites: readYourWrites(off, arrivals),
  };
}
