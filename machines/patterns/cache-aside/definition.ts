/**
 * The definition both cache-aside patterns share: the same story, components, checks and views;
 * they differ only in what a writer does to the cache after its commit (`step`). cache-delete's
 * cdc-invalidation moves that DEL out of the writers into a connector and an invalidator
 * (invalidation.ts), which is why cache-delete also builds a broker and, in that variant, a WAL origin.
 */
import { SIMULATION_EPOCH_MS } from '../../kernel/clock';
import { definePattern, type PatternDefinition } from '../../kernel/pattern';
import type { PatternInfo } from '../../kernel/pattern-info';
import { clientProcess } from '../../actors/client';
import { broker, cache } from '../../actors/components';
import { cacheOutcome } from '../../actors/outcome-sources';
import { CDC_INVALIDATION, INVALIDATION_HIDDEN_TABLES, INVALIDATION_TABLES, invalidationInspections, invalidationProcesses, prepareInvalidationRun } from './invalidation';
import { readerProcess } from './reader';
import { insertStoryOrder, VERSIONED_ORDERS_TABLE, WRITE_SCRIPT } from './story';
import { cacheAsideKeys } from './truth';
import { cacheAsideInspections } from './views';
import { writerProcesses, type CacheStep } from './writers';

export const VERSIONED_SET = 'versioned-set';
export const DOUBLE_DELETE = 'double-delete';
export const LEASE = 'lease';
export { CDC_INVALIDATION };

export function cacheAsidePattern(info: PatternInfo, step: Exclude<CacheStep, 'none'>): PatternDefinition {
  const storyStart = new Date(SIMULATION_EPOCH_MS).toISOString();
  // Only cache-delete has a variant whose connector publishes to a broker.
  const invalidates = step === 'delete';
  return definePattern({
    info,
    components: (wake, variant) => (invalidates && variant === 'cdc-invalidation' ? { cache: cache(), broker: broker(wake) } : { cache: cache() }),
    outcome: (sources) => cacheOutcome(sources, cacheAsideKeys),
    client: () => clientProcess([], WRITE_SCRIPT),
    schema: (variant) => [VERSIONED_ORDERS_TABLE, ...(variant === CDC_INVALIDATION ? INVALIDATION_TABLES : [])],
    ...(invalidates ? { hiddenTables: INVALIDATION_HIDDEN_TABLES } : {}),
    prepareRun: (runner, variant) => (variant === CDC_INVALIDATION ? prepareInvalidationRun(runner, storyStart) : insertStoryOrder(runner, storyStart)),
    // versioned-set (cache-set's): every SET, the writers' and the reader's fill, compares versions;
    // double-delete (cache-delete's): each writer deletes the key twice, a delay apart;
    // lease (cache-delete's): the reader's miss takes a lease that a DEL invalidates;
    // cdc-invalidation (cache-delete's): writers only commit; a connector and an invalidator DEL from the WAL.
    processes: ({ variant }) => {
      if (variant === CDC_INVALIDATION) return [...writerProcesses('none'), readerProcess(), ...invalidationProcesses()];
      const versioned = variant === VERSIONED_SET;
      return [...writerProcesses(step, { versioned, deleteAgain: variant === DOUBLE_DELETE }), readerProcess({ versioned, leased: variant === LEASE })];
    },
    inspect: async (sources, variant) => [
      ...cacheAsideInspections(sources),
      ...(variant === CDC_INVALIDATION && sources.broker ? await invalidationInspections(sources.runner, sources.broker) : []),
    ],
  });
}
