import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Compilable,
  type CompiledQuery,
  type QueryResult,
  type Transaction,
} from 'kysely';
import type { Database } from './types.js';

/**
 * The turn's hot queries, written with Kysely and typed against the tables like any other, but built
 * and compiled once: each is compiled here with placeholders where its parameters go, and a turn only
 * puts its values in. connect.ts runs them as named statements, so each connection parses and plans
 * them once instead of on every turn (pg prepares a name on a connection the first time it meets it,
 * so a new connection after a Postgres restart prepares it again by itself).
 */

/** Stands where a parameter goes in the query being built; swapped for the value at each execution. */
class Placeholder {
  constructor(readonly key: string) {}
}

/** A parameter of the query, typed as its value so the builder checks it against the column. */
export type Param<P> = <K extends keyof P & string>(key: K) => P[K];

export interface PreparedQuery<P, R> {
  readonly name: string;
  readonly sql: string;
  execute(db: Kysely<Database> | Transaction<Database>, params: P): Promise<QueryResult<R>>;
  takeFirst(db: Kysely<Database> | Transaction<Database>, params: P): Promise<R | undefined>;
}

// Compiles without a connection; the app's own Kysely uses the same dialect and no plugins, so the
// SQL is the same as it would build.
let compiler: Kysely<Database> | undefined;
function compileOnly(): Kysely<Database> {
  return (compiler ??= new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }));
}

/** Compiled text -> statement name, for connect.ts; one process has one set of hot queries. */
const names = new Map<string, string>();

/** The statement name of a prepared query's SQL, if it is one. */
export function statementName(sql: string): string | undefined {
  return names.get(sql);
}

/**
 * Builds and compiles `build`'s query once, under `name` (unique, at most 63 characters: Postgres's
 * limit for a statement name). `$('key')` marks where `params.key` goes at each execution.
 */
export function prepare<P, R>(name: string, build: (db: Kysely<Database>, $: Param<P>) => Compilable<R>): PreparedQuery<P, R> {
  const compiled = build(compileOnly(), ((key: string) => new Placeholder(key)) as Param<P>).compile();
  if (names.get(compiled.sql) !== undefined || [...names.values()].includes(name))
    throw new Error(`prepared query ${name} is not unique`);
  names.set(compiled.sql, name);
  const slots = compiled.parameters.map((p) => (p instanceof Placeholder ? p.key : undefined)) as (keyof P | undefined)[];
  const constants = compiled.parameters;
  const instance = (params: P): CompiledQuery<R> => {
    const values = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const key = slots[i];
      values[i] = key === undefined ? constants[i] : params[key];
    }
    return { query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters: values };
  };
  const execute = (db: Kysely<Database> | Transaction<Database>, params: P) => db.executeQuery(instance(params));
  return {
    name,
    sql: compiled.sql,
    execute,
    takeFirst: async (db, params) => (await execute(db, params)).rows[0],
  };
}
