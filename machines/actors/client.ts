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
}

interface ClientContext {
  arrivals: number[];
  next: number;
}

export function orderRequest(orderId: number): OrderRequest {
  return { orderId, customer: `customer-${orderId}`, amountCents: 1000 + 250 * orderId };
}

export const clientMachine = setup({
  types: { context: {} as ClientContext, input: {} as { arrivals: number[] }, events: {} as { type: 'SENT' } },
  guards: { moreToSend: ({ context }) => context.next + 1 < context.arrivals.length },
}).createMachine({
  id: 'client',
  context: ({ input }) => ({ arrivals: input.arrivals, next: 0 }),
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
  async run(ctx) {
    const request = orderRequest(ctx.context.next + 1);
    ctx.emit({
      from: CLIENT_PARTICIPANT,
      to: 'service',
      kind: 'request',
      label: `POST /orders (order ${request.orderId}, ${request.amountCents / 100} EUR)`,
      ok: true,
    });
    ctx.send('service', { type: 'ORDER_REQUESTED', request });
    return { event: { type: 'SENT' }, caption: `The client places order ${request.orderId} with the order service.` };
  },
};

export function clientProcess(arrivals: number[]): ProcessSpec & { input: { arrivals: number[] } } {
  return { id: CLIENT_PARTICIPANT, machine: clientMachine, operations: { 'send-order': sendOrder }, input: { arrivals } };
}
