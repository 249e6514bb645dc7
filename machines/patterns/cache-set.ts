/**
 * cache-set — cache-aside where each writer, after its commit, SETs the row it wrote into the
 * cache. The cache is a second system with no transaction shared with Postgres, so this is a dual
 * write like any other: a SET that fails or never runs leaves the old value in place, and two
 * writers whose SETs arrive in the other order than their commits leave the older value behind.
 * Either way readers are served it until the key expires (TTL 30 s simulated).
 */
import type { PatternDefinition } from '../kernel/pattern';
import { SIMULATION_EPOCH_MS } from '../kernel/clock';
import { cacheAsideInspections, insertStoryOrder, readerProcess, VERSIONED_ORDERS_TABLE, WRITE_SCRIPT, writerProcesses } from '../actors/cache-aside';
import { cacheAsideTruth } from '../actors/cache-aside-truth';
import { findPattern } from './catalog';

const info = findPattern('cache-set')!;

export const cacheSet: PatternDefinition = {
  info,
  outcome: { downstream: 'cache', cache: cacheAsideTruth },
  schema: () => [VERSIONED_ORDERS_TABLE],
  prepareRun: (runner) => insertStoryOrder(runner, new Date(SIMULATION_EPOCH_MS).toISOString()),
  clientScript: () => WRITE_SCRIPT,
  processes: () => [...writerProcesses('set'), readerProcess()],
  inspect: async (sources) => cacheAsideInspections(sources),
};
