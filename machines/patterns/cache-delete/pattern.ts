/**
 * cache-delete — cache-aside where each writer, after its commit, deletes the key instead of
 * setting it, and the next reader's miss refills the cache from Postgres. Seed 003 calls this
 * always safe and says a failed DELETE just means a cache miss. The lab shows where it is right
 * and where it is not:
 * - two DELs commute: whatever order two writers' deletes land in, the key ends absent, so a
 *   writer that pauses before its DEL does no lasting harm (this is where DEL beats SET);
 * - a DEL that fails or never runs leaves the old value, not a miss, until the TTL;
 * - a reader that read the old row before a commit and fills the cache after that commit's DEL
 *   puts the old value back, again until the TTL.
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
  processes: () => [...writerProcesses('delete'), readerProcess()],
  inspect: async (sources) => cacheAsideInspections(sources),
});