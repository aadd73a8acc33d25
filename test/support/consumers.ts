// Drives the real Singer consumers of ../shared/consumers (set up by its setup.sh into HARNESS_DIR).
import {spawn} from 'node:child_process';
import {existsSync, openSync} from 'node:fs';
import {join, resolve} from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/** Where the consumers' scripts and the installed harness live (overridable for other checkouts). */
export const CONSUMERS_DIR = resolve(
  process.env.TAP_SEGMENT_CONSUMERS ?? join(root, '..', 'shared', 'consumers'),
);
export const HARNESS_DIR = resolve(process.env.HARNESS_DIR ?? join(root, '.harness'));

const PYTHON_SINGER = join(HARNESS_DIR, 'venv-singer', 'bin', 'python');
const PYTHON_PIPELINEWISE = join(HARNESS_DIR, 'venv-pipelinewise', 'bin', 'python');

/** Why the consumers cannot run here, or undefined when they can. */
export function consumersMissing(): string | undefined {
  if (!existsSync(join(CONSUMERS_DIR, 'run-targets.sh'))) return `no consumers at ${CONSUMERS_DIR}`;
  if (!existsSync(join(HARNESS_DIR, 'versions.txt')) || !existsSync(PYTHON_PIPELINEWISE))
    return `consumers not set up in ${HARNESS_DIR}: run \`npm run setup:targets\` (root, for apt-get)`;
  return undefined;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with a file as stdin and collects its output. */
export function run(
  command: string,
  args: readonly string[],
  stdinFile?: string,
  cwd?: string,
): Promise<Finished> {
  return new Promise((done, fail) => {
    const stdin = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
    const child = spawn(command, args, {
      cwd,
      stdio: [stdin, 'pipe', 'pipe'],
      env: {...process.env, HARNESS_DIR},
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({code, stdout, stderr}));
  });
}

export interface Postgres {
  port: number;
  password: string;
}

/** Starts (or reuses) the harness's throw-away PostgreSQL on 127.0.0.1. */
export async function startPostgres(): Promise<Postgres> {
  const started = await run(join(CONSUMERS_DIR, 'run-targets.sh'), ['--start-pg']);
  const port = /PGPORT=(\d+)/.exec(started.stdout)?.[1];
  const password = /PGPASSWORD=(\S+)/.exec(started.stdout)?.[1];
  if (started.code !== 0 || !port || !password)
    throw new Error(`PostgreSQL did not start: ${started.stderr.trim() || started.stdout.trim()}`);
  return {port: Number(port), password};
}

export async function stopPostgres(): Promise<void> {
  await run(join(CONSUMERS_DIR, 'run-targets.sh'), ['--stop-pg']);
}

/** pipelinewise-target-postgres loading a Singer file as its config says; stdout holds its STATE lines. */
export function targetPostgres(input: string, config: string): Promise<Finished> {
  return run(
    PYTHON_PIPELINEWISE,
    ['-c', 'import target_postgres; target_postgres.main()', '-c', config],
    input,
  );
}

export function postgresConfig(pg: Postgres, schema: string): Record<string, unknown> {
  return {
    host: '127.0.0.1',
    port: pg.port,
    user: 'postgres',
    password: pg.password,
    dbname: 'postgres',
    default_target_schema: schema,
    validate_records: true,
  };
}

export interface TableFacts {
  rows: number;
  /** Rows whose key column is NULL, per key column. */
  nullKeys: Record<string, number>;
}

const TABLE_FACTS = `
import json, sys, psycopg2
port, password, schema, wanted = int(sys.argv[1]), sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
con = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", password=password, dbname="postgres")
cur = con.cursor()
cur.execute("select table_name from information_schema.tables where table_schema = %s", (schema,))
present = {r[0] for r in cur.fetchall()}
out = {}
for table, keys in wanted.items():
    if table not in present:
        continue
    cur.execute('select count(*) from "%s"."%s"' % (schema, table))
    facts = {"rows": cur.fetchone()[0], "nullKeys": {}}
    for key in keys:
        cur.execute('select count(*) from "%s"."%s" where "%s" is null' % (schema, table, key.lower()))
        facts["nullKeys"][key] = cur.fetchone()[0]
    out[table] = facts
out["__tables__"] = sorted(present)
print(json.dumps(out))
`;

/** Row counts and NULL key counts of the given tables (stream → key properties) in `schema`. */
export async function tableFacts(
  pg: Postgres,
  schema: string,
  keys: Record<string, readonly string[]>,
): Promise<{tables: string[]; facts: Record<string, TableFacts>}> {
  const result = await run(PYTHON_PIPELINEWISE, [
    '-c',
    TABLE_FACTS,
    String(pg.port),
    pg.password,
    schema,
    JSON.stringify(keys),
  ]);
  if (result.code !== 0) throw new Error(`querying PostgreSQL failed: ${result.stderr}`);
  const {__tables__: tables, ...facts} = JSON.parse(result.stdout) as Record<string, unknown>;
  return {tables: tables as string[], facts: facts as Record<string, TableFacts>};
}

/** singer-tools' singer-check-tap reading a Singer file. */
export function checkTap(input: string): Promise<Finished> {
  return run(PYTHON_SINGER, ['-m', 'singertools.check_tap'], input);
}

/**
 * singer-io target-csv writing one CSV per stream into `outDir`. Its flatten() needs
 * collections.MutableMapping, gone in Python 3.10: the same alias run-targets.sh applies.
 */
export function targetCsv(input: string, config: string, cwd: string): Promise<Finished> {
  const shim =
    'import collections, collections.abc; collections.MutableMapping = collections.abc.MutableMapping; ' +
    'import target_csv; target_csv.main()';
  return run(PYTHON_SINGER, ['-c', shim, '-c', config], input, cwd);
}

export interface CsvFacts {
  rows: number;
  columns: number;
  /** 1-based data rows whose field count differs from the header's. */
  misaligned: number[];
}

const CSV_FACTS = `
import csv, json, os, sys
out = {}
for name in sorted(os.listdir(sys.argv[1])):
    if not name.endswith(".csv"):
        continue
    with open(os.path.join(sys.argv[1], name), newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, data = (rows[0], rows[1:]) if rows else ([], [])
    out[name] = {"rows": len(data), "columns": len(header),
                 "misaligned": [i for i, r in enumerate(data, 1) if len(r) != len(header)]}
print(json.dumps(out))
`;

/** Rows, columns and misaligned rows of every CSV in `dir`, read with Python's csv module. */
export async function csvFacts(dir: string): Promise<Record<string, CsvFacts>> {
  const result = await run(PYTHON_SINGER, ['-c', CSV_FACTS, dir]);
  if (result.code !== 0) throw new Error(`reading the CSV files failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, CsvFacts>;
}
