import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { newId } from '../../entities/columns';
import { loadConfig } from '../../src/config/config';
import { execute, placeholders } from '../../src/db/sql';
import { Logger } from '../../src/logger';
import { openDatabase } from '../../src/server';
import { spawnFakeGateway } from '../fakes/spawn-fake-gateway';
import type { FakeGatewayProcess } from '../fakes/spawn-fake-gateway';
import { createTestDatabase } from '../support/test-app';
import type { TestDatabase } from '../support/test-app';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Real worker processes running src/worker.ts, as `npm run worker` starts them. `node --import
 * tsx` keeps each one a single process, so kill -9 hits the worker itself.
 */
function startWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let shown = 0;
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (/"level":"error"|failed to start/.test(text) && shown++ < 3) {
      process.stderr.write(`[worker ${child.pid}] ${text.slice(0, 2_000)}\n`);
    }
  });
  return child;
}

function stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `count` opted-in contacts, each with one due 'Send SMS' message whose body names it. */
async function queueMessages(dataSource: DataSource, count: number): Promise<string[]> {
  const now = new Date(Date.now() - 1_000).toISOString().replace('T', ' ').replace('Z', '');
  const ids: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const contacts: unknown[] = [];
    const messages: unknown[] = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const contactId = newId();
      const messageId = newId();
      const phone = `+3361${String(i).padStart(7, '0')}`;
      contacts.push(contactId, `Worker${i}`, phone, 1, now, now);
      messages.push(
        messageId,
        'contacts',
        contactId,
        phone,
        `message #${i}`,
        now,
        now,
        'send_sms',
        1,
        'GSM-7',
        messageId.replace(/-/g, '').slice(0, 20),
        now,
        now,
      );
      ids.push(messageId);
    }
    const rows = contacts.length / 6;
    await execute(
      dataSource.manager,
      `INSERT INTO contacts (id, last_name, phone_mobile, sms_opt_in, created_at, updated_at)
       VALUES ${new Array(rows).fill(`(${placeholders(6)})`).join(', ')}`,
      contacts,
    );
    await execute(
      dataSource.manager,
      `INSERT INTO sms_messages (id, parent_type, parent_id, to_number, body, send_date, due_at,
         status, segments, encoding, idempotency_key, created_at, updated_at)
       VALUES ${new Array(rows).fill(`(${placeholders(13)})`).join(', ')}`,
      messages,
    );
  }
  return ids;
}

async function statusCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const { records } = await execute(
    dataSource.manager,
    'SELECT status, COUNT(*) AS n FROM sms_messages GROUP BY status',
  );
  return Object.fromEntries(
    records.map((r: { status: string; n: number }) => [r.status, Number(r.n)]),
  );
}

const maybe = process.env.TEST_MARIADB_URL ? describe : describe.skip;

maybe('several worker processes on one MariaDB database [mariadb]', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fake: FakeGatewayProcess;
  const workers: ChildProcess[] = [];

  beforeEach(async () => {
    database = await createTestDatabase('mariadb');
    dataSource = await openDatabase(
      loadConfig({ DATABASE_URL: database.url }),
      new Logger('silent'),
    );
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => stopWorker(w, 'SIGKILL')));
    await fake?.stop();
    await dataSource.destroy();
    await database.drop();
  });

  const workerEnv = (extra: Record<string, string> = {}) => ({
    ...fake.env,
    DATABASE_URL: database.url,
    SMS_RATE_PER_SECOND: '0',
    DISPATCH_BATCH_SIZE: '50',
    ...extra,
  });

  it('three workers send 5,000 due messages, each exactly once', async () => {
    fake = await spawnFakeGateway('twilio');
    const ids = await queueMessages(dataSource, 5_000);
    for (let i = 0; i < 3; i++) {
      workers.push(startWorker(workerEnv()));
    }
    await waitFor(
      'every message to be sent',
      async () => (await statusCounts(dataSource)).sent === ids.length,
      120_000,
    );
    const { accepted } = await fake.received();
    expect(accepted).toHaveLength(5_000);
    expect(new Set(accepted.map((m) => m.body)).size).toBe(5_000);
    const { records } = await execute(
      dataSource.manager,
      'SELECT provider_message_id FROM sms_messages',
    );
    expect(
      new Set(records.map((r: { provider_message_id: string }) => r.provider_message_id)),
    ).toEqual(new Set(accepted.map((m) => m.id)));
    expect(await statusCounts(dataSource)).toEqual({ sent: 5_000 });
  }, 180_000);

  it.each(['twilio', 'bulksms'] as const)(
    'a worker killed with -9 mid-batch: nothing sent twice, nothing left behind (%s)',
    async (provider) => {
      fake = await spawnFakeGateway(provider);
      // Slow answers, so that batches are in flight when the worker dies.
      await fake.script(...new Array(3_000).fill({ action: 'process', delayMs: 30 }));
      const total = 2_000;
      await queueMessages(dataSource, total);
      const env = workerEnv({
        SMS_LEASE_SECONDS: '5',
        SMS_GATEWAY_TIMEOUT_MS: '2000',
        RECOVERY_CRON: '* * * * * *',
        DISPATCH_CONCURRENCY: '10',
      });
      const victim = startWorker(env);
      workers.push(victim, startWorker(env));
      await waitFor(
        'the first sends',
        async () => (await fake.received()).accepted.length >= 300,
        60_000,
      );
      await stopWorker(victim, 'SIGKILL');
      workers.push(startWorker(env)); // the restarted worker
      await waitFor(
        'every message to reach a final status',
        async () => {
          const counts = await statusCounts(dataSource);
          return !counts.send_sms && !counts.sending;
        },
        120_000,
      );
      const { accepted } = await fake.received();
      const bodies = accepted.map((m) => m.body);
      expect(new Set(bodies).size).toBe(bodies.length); // nothing sent twice
      const { records } = await execute(
        dataSource.manager,
        'SELECT body, status, error_code, provider_message_id FROM sms_messages',
      );
      const acceptedIds = new Set(accepted.map((m) => m.id));
      const acceptedBodies = new Set(bodies);
      let unknown = 0;
      for (const row of records as Array<Record<string, string>>) {
        if (row.status === 'sent') {
          expect(acceptedIds.has(row.provider_message_id)).toBe(true);
        } else {
          // Only a send interrupted by the crash may end like this, and never silently resent.
          expect({ status: row.status, error_code: row.error_code }).toEqual({
            status: 'failed',
            error_code: 'outcome_unknown',
          });
          unknown += 1;
        }
      }
      expect(records).toHaveLength(total);
      expect(accepted.length).toBeLessThanOrEqual(total);
      if (provider === 'bulksms') {
        // BulkSMS can be asked by idempotency key: every message ends sent, once.
        expect(unknown).toBe(0);
        expect(accepted).toHaveLength(total);
      } else {
        // Twilio cannot be asked: at most the dead worker's claimed batch is left uncertain.
        expect(unknown).toBeLessThanOrEqual(50);
        expect(records.filter((r: Record<string, string>) => r.status === 'sent').length).toBe(
          [...acceptedBodies].length -
            [...acceptedBodies].filter((b) =>
              records.some((r: Record<string, string>) => r.body === b && r.status !== 'sent'),
            ).length,
        );
      }
    },
    180_000,
  );
});
