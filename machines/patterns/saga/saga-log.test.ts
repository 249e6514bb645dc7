/** The saga's next move, from its log alone: what recovery does with each state a log can be in. */
import { describe, expect, it } from 'vitest';
import { nextMove, type LogEntry } from './saga-log';

const entries = (...lines: string[]): LogEntry[] =>
  ['begin started', ...lines].map((line, i) => {
    const [step, status] = line.split(' ') as [string, LogEntry['status']];
    return { seq: i + 1, step, status };
  });

describe('the next move of a saga', () => {
  it('goes forward step by step, then confirms', () => {
    expect(nextMove(entries())).toEqual({ kind: 'start', step: 'reserve-stock' });
    expect(nextMove(entries('reserve-stock started', 'reserve-stock done'))).toEqual({ kind: 'start', step: 'charge-payment' });
    expect(nextMove(entries('reserve-stock started', 'reserve-stock done', 'charge-payment started', 'charge-payment done'))).toEqual({ kind: 'finish', step: 'confirm-order' });
  });

  it('calls again a step logged as started with no answer: it may have committed', () => {
    expect(nextMove(entries('reserve-stock started'))).toEqual({ kind: 'call', step: 'reserve-stock' });
    expect(nextMove(entries('reserve-stock started', 'reserve-stock done', 'charge-payment started', 'refund-payment started'))).toEqual({ kind: 'call', step: 'charge-payment' });
  });

  it('undoes every step ever started, the refused one too, newest first, then cancels', () => {
    // The refusal rolled back its own attempt, but an earlier one whose answer was lost may have charged.
    const declined = entries('reserve-stock started', 'reserve-stock done', 'charge-payment started', 'charge-payment failed');
    expect(nextMove(declined)).toEqual({ kind: 'start', step: 'refund-payment' });
    const refunded = [...declined, { seq: 6, step: 'refund-payment', status: 'started' as const }, { seq: 7, step: 'refund-payment', status: 'done' as const }];
    expect(nextMove(refunded)).toEqual({ kind: 'start', step: 'release-stock' });
    expect(nextMove([...refunded, { seq: 8, step: 'release-stock', status: 'started' }])).toEqual({ kind: 'call', step: 'release-stock' });
    expect(nextMove([...refunded, { seq: 8, step: 'release-stock', status: 'started' }, { seq: 9, step: 'release-stock', status: 'done' }])).toEqual({ kind: 'finish', step: 'cancel-order' });
    // Never started, never undone: a refused reservation has no charge to refund.
    expect(nextMove(entries('reserve-stock started', 'reserve-stock failed'))).toEqual({ kind: 'start', step: 'release-stock' });
    expect(nextMove(entries('reserve-stock started', 'reserve-stock failed', 'release-stock started', 'release-stock done'))).toEqual({ kind: 'finish', step: 'cancel-order' });
  });

  it('undoes both steps when the order refuses to be confirmed: the refund first', () => {
    const refused = entries('reserve-stock started', 'reserve-stock done', 'charge-payment started', 'charge-payment done', 'confirm-order failed');
    expect(nextMove(refused)).toEqual({ kind: 'start', step: 'refund-payment' });
    expect(nextMove([...refused, { seq: 7, step: 'refund-payment', status: 'started' }, { seq: 8, step: 'refund-payment', status: 'done' }])).toEqual({ kind: 'start', step: 'release-stock' });
  });

  it('does nothing once the saga ended or was given up', () => {
    expect(nextMove(entries('reserve-stock started', 'reserve-stock done', 'charge-payment started', 'charge-payment done', 'confirm-order done'))).toEqual({ kind: 'none' });
    expect(nextMove(entries('reserve-stock started', 'reserve-stock failed', 'cancel-order done'))).toEqual({ kind: 'none' });
    expect(nextMove(entries('reserve-stock started', 'reserve-stock done', 'charge-payment started', 'charge-payment failed', 'release-stock started', 'release-stock gave-up'))).toEqual({ kind: 'none' });
  });
});
