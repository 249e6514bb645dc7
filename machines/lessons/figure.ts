/**
 * A lesson's `<Figure …/>` as a scenario: its attributes go through the same validation as a lab
 * link (`parseScenarioQuery`), except that here every rejected part is an error, because a figure
 * that quietly fell back to a default would show something other than its text says.
 */
import { parseScenarioQuery, scenarioToQuery, type ScenarioQuery } from '../kernel/scenario';
import type { Scenario } from '../kernel/types';
import { ANOMALY_IDS, type AnomalyId, type PatternId } from '../kernel/vocabulary';
import { findPattern } from '../patterns/catalog';
import { faultTargetsOf } from '../patterns/fault-targets';

/** `expect="consistent"`: the run ends with no anomaly at all. */
export const CONSISTENT = 'consistent';

export const FIGURE_ATTRIBUTES = ['pattern', 'variant', 'faults', 'idem', 'orders', 'seed', 'step', 'expect', 'caption'] as const;
const REQUIRED: readonly string[] = ['pattern', 'expect', 'caption'];

export interface LessonFigure {
  /** 1-based, in document order, for messages ("figure 2"). */
  index: number;
  line: number | null;
  scenario: Scenario;
  /** The step the figure opens at, when it says one. */
  step: number | null;
  /** The anomalies the run must end with, sorted; empty means consistent. */
  expect: AnomalyId[];
  caption: string;
  /** The scenario as the lab's query string (defaults left out): the embed's and the lab page's address. */
  query: Record<string, string>;
}

const ANOMALY_SET: ReadonlySet<string> = new Set(ANOMALY_IDS);

/** The figure, or every reason it is not one (each a phrase naming the attribute). */
export function figureFromAttributes(attributes: Readonly<Record<string, string>>, index: number, line: number | null): LessonFigure | { problems: string[] } {
  const problems: string[] = [];
  const known: ReadonlySet<string> = new Set(FIGURE_ATTRIBUTES);
  for (const name of Object.keys(attributes)) if (!known.has(name)) problems.push(`unknown attribute ${name} (known: ${FIGURE_ATTRIBUTES.join(', ')})`);
  for (const name of REQUIRED) if (!attributes[name]?.trim()) problems.push(`missing ${name}`);

  const patternId = attributes.pattern ?? '';
  const info = patternId ? findPattern(patternId) : undefined;
  if (patternId && !info) problems.push(`pattern "${patternId}" is not one the lab has`);

  const expect = parseExpect(attributes.expect ?? '', problems);
  if (!info || problems.length > 0) return { problems };

  const query: ScenarioQuery = {
    seed: attributes.seed,
    variant: attributes.variant,
    faults: attributes.faults,
    idem: attributes.idem,
    orders: attributes.orders,
    step: attributes.step,
  };
  const parsed = parseScenarioQuery(info.id as PatternId, query, info.variants.map((v) => v.id), faultTargetsOf(info.id));
  if (parsed.issues.length > 0) return { problems: parsed.problems };
  return {
    index,
    line,
    scenario: parsed.scenario,
    step: parsed.step,
    expect,
    caption: attributes.caption!.trim(),
    query: scenarioToQuery(parsed.scenario, parsed.step),
  };
}

function parseExpect(text: string, problems: string[]): AnomalyId[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === CONSISTENT) return [];
  const ids: AnomalyId[] = [];
  for (const part of trimmed.split(',').map((p) => p.trim())) {
    if (part === CONSISTENT) problems.push(`expect cannot mix "${CONSISTENT}" with anomalies`);
    else if (!ANOMALY_SET.has(part)) problems.push(`expect names "${part}", not an anomaly (known: ${ANOMALY_IDS.join(', ')}, or "${CONSISTENT}")`);
    else if (!ids.includes(part as AnomalyId)) ids.push(part as AnomalyId);
  }
  return ids.sort();
}
