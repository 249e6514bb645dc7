/**
 * `--database-url`: where a command runs its scenarios when not on PGlite. The URL is checked
 * with the other arguments (exit 2 before anything boots); the server is then checked by
 * preflight before anything on it is touched, and cleaned up after, whatever happened.
 */
import type { LabStore } from '../../machines/kernel/component';
import type { PatternDefinition } from '../../machines/kernel/pattern';
import { echo } from '../../machines/kernel/echo';
import { PreflightError, UsageError } from './errors';
import { note, withDatabase } from './io';
import { masked } from '../../machines/runtime/pg-url';

export const SERVER_OPTIONS = {
  'database-url': { type: 'string' },
  'reset-schemas': { type: 'boolean' },
} as const;

export interface ServerTarget {
  url: string;
  resetSchemas: boolean;
}

const maskedUrl = (url: URL) => masked(url.href);

/**
 * A parseable postgres:// or postgresql:// URL naming a database. The database must be named:
 * without one the driver picks the user's name, and the lab would drop schemas in whatever that is.
 */
export function parseDatabaseUrl(command: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${command}: --database-url ${echo(text.replace(/:[^:@/]*@/, ':***@'))} is not a URL; write postgres://user[:password]@host[:port]/database`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(`${command}: --database-url must start with postgres:// or postgresql://; got ${echo(url.protocol.slice(0, -1))}`);
  }
  if (!url.hostname && !url.searchParams.get('host')) throw new UsageError(`${command}: --database-url ${echo(maskedUrl(url))} names no host; write postgres://user@host[:port]/database`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) {
    throw new UsageError(`${command}: --database-url ${echo(maskedUrl(url))} names no database; give the lab one of its own, e.g. postgres://${url.username || 'user'}@${url.host || 'localhost'}/lab`);
  }
  return url;
}

/** The target from the flags; `fallback` (LAB_DATABASE_URL, for crosscheck only) when the flag is absent. */
export function serverTarget(command: string, values: { 'database-url'?: string; 'reset-schemas'?: boolean }, fallback?: string): ServerTarget | null {
  const text = values['database-url'] ?? fallback;
  if (text === undefined) {
    if (values['reset-schemas']) throw new UsageError(`${command}: --reset-schemas applies only with --database-url`);
    return null;
  }
  return { url: parseDatabaseUrl(command, text).href, resetSchemas: values['reset-schemas'] ?? false };
}

/**
 * Why these patterns cannot yet run on a real server, or null when they can. Said instead of
 * running: a run that cannot read its changes would report lost events that never happened.
 */
export async function unsupportedOnServer(patterns: readonly PatternDefinition[]): Promise<string | null> {
  const { serverUnsupported } = await import('../../machines/runtime/pg-session');
  return serverUnsupported(patterns);
}

/** Runs `fn` on PGlite, or on the server after preflight, cleaning the server up afterwards. */
export async function withLabStore<T>(target: ServerTarget | null, patterns: readonly PatternDefinition[], fn: (db: LabStore) => Promise<T>): Promise<T> {
  if (!target) return withDatabase(fn);
  const unsupported = await unsupportedOnServer(patterns);
  if (unsupported) throw new PreflightError(unsupported);
  const { openServerSession } = await import('../../machines/runtime/pg-session');
  const session = await openServerSession(target.url, patterns, { resetSchemas: target.resetSchemas });
  if (!session.ok) throw new PreflightError(session.message);
  note(session.banner);
  for (const line of session.notes) note(`note: ${line}`);
  try {
    return await fn(session.db);
  } finally {
    const cleaned = await session.close();
    if (cleaned) note(cleaned);
  }
}
