/**
 * The definition both cache-aside patterns share: the same story, components, checks and views;
 * they differ only in what a writer does to the cache after its commit (`step`).
 */
import { SIMULATION_EPOCH_MS } from '../../kernel/clock';
import { definePattern, type PatternDefinition } from '../../kernel/pattern';
import type { PatternInfo } from '../../kernel/pattern-info';
import { clientProcess } from '../../actors/client';
import { cache } from '../../actors/components';
import { cacheOutcome } from '../../actors/outcome-sources';
import { readerProcess } from './reader';
import { insertStoryOrder, VERSIONED_ORDERS_TABLE, WRITE_SCRIPT } from './story';
import { cacheAsideKeys } from './truth';
import { cacheAsideInspections } from './views';
import { writerProcesses, type CacheStep } from './writers';

export const VERSIONED_SET = 'versioned-set';
export const DOUBLE_DELETE = 'double-delete';
export const LEASE = 'lease';

export function cacheAsidePattern(info: PatternInfo, step: CacheStep): PatternDefinition {
  return definePattern({
    info,
    components: () => ({ cache: cache() }),
    outcome: (sources) => cacheOutcome(sources, cacheAsideKeys),
    client: () => clientProcess([], WRITE_SCRIPT),
    schema: () => [VERSIONED_ORDERS_TABLE],
    prepareRun: (runner) => insertStoryOrder(runner, new Date(SIMULATION_EPOCH_MS).toISOString()),
    // versioned-set (cache-set's): every SET, the writers' and the reader's fill, compares versions;
    // double-delete (cache-delete's): each writer deletes the key twice, a delay apart;
    // lease (cache-delete's): the reader's miss takes a lease that a DEL invalidates.
    processes: ({ variant }) => {
      const versioned = variant === VERSIONED_SET;
      return [...writerProcesses(step, { versioned, deleteAgain: variant === DOUBLE_DELETE }), readerProcess({ versioned, leased: variant === LEASE })];
    },
    inspect: async (sources) => cacheAsideInspections(sources),
  });
}
