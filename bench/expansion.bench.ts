/**
 * Campaign expansion (and its memory): the app's generator beside a bare loop and a naive
 * save()-per-message version, each in its own child process on the same seeded database.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExpansionMode, ExpansionRun } from './expansion-child';
import type { BenchDatabase } from './support/bench-database';
import { onCleanup, trackChild } from './support/cleanup';
import { countMessages, createCampaign, createTemplate } from './support/seed-data';

const ROOT = path.resolve(__dirname, '..');

/**
 * The children run compiled JavaScript, as `npm run worker` does in production (node
 * dist/src/worker.js): under tsx a process carries ~50 MB of loader and transpiler on top of
 * the app, which would be counted in the peak RSS. Compiled once per run, to a temporary dir.
 */
export async function compileExpansionChild(): Promise<string> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'crm-sms-bench-build-'));
  onCleanup('compiled expansion child', () => rmSync(outDir, { recursive: true, force: true }));
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  // The compiler options of tsconfig.build.json, given on the command line because a file list
  // on the command line ignores tsconfig files.
  const args = [
    tsc,
    '--outDir',
    outDir,
    '--rootDir',
    ROOT,
    '--module',
    'commonjs',
    '--moduleResolution',
    'node',
    '--target',
    'ES2022',
    '--lib',
    'ES2022',
    '--types',
    'node',
    '--strict',
    '--experimentalDecorators',
    '--emitDecoratorMetadata',
    '--esModuleInterop',
    '--skipLibCheck',
    '--resolveJsonModule',
    path.join(__dirname, 'expansion-child.ts'),
  ];
  const child = trackChild(
    spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) {
    throw new Error(`compiling bench/expansion-child.ts failed:\n${output}`);
  }
  return outDir;
}
/** Far in the future: nothing generated here is ever due for a later phase. */
const NEVER_DUE = new Date('2099-01-01T09:00:00Z');

export interface ExpansionFigures {
  recipients: number;
  /** Seconds to add the recipients with one INSERT ... SELECT. */
  recipientsSeconds: number;
  /** Every run, in the order they ran (bare and ours alternate which goes first). */
  runs: ExpansionRun[];
  /** The fastest run of each mode: the one least disturbed by whatever else the machine did. */
  ours: ExpansionRun;
  bare: ExpansionRun;
  naive: ExpansionRun;
  /** Highest peak RSS of the generator over its runs. */
  oursPeakRssMb: number;
}

export interface ExpansionOptions {
  recipients: number;
  /** Rounds of bare + ours (+ naive); the best of each is kept. */
  repeats: number;
  /** Recipients done by the naive version over all its rounds (it is slow; reported as a rate). */
  naiveLimit: number;
  /** When set, every child writes a V8 CPU profile there. */
  profileDir: string | null;
  /** From compileExpansionChild(). */
  buildDir: string;
  log: (line: string) => void;
}

/**
 * Node's flags for the app's processes, as package.json's start and worker scripts give them
 * (test/unit/runtime-flags.test.ts keeps the two in step). Every child gets them, so the three
 * versions run on the same runtime as each other and as production.
 */
export const APP_NODE_FLAGS = ['--no-allocation-site-pretenuring'];

export function runExpansionChild(
  db: BenchDatabase,
  mode: ExpansionMode,
  campaignId: string,
  options: { buildDir: string; limit?: number; profileDir: string | null },
): Promise<ExpansionRun> {
  const profile = options.profileDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${options.profileDir}`,
        `--cpu-prof-name=${db.engine}-expansion-${mode}.cpuprofile`,
      ]
    : [];
  const child = trackChild(
    spawn(
      process.execPath,
      [
        ...APP_NODE_FLAGS,
        ...profile,
        ...(process.env.BENCH_TRACE_GC === '1' ? ['--trace-gc'] : []),
        path.join(options.buildDir, 'bench', 'expansion-child.js'),
        mode,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          // The compiled files live outside the project: find its packages all the same.
          NODE_PATH: path.join(ROOT, 'node_modules'),
          BENCH_DATABASE_URL: db.url,
          BENCH_CAMPAIGN_ID: campaignId,
          BENCH_LIMIT: String(options.limit ?? 0),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ),
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      // The run is the last JSON line; V8's --trace-gc lines go to stdout too.
      const lines = stdout.trim().split('\n');
      const line = lines.filter((l) => l.startsWith('{')).pop() ?? '';
      if (process.env.BENCH_TRACE_GC === '1') {
        process.stderr.write(
          `GC trace (${mode}):\n${lines.filter((l) => !l.startsWith('{')).join('\n')}\n`,
        );
      }
      if (process.env.BENCH_SQL_TIMING === '1' || process.env.BENCH_MEMORY_TRACE === '1') {
        process.stderr.write(stderr);
      }
      if (code === 0 && line.startsWith('{')) {
        resolve(JSON.parse(line) as ExpansionRun);
      } else {
        reject(
          new Error(
            `expansion child '${mode}' ended with ${signal ?? code}: ${stderr.slice(-3000)}`,
          ),
        );
      }
    });
  });
}

/** A fresh campaign in 'Generate all SMS Messages' over the first `recipients` contacts. */
export async function generationCampaign(
  db: BenchDatabase,
  recipients: number,
): Promise<{ id: string; seconds: number }> {
  const templateId = await createTemplate(db.raw);
  return createCampaign(db.raw, {
    templateId,
    recipients,
    status: 'generate_all',
    sendDate: NEVER_DUE,
  });
}

/** Runs the app's generator alone (memory runs); returns its figures. */
export async function expandOurs(
  db: BenchDatabase,
  recipients: number,
  options: { buildDir: string; profileDir: string | null },
): Promise<ExpansionRun> {
  const campaign = await generationCampaign(db, recipients);
  const run = await runExpansionChild(db, 'ours', campaign.id, options);
  const written = await countMessages(db.raw);
  if (run.generated !== recipients || written !== recipients) {
    throw new Error(
      `the generator made ${run.generated} messages (${written} in the table) for ${recipients} recipients`,
    );
  }
  await db.raw.run("UPDATE sms_campaigns SET status = 'cancelled' WHERE id = ?", [campaign.id]);
  await db.raw.truncate('sms_messages');
  return run;
}

/** Puts a generated campaign back in 'Generate all SMS Messages' with nothing generated. */
async function resetCampaign(db: BenchDatabase, campaignId: string): Promise<void> {
  await db.raw.truncate('sms_messages');
  await db.raw.run(
    "UPDATE sms_campaign_recipients SET status = 'pending', skip_reason = NULL WHERE campaign_id = ?",
    [campaignId],
  );
  await db.raw.run(
    "UPDATE sms_campaigns SET status = 'generate_all', claim_token = NULL, lease_until = NULL WHERE id = ?",
    [campaignId],
  );
}

const best = (runs: ExpansionRun[]) => runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));

export async function benchExpansion(
  db: BenchDatabase,
  options: ExpansionOptions,
): Promise<ExpansionFigures> {
  const { recipients, profileDir, buildDir, log } = options;
  const campaign = await generationCampaign(db, recipients);
  log(`  campaign of ${recipients} recipients added in ${campaign.seconds.toFixed(1)} s`);
  const runs: ExpansionRun[] = [];
  const naiveEach = Math.ceil(Math.min(options.naiveLimit, recipients) / options.repeats);

  const bare = async () => {
    const run = await runExpansionChild(db, 'bare', campaign.id, { buildDir, profileDir });
    log(`  bare loop:   ${Math.round(run.perSecond)} messages/s`);
    await db.raw.truncate('sms_messages');
    runs.push(run);
  };
  // Right after the generator, in the table it has just filled, for the first recipients (the
  // ones the naive version reads), whose messages are deleted first: every index, the unique
  // (campaign, number) one included, then has the size the generator's own inserts saw. On an
  // empty table a 10,000-message subset would be flattered.
  const naive = async () => {
    await db.raw.run(
      `DELETE FROM sms_messages WHERE campaign_id = ? AND parent_id IN (
         SELECT record_id FROM (
           SELECT record_id FROM sms_campaign_recipients WHERE campaign_id = ?
           ORDER BY record_id LIMIT ?) first_recipients)`,
      [campaign.id, campaign.id, naiveEach],
    );
    const run = await runExpansionChild(db, 'naive', campaign.id, {
      buildDir,
      limit: naiveEach,
      profileDir,
    });
    log(`  naive save:  ${Math.round(run.perSecond)} messages/s (${run.generated} messages)`);
    runs.push(run);
  };
  const oursThenNaive = async () => {
    const run = await runExpansionChild(db, 'ours', campaign.id, { buildDir, profileDir });
    const written = await countMessages(db.raw);
    log(`  generator:   ${Math.round(run.perSecond)} messages/s, peak RSS ${run.maxRssMb} MB`);
    if (run.generated !== recipients || written !== recipients) {
      throw new Error(
        `the generator made ${run.generated} messages (${written} in the table) for ${recipients} recipients`,
      );
    }
    runs.push(run);
    await naive();
    await resetCampaign(db, campaign.id);
  };

  for (let round = 0; round < options.repeats; round++) {
    // Alternate who goes first, so that a drift in the machine's speed favours neither.
    if (round % 2 === 0) {
      await bare();
      await oursThenNaive();
    } else {
      await oursThenNaive();
      await bare();
    }
  }
  // Retire the campaign, so that a later 'Generate all' claims only its own.
  await db.raw.run("UPDATE sms_campaigns SET status = 'cancelled' WHERE id = ?", [campaign.id]);
  await db.raw.truncate('sms_messages');
  const of = (mode: ExpansionRun['mode']) => runs.filter((r) => r.mode === mode);
  return {
    recipients,
    recipientsSeconds: campaign.seconds,
    runs,
    ours: best(of('ours')),
    bare: best(of('bare')),
    naive: best(of('naive')),
    oursPeakRssMb: Math.max(...of('ours').map((r) => r.maxRssMb)),
  };
}
