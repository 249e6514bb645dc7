/**
 * Captions are narration, nothing more: the checker must judge a run from the tables, the trace
 * and the steps' facts, never from how a step was worded. So every pattern is run once as it is
 * and once with every caption and intent replaced by a constant, and the anomalies must agree.
 * (`why` quotes captions, so only the step numbers it cites are compared.)
 */
import { describe, expect, it, vi } from 'vitest';
import { PATTERNS } from '../patterns/index';
import { useLabPostgres } from '../testing/postgres';
import { faultSites, runScenario } from './explore';
import type { Operation, PatternDefinition, ProcessSpec } from './pattern';
import type { Anomaly, ArmedFault, RunResult, Scenario } from './types';

const BLANK = 'x';

/** Whether the client, which the simulation adds itself rather than the pattern, is silenced too. */
const client = vi.hoisted(() => ({ silent: false }));

vi.mock('../actors/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../actors/client')>();
  return {
    ...actual,
    clientProcess: (...args: Parameters<typeof actual.clientProcess>) => {
      const spec = actual.clientProcess(...args);
      return client.silent ? { ...spec, ...silenced(spec) } : spec;
    },
  };
});

const postgres = useLabPostgres();

function withBlankCaptions(operation: Operation<unknown>): Operation<unknown> {
  return {
    ...operation,
    intent: () => BLANK,
    run: async (ctx) => ({ ...(await operation.run(ctx)), caption: BLANK }),
  };
}

function silenced(spec: ProcessSpec): ProcessSpec {
  return { ...spec, operations: Object.fromEntries(Object.entries(spec.operations).map(([name, op]) => [name, withBlankCaptions(op)])) };
}

/** The same pattern, saying nothing: every operation's caption and intent is the constant. */
function captionless(pattern: PatternDefinition): PatternDefinition {
  return { ...pattern, processes: (scenario) => pattern.processes(scenario).map(silenced) };
}

async function runSilently(pattern: PatternDefinition, scenario: Scenario): Promise<RunResult> {
  client.silent = true;
  try {
    return await runScenario(postgres.db, captionless(pattern), scenario);
  } finally {
    client.silent = false;
  }
}

/** What an anomaly says apart from its prose: which, about what, shown by what, blaming which steps. */
function judged(anomalies: Anomaly[]) {
  return anomalies.map((a) => ({
    id: a.id,
    subject: a.subject,
    evidence: a.evidence,
    citedSteps: [...a.why.matchAll(/\(step (\d+)\)/g)].map((m) => Number(m[1])),
  }));
}

function label(scenario: Scenario): string {
  return `${scenario.pattern} [${scenario.faults.map((f) => `${f.kind}@${f.at}`).join(', ') || 'no fault'}]`;
}

describe('outcomes do not depend on captions', () => {
  for (const pattern of Object.values(PATTERNS)) {
    if (!pattern) continue;
    it(`${pattern.info.id}: the same anomalies with every caption blanked`, async () => {
      const base: Scenario = { pattern: pattern.info.id, variant: 'default', seed: 1, faults: [], idempotentConsumer: false, orders: [0, 40] };
      const clean = await runScenario(postgres.db, pattern, base);
      const plans: ArmedFault[][] = [[], ...faultSites(clean.steps).flatMap((site) => site.kinds.map((kind) => [{ kind, at: site.point }]))];
      for (const faults of plans) {
        const scenario = { ...base, faults };
        const told = await runScenario(postgres.db, pattern, scenario);
        const untold = await runSilently(pattern, scenario);
        // The blanking reached every step (a crash or pause step wraps the intent in a sentence of its own).
        const spoken = untold.steps.filter((s) => s.caption !== BLANK && !s.caption.endsWith(` before ${BLANK}.`));
        expect(spoken.map((s) => s.caption), label(scenario)).toEqual([]);
        expect(untold.steps.map((s) => s.point), label(scenario)).toEqual(told.steps.map((s) => s.point));
        expect(judged(untold.outcome.anomalies), label(scenario)).toEqual(judged(told.outcome.anomalies));
      }
    });
  }
});
