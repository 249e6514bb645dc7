/**
 * Putting a message back in the retry queue, as KurrentDB does. A replayed parked message goes to
 * the end; any other goes before the first waiting message that comes later in `$all`, so retries
 * go out in log order. Retrying raises the retry count; where the server checks the budget first
 * (a timeout, a nack retry) a message already retried maxRetryCount times is parked instead.
 */
import type { OutstandingMessage, SubscriptionServerContext } from './context';

export function addRetry(retry: readonly OutstandingMessage[], message: OutstandingMessage): OutstandingMessage[] {
  if (message.replayed) return [...retry, message];
  const at = retry.findIndex((m) => !m.replayed && message.event.position < m.event.position);
  return at === -1 ? [...retry, message] : [...retry.slice(0, at), message, ...retry.slice(at)];
}

/** The queues a retry touches. */
export type RetryQueues = Pick<SubscriptionServerContext, 'retry' | 'toPark'>;

/** Strips what only an in-flight message carries. */
export function owed(message: OutstandingMessage): OutstandingMessage {
  const { event, retryCount, replayed, sequence, previousPosition } = message;
  return { event, retryCount, replayed, sequence, previousPosition };
}

/**
 * `checkBudget`: park a message whose retry count has reached maxRetryCount rather than retry it
 * (what a timeout and a nack retry do; a dropped gRPC client's messages are retried unchecked).
 * Returns the queues and whether it was parked.
 */
export function retryOrPark(
  queues: RetryQueues,
  message: OutstandingMessage,
  maxRetryCount: number,
  checkBudget: boolean,
  why: string,
): RetryQueues & { parked: boolean } {
  const plain = owed(message);
  if (checkBudget && plain.retryCount >= maxRetryCount) {
    return { retry: queues.retry, toPark: [...queues.toPark, { message: plain, reason: `retried ${plain.retryCount} times: ${why}` }], parked: true };
  }
  return { retry: addRetry(queues.retry, { ...plain, retryCount: plain.retryCount + 1 }), toPark: queues.toPark, parked: false };
}
