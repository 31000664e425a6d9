import type { DataSource } from 'typeorm';
import { LessThan } from 'typeorm';
import { SmsMessage, SmsStatus } from '../../../entities/sms-message.entity';
import type { Logger } from '../../logger';
import type { MessageDispatcher } from './message-dispatcher';

/**
 * Messages left in 'sending' by a worker that died: their lease expired without an outcome.
 * The send may or may not have reached the provider, so they are never simply resent: the
 * dispatcher asks the provider where it can (idempotency key), else records outcome_unknown.
 */
export class LeaseRecovery {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: MessageDispatcher,
    private readonly logger: Logger,
  ) {}

  async recover(now = new Date(), limit = 500): Promise<number> {
    const stuck = await this.dataSource.getRepository(SmsMessage).find({
      where: { status: SmsStatus.Sending, lease_until: LessThan(now) },
      order: { lease_until: 'ASC' },
      take: limit,
    });
    let settled = 0;
    for (const message of stuck) {
      const outcome = await this.dispatcher.settleUnknown(
        message,
        this.dispatcher.outbound(message),
      );
      if (outcome !== 'lost') {
        settled += 1;
        this.logger.warn('settled a message abandoned while sending', {
          message_id: message.id,
          outcome,
        });
      }
    }
    return settled;
  }
}
