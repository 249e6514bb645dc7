/**
 * cache-set — cache-aside where each writer, after its commit, SETs the row it wrote into the
 * cache. The cache is a second system with no transaction shared with Postgres, so this is a dual
 * write like any other: a SET that fails or never runs leaves the old value in place, and two
 * writers whose SETs arrive in the other order than their commits leave the older value behind.
 * Either way readers are served it until the key expires (TTL 30 s simulated).
 */

import { SIMULATION_EPOCH_MS } from '../../kernel/clock';
import { readerProcess } from '../cache-aside/reader';
import { insertStoryOrder, VERSIONED_ORDERS_TABLE, WRITE_SCRIPT } from '../cache-aside/story';
import { cacheAsideKeys } from '../cache-aside/truth';
import { cacheAsideInspections } from '../cache-aside/views';
import { writerProcesses } from '../cache-aside/writers';
import { definePattern } from '../../kernel/pattern';
import { cache } from '../../actors/components';
import { cacheOutcome } from '../../actors/outcome-sources';
import { clientProcess } from '../../actors/client';
import { info } from './info';


export const pattern = definePattern({
  info,
  components: () => ({ cache: cache() }),
  outcome: (sources) => cacheOutcome(sources, cacheAsideKeys),
  client: () => clientProcess([], WRITE_SCRIPT),
  schema: () => [VERSIONED_ORDERS_TABLE],
  prepareRun: (runner) => insertStoryOrder(runner, new Date(SIMULATION_EPOCH_MS).toISOString()),
  processes: () => [...writerProcesses('set'), readerProcess()],
  inspect: async (sources) => cacheAsideInspections(sources),
});