/**
 * The client places orders at the times the scenario gives. It stands outside the system under
 * test, so no fault is armed on it.
 */
import { assign, setup } from 'xstate';
import type { Operation, ProcessSpec } from '../kernel/pattern';

export const CLIENT_PARTICIPANT = 'client';

export interface OrderRequest {
  orderId: number;
  customer: string;
  amountCents: number;
  /** What the client asks for; absent means placing a new order (every pattern's default). */
  kind?: 'place' | 'change' | 'cancel';
  /** The service instance it goes to, when a pattern runs more than one (default `service`). */
  via?: string;
}

/** A request and when it arrives, for patterns whose story needs more than new orders. */
export interface ScheduledRequest {
  at: number;
  request: OrderRequest;
}

interface ClientContext {
  arrivals: number[];
  next: number;
  /** The requests in order, when the pattern scripts them; otherwise order n+1 is placed. */
  requests?: OrderRequest[];
}

export function orderRequest(orderId: number): OrderRequest {
  return { orderId, customer: `customer-${orderId}`, amountCents: 1000 + 250 * orderId };
}

export const clientMachine = setup({
  types: { context: {} as ClientContext, input: {} as { arrivals: number[]; requests?: OrderRequest[] }, events: {} as { type: 'SENT' } },
  guards: { moreToSend: ({ context }) => context.next + 1 < context.arrivals.length },
}).createMachine({
  id: 'client',
  context: ({ input }) => ({ arrivals: input.arrivals, next: 0, ...(input.requests ? { requests: input.requests } : {}) }),
  initial: 'sending',
  states: {
    sending: {
      meta: { op: 'send-order', notBefore: (context: ClientContext) => context.arrivals[context.next] ?? 0 },
      on: {
        SENT: [
          { guard: 'moreToSend', target: 'sending', reenter: true, actions: assign({ next: ({ context }) => context.next + 1 }) },
          { target: 'done', actions: assign({ next: ({ context }) => context.next + 1 }) },
        ],
      },
    },
    done: { tags: ['idle'] },
  },
});

const sendOrder: Operation<ClientContext> = {
  faults: [],
  crashable: false,
  latencyMs: 2,
  intent: (context) => `sending order ${context.next + 1}`,
  about: (context) => [(context.requests?.[context.next] ?? orderRequest(context.next + 1)).orderId],
  async run(ctx) {
    const request = ctx.context.requests?.[ctx.context.next] ?? orderRequest(ctx.context.next + 1);
    const { label, caption } = describeRequest(request);
    const to = request.via ?? 'service';
    ctx.emit({ from: CLIENT_PARTICIPANT, to, kind: 'request', label, ok: true });
    ctx.send(to, { type: 'ORDER_REQUESTED', request });
    return { event: { type: 'SENT' }, caption };
  },
};

function describeRequest(request: OrderRequest): { label: string; caption: string } {
  switch (request.kind ?? 'place') {
    case 'change':
      return {
        label: `PATCH /orders/${request.orderId} (${request.amountCents / 100} EUR)`,
        caption: `The client changes order ${request.orderId} to ${request.amountCents / 100} EUR.`,
      };
    case 'cancel':
      return { label: `DELETE /orders/${request.orderId}`, caption: `The client cancels order ${request.orderId}.` };
    default:
      return {
        label: `POST /orders (order ${request.orderId}, ${request.amountCents / 100} EUR)`,
        caption: `The client places order ${request.orderId} with the order service.`,
      };
  }
}

/** The client; with a `script` it sends those requests at those times instead of new orders. */
export function clientProcess(
  arrivals: number[],
  script?: ScheduledRequest[],
): ProcessSpec & { input: { arrivals: number[]; requests?: OrderRequest[] } } {
  const input = script ? { arrivals: script.map((s) => s.at), requests: script.map((s) => s.request) } : { arrivals };
  return { id: CLIENT_PARTICIPANT, machine: clientMachine, operations: { 'send-order': sendOrder }, input };
}
