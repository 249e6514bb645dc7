/**
 * The lab's SQL runner on PGlite: the same statements, sent as named prepared statements.
 *
 * PGlite's own `query` makes six calls into Postgres for every statement (parse, describe the
 * statement, bind, describe the portal, execute, sync) and parses and analyses the SQL afresh each
 * time. A run repeats a few dozen statement texts hundreds of times, so this runner parses each
 * text once per session (parse, describe, sync: its parameter types), then sends bind, describe,
 * execute and sync as one message: one call into Postgres a statement instead of six, and no
 * re-parsing. Parameters are serialised by the type Postgres inferred for them, with PGlite's own
 * serialisers, and rows parsed with its parsers, so rows, errors and notifications are what
 * `query` gives. Real drivers do the same (pgjdbc's prepareThreshold, Npgsql's auto-prepare).
 *
 * Plans: Postgres may switch a prepared statement to a generic plan after five executions, a choice
 * that depends on what ran before. The lab's instances start with plan_cache_mode=force_custom_plan
 * (see LAB_START_PARAMS), so every execution is planned for its parameters exactly as an unnamed
 * statement is, and a run's plans never depend on the runs before it.
 */
import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import type { SqlRunner } from '../kernel/traced-database';

type Results = Awaited<ReturnType<PGlite['query']>>;
type Serializer = (value: unknown) => string;

interface Prepared {
  name: string;
  paramTypes: number[];
}

/** Statement texts kept prepared at once; past it the oldest is closed (a run uses a few dozen). */
const MAX_PREPARED = 512;

/** SQLSTATE 0A000: a prepared statement whose result columns changed under it (tables recreated). */
const FEATURE_NOT_SUPPORTED = '0A000';

export class PreparedStatementRunner implements SqlRunner {
  readonly #pg: PGlite;
  readonly #prepared = new Map<string, Prepared>();
  #counter = 0;

  constructor(pg: PGlite) {
    this.#pg = pg;
  }

  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<{ rows: R[]; affectedRows?: number }> {
    try {
      return (await this.#execute(sql, params)) as Results & { rows: R[] };
    } catch (error) {
      // The statement was prepared against tables since dropped and made again with other
      // columns: prepare it afresh, once.
      if ((error as { code?: string }).code !== FEATURE_NOT_SUPPORTED || !this.#prepared.has(sql)) throw error;
      await this.#close(sql);
      return (await this.#execute(sql, params)) as Results & { rows: R[] };
    }
  }

  exec(sql: string): Promise<unknown> {
    return this.#pg.exec(sql);
  }

  onNotification(listener: (channel: string, payload: string) => void): () => void {
    return this.#pg.onNotification(listener);
  }

  /** Closes every prepared statement: after the schemas are dropped and made again. */
  async forgetPrepared(): Promise<void> {
    for (const sql of [...this.#prepared.keys()]) await this.#close(sql);
  }

  #execute(sql: string, params: unknown[]): Promise<Results> {
    return this.#pg.runExclusive(async () => {
      const prepared = this.#prepared.get(sql) ?? (await this.#prepare(sql));
      // A count that does not match is sent as it is: Postgres refuses the bind, as it would anyway.
      const values = params.map((value, i) => (value === null || value === undefined ? null : this.#serializer(prepared.paramTypes[i])(value)));
      const message = concat([
        protocol.serialize.bind({ statement: prepared.name, values }),
        protocol.serialize.describe({ type: 'P' }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ]);
      try {
        const { messages } = await this.#pg.execProtocol(message);
        return parse.parseResults(messages, parsersOf(this.#pg))[0]!;
      } catch (error) {
        // An error that names the statement names it as the unnamed one `query` would have used.
        if (error instanceof Error) error.message = error.message.replace(`prepared statement "${prepared.name}"`, 'prepared statement ""');
        throw error;
      }
    });
  }

  /** Parse and describe, in one call: the statement's name and the parameter types Postgres chose. */
  async #prepare(sql: string): Promise<Prepared> {
    const name = `lab_${++this.#counter}`;
    const message = concat([protocol.serialize.parse({ name, text: sql }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()]);
    // On an error (bad SQL, an aborted transaction) Postgres skips to the sync and nothing is kept.
    const { messages } = await this.#pg.execProtocol(message, { syncToFs: false });
    const description = messages.find((m): m is InstanceType<typeof protocol.messages.ParameterDescriptionMessage> => m.name === 'parameterDescription');
    const prepared = { name, paramTypes: description?.dataTypeIDs ?? [] };
    if (this.#prepared.size >= MAX_PREPARED) await this.#closeUnlocked(this.#prepared.keys().next().value!);
    this.#prepared.set(sql, prepared);
    return prepared;
  }

  #serializer(type: number | undefined): Serializer {
    const serializers = (this.#pg as unknown as { serializers: Record<number, Serializer> }).serializers;
    return (type === undefined ? undefined : serializers[type]) ?? ((value) => String(value));
  }

  #close(sql: string): Promise<void> {
    return this.#pg.runExclusive(() => this.#closeUnlocked(sql));
  }

  async #closeUnlocked(sql: string): Promise<void> {
    const prepared = this.#prepared.get(sql);
    if (!prepared) return;
    this.#prepared.delete(sql);
    await this.#pg.execProtocol(concat([protocol.serialize.close({ type: 'S', name: prepared.name }), protocol.serialize.sync()]), { syncToFs: false });
  }
}

type Parsers = Parameters<typeof parse.parseResults>[1];

function parsersOf(pg: PGlite): Parsers {
  return (pg as unknown as { parsers: Parsers }).parsers;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
