/** What the cache-aside lab pages show beside the tables. */
import type { InspectionSources } from '../../kernel/pattern';
import type { Cache } from '../../actors/cache';
import type { TableSnapshot } from '../../kernel/types';
import { parseCachedOrder, READER_PARTICIPANT } from './story';


/** Every GET the reader made and what the cache answered, from the cache's own read log. */
export function readerReads(sources: InspectionSources<{ cache: Cache }>): TableSnapshot {
  return {
    name: 'reader GETs',
    note: 'What the cache answered each GET of the reader (simulated ms). A hit is served as is.',
    columns: ['t_ms', 'key', 'answer'],
    rows: sources.cache
      .reads()
      .filter((r) => r.by === READER_PARTICIPANT)
      .map((r) => {
        const cached = r.value === null ? null : parseCachedOrder(r.value);
        return { t_ms: r.t, key: r.key, answer: r.value === null ? 'miss' : `hit: version ${cached?.version ?? '?'}` };
      }),
  };
}

export function cacheAsideInspections(sources: InspectionSources<{ cache: Cache }>): TableSnapshot[] {
  return [sources.cache.inspection(sources.now), readerReads(sources)];
}

