/**
 * Replays a lesson's figures on a real lab Postgres and says, for each, whether the run ends with
 * exactly the anomalies the figure expects. This is what keeps a lesson's words true: change a
 * pattern so a figure no longer shows what its text says, and the check fails naming it.
 */
import type { LabStore } from '../kernel/component';
import { runScenario } from '../kernel/explore';
import type { AnomalyId } from '../kernel/vocabulary';
import { getPattern } from '../patterns/index';
import type { LessonFigure } from './figure';
import type { Lesson } from './parse';

export interface FigureVerdict {
  lesson: string;
  file: string;
  figure: number;
  caption: string;
  expected: AnomalyId[];
  actual: AnomalyId[];
  settled: boolean;
  agrees: boolean;
}

export async function replayFigure(db: LabStore, lesson: Lesson, figure: LessonFigure): Promise<FigureVerdict> {
  const pattern = getPattern(figure.scenario.pattern);
  if (!pattern) throw new Error(`${lesson.file}: figure ${figure.index}: pattern ${figure.scenario.pattern} has no statechart`);
  const result = await runScenario(db, pattern, figure.scenario);
  const actual = [...new Set(result.outcome.anomalies.map((a) => a.id))].sort();
  const settled = result.outcome.settled;
  const agrees = settled && actual.join(',') === figure.expect.join(',');
  return { lesson: lesson.slug, file: lesson.file, figure: figure.index, caption: figure.caption, expected: figure.expect, actual, settled, agrees };
}

export async function replayLessons(db: LabStore, lessons: readonly Lesson[], onVerdict?: (verdict: FigureVerdict) => void): Promise<FigureVerdict[]> {
  const verdicts: FigureVerdict[] = [];
  for (const lesson of lessons) {
    for (const figure of lesson.figures) {
      const verdict = await replayFigure(db, lesson, figure);
      verdicts.push(verdict);
      onVerdict?.(verdict);
    }
  }
  return verdicts;
}

const named = (ids: readonly string[]) => (ids.length > 0 ? ids.join(', ') : 'consistent');

/** One line a lesson author can act on. */
export function describeVerdict(verdict: FigureVerdict): string {
  const where = `${verdict.file}: figure ${verdict.figure} ("${verdict.caption}")`;
  if (verdict.agrees) return `${where}: ${named(verdict.actual)}, as expected`;
  if (!verdict.settled) return `${where}: the run did not settle (step limit), so it has no outcome; expected ${named(verdict.expected)}`;
  return `${where}: expected ${named(verdict.expected)}, the lab shows ${named(verdict.actual)}`;
}
