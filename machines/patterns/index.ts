/** Every pattern the simulation can run, by id. */
import type { PatternDefinition } from '../kernel/pattern';
import type { PatternId } from '../kernel/vocabulary';
import { naiveDbFirst } from './naive-db-first';
import { outboxPolling } from './outbox-polling';
import { outboxCdc } from './outbox-cdc';
import { cdcTable } from './cdc-table';
import { naiveBrokerFirst } from './naive-broker-first';
import { retryInCatch } from './retry-in-catch';
import { afterCommitListener } from './after-commit-listener';
import { twoPhaseCommit } from './two-phase-commit';
import { listenToYourself } from './listen-to-yourself';
import { eventSourcing } from './event-sourcing';
import { persistentSubscription } from './persistent-subscription';
import { cacheSet } from './cache-set';
import { cacheDelete } from './cache-delete';


export const PATTERNS: Partial<Record<PatternId, PatternDefinition>> = {
  'naive-db-first': naiveDbFirst,
  'outbox-polling': outboxPolling,
  'outbox-cdc': outboxCdc,
  'cdc-table': cdcTable,
  'naive-broker-first': naiveBrokerFirst,
  'retry-in-catch': retryInCatch,
  'after-commit-listener': afterCommitListener,
  'two-phase-commit': twoPhaseCommit,
  'listen-to-yourself': listenToYourself,
  'event-sourcing': eventSourcing,
  'persistent-subscription': persistentSubscription,
  'cache-set': cacheSet,
  'cache-delete': cacheDelete,
};

export function getPattern(id: string): PatternDefinition | undefined {
  return (PATTERNS as Record<string, PatternDefinition | undefined>)[id];
}
