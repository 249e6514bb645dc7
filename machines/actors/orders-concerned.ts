/**
 * The shapes of `Operation.about` and `OperationResult.orders` that many operations share: which
 * orders a step concerns, stated as data so the checker never has to read it out of a caption.
 */

/** The order a service is handling right now, if any. */
export function currentOrder(context: { current: { orderId: number } | null | undefined }): number[] {
  return context.current ? [context.current.orderId] : [];
}

/** The order of the first item in hand (the one the next step acts on), if any. */
export function firstOrder(items: readonly { orderId: number }[]): number[] {
  return items.slice(0, 1).map((item) => item.orderId);
}

/** Every order a list of messages or events names. */
export function ordersOf(items: readonly { orderId: number }[]): number[] {
  return items.map((item) => item.orderId);
}

/** Outbox rows name their order as text, in `aggregate_id`. */
export function outboxOrders(rows: readonly { aggregate_id: string }[]): number[] {
  return rows.map((row) => Number(row.aggregate_id));
}
