/** Every pattern of the vocabulary, as the statechart definition the simulation runs. */
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


export const PATTERNS: Readonly<Record<PatternId, PatternDefinition>> = {
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

// A Map, not the object: the id comes from a URL or a command line, and `PATTERNS["constructor"]`
// would find Object's constructor instead of nothing.
const BY_ID: ReadonlyMap<string, PatternDefinition> = new Map(Object.entries(PATTERNS));

export function getPattern(id: string): PatternDefinition | undefined {
  return BY_ID.get(id);
}
