/** What the orchestrator holds while it works on a saga, shared by its statechart and its steps. */
import type { LogEntry, RemoteStep, FinalStep } from './saga-log';

export const ORCHESTRATOR_PARTICIPANT = 'orchestrator';

export interface Saga {
  sagaId: string;
  orderId: number;
  customer: string;
  amountCents: number;
  entries: LogEntry[];
}

export interface OrchestratorContext {
  saga: Saga | null;
  /** The step in hand, and what its call answered (to be logged). */
  step: RemoteStep | FinalStep | null;
  answer: 'done' | 'failed' | null;
}

export const orders = (context: OrchestratorContext): number[] => (context.saga ? [context.saga.orderId] : []);
export const sagaName = (context: OrchestratorContext): string => context.saga?.sagaId ?? '?';
