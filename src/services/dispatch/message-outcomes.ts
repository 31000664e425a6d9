import type { DataSource } from 'typeorm';
import { SmsMessage, SmsStatus } from '../../../entities/sms-message.entity';
import { retryOnDeadlock } from '../../db/sql';

const MAX_ERROR_MESSAGE = 500;

/**
 * Records what happened to a claimed message. Every write is fenced by the claim token: a
 * worker whose lease was taken over (it was presumed dead) cannot overwrite the new outcome.
 */
export class MessageOutcomes {
  constructor(private readonly dataSource: DataSource) {}

  private async write(message: SmsMessage, values: Partial<SmsMessage>): Promise<boolean> {
    const result = await retryOnDeadlock(() =>
      this.dataSource
        .getRepository(SmsMessage)
        .update(
          { id: message.id, status: SmsStatus.Sending, claim_token: message.claim_token as string },
          { ...values, lease_until: null, updated_at: new Date() },
        ),
    );
    return (result.affected ?? 0) > 0;
  }

  sent(
    message: SmsMessage,
    provider: string,
    providerMessageId: string,
    sentAt = new Date(),
  ): Promise<boolean> {
    return this.write(message, {
      status: SmsStatus.Sent,
      provider,
      provider_message_id: providerMessageId.slice(0, 100),
      sent_at: sentAt,
      error_code: null,
      error_message: null,
    });
  }

  failed(message: SmsMessage, code: string, reason: string, provider?: string): Promise<boolean> {
    return this.write(message, {
      status: SmsStatus.Failed,
      provider: provider ?? message.provider,
      error_code: code.slice(0, 50),
      error_message: reason.slice(0, MAX_ERROR_MESSAGE),
    });
  }

  /** Back to the queue, due again after `delayMs`; the last error stays visible meanwhile. */
  retryLater(
    message: SmsMessage,
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
  expired(message: SmsMessage, validityHours: number): Promise<boolean> {
    return this.write(message, {
      status: SmsStatus.Expired,
      claim_token: null,
      error_code: 'expired',
      error_message: `not sent within ${validityHours} hours of its send date (SMS_VALIDITY_HOURS)`,
    });
  }

  /** Back to the queue until `at` (quiet hours); not an attempt, so attempts are not used up. */
  deferUntil(message: SmsMessage, at: Date): Promise<boolean> {
    return this.write(message, {
      status: SmsStatus.SendSms,
      due_at: at,
      claim_token: null,
      attempts: Math.max(0, message.attempts - 1),
    });
  }

  /** Gives a claim back untouched (e.g. its lease would run out before the send could finish). */
  release(message: SmsMessage): Promise<boolean> {
    return this.write(message, {
      status: SmsStatus.SendSms,
      claim_token: null,
      attempts: Math.max(0, message.attempts - 1),
    });
  }
}
