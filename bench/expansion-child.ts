/**
 * One campaign expansion in its own process, so that its peak RSS is its own:
 *
 *   node --import tsx bench/expansion-child.ts <ours|bare|naive>
 *
 * Environment: BENCH_DATABASE_URL, BENCH_CAMPAIGN_ID, BENCH_LIMIT (naive: recipients to do).
 * Prints one JSON line (ExpansionRun) on stdout when done.
 *
 * - ours:  the app's CampaignGenerator, built the way the worker builds it (openDatabase,
 *          createServices, createSendingRuntime), claiming the campaign in 'generate_all'.
 * - bare:  the essential work only: the recipients read in keyset pages with the raw driver,
 *          the template parsed once and rendered per recipient, segments counted, the rows
 *          inserted in one 1,000-row multi-row INSERT per page (its own transaction).
 * - naive: the same reads and rendering, then one TypeORM save() per message.
 * All three make message ids the way the generator does (time-ordered UUIDs), so the ratios
 * compare the loops, not the key scheme.
 */
import 'reflect-metadata';
import { Liquid } from 'liquidjs';
import { RecordModule } from '../entities/record-module';
import { SmsMessage, SmsStatus } from '../entities/sms-message.entity';
import { loadConfig } from '../src/config/config';
import { execute } from '../src/db/sql';
import { orderedUuid, orderedUuidKey } from '../src/domain/ordered-id';
import { countSegments } from '../src/domain/sms-segments';
import { SmsTemplateEngine } from '../src/domain/sms-template-engine';
import { createGateway } from '../src/gateways/gateway.factory';
import { Logger } from '../src/logger';
import { createSendingRuntime } from '../src/scheduler-runtime';
import { openDatabase } from '../src/server';
import { createServices } from '../src/services';
import { openRaw, sqlStamp } from './support/raw-database';
import { installSqlTiming } from './support/sql-timing';

export type ExpansionMode = 'ours' | 'bare' | 'naive';

export interface ExpansionRun {
  mode: ExpansionMode;
  generated: number;
  seconds: number;
  perSecond: number;
  /** Kernel high-water mark of the process (getrusage maxrss). */
  maxRssMb: number;
  /** Highest process.memoryUsage().rss seen by a 50 ms sampler (for comparison). */
  sampledPeakRssMb: number;
  /** RSS once the process is up and connected, before expanding. */
  startRssMb: number;
}

const PAGE = 1_000;

const MESSAGE_COLUMNS = [
  'id',
  'parent_type',
  'parent_id',
  'parent_name',
  'to_number',
  'body',
  'send_date',
  'due_at',
  'status',
  'campaign_id',
  'campaign_seq',
  'template_id',
  'attempts',
  'segments',
  'encoding',
  'idempotency_key',
  'is_test',
  'created_at',
  'updated_at',
] as const;

interface RecipientRow {
  record_id: string;
  first_name: string | null;
  last_name: string;
  phone_mobile: string;
  account_name: string | null;
}

/** Keyset page of recipients joined to their contact and account (what every mode reads). */
const RECIPIENT_PAGE = `SELECT cr.record_id, r.first_name, r.last_name, r.phone_mobile, a.name AS account_name
  FROM sms_campaign_recipients cr
  JOIN contacts r ON r.id = cr.record_id
  LEFT JOIN accounts a ON a.id = r.account_id
  WHERE cr.campaign_id = ? AND cr.record_id > ?
  ORDER BY cr.record_id
  LIMIT ?`;

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}

/** A datetime read back by either driver (a Date from mysql2, a string from SQLite). */
function toStamp(value: string | Date): string {
  return value instanceof Date ? sqlStamp(value) : String(value);
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function startSampler(): { peak: () => number; stop: () => void } {
  let peak = process.memoryUsage.rss();
  // Diagnostic (BENCH_MEMORY_TRACE=1): the process's memory every second, on stderr.
  const trace = process.env.BENCH_MEMORY_TRACE === '1';
  let ticks = 0;
  const started = performance.now();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    if (trace && ++ticks % 20 === 0) {
      const m = process.memoryUsage();
      process.stderr.write(
        `memory ${((performance.now() - started) / 1000).toFixed(0)} s: rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} MB\n`,
      );
    }
  }, 50);
  return {
    peak: () => Math.max(peak, process.memoryUsage.rss()),
    stop: () => clearInterval(timer),
  };
}

/** The expansion to time, and what to close once the clock has stopped. */
interface Prepared {
  work: () => Promise<number>;
  close: () => Promise<void>;
}

async function ours(databaseUrl: string): Promise<Prepared> {
  const vars = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', SCHEDULER: 'off' };
  const config = loadConfig(vars);
  const logger = new Logger(config.logLevel);
  const dataSource = await openDatabase(config, logger);
  const services = createServices(dataSource, config, logger);
  const gateway = createGateway({ SMS_PROVIDER: 'log' }, () => undefined);
  const sending = createSendingRuntime(
    dataSource,
    services,
    gateway,
    config,
    config.scheduler.gatewayTimeoutMs,
    logger,
  );
  return {
    work: async () => {
      const result = await sending.generator.generateNext();
      if (!result) {
        throw new Error('no campaign was waiting for generation');
      }
      return result.generated;
    },
    close: () => dataSource.destroy(),
  };
}

async function bare(databaseUrl: string, campaignId: string): Promise<Prepared> {
  const raw = await openRaw(databaseUrl);
  const [campaign] = await raw.all<{ seq: number; template_id: string; send_date: string | Date }>(
    'SELECT seq, template_id, send_date FROM sms_campaigns WHERE id = ?',
    [campaignId],
  );
  const [template] = await raw.all<{ body: string }>(
    'SELECT body FROM sms_templates WHERE id = ?',
    [campaign.template_id],
  );
  const work = async () => {
    const liquid = new Liquid();
    const parsed = liquid.parse(template.body);
    const sendDate = toStamp(campaign.send_date);
    let generated = 0;
    let cursor = '';
    for (;;) {
      const page = await raw.all<RecipientRow>(RECIPIENT_PAGE, [campaignId, cursor, PAGE]);
      if (page.length === 0) {
        break;
      }
      const stamp = sqlStamp(Date.now());
      const rows: unknown[][] = [];
      for (const r of page) {
        const body = liquid.renderSync(parsed, {
          contact: { first_name: r.first_name ?? '', last_name: r.last_name },
          account: { name: r.account_name ?? '' },
        }) as string;
        const count = countSegments(body);
        const id = orderedUuid();
        rows.push([
          id,
          'contacts',
          r.record_id,
          `${r.first_name ?? ''} ${r.last_name}`,
          r.phone_mobile,
          body,
          sendDate,
          sendDate,
          'send_sms',
          campaignId,
          campaign.seq,
          campaign.template_id,
          0,
          count.segments,
          count.encoding,
          orderedUuidKey(id),
          0,
          stamp,
          stamp,
        ]);
      }
      // One multi-row INSERT per page (RAW_INSERT_BATCH = PAGE), so no BEGIN … COMMIT: the
      // statement is its own transaction. Inside an explicit one SQLite would also copy every
      // page it touches to a statement journal (see insertMessages in the generator).
      await raw.insertRows('sms_messages', MESSAGE_COLUMNS, rows);
      generated += rows.length;
      cursor = page[page.length - 1].record_id;
      if (page.length < PAGE) {
        break;
      }
    }
    return generated;
  };
  return { work, close: () => raw.close() };
}

async function naive(databaseUrl: string, campaignId: string, limit: number): Promise<Prepared> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
  const dataSource = await openDatabase(config, new Logger('warn'));
  const engine = new SmsTemplateEngine();
  const { records } = await execute(
    dataSource.manager,
    'SELECT c.seq, c.template_id, c.send_date, t.body FROM sms_campaigns c JOIN sms_templates t ON t.id = c.template_id WHERE c.id = ?',
    [campaignId],
  );
  const campaign = records[0] as {
    seq: number;
    template_id: string;
    send_date: string | Date;
    body: string;
  };
  const sendDate = new Date(`${toStamp(campaign.send_date).replace(' ', 'T')}Z`);
  const work = async () => {
    const compiled = engine.compile(campaign.body, RecordModule.Contacts);
    if (!compiled.ok) {
      throw new Error('bench template does not compile');
    }
    const repo = dataSource.getRepository(SmsMessage);
    let generated = 0;
    let cursor = '';
    while (generated < limit) {
      const page = (
        await execute(dataSource.manager, RECIPIENT_PAGE, [
          campaignId,
          cursor,
          Math.min(PAGE, limit - generated),
        ])
      ).records as RecipientRow[];
      if (page.length === 0) {
        break;
      }
      for (const r of page) {
        const body = engine.render(compiled.template, {
          contact: { first_name: r.first_name ?? '', last_name: r.last_name },
          account: { name: r.account_name ?? '' },
        });
        const count = countSegments(body);
        const id = orderedUuid();
        await repo.save(
          repo.create({
            id,
            parent_type: RecordModule.Contacts,
            parent_id: r.record_id,
            parent_name: `${r.first_name ?? ''} ${r.last_name}`,
            to_number: r.phone_mobile,
            body,
            send_date: sendDate,
            due_at: sendDate,
            status: SmsStatus.SendSms,
            campaign_id: campaignId,
            campaign_seq: campaign.seq,
            template_id: campaign.template_id,
            segments: count.segments,
            encoding: count.encoding,
            idempotency_key: orderedUuidKey(id),
          }),
        );
        generated += 1;
      }
      cursor = page[page.length - 1].record_id;
    }
    return generated;
  };
  return { work, close: () => dataSource.destroy() };
}

async function main(): Promise<void> {
  const mode = process.argv[2] as ExpansionMode;
  const sqlTiming = process.env.BENCH_SQL_TIMING === '1' ? installSqlTiming() : null;
  const databaseUrl = env('BENCH_DATABASE_URL');
  const campaignId = env('BENCH_CAMPAIGN_ID');
  let prepared: Prepared;
  switch (mode) {
    case 'ours':
      prepared = await ours(databaseUrl);
      break;
    case 'bare':
      prepared = await bare(databaseUrl, campaignId);
      break;
    case 'naive':
      prepared = await naive(databaseUrl, campaignId, Number(env('BENCH_LIMIT')));
      break;
    default:
      throw new Error(`usage: expansion-child.ts <ours|bare|naive> (got '${String(mode)}')`);
  }
  const startRss = process.memoryUsage.rss();
  const sampler = startSampler();
  const started = performance.now();
  const generated = await prepared.work();
  const seconds = (performance.now() - started) / 1000;
  sampler.stop();
  await prepared.close();
  if (sqlTiming) {
    process.stderr.write(`SQL time by statement (${mode}):\n${sqlTiming()}\n`);
  }
  const run: ExpansionRun = {
    mode,
    generated,
    seconds,
    perSecond: generated / seconds,
    maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    sampledPeakRssMb: mb(sampler.peak()),
    startRssMb: mb(startRss),
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(1);
});
