/**
 * `half-done`: a saga that stopped part-way. After the run settles, every order must have met one
 * of two fates: confirmed, with each participant still holding its effect (the stock reserved,
 * the payment charged), or cancelled, with none holding any (released, refunded). An order still
 * open, an effect held for an order that was cancelled, or a confirmed order some participant
 * undid, is a disagreement between the services that no one is left to repair.
 */
import type { ParticipantEffect, SagaSources } from '../outcome-sources';
import type { Anomaly, Evidence, StepRecord } from '../types';
import { causeOf } from './words';

/** "the stock service holds a reservation of 1 item" */
const holding = (e: ParticipantEffect) => `the ${e.participant} service holds ${e.what}`;

const heldEvidence = (effects: readonly ParticipantEffect[]): Evidence[] =>
  effects.map((e) => ({ ref: e.ref, detail: `${e.what} for order ${e.orderId}, ${e.held ? 'still held' : 'undone'}` }));

function listed(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

export async function halfDone(sources: SagaSources, steps: readonly StepRecord[]): Promise<Anomaly[]> {
  const orders = await sources.sagaOrders();
  const effects = await sources.effects();
  const anomalies: Anomaly[] = [];
  for (const order of orders) {
    const mine = effects.filter((e) => e.orderId === order.orderId);
    const held = mine.filter((e) => e.held);
    const orderEvidence = { ref: order.ref, detail: `status ${order.status}` };
    const cause = causeOf(steps, order.orderId);
    if (order.fate === null) {
      anomalies.push({
        id: 'half-done',
        subject: `order ${order.orderId}`,
        evidence: [orderEvidence, ...heldEvidence(mine)],
        why:
          held.length > 0
            ? `Order ${order.orderId} is still ${order.status}, yet ${listed(held.map(holding))}: its saga stopped part-way, neither finished nor undone${cause}.`
            : `Order ${order.orderId} is still ${order.status}: its saga stopped, neither finished nor undone${cause}.`,
      });
      continue;
    }
    if (order.fate === 'cancelled' && held.length > 0) {
      anomalies.push({
        id: 'half-done',
        subject: `order ${order.orderId}`,
        evidence: [orderEvidence, ...heldEvidence(held)],
        why: `Order ${order.orderId} is cancelled, yet ${listed(held.map(holding))}: a compensation never ran${cause}.`,
      });
      continue;
    }
    if (order.fate === 'confirmed') {
      const missing = sources.participants.filter((p) => !held.some((e) => e.participant === p));
      if (missing.length === 0) continue;
      anomalies.push({
        id: 'half-done',
        subject: `order ${order.orderId}`,
        evidence: [orderEvidence, ...heldEvidence(mine), ...missing.map((p) => ({ ref: p, detail: `holds nothing for order ${order.orderId}` }))],
        why: `Order ${order.orderId} is confirmed, but the ${listed(missing)} ${missing.length === 1 ? 'service holds' : 'services hold'} nothing for it${cause}.`,
      });
    }
  }
  // An effect for an order the order service never stored has no saga that could finish or undo it.
  const known = new Set(orders.map((o) => o.orderId));
  for (const orderId of [...new Set(effects.filter((e) => e.held && !known.has(e.orderId)).map((e) => e.orderId))]) {
    const held = effects.filter((e) => e.held && e.orderId === orderId);
    anomalies.push({
      id: 'half-done',
      subject: `order ${orderId}`,
      evidence: [{ ref: 'orders', detail: `no order ${orderId}` }, ...heldEvidence(held)],
      why: `There is no order ${orderId}, yet ${listed(held.map(holding))}${causeOf(steps, orderId)}.`,
    });
  }
  return anomalies;
}
