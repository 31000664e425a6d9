import type { DataSource } from 'typeorm';
import type { Logger } from '../src/logger';
import { expireStaleMessages } from '../src/services/dispatch/message-expiry';

/** Marks 'Send SMS' messages not sent within SMS_VALIDITY_HOURS of their send date as expired. */
export class ExpireMessagesJob {
  static readonly NAME = 'expire-messages';

  constructor(
    private readonly dataSource: DataSource,
    private readonly validityHours: number,
    private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const expired = await expireStaleMessages(this.dataSource, this.validityHours);
    if (expired > 0) {
      this.logger.warn('messages expired unsent', { count: expired });
    }
  }
}
