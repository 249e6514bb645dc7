/** Operations at scale, measured on a real Postgres: the public surface of machines/compare/scale. */
export { measureScale, removeScaleObjects, SCALE_DEFAULTS } from './measure';
export { judgeIndexClaim } from './verdict';
export { POLL_SQL, RELAY_POLL_CLAUSE } from './outbox-poll';
export { SCALE_SCHEMA } from './server';
export { SCALE_SLOT } from './slot-retention';
export type * from './types';
