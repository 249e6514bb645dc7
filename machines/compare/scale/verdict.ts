/**
 * The articles' claim that the `(published, created_at)` index is "non-optional on any table that
 * will hold more than a few hundred rows", judged against measured polls. The reader's thresholds
 * come in from the caller: what "a few hundred" is and how much slower counts as non-optional.
 * Pure: the same figures and thresholds always give the same verdict.
 */
import type { IndexClaimThresholds, IndexClaimVerdict, PollAtSize } from './types';

const ms = (value: number) => `${value.toPrecision(2)} ms`;
const rows = (value: number) => value.toLocaleString('en');

export function judgeIndexClaim(sizes: readonly PollAtSize[], thresholds: IndexClaimThresholds): IndexClaimVerdict {
  if (!(thresholds.rows > 0) || !(thresholds.factor > 0) || !Number.isFinite(thresholds.factor)) {
    throw new Error('the thresholds must be positive numbers');
  }
  const judged = [...sizes].sort((a, b) => a.rows - b.rows).find((size) => size.rows >= thresholds.rows);
  if (!judged) {
    const largest = Math.max(0, ...sizes.map((s) => s.rows));
    return {
      measured: false,
      thresholds,
      why: `No outbox of ${rows(thresholds.rows)} rows or more was measured (the largest held ${rows(largest)}).`,
    };
  }
  const { withoutIndex, withIndex } = judged;
  // An indexed poll faster than EXPLAIN's clock can tell (0 ms) has no ratio (JSON has no ∞):
  // then any measurable un-indexed time is slower by more than any factor.
  const ratio = withIndex.executionMs > 0 ? withoutIndex.executionMs / withIndex.executionMs : null;
  const readsEveryRow = withoutIndex.rowsRead >= judged.rows;
  const slowEnough = ratio === null ? withoutIndex.executionMs > 0 : ratio >= thresholds.factor;
  const holds = slowEnough && readsEveryRow;
  const why =
    `At ${rows(judged.rows)} rows the poll without the index took ${ms(withoutIndex.executionMs)} (${withoutIndex.scan}, ` +
    `${rows(withoutIndex.rowsRead)} rows read), ${ratio === null ? 'against the' : `${ratio.toFixed(1)}× the`} ` +
    `${ms(withIndex.executionMs)} with it (${withIndex.scan}, ${rows(withIndex.rowsRead)} rows read); ` +
    `the claim needs at least ${thresholds.factor}× and a scan of every row: ` +
    `${slowEnough ? 'slower by enough' : 'not slower by enough'}, ${readsEveryRow ? 'every row read' : 'not every row read'}.`;
  return {
    measured: true,
    holds,
    thresholds,
    evidence: {
      rows: judged.rows,
      withoutIndexMs: withoutIndex.executionMs,
      withIndexMs: withIndex.executionMs,
      ratio,
      withoutIndexScan: withoutIndex.scan,
      withIndexScan: withIndex.scan,
      withoutIndexRowsRead: withoutIndex.rowsRead,
      readsEveryRow,
    },
    why,
  };
}
