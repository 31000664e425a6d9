/**
 * Shared rate limit: two worker processes (src/worker.ts, as `npm run worker` runs it) with
 * SMS_RATE_PER_SECOND set, a backlog of due messages, and the rate the fake gateway receives
 * over a fixed window once sending has started.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FakeGatewayProcess } from '../test/fakes/spawn-fake-gateway';
import type { BenchDatabase } from './support/bench-database';
import { stopChild, trackChild } from './support/cleanup';
import { pickContacts, queueMessages, resetSending } from './support/seed-data';

export interface RateLimitFigures {
  workers: number;
  targetPerSecond: number;
  windowSeconds: number;
  received: number;
  receivedPerSecond: number;
}

export interface RateLimitOptions {
  ratePerSecond: number;
  windowSeconds: number;
  workers: number;
  log: (line: string) => void;
}

const ROOT = path.resolve(__dirname, '..');
/** Sending has settled (every worker up) this long after the first message. */
const WARM_UP_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startWorker(env: Record<string, string>): ChildProcess {
  // `node --import tsx` keeps each worker one process (as test/scheduler/multi-worker.test.ts).
  const child = trackChild(
    spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let shown = 0;
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (/"level":"error"|failed to start/.test(text) && shown++ < 3) {
      process.stderr.write(`[worker ${child.pid}] ${text.slice(0, 2_000)}\n`);
    }
  });
  return child;
}

export async function benchRateLimit(
  db: BenchDatabase,
  fake: FakeGatewayProcess,
  options: RateLimitOptions,
): Promise<RateLimitFigures> {
  const { log, ratePerSecond, windowSeconds } = options;
  await resetSending(db.raw);
  await fake.reset();
  // Enough backlog that the workers never run dry during the window (with a wide margin).
  const backlog = Math.ceil(ratePerSecond * (windowSeconds + WARM_UP_MS / 1000 + 30) * 1.5);
  const targets = await pickContacts(db.raw, backlog);
  const due = Date.now() - 1_000;
  await queueMessages(db.raw, targets, () => due);
  const workers: ChildProcess[] = [];
  try {
    for (let i = 0; i < options.workers; i++) {
      workers.push(
        startWorker({
          ...fake.env,
          DATABASE_URL: db.url,
          SMS_RATE_PER_SECOND: String(ratePerSecond),
        }),
      );
    }
    let firstAt = Number.NaN;
    const giveUp = Date.now() + 60_000;
    while (Number.isNaN(firstAt) && Date.now() < giveUp) {
      await sleep(200);
      const got = (await fake.received()).requests;
      if (got.length > 0) {
        firstAt = Math.min(...got.map((r) => Date.parse(r.receivedAt)));
      }
      if (workers.some((w) => w.exitCode !== null)) {
        throw new Error('a worker exited before sending anything');
      }
    }
    if (Number.isNaN(firstAt)) {
      throw new Error('the workers sent nothing within 60 s');
    }
    const from = firstAt + WARM_UP_MS;
    const to = from + windowSeconds * 1000;
    log(`  sending started; measuring ${windowSeconds} s…`);
    await sleep(Math.max(0, to - Date.now() + 1_000));
    if (workers.some((w) => w.exitCode !== null)) {
      throw new Error('a worker exited during the measurement');
    }
    const requests = (await fake.received()).requests;
    const inWindow = requests.filter((r) => {
      const at = Date.parse(r.receivedAt);
      return at >= from && at < to;
    }).length;
    const receivedPerSecond = inWindow / windowSeconds;
    log(`  ${inWindow} messages in ${windowSeconds} s: ${receivedPerSecond.toFixed(2)}/s`);
    return {
      workers: options.workers,
      targetPerSecond: ratePerSecond,
      windowSeconds,
      received: inWindow,
      receivedPerSecond,
    };
  } finally {
    await Promise.all(workers.map((w) => stopChild(w)));
    await resetSending(db.raw);
    await fake.reset();
  }
}
