import type { DataSource } from 'typeorm';
import { SmsStatus } from '../../../entities/sms-message.entity';
import type { SmsMessage } from '../../../entities/sms-message.entity';
import { GroupCommit } from '../../db/group-commit';
import { execute, placeholders, retryOnDeadlock, sqlDate } from '../../db/sql';
import type { Logger } from '../../logger';

const MAX_ERROR_MESSAGE = 500;
/** Rows per grouped "sent" UPDATE: about 11 parameters each, far below every driver's limit. */
const MAX_SENT_GROUP = 500;

/** A message the provider accepted, as recorded. */
export interface SentMessage {
  id: string;
  provider: string;
  provider_message_id: string;
}

interface SentWrite extends SentMessage {
  claimToken: string;
  sentAt: Date;
}

type Claimed = Pick<SmsMessage, 'id' | 'claim_token'>;
/** The columns an outcome may set (besides those every outcome sets). */
type OutcomeValues = Partial<
  Pick<
    SmsMessage,
    'status' | 'provider' | 'error_code' | 'error_message' | 'due_at' | 'claim_token' | 'attempts'
  >
>;

/**
 * Records what happened to a claimed message. Every write is fenced by the claim token: a
 * worker whose lease was taken over (it was presumed dead) cannot overwrite the new outcome.
 *
 * "Sent", the outcome of nearly every message, is written by group commit: the sends that finish
 * while one UPDATE is in flight are recorded together by the next, so a worker spends one round
 * trip (and on a durable MariaDB one log flush) per group instead of per message. The claim was
 * committed before the send, so a crash between a send and its group's write leaves those
 * messages 'sending' for lease recovery, exactly as a crash between a send and a single write did.
 */
export class MessageOutcomes {
  private readonly sentGroup: GroupCommit<SentWrite, boolean>;
  /** Called once per group of messages recorded as sent (e.g. to apply early receipts). */
  afterSent: ((messages: SentMessage[]) => Promise<void>) | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {
    this.sentGroup = new GroupCommit((group) => this.writeSent(group), MAX_SENT_GROUP);
  }

  private date(value: Date): Date | string {
    return sqlDate(this.dataSource, value);
  }

  /** One fenced UPDATE of one message; the column names come from this file, never from input. */
  private async write(message: Claimed, values: OutcomeValues): Promise<boolean> {
    const columns = Object.keys(values) as Array<keyof OutcomeValues>;
    const params = columns.map((column) => {
      const value = values[column];
      return value instanceof Date ? this.date(value) : value;
    });
    const sql = `UPDATE sms_messages SET ${columns.map((c) => `${c} = ?`).join(', ')},
        lease_until = NULL, updated_at = ?
      WHERE id = ? AND status = 'sending' AND claim_token = ?`;
    const { affected } = await retryOnDeadlock(() =>
      execute(this.dataSource.manager, sql, [
        ...params,
        this.date(new Date()),
        message.id,
        message.claim_token,
      ]),
    );
    return affected > 0;
  }

  sent(
    message: Claimed,
    provider: string,
    providerMessageId: string,
    sentAt = new Date(),
  ): Promise<boolean> {
    return this.sentGroup.add({
      id: message.id,
      claimToken: message.claim_token as string,
      provider,
      provider_message_id: providerMessageId.slice(0, 100),
      sentAt,
    });
  }

  /** `CASE id WHEN ? THEN ? … END` over the group, with its parameters. */
  private byId(group: SentWrite[], value: (row: SentWrite) => unknown): [string, unknown[]] {
    const params = group.flatMap((row) => [row.id, value(row)]);
    return [`CASE id ${group.map(() => 'WHEN ? THEN ?').join(' ')} END`, params];
  }

  private async writeSent(group: SentWrite[]): Promise<boolean[]> {
    const [provider, providerParams] = this.byId(group, (row) => row.provider);
    const [providerId, providerIdParams] = this.byId(group, (row) => row.provider_message_id);
    const [sentAt, sentAtParams] = this.byId(group, (row) => this.date(row.sentAt));
    const [token, tokenParams] = this.byId(group, (row) => row.claimToken);
    const ids = group.map((row) => row.id);
    const { affected } = await retryOnDeadlock(() =>
      execute(
        this.dataSource.manager,
        `UPDATE sms_messages SET status = '${SmsStatus.Sent}', provider = ${provider},
           provider_message_id = ${providerId}, sent_at = ${sentAt},
           error_code = NULL, error_message = NULL, lease_until = NULL, updated_at = ?
         WHERE id IN (${placeholders(ids.length)}) AND status = '${SmsStatus.Sending}'
           AND claim_token = ${token}`,
        [
          ...providerParams,
          ...providerIdParams,
          ...sentAtParams,
          this.date(new Date()),
          ...ids,
          ...tokenParams,
        ],
      ),
    );
    const written =
      affected === group.length ? group.map(() => true) : await this.whichWereWritten(group);
    const sent = group.filter((_, i) => written[i]);
    if (sent.length > 0 && this.afterSent) {
      try {
        await this.afterSent(
          sent.map(({ id, provider, provider_message_id }) => ({
            id,
            provider,
            provider_message_id,
          })),
        );
      } catch (error) {
        // The sends are recorded; a receipt left waiting is applied by the next one for it.
        this.logger.warn('applying early delivery receipts failed', {
          message_ids: sent.map((row) => row.id),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return written;
  }

  /** Rare: some claims were taken over meanwhile. A row is ours if it carries what we wrote. */
  private async whichWereWritten(group: SentWrite[]): Promise<boolean[]> {
    const { records } = await execute(
      this.dataSource.manager,
      `SELECT id, status, claim_token, provider_message_id FROM sms_messages
       WHERE id IN (${placeholders(group.length)})`,
      group.map((row) => row.id),
    );
    const rows = new Map(
      (
        records as Array<{
          id: string;
          status: string;
          claim_token: string | null;
          provider_message_id: string | null;
        }>
      ).map((row) => [row.id, row]),
    );
    return group.map((write) => {
      const row = rows.get(write.id);
      return (
        row?.status === SmsStatus.Sent &&
        row.claim_token === write.claimToken &&
        row.provider_message_id === write.provider_message_id
      );
    });
  }

  failed(
    message: Claimed,
    code: string,
    reason: string,
    provider?: string | null,
  ): Promise<boolean> {
    const values: OutcomeValues = {
      status: SmsStatus.Failed,
      error_code: code.slice(0, 50),
      error_message: reason.slice(0, MAX_ERROR_MESSAGE),
    };
    if (provider) {
      values.provider = provider;
    }
    return this.write(message, values);
  }

  /** Back to the queue, due again after `delayMs`; the last error stays visible meanwhile. */
  retryLater(
    message: Claimed,
    delayMs: number,
    code: string,
    reason: string,
    provider: string,
  ): Promise<boolean> {
    return this.write(message, {
      status: SmsStatus.SendSms,
      due_at: new Date(Date.now() + delayMs),
      claim_token: null,
      provider,
      error_code: code.slice(0, 50),
      error_message: reason.slice(0, MAX_ERROR_MESSAGE),
    });
  }

  /** Not sent within the validity period after its send date. */
  expired(message: Claimed, validityHours: number): Promise<boolean> {
    return this.write(message, {
      status: SmsStatus.Expired,
      claim_token: null,
      error_code: 'expired',
      error_message: `not sent within ${validityHours} hours of its send date (SMS_VALIDITY_HOURS)`,
    });
  }

  /** Back to the queue until `at` (quiet hours); not an attempt, so attempts are not used up. */
  deferUntil(message: Claimed & Pick<SmsMessage, 'attempts'>, at: Date): Promise<boolean> {
    return this.write(message, {
      status: SmsStatus.SendSms,
      due_at: at,
      claim_token: null,
      attempts: Math.max(0, message.attempts - 1),
    });
  }

  /** Gives a claim back untouched (e.g. its lease would run out before the send could finish). */
  release(message: Claimed & Pick<SmsMessage, 'attempts'>): Promise<boolean> {
    return this.write(message, {
      status: SmsStatus.SendSms,
      claim_token: null,
      attempts: Math.max(0, message.attempts - 1),
    });
  }
}
