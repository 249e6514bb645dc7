/**
 * The calls the orchestrator makes: a participant's step (reserve, charge, release, refund), run
 * as that service's own local transaction, and the order's own last step (confirm, cancel),
 * committed with its log entry. Each answers with the event that moves the orchestrator on.
 */
import type { Operation, OperationContext } from '../../kernel/pattern';
import type { Transaction } from '../../kernel/traced-database';
import { STOCK_ON_HAND, STOCK_PARTICIPANT, releaseStock, reserveStock } from '../../actors/stock-service';
import { PAYMENT_PARTICIPANT, chargePayment, refundPayment } from '../../actors/payment-service';
import { ORCHESTRATOR_PARTICIPANT, orders, sagaName, type OrchestratorContext } from './orchestrator-context';
import { isCompensation, type FinalStep, type RemoteStep } from './saga-log';

/** The idempotency key a call carries: one per step, or (switch off) a new one per attempt. */
function keyFor(ctx: OperationContext<OrchestratorContext>, step: RemoteStep): string {
  const stable = `${ctx.context.saga!.sagaId}/${step}`;
  return ctx.scenario.idempotentConsumer ? stable : `${stable}/${ctx.nextId('attempt')}`;
}

const CHECK_VIOLATION = /violates check constraint/;

interface StepCall {
  participant: string;
  request: string;
  /** What a refusal means, as a caption. */
  refused?: (orderId: number) => string;
  faults: Operation<OrchestratorContext>['faults'];
  latencyMs: number;
  /** The participant's local transaction; answers a word for the caption. */
  body(ctx: OperationContext<OrchestratorContext>, tx: Transaction): Promise<string>;
}

const CALLS: Record<RemoteStep, StepCall> = {
  'reserve-stock': {
    participant: STOCK_PARTICIPANT,
    request: 'POST /reservations',
    refused: (orderId) => `The stock service refuses order ${orderId}: not enough stock.`,
    faults: ['db-write-fails', 'db-unavailable', 'commit-unknown'],
    latencyMs: 5,
    body: (ctx, tx) => {
      // Under db-write-fails the order asks for more than the shelf holds: the CHECK refuses it.
      const quantity = ctx.faultHere('db-write-fails') ? STOCK_ON_HAND + 1 : 1;
      const { sagaId, orderId } = ctx.context.saga!;
      return reserveStock(tx, { idempotencyKey: keyFor(ctx, 'reserve-stock'), sagaId, orderId, quantity }, ctx.timestamp());
    },
  },
  'charge-payment': {
    participant: PAYMENT_PARTICIPANT,
    request: 'POST /charges',
    refused: (orderId) => `The payment service declines order ${orderId}'s charge.`,
    faults: ['db-write-fails', 'db-unavailable', 'commit-unknown'],
    // A card network round trip: long enough for a reader to see the saga half-way.
    latencyMs: 40,
    body: (ctx, tx) => {
      const { sagaId, orderId, customer, amountCents } = ctx.context.saga!;
      // Under db-write-fails the charge is declined: a non-positive amount breaks the CHECK.
      const amount = ctx.faultHere('db-write-fails') ? -amountCents : amountCents;
      return chargePayment(tx, { idempotencyKey: keyFor(ctx, 'charge-payment'), sagaId, orderId, customer, amountCents: amount }, ctx.timestamp());
    },
  },
  'release-stock': {
    participant: STOCK_PARTICIPANT,
    request: 'POST /reservations/release',
    faults: ['db-unavailable', 'commit-unknown'],
    latencyMs: 5,
    body: async (ctx, tx) => `${await releaseStock(tx, ctx.context.saga!.sagaId, ctx.timestamp())} released`,
  },
  'refund-payment': {
    participant: PAYMENT_PARTICIPANT,
    request: 'POST /refunds',
    faults: ['db-unavailable', 'commit-unknown'],
    latencyMs: 10,
    body: async (ctx, tx) => `${await refundPayment(tx, ctx.context.saga!.sagaId, ctx.timestamp())} refunded`,
  },
};

/**
 * One participant's step: the request, the participant's transaction, the answer. A refusal of a
 * forward step is an answer (`failed`, and the saga turns back); an outage or a lost answer is
 * not: the step is tried again from the log, unless `giveUp` writes off a failed compensation.
 */
export function remoteStep(step: RemoteStep, giveUp: boolean): Operation<OrchestratorContext> {
  const call = CALLS[step];
  return {
    faults: call.faults,
    crashable: true,
    latencyMs: call.latencyMs,
    intent: (context) => `calling ${step} for ${sagaName(context)}`,
    about: orders,
    async run(ctx) {
      const { orderId } = ctx.context.saga!;
      ctx.emit({ from: ORCHESTRATOR_PARTICIPANT, to: call.participant, kind: 'request', label: `${call.request} (order ${orderId})`, ok: true });
      // The participant's own transaction in its own database: the trace shows it, not the orchestrator, talking to Postgres.
      const result = await ctx.db.transaction(`${step} for order ${orderId}`, (tx) => call.body(ctx, tx), { by: call.participant });
      if (result.ok) {
        ctx.emit({ from: call.participant, to: ORCHESTRATOR_PARTICIPANT, kind: 'reply', label: `200 OK (${result.value})`, ok: true });
        return { event: { type: 'ANSWERED', answer: 'done' }, caption: `The ${call.participant} service answers ${step} for order ${orderId}: ${result.value}.` };
      }
      // A business rule's refusal (out of stock, card declined) is the participant's CHECK saying no.
      const refused = !result.committed && !isCompensation(step) && CHECK_VIOLATION.test(result.error);
      ctx.emit({ from: call.participant, to: ORCHESTRATOR_PARTICIPANT, kind: 'error', label: refused ? '422 Unprocessable' : '503 / timeout', ok: false });
      if (refused) return { event: { type: 'ANSWERED', answer: 'failed' }, caption: call.refused?.(orderId) ?? `The ${call.participant} service refuses ${step} for order ${orderId}.` };
      const unknown = result.committed ? ', though it committed' : '';
      if (giveUp && isCompensation(step)) return { event: { type: 'GIVE_UP' }, caption: `${step} for order ${orderId} fails${unknown}; the orchestrator will not retry.` };
      return { event: { type: 'STEP_FAILED' }, caption: `${step} for order ${orderId} gets no answer${unknown}; it will be retried.` };
    },
  };
}

/**
 * The order's own last step: the status change and its log entry commit in one local transaction,
 * so the log and the order never disagree about it. Confirming restates the order's amount, which
 * the CHECK refuses under db-write-fails: the order service says no, and the saga turns back.
 */
export function finalStep(step: FinalStep): Operation<OrchestratorContext> {
  const confirming = step === 'confirm-order';
  const status = confirming ? 'CONFIRMED' : 'CANCELLED';
  return {
    faults: confirming ? ['db-write-fails', 'commit-unknown'] : ['commit-unknown'],
    crashable: true,
    latencyMs: 4,
    intent: (context) => `${confirming ? 'confirming' : 'cancelling'} order ${context.saga?.orderId ?? '?'}`,
    about: orders,
    async run(ctx) {
      const saga = ctx.context.saga!;
      const written = await ctx.db.transaction(`${step} ${saga.orderId} + log`, async (tx) => {
        if (confirming) {
          const amount = ctx.faultHere('db-write-fails') ? -saga.amountCents : saga.amountCents;
          await tx.query("UPDATE service.orders SET status = 'CONFIRMED', amount_cents = $2 WHERE id = $1 AND status = 'PENDING'", [saga.orderId, amount]);
        } else {
          await tx.query("UPDATE service.orders SET status = 'CANCELLED' WHERE id = $1 AND status = 'PENDING'", [saga.orderId]);
        }
        await tx.query("INSERT INTO service.saga_log (saga_id, seq, order_id, step, status, at) VALUES ($1, $2, $3, $4, 'done', $5)", [
          saga.sagaId,
          saga.entries.length + 1,
          saga.orderId,
          step,
          ctx.timestamp(),
        ]);
      });
      if (!written.ok && !written.committed && CHECK_VIOLATION.test(written.error)) {
        return { event: { type: 'ANSWERED', answer: 'failed' }, caption: `The order service refuses to confirm order ${saga.orderId}; the saga turns back.` };
      }
      if (!written.ok) return { event: { type: 'STEP_FAILED' }, caption: `The orchestrator cannot tell whether order ${saga.orderId} is ${status}.` };
      return { event: { type: 'LOGGED' }, caption: `The orchestrator marks order ${saga.orderId} ${status} and ends ${saga.sagaId}.` };
    },
  };
}
