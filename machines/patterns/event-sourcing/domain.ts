/**
 * The order as its stream tells it: the events an order's stream holds, the fold that rebuilds the
 * order from them, and the decision a command makes on the folded order (an event to append with
 * the revision it was decided on, or a refusal). Plain functions: no statechart, no store.
 */
import type { OrderRequest } from '../../actors/client';
import type { EventData, ExpectedRevision, RecordedEvent } from '../../actors/event-store';

export type OrderEventType = 'OrderPlaced' | 'OrderAmountChanged' | 'OrderCancelled';

export interface OrderState {
  orderId: number;
  customer: string;
  amountCents: number;
  status: 'placed' | 'cancelled';
  /** Events folded in: the revision the next event of the stream gets. */
  version: number;
  /** The stream's last revision. */
  revision: number;
}

export interface OrderEventBody {
  orderId: number;
  customer?: string;
  amountCents?: number;
}

export const streamOf = (orderId: number) => `order-${orderId}`;

/** Folds a stream's events, oldest first, into the order they describe; null for no stream. */
export function foldOrder(events: readonly RecordedEvent[]): OrderState | null {
  let state: OrderState | null = null;
  for (const event of events) {
    const body = JSON.parse(event.data) as OrderEventBody;
    let next: OrderState;
    if (event.type === 'OrderPlaced') {
      next = { orderId: body.orderId, customer: body.customer ?? '', amountCents: body.amountCents ?? 0, status: 'placed', version: 0, revision: 0 };
    } else if (state === null) {
      continue;
    } else if (event.type === 'OrderAmountChanged') {
      next = { ...state, amountCents: body.amountCents ?? state.amountCents };
    } else if (event.type === 'OrderCancelled') {
      next = { ...state, status: 'cancelled' };
    } else {
      next = state;
    }
    state = { ...next, version: next.version + 1, revision: event.revision };
  }
  return state;
}

/** The answer to the client: an HTTP status and its text. */
export interface Reply {
  status: number;
  text: string;
}

/** The event a command decided on, and the revision the stream must still be at for it to be appended. */
export interface PendingAppend {
  event: EventData & { type: OrderEventType };
  expected: ExpectedRevision;
}

export type Decision = { append: PendingAppend } | { reject: Reply };

/** What the command means for the order as folded: an event to append, or a refusal. */
export function decide(request: OrderRequest, state: OrderState | null, eventId: string): Decision {
  const orderId = request.orderId;
  const event = (type: OrderEventType, body: OrderEventBody) => ({ eventId, type, data: JSON.stringify(body), orderId });
  switch (request.kind ?? 'place') {
    case 'place':
      if (state) return { reject: { status: 409, text: `order ${orderId} already exists` } };
      return { append: { event: event('OrderPlaced', { orderId, customer: request.customer, amountCents: request.amountCents }), expected: 'no-stream' } };
    case 'change':
      if (!state) return { reject: { status: 404, text: `no order ${orderId}` } };
      if (state.status === 'cancelled') return { reject: { status: 409, text: `order ${orderId} is cancelled` } };
      return { append: { event: event('OrderAmountChanged', { orderId, amountCents: request.amountCents }), expected: state.revision } };
    case 'cancel':
      if (!state) return { reject: { status: 404, text: `no order ${orderId}` } };
      if (state.status === 'cancelled') return { reject: { status: 409, text: `order ${orderId} is already cancelled` } };
      return { append: { event: event('OrderCancelled', { orderId }), expected: state.revision } };
  }
}
