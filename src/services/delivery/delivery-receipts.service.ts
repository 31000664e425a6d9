import type { DataSource } from 'typeorm';
import { In, IsNull } from 'typeorm';
import { newId } from '../../../entities/columns';
import { ConsentSource } from '../../../entities/consent-log-entry.entity';
import { DeliveryReceipt } from '../../../entities/delivery-receipt.entity';
import { SmsMessage, SmsStatus } from '../../../entities/sms-message.entity';
import { SuppressionReason } from '../../../entities/suppression.entity';
import type { Logger } from '../../logger';
import type { ConsentService } from '../consent/consent.service';

/** A provider's delivery report, already parsed from its own vocabulary. */
export interface ReceiptInput {
  providerMessageId: string;
  status: 'accepted' | 'sent' | 'delivered' | 'undelivered' | 'failed';
  providerStatus: string;
  errorCode: string | null;
  reason: string | null;
  optOut: boolean;
  occurredAt: Date | null;
  part?: { index: number; count: number };
}

/**
 * Turns delivery receipts into message statuses without ever moving a message backwards:
 * sent → delivered, or sent → undelivered/failed; a delivered message stays delivered, except
 * that for a multi-part message a failed part wins (the person did not get the whole text).
 * Every receipt is kept as received; one that arrives before the send was recorded waits and is
 * applied when the message is marked sent. Replays change nothing.
 */
export class DeliveryReceiptService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consent: ConsentService,
    private readonly logger: Logger,
  ) {}

  async record(provider: string, receipts: ReceiptInput[]): Promise<{ applied: number }> {
    let applied = 0;
    for (const receipt of receipts) {
      const message = await this.dataSource.getRepository(SmsMessage).findOne({
        where: { provider, provider_message_id: receipt.providerMessageId },
      });
      await this.dataSource.getRepository(DeliveryReceipt).insert({
        id: newId(),
        provider,
        provider_message_id: receipt.providerMessageId.slice(0, 100),
        message_id: message?.id ?? null,
        status: receipt.status,
        provider_status: receipt.providerStatus.slice(0, 50),
        error_code: receipt.errorCode?.slice(0, 50) ?? null,
        reason: receipt.reason?.slice(0, 500) ?? null,
        opt_out: receipt.optOut,
        part_index: receipt.part?.index ?? null,
        part_count: receipt.part?.count ?? null,
        occurred_at: receipt.occurredAt,
        created_at: new Date(),
      });
      if (message) {
        if (await this.apply(message.id, receipt)) {
          applied += 1;
        }
        if (receipt.optOut) {
          await this.consent.optOut(message.to_number, SuppressionReason.ProviderOptOut, {
            source: ConsentSource.Provider,
            userId: null,
            detail:
              `${provider} receipt ${receipt.providerStatus} ${receipt.errorCode ?? ''}`.trim(),
          });
        }
      } else {
        this.logger.info('delivery receipt for an unknown message kept for later', {
          provider,
          provider_message_id: receipt.providerMessageId,
        });
      }
    }
    return { applied };
  }

  private async suppress(phone: string, provider: string, receipt: ReceiptInput): Promise<void> {
    await this.consent.optOut(phone, SuppressionReason.ProviderOptOut, {
      source: ConsentSource.Provider,
      userId: null,
      detail: `${provider} receipt ${receipt.providerStatus} ${receipt.errorCode ?? ''}`.trim(),
    });
  }

  /**
   * Applies receipts that arrived before their messages were recorded as sent: one query for a
   * whole group of newly sent messages (almost always finding nothing), then each receipt found.
   */
  async applyPending(
    messages: Array<Pick<SmsMessage, 'id' | 'provider' | 'provider_message_id'>>,
  ): Promise<void> {
    const byProviderId = new Map<string, string>();
    const idsByProvider = new Map<string, string[]>();
    for (const { id, provider, provider_message_id: providerId } of messages) {
      if (provider && providerId) {
        byProviderId.set(`${provider}\n${providerId}`, id);
        idsByProvider.set(provider, [...(idsByProvider.get(provider) ?? []), providerId]);
      }
    }
    if (byProviderId.size === 0) {
      return;
    }
    // By (provider, provider_message_id), the receipts index.
    const waiting = await this.dataSource.getRepository(DeliveryReceipt).find({
      where: [...idsByProvider].map(([provider, ids]) => ({
        provider,
        provider_message_id: In(ids),
        message_id: IsNull(),
      })),
      order: { created_at: 'ASC' },
    });
    for (const row of waiting) {
      const messageId = byProviderId.get(`${row.provider}\n${row.provider_message_id}`);
      if (!messageId) {
        continue; // the same id at another provider
      }
      await this.dataSource
        .getRepository(DeliveryReceipt)
        .update({ id: row.id }, { message_id: messageId });
      const receipt: ReceiptInput = {
        providerMessageId: row.provider_message_id,
        status: row.status as ReceiptInput['status'],
        providerStatus: row.provider_status,
        errorCode: row.error_code,
        reason: row.reason,
        optOut: row.opt_out,
        occurredAt: row.occurred_at,
        part:
          row.part_index !== null && row.part_count !== null
            ? { index: row.part_index, count: row.part_count }
            : undefined,
      };
      await this.apply(messageId, receipt);
      if (receipt.optOut) {
        const full = await this.dataSource
          .getRepository(SmsMessage)
          .findOne({ where: { id: messageId } });
        if (full) {
          await this.suppress(full.to_number, row.provider, receipt);
        }
      }
    }
  }

  /** One conditional UPDATE: the WHERE clause is the "never backwards" rule. */
  private async apply(messageId: string, receipt: ReceiptInput): Promise<boolean> {
    const repo = this.dataSource.getRepository(SmsMessage);
    const at = receipt.occurredAt ?? new Date();
    if (receipt.status === 'delivered') {
      const result = await repo.update(
        { id: messageId, status: SmsStatus.Sent },
        { status: SmsStatus.Delivered, delivered_at: at, updated_at: new Date() },
      );
      return (result.affected ?? 0) > 0;
    }
    if (receipt.status === 'undelivered' || receipt.status === 'failed') {
      const multiPart = (receipt.part?.count ?? 1) > 1;
      const from = multiPart ? [SmsStatus.Sent, SmsStatus.Delivered] : [SmsStatus.Sent];
      const result = await repo.update(
        { id: messageId, status: In(from) },
        {
          status: receipt.status === 'failed' ? SmsStatus.Failed : SmsStatus.Undelivered,
          delivered_at: at,
          error_code: receipt.errorCode?.slice(0, 50) ?? receipt.providerStatus.slice(0, 50),
          error_message: (
            receipt.reason ?? `the provider reported ${receipt.providerStatus}`
          ).slice(0, 500),
          updated_at: new Date(),
        },
      );
      return (result.affected ?? 0) > 0;
    }
    return false; // accepted/sent: nothing new about the handset
  }
}
