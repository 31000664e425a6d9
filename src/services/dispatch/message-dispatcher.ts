import type { DataSource } from 'typeorm';
import { ConsentSource } from '../../../entities/consent-log-entry.entity';
import type { SmsMessage } from '../../../entities/sms-message.entity';
import { SuppressionReason } from '../../../entities/suppression.entity';
import type { SchedulerConfig } from '../../config/config';
import { GatewayError } from '../../gateways/sms-gateway';
import type { OutboundSms, SmsGateway } from '../../gateways/sms-gateway';
import type { Logger } from '../../logger';
import type { ConsentService } from '../consent/consent.service';
import { MessageClaimer } from './message-claimer';
import { MessageOutcomes } from './message-outcomes';
import { checkBeforeSending } from './pre-send-check';
import { nextAllowedInstant, recipientTimeZones } from '../../domain/quiet-hours';
import type { SendingWindow } from '../../domain/quiet-hours';
import { SharedRateLimiter, sleepUntil } from './rate-limiter';
import { retryDelayMs } from './retry-policy';

export interface DispatchReport {
  claimed: number;
  sent: number;
  failed: number;
  retried: number;
  released: number;
  /** Put back until the recipient's sending window opens (quiet hours). */
  deferred: number;
  expired: number;
}

export type SendOutcome = 'sent' | 'failed' | 'retried' | 'released' | 'lost';

export interface DispatcherOptions {
  /** The gateway's request timeout: a send must be able to finish inside the lease. */
  sendTimeoutMs: number;
  /** Base URL for provider status callbacks (PUBLIC_URL), if any. */
  publicUrl: string | null;
  /** Secret for the webhook URLs of providers that do not sign (WEBHOOK_TOKEN). */
  webhookToken?: string | null;
  /** Quiet hours: the sending window in the recipient's local time, if any. */
  sendingWindow?: SendingWindow | null;
}

/** Stable per message and short enough for every provider's client reference field. */
export function idempotencyKeyOf(message: Pick<SmsMessage, 'id' | 'idempotency_key'>): string {
  return message.idempotency_key ?? message.id.replace(/-/g, '').slice(0, 20);
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
async function eachWithConcurrency<T>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  });
  await Promise.all(lanes);
}

/**
 * Sends due messages: claim a batch, check each record again, wait for a rate-limit slot, call
 * the gateway, record the outcome. One bad message never stops the batch.
 */
export class MessageDispatcher {
  private readonly claimer: MessageClaimer;
  readonly outcomes: MessageOutcomes;
  readonly limiter: SharedRateLimiter;

  constructor(
    private readonly dataSource: DataSource,
    readonly gateway: SmsGateway,
    private readonly config: SchedulerConfig,
    private readonly options: DispatcherOptions,
    private readonly logger: Logger,
    private readonly consent: ConsentService,
  ) {
    this.claimer = new MessageClaimer(dataSource, config.leaseSeconds);
    this.outcomes = new MessageOutcomes(dataSource, logger);
    this.limiter = new SharedRateLimiter(dataSource, () => gateway.name, config.ratePerSecond);
  }

  /** Claims up to about one second of sending (or one batch when the rate is unlimited). */
  get batchLimit(): number {
    const rate = this.limiter.perSecond;
    return rate > 0 ? Math.min(this.config.batchSize, rate) : this.config.batchSize;
  }

  async dispatchDue(now = new Date()): Promise<DispatchReport> {
    const messages = await this.claimer.claimDue(this.batchLimit, now);
    const report: DispatchReport = {
      claimed: messages.length,
      sent: 0,
      failed: 0,
      retried: 0,
      released: 0,
      deferred: 0,
      expired: 0,
    };
    if (messages.length === 0) {
      return report;
    }
    const { refusals, countries } = await checkBeforeSending(
      this.dataSource,
      this.consent,
      messages,
    );
    const validFrom = now.getTime() - this.config.validityHours * 3_600_000;
    const window = this.options.sendingWindow ?? null;
    const ready: SmsMessage[] = [];
    for (const message of messages) {
      const refusal = refusals.get(message.id);
      if (message.send_date.getTime() < validFrom) {
        // Too old to be worth sending (e.g. a long outage): expired, not sent late.
        await this.outcomes.expired(message, this.config.validityHours);
        report.expired += 1;
      } else if (refusal) {
        await this.outcomes.failed(message, refusal.code, refusal.reason);
        report.failed += 1;
      } else if (window && !message.is_test) {
        const zones = recipientTimeZones(countries.get(message.id) ?? null, message.to_number);
        const allowed = nextAllowedInstant(now, zones, window);
        if (allowed.getTime() > now.getTime()) {
          await this.outcomes.deferUntil(message, allowed);
          report.deferred += 1;
        } else {
          ready.push(message);
        }
      } else {
        ready.push(message);
      }
    }
    const slots = await this.limiter.reserve(ready.length);
    await eachWithConcurrency(ready, this.config.concurrency, async (message, index) => {
      await sleepUntil(slots[index]);
      const outcome = await this.send(message);
      if (
        outcome === 'sent' ||
        outcome === 'failed' ||
        outcome === 'retried' ||
        outcome === 'released'
      ) {
        report[outcome] += 1;
      }
    });
    return report;
  }

  /**
   * Sends one claimed message and records the outcome. Never throws for a gateway problem;
   * a database error propagates (the lease then expires and recovery deals with it).
   */
  async send(message: SmsMessage, options: { retries?: boolean } = {}): Promise<SendOutcome> {
    const retries = options.retries ?? true;
    const leaseLeft = (message.lease_until?.getTime() ?? 0) - Date.now();
    if (leaseLeft < this.options.sendTimeoutMs + 2_000) {
      // Sending now could outlive the lease and race a recovery; give it back instead.
      return (await this.outcomes.release(message)) ? 'released' : 'lost';
    }
    const sms = this.outbound(message);
    try {
      const result = await this.gateway.send(sms);
      return (await this.markSent(message, result.providerMessageId)) ? 'sent' : 'lost';
    } catch (error) {
      return this.handleError(message, sms, error, retries);
    }
  }

  /** Twilio signs its callbacks; the others carry WEBHOOK_TOKEN in the URL. */
  private statusCallbackUrl(): string | undefined {
    const base = this.options.publicUrl;
    if (!base) {
      return undefined;
    }
    const url = `${base}/webhooks/${this.gateway.name}/status`;
    if (this.gateway.name === 'twilio') {
      return url;
    }
    return this.options.webhookToken
      ? `${url}?token=${encodeURIComponent(this.options.webhookToken)}`
      : undefined;
  }

  private markSent(message: SmsMessage, providerMessageId: string): Promise<boolean> {
    return this.outcomes.sent(message, this.gateway.name, providerMessageId);
  }

  outbound(message: SmsMessage): OutboundSms {
    return {
      messageId: message.id,
      to: message.to_number,
      body: message.body,
      encoding: message.encoding === 'UCS-2' ? 'UCS-2' : 'GSM-7',
      segments: message.segments,
      idempotencyKey: idempotencyKeyOf(message),
      statusCallbackUrl: this.statusCallbackUrl(),
    };
  }

  private async handleError(
    message: SmsMessage,
    sms: OutboundSms,
    error: unknown,
    retries: boolean,
  ): Promise<SendOutcome> {
    const provider = this.gateway.name;
    if (!(error instanceof GatewayError)) {
      this.logger.error('gateway adapter threw an unclassified error', {
        message_id: message.id,
        provider,
        error: error instanceof Error ? error.message : String(error),
      });
      const done = await this.outcomes.failed(
        message,
        'gateway_error',
        'the gateway adapter failed unexpectedly; see the server log',
        provider,
      );
      return done ? 'failed' : 'lost';
    }
    // Adapters already name themselves in most messages; do not say it twice.
    const reason = error.message.startsWith(`${provider}`)
      ? error.message
      : `${provider}: ${error.message}`;
    if (error.optOut) {
      // The provider knows the person opted out (e.g. replied STOP to the provider itself):
      // suppress the number everywhere, not just this message.
      await this.consent.optOut(message.to_number, SuppressionReason.ProviderOptOut, {
        source: ConsentSource.Provider,
        userId: null,
        detail: `${provider} error ${error.code} on message ${message.id}`,
      });
    }
    if (error.kind === 'unknown') {
      return this.settleUnknown(message, sms, error);
    }
    if (error.kind === 'transient' && retries && message.attempts < this.config.maxAttempts) {
      const delay = retryDelayMs(message.attempts, this.config, error.retryAfterMs);
      this.logger.info('transient gateway error; will retry', {
        message_id: message.id,
        provider,
        code: error.code,
        attempt: message.attempts,
        retry_in_ms: delay,
      });
      return (await this.outcomes.retryLater(message, delay, error.code, reason, provider))
        ? 'retried'
        : 'lost';
    }
    const final =
      error.kind === 'transient'
        ? `${reason} (gave up after ${message.attempts} attempt${message.attempts === 1 ? '' : 's'})`
        : reason;
    return (await this.outcomes.failed(message, error.code, final, provider)) ? 'failed' : 'lost';
  }

  /**
   * The provider may or may not have the message. Ask it when it can tell (BulkSMS, by the
   * idempotency key); otherwise record the uncertainty rather than risk a duplicate.
   */
  async settleUnknown(
    message: SmsMessage,
    sms: OutboundSms,
    cause?: GatewayError,
  ): Promise<SendOutcome> {
    const provider = this.gateway.name;
    if (this.gateway.reconcile) {
      try {
        const found = await this.gateway.reconcile(sms);
        if (found) {
          return (await this.markSent(message, found.providerMessageId)) ? 'sent' : 'lost';
        }
        // The provider certainly does not have it: sending again cannot duplicate it.
        const delay = retryDelayMs(message.attempts, this.config);
        return (await this.outcomes.retryLater(
          message,
          delay,
          cause?.code ?? 'outcome_unknown',
          `${provider}: no answer to the send; the provider confirmed it did not receive it`,
          provider,
        ))
          ? 'retried'
          : 'lost';
      } catch (error) {
        this.logger.warn('reconcile failed; recording the outcome as unknown', {
          message_id: message.id,
          provider,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const detail = cause ? ` (${cause.message})` : '';
    return (await this.outcomes.failed(
      message,
      'outcome_unknown',
      `${provider}: the send was interrupted${detail}; the provider may or may not have received it, so it was not sent again`,
      provider,
    ))
      ? 'failed'
      : 'lost';
  }
}
