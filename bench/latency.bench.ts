/**
 * Scheduling latency with the scheduler running as shipped (startServer, default cron settings,
 * default rate limit): messages due at known instants → delay until the fake gateway (another
 * process) receives each; then "Generate all SMS Messages" on a big campaign → delay until the
 * first of its messages reaches the gateway.
 */
import type { FakeGatewayProcess } from '../test/fakes/spawn-fake-gateway';
import { loadConfig } from '../src/config/config';
import { Logger } from '../src/logger';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import type { BenchDatabase } from './support/bench-database';
import {
  createCampaign,
  createTemplate,
  pickContacts,
  queueMessages,
  resetSending,
} from './support/seed-data';

export interface LatencyFigures {
  messages: number;
  received: number;
  /** Messages fell due at this rate (per second), evenly spaced. */
  loadPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  generateRecipients: number;
  generateToFirstMs: number;
}

export interface LatencyOptions {
  windowSeconds: number;
  loadPerSecond: number;
  /** Recipients of the campaign whose generation is started. */
  recipients: number;
  log: (line: string) => void;
}

const TOKEN = 'bench-admin-token-0123456789abcdef';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function api(server: RunningServer, method: string, path: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  }
}

export async function benchLatency(
  db: BenchDatabase,
  fake: FakeGatewayProcess,
  options: LatencyOptions,
): Promise<LatencyFigures> {
  const { log } = options;
  await resetSending(db.raw);
  await fake.reset();
  // The big campaign is prepared (as a draft, which the scheduler ignores) before the start.
  const templateId = await createTemplate(db.raw);
  const campaign = await createCampaign(db.raw, {
    templateId,
    recipients: options.recipients,
    status: 'draft',
    sendDate: new Date(Date.now() - 60_000),
  });

  const env = {
    ...fake.env,
    PORT: '0',
    DATABASE_URL: db.url,
    ADMIN_API_TOKEN: TOKEN,
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  const server = await startServer(config, new Logger(config.logLevel), { env });
  try {
    await sleep(1_500);
    const count = Math.round(options.windowSeconds * options.loadPerSecond);
    const targets = await pickContacts(db.raw, count);
    const spacing = 1000 / options.loadPerSecond;
    // A random phase, so that due instants fall anywhere relative to the cron's whole seconds.
    const first = Date.now() + 2_000 + Math.floor(Math.random() * 1000);
    const dueOf = (i: number) => first + Math.round(i * spacing);
    await queueMessages(db.raw, targets, dueOf);
    const dueByNumber = new Map(targets.map((t, i) => [t.phone, dueOf(i)]));
    const deadline = dueOf(count - 1) + 15_000;
    let requests = (await fake.received()).requests;
    while (requests.length < count && Date.now() < deadline) {
      await sleep(500);
      requests = (await fake.received()).requests;
    }
    const delays = requests
      .map((r) => {
        const to = (r.body as Record<string, string> | null)?.To ?? '';
        const due = dueByNumber.get(to);
        return due === undefined ? Number.NaN : Date.parse(r.receivedAt) - due;
      })
      .filter((d) => !Number.isNaN(d))
      .sort((a, b) => a - b);
    log(
      `  ${delays.length}/${count} due messages received: p50 ${percentile(delays, 0.5)} ms, p99 ${percentile(delays, 0.99)} ms`,
    );

    await fake.reset();
    const clicked = Date.now();
    await api(server, 'PATCH', `/api/sms-campaigns/${campaign.id}`, { status: 'generate_all' });
    let firstAt = Number.NaN;
    const giveUp = clicked + 60_000;
    while (Number.isNaN(firstAt) && Date.now() < giveUp) {
      await sleep(50);
      const got = (await fake.received()).requests;
      if (got.length > 0) {
        firstAt = Math.min(...got.map((r) => Date.parse(r.receivedAt)));
      }
    }
    const generateToFirstMs = firstAt - clicked;
    log(
      `  "Generate all" on ${options.recipients} recipients → first message at the gateway: ${generateToFirstMs} ms`,
    );
    await api(server, 'PATCH', `/api/sms-campaigns/${campaign.id}`, { status: 'cancelled' });
    return {
      messages: count,
      received: delays.length,
      loadPerSecond: options.loadPerSecond,
      p50Ms: percentile(delays, 0.5),
      p99Ms: percentile(delays, 0.99),
      maxMs: delays[delays.length - 1] ?? Number.NaN,
      generateRecipients: options.recipients,
      generateToFirstMs,
    };
  } finally {
    await server.close();
    await resetSending(db.raw);
    await fake.reset();
  }
}
