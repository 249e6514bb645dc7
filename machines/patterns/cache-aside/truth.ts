/**
 * How the cache-aside patterns' cache relates to Postgres: `order:<id>` holds the order row as
 * JSON with its `version`, and `service.orders.version` is the truth it is judged against.
 */
import type { CacheKeys } from '../../kernel/outcome-sources';
import { parseCachedOrder } from './story';

const ORDER_KEY = /^order:(\d+)$/;

export const cacheAsideKeys: CacheKeys = {
  async versions(runner) {
    const rows = (await runner.query<{ id: number; version: number }>('SELECT id, version FROM service.orders')).rows;
    return new Map(rows.map((r) => [`order:${Number(r.id)}`, Number(r.version)]));
  },
  versionOf: (value) => parseCachedOrder(value)?.version ?? null,
  orderOf(key) {
    const match = ORDER_KEY.exec(key);
    return match ? Number(match[1]) : null;
  },
};
