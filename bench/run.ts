/**
 * `npm run bench` — campaign expansion, dispatch, scheduling latency, rate limiting and memory,
 * each beside a bare baseline measured in the same run, on SQLite and on MariaDB.
 *
 *   npm run bench                        # 100,000-recipient campaign, both engines, 60 s rate window
 *   npm run bench -- --large             # 1,000,000 recipients (and the 1M / 100k memory check)
 *   npm run bench -- --quick             # 15 s rate window, shorter latency window (development)
 *   npm run bench -- --engine=sqlite     # one engine only
 *   npm run bench -- --only=expansion,dispatch,latency,rate
 *   npm run bench -- --repeats=3         # rounds of the expansion runs (best of each is kept)
 *   npm run bench -- --profile           # V8 CPU profiles of the expansion children
 *   npm run bench -- --recipients=300000 # another campaign size (diagnostics)
 *
 * Prints a Markdown table and writes bench/results.json (bench/results-large.json with --large,
 * bench/results-partial.json — not committed — with --engine, --only, --quick or --recipients,
 * so that one kind of run never overwrites another). See bench/README.md.
 */
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { format, resolveConfig } from 'prettier';
import { spawnFakeGateway } from '../test/fakes/spawn-fake-gateway';
import type { FakeGatewayProcess } from '../test/fakes/spawn-fake-gateway';
import { startMariaDbServer } from '../test/support/mariadb-server';
import { benchDispatch } from './dispatch.bench';
import { benchExpansion, compileExpansionChild, expandOurs } from './expansion.bench';
import { benchLatency } from './latency.bench';
import { benchRateLimit } from './rate-limit.bench';
import { createBenchDatabase } from './support/bench-database';
import { killChildrenNow, onCleanup, runCleanups, trackChild } from './support/cleanup';
import type { Engine } from './support/raw-database';
import { checkTargets, resultsTable } from './support/report';
import type { Figures } from './support/report';
import { seedRecords } from './support/seed-data';
import { installSqlTiming } from './support/sql-timing';

type Phase = 'expansion' | 'dispatch' | 'latency' | 'rate';
const PHASES: Phase[] = ['expansion', 'dispatch', 'latency', 'rate'];
const ENGINES: Engine[] = ['sqlite', 'mariadb'];

interface Args {
  large: boolean;
  quick: boolean;
  engines: Engine[];
  phases: Phase[];
  repeats: number;
  profile: boolean;
  /** Campaign size instead of 100,000 / 1,000,000 (diagnostics; --large still adds the 100k run). */
  recipients: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    large: false,
    quick: false,
    engines: ENGINES,
    phases: PHASES,
    repeats: 0,
    profile: false,
    recipients: 0,
  };
  for (const arg of argv) {
    const [name, value] = arg.split('=', 2);
    if (name === '--large') {
      args.large = true;
    } else if (name === '--quick') {
      args.quick = true;
    } else if (name === '--profile') {
      args.profile = true;
    } else if (name === '--engine' && value) {
      args.engines = value.split(',') as Engine[];
      if (!args.engines.every((e) => ENGINES.includes(e))) {
        throw new Error(`--engine=${value}: expected ${ENGINES.join(', ')}`);
      }
    } else if (name === '--only' && value) {
      args.phases = value.split(',') as Phase[];
      if (!args.phases.every((p) => PHASES.includes(p))) {
        throw new Error(`--only=${value}: expected some of ${PHASES.join(', ')}`);
      }
    } else if (name === '--recipients' && value && Number(value) >= 1_000) {
      args.recipients = Math.floor(Number(value));
    } else if (name === '--repeats' && value && Number(value) >= 1) {
      args.repeats = Math.floor(Number(value));
    } else {
      throw new Error(`unknown argument '${arg}' (see the header of bench/run.ts)`);
    }
  }
  // Best of three at 100k; the 1M runs take minutes each, so one round there.
  args.repeats ||= args.large ? 1 : 3;
  return args;
}

const SMALL = 100_000;
const LARGE = 1_000_000;
const DISPATCH_MESSAGES = 20_000;
const NAIVE_LIMIT = 10_000;
const RATE = 50;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function mariaDbFacts(adminUrl: string): Promise<Record<string, string | number>> {
  const conn = await createConnection(adminUrl);
  try {
    const [rows] = await conn.query(
      'SELECT VERSION() AS version, @@innodb_buffer_pool_size AS pool, @@innodb_log_file_size AS redo, @@innodb_flush_log_at_trx_commit AS flush',
    );
    type Facts = { version: string; pool: number | string; redo: number | string; flush: number };
    const row = (rows as Facts[])[0];
    return {
      version: row.version,
      innodb_buffer_pool_mb: Number(row.pool) / 1024 / 1024,
      innodb_log_file_mb: Number(row.redo) / 1024 / 1024,
      innodb_flush_log_at_trx_commit: Number(row.flush),
    };
  } finally {
    await conn.end();
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  // Diagnostic: SQL time by statement in this process (dispatch runs here; expansion in children).
  const sqlTiming = process.env.BENCH_SQL_TIMING === '1' ? installSqlTiming() : null;
  const size = args.recipients || (args.large ? LARGE : SMALL);
  const started = Date.now();
  const figures: Figures = {};
  const details: Record<string, unknown> = {};
  const errors: Array<{ engine: Engine; phase: string; error: string }> = [];
  const meta: Record<string, unknown> = {
    generated_at: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memory_gb: Math.round(os.totalmem() / 1024 ** 3),
    load_average_at_start: os.loadavg().map((l) => Math.round(l * 100) / 100),
    recipients: size,
    expansion_repeats: args.repeats,
  };
  const profileDir = args.profile
    ? mkdtempSync(path.join(os.tmpdir(), 'crm-sms-bench-profiles-'))
    : null;
  if (profileDir) {
    log(`CPU profiles go to ${profileDir}`);
  }

  let buildDir = '';
  if (args.phases.includes('expansion')) {
    log('Compiling the expansion child (production runs compiled JavaScript)…');
    buildDir = await compileExpansionChild();
  }
  let mariaDbAdminUrl: string | null = null;
  if (args.engines.includes('mariadb')) {
    log("Starting MariaDB (as the tests do, with MariaDB's default InnoDB sizing)…");
    try {
      const server = await startMariaDbServer('stock');
      onCleanup('MariaDB server', server.stop);
      mariaDbAdminUrl = server.adminUrl;
      meta.mariadb = await mariaDbFacts(server.adminUrl);
    } catch (error) {
      // Go on with SQLite; the run still fails at the end, and says why.
      const message = error instanceof Error ? error.message : String(error);
      log(`MariaDB could not be started, its figures are missing: ${message}`);
      errors.push({ engine: 'mariadb', phase: 'start', error: message });
      args.engines = args.engines.filter((e) => e !== 'mariadb');
    }
  }
  let fake: FakeGatewayProcess | null = null;
  if (args.phases.some((p) => p !== 'expansion')) {
    fake = await spawnFakeGateway('twilio');
    trackChild(fake.child);
    const stopFake = fake.stop;
    onCleanup('fake Twilio', () => stopFake());
  }

  for (const engine of args.engines) {
    log(`\n== ${engine} ==`);
    const db = await createBenchDatabase(engine, mariaDbAdminUrl);
    const put = (key: string, value: number) => {
      figures[`${engine}_${key}`] = value;
    };
    const phase = async (name: string, work: () => Promise<void>) => {
      log(`${name}:`);
      try {
        await work();
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`  FAILED: ${message}`);
        errors.push({ engine, phase: name, error: message });
      }
    };
    try {
      const seed = await seedRecords(db.raw, size);
      put('seed_contacts', seed.contacts);
      put('seed_rows_per_s', seed.rowsPerSecond);
      log(
        `seeded ${seed.contacts} contacts in ${seed.seconds.toFixed(1)} s (${Math.round(seed.rowsPerSecond)} rows/s)`,
      );

      if (args.phases.includes('expansion')) {
        await phase('expansion', async () => {
          const x = await benchExpansion(db, {
            recipients: size,
            repeats: args.repeats,
            naiveLimit: NAIVE_LIMIT,
            profileDir,
            buildDir,
            log,
          });
          details[`${engine}_expansion`] = x;
          put('expansion_recipients', x.recipients);
          put('expansion_ours_per_s', x.ours.perSecond);
          put('expansion_bare_per_s', x.bare.perSecond);
          put('expansion_naive_per_s', x.naive.perSecond);
          put('expansion_vs_bare_ratio', x.ours.perSecond / x.bare.perSecond);
          put('expansion_vs_naive_ratio', x.ours.perSecond / x.naive.perSecond);
          if (args.large) {
            put('expansion_1m_peak_rss_mb', x.oursPeakRssMb);
            const small = await expandOurs(db, SMALL, { buildDir, profileDir });
            log(`  generator on ${SMALL}: peak RSS ${small.maxRssMb} MB`);
            details[`${engine}_expansion_100k_memory_run`] = small;
            put('expansion_100k_peak_rss_mb', small.maxRssMb);
            put('rss_1m_vs_100k_ratio', x.oursPeakRssMb / small.maxRssMb);
          } else {
            put('expansion_100k_peak_rss_mb', x.oursPeakRssMb);
          }
        });
      }
      if (args.phases.includes('dispatch') && fake) {
        const f = fake;
        await phase('dispatch', async () => {
          const d = await benchDispatch(db, f, { messages: DISPATCH_MESSAGES, log });
          details[`${engine}_dispatch`] = d;
          put('dispatch_messages', d.messages);
          put('dispatch_ours_per_s', d.oursPerSecond);
          put('dispatch_bare_axios_per_s', d.axiosPerSecond);
          put('dispatch_raw_http_per_s', d.rawHttpPerSecond);
          put('dispatch_vs_axios_ratio', d.oursPerSecond / d.axiosPerSecond);
          put('dispatch_vs_raw_http_ratio', d.oursPerSecond / d.rawHttpPerSecond);
        });
      }
      if (args.phases.includes('latency') && fake) {
        const f = fake;
        await phase('latency', async () => {
          const l = await benchLatency(db, f, {
            windowSeconds: args.quick ? 10 : 30,
            loadPerSecond: 5,
            recipients: size,
            log,
          });
          details[`${engine}_latency`] = l;
          put('latency_messages', l.received);
          put('latency_p50_ms', l.p50Ms);
          put('latency_p99_ms', l.p99Ms);
          put('latency_max_ms', l.maxMs);
          put('generate_recipients', l.generateRecipients);
          put('generate_to_first_message_ms', l.generateToFirstMs);
        });
      }
      if (args.phases.includes('rate') && fake) {
        const f = fake;
        await phase('rate limit', async () => {
          const r = await benchRateLimit(db, f, {
            ratePerSecond: RATE,
            windowSeconds: args.quick ? 15 : 60,
            workers: 2,
            log,
          });
          details[`${engine}_rate_limit`] = r;
          put('rate_limit_target_per_s', r.targetPerSecond);
          put('rate_limit_window_s', r.windowSeconds);
          put('rate_limit_received_per_s', r.receivedPerSecond);
          put('rate_limit_ratio', r.receivedPerSecond / r.targetPerSecond);
        });
      }
    } finally {
      await db.drop();
    }
  }

  if (sqlTiming) {
    log(`\nSQL time by statement (bench process):\n${sqlTiming()}`);
  }
  meta.duration_s = Math.round((Date.now() - started) / 1000);
  meta.load_average_at_end = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const targets = checkTargets(figures, args.engines);
  const rounded = Object.fromEntries(
    Object.entries(figures).map(([k, v]) => [k, Math.round(v * 1000) / 1000]),
  );
  // A partial run (one engine, some phases, another size) must not replace the full results.
  const partial =
    args.recipients > 0 ||
    args.quick ||
    args.engines.length < ENGINES.length ||
    args.phases.length < PHASES.length;
  const file = path.join(
    __dirname,
    partial ? 'results-partial.json' : args.large ? 'results-large.json' : 'results.json',
  );
  // Formatted as `npm run lint` (prettier --check .) expects it.
  const json = JSON.stringify({ meta, figures: rounded, targets, errors, details });
  writeFileSync(file, await format(json, { ...(await resolveConfig(file)), parser: 'json' }));
  log(`\n${resultsTable(figures, args.engines)}\n`);
  const missed = targets.filter((t) => !t.met);
  log(
    `${targets.length - missed.length}/${targets.length} targets met` +
      (missed.length ? `; missed: ${missed.map((t) => t.figure).join(', ')}` : ''),
  );
  log(`results written to ${path.relative(process.cwd(), file)} (${meta.duration_s} s)`);
  return errors.length > 0 ? 1 : 0;
}

process.once('exit', killChildrenNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping everything the bench started…`);
    void runCleanups().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await runCleanups();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`,
    );
    await runCleanups();
    process.exit(1);
  });
