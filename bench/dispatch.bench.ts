/**
 * Dispatch throughput: due messages sent by the real MessageDispatcher through the Twilio
 * adapter to a fake Twilio in another process, beside the same number of bare keep-alive POSTs
 * (axios, and Node's http for context) at the same concurrency to the same fake.
 */
import http from 'node:http';
import axios from 'axios';
import type { FakeGatewayProcess } from '../test/fakes/spawn-fake-gateway';
import type { BenchDatabase } from './support/bench-database';
import { openSendingRuntime } from './support/sending-runtime';
import { countMessages, pickContacts, queueMessages, resetSending } from './support/seed-data';
import type { BenchTarget } from './support/seed-data';

export interface DispatchFigures {
  messages: number;
  concurrency: number;
  batchSize: number;
  oursPerSecond: number;
  oursSeconds: number;
  /** Every bare axios run, in order (one before and one after ours). */
  axiosRuns: number[];
  axiosPerSecond: number;
  rawHttpPerSecond: number;
}

export interface DispatchOptions {
  messages: number;
  log: (line: string) => void;
}

// The app's defaults (DISPATCH_CONCURRENCY, DISPATCH_BATCH_SIZE), stated so both sides match.
const CONCURRENCY = 20;
const BATCH_SIZE = 200;

function formOf(fake: FakeGatewayProcess, target: BenchTarget): string {
  return new URLSearchParams({
    To: target.phone,
    Body: `Hi ${target.name}, your offer is ready. Reply STOP to opt out.`,
    From: fake.env.TWILIO_FROM,
  }).toString();
}

async function lanes(count: number, concurrency: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        await work(next++);
      }
    }),
  );
}

async function bareAxios(fake: FakeGatewayProcess, targets: BenchTarget[]): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  const client = axios.create({
    baseURL: fake.url,
    httpAgent: agent,
    auth: { username: fake.env.TWILIO_ACCOUNT_SID, password: fake.env.TWILIO_AUTH_TOKEN },
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const path = `/2010-04-01/Accounts/${fake.env.TWILIO_ACCOUNT_SID}/Messages.json`;
  const started = performance.now();
  await lanes(targets.length, CONCURRENCY, async (i) => {
    const response = await client.post(path, formOf(fake, targets[i]));
    if (response.status !== 201) {
      throw new Error(`bare axios POST answered ${response.status}`);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return targets.length / seconds;
}

async function rawHttp(fake: FakeGatewayProcess, targets: BenchTarget[]): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  const url = new URL(fake.url);
  const auth = `Basic ${Buffer.from(`${fake.env.TWILIO_ACCOUNT_SID}:${fake.env.TWILIO_AUTH_TOKEN}`).toString('base64')}`;
  const path = `/2010-04-01/Accounts/${fake.env.TWILIO_ACCOUNT_SID}/Messages.json`;
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          agent,
          headers: {
            Authorization: auth,
            'Content-Type': 'application/x-www-form-urlencoded',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.once('end', () =>
            res.statusCode === 201
              ? resolve()
              : reject(new Error(`raw POST answered ${res.statusCode}`)),
          );
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  const started = performance.now();
  await lanes(targets.length, CONCURRENCY, (i) => post(formOf(fake, targets[i])));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return targets.length / seconds;
}

async function receivedCount(fake: FakeGatewayProcess): Promise<number> {
  return (await fake.received()).requests.length;
}

async function ours(
  db: BenchDatabase,
  fake: FakeGatewayProcess,
  targets: BenchTarget[],
): Promise<{ seconds: number; perSecond: number }> {
  await resetSending(db.raw);
  const due = Date.now() - 1_000;
  await queueMessages(db.raw, targets, () => due);
  const runtime = await openSendingRuntime({
    ...fake.env,
    DATABASE_URL: db.url,
    SMS_RATE_PER_SECOND: '0',
    DISPATCH_CONCURRENCY: String(CONCURRENCY),
    DISPATCH_BATCH_SIZE: String(BATCH_SIZE),
  });
  try {
    const dispatcher = runtime.sending.dispatcher;
    const started = performance.now();
    let sent = 0;
    for (;;) {
      const report = await dispatcher.dispatchDue();
      sent += report.sent;
      if (report.claimed === 0) {
        break;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const recorded = await countMessages(db.raw, 'sent');
    if (sent !== targets.length || recorded !== targets.length) {
      throw new Error(`dispatch sent ${sent} (${recorded} recorded) of ${targets.length} messages`);
    }
    return { seconds, perSecond: targets.length / seconds };
  } finally {
    await runtime.close();
  }
}

export async function benchDispatch(
  db: BenchDatabase,
  fake: FakeGatewayProcess,
  options: DispatchOptions,
): Promise<DispatchFigures> {
  const { log } = options;
  const targets = await pickContacts(db.raw, options.messages);
  const check = async (what: string) => {
    const got = await receivedCount(fake);
    if (got !== targets.length) {
      throw new Error(`${what}: the fake received ${got} of ${targets.length} requests`);
    }
    await fake.reset();
  };
  await fake.reset();

  const axiosBefore = await bareAxios(fake, targets);
  await check('bare axios');
  log(`  bare axios:  ${Math.round(axiosBefore)} requests/s`);

  const mine = await ours(db, fake, targets);
  await check('dispatcher');
  log(`  dispatcher:  ${Math.round(mine.perSecond)} messages/s`);

  const axiosAfter = await bareAxios(fake, targets);
  await check('bare axios');
  log(`  bare axios:  ${Math.round(axiosAfter)} requests/s`);

  const raw = await rawHttp(fake, targets);
  await check('raw http');
  log(`  raw http:    ${Math.round(raw)} requests/s`);
  await resetSending(db.raw);

  return {
    messages: targets.length,
    concurrency: CONCURRENCY,
    batchSize: BATCH_SIZE,
    oursPerSecond: mine.perSecond,
    oursSeconds: mine.seconds,
    axiosRuns: [axiosBefore, axiosAfter],
    axiosPerSecond: (axiosBefore + axiosAfter) / 2,
    rawHttpPerSecond: raw,
  };
}
