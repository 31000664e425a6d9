import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SmsMessage, SmsStatus } from '../../../entities/sms-message.entity';
import { isMysqlFamily } from '../../db/data-source';
import { execute, placeholders, retryOnDeadlock, sqlDate } from '../../db/sql';
import { inTransaction } from '../../db/transactions';

/**
 * Hands each due message to exactly one worker. The claim is a conditional UPDATE
 * (status 'send_sms' → 'sending', with a fresh claim token and a lease) whose affected rows are
 * the worker's; on MySQL/MariaDB the candidates are picked with FOR UPDATE SKIP LOCKED so
 * workers do not queue behind each other, on SQLite one UPDATE statement does it atomically.
 * The claim is committed before any gateway call, so a crash leaves evidence ('sending' with an
 * expired lease) instead of a silent resend.
 */
export class MessageClaimer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly leaseSeconds: number,
  ) {}

  async claimDue(limit: number, now = new Date()): Promise<SmsMessage[]> {
    return retryOnDeadlock(() => this.claimOnce(limit, now));
  }

  private async claimOnce(limit: number, now: Date): Promise<SmsMessage[]> {
    const token = randomUUID();
    const lease = new Date(now.getTime() + this.leaseSeconds * 1000);
    const set =
      "SET status = 'sending', claim_token = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?";
    const setParams = [token, sqlDate(this.dataSource, lease), sqlDate(this.dataSource, now)];
    let claimed: number;
    if (isMysqlFamily(this.dataSource)) {
      claimed = await inTransaction(this.dataSource, async (manager) => {
        const { records } = await execute(
          manager,
          `SELECT id FROM sms_messages WHERE status = 'send_sms' AND due_at <= ?
           ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED`,
          [sqlDate(this.dataSource, now), limit],
        );
        if (records.length === 0) {
          return 0;
        }
        const ids = records.map((r: { id: string }) => r.id);
        const { affected } = await execute(
          manager,
          `UPDATE sms_messages ${set} WHERE status = 'send_sms' AND id IN (${placeholders(ids.length)})`,
          [...setParams, ...ids],
        );
        return affected;
      });
    } else {
      const { affected } = await execute(
        this.dataSource.manager,
        `UPDATE sms_messages ${set}
         WHERE status = 'send_sms' AND id IN (
           SELECT id FROM sms_messages WHERE status = 'send_sms' AND due_at <= ? ORDER BY due_at LIMIT ?)`,
        [...setParams, sqlDate(this.dataSource, now), limit],
      );
      claimed = affected;
    }
    if (claimed === 0) {
      return [];
    }
    return this.dataSource
      .getRepository(SmsMessage)
      .find({ where: { claim_token: token, status: SmsStatus.Sending } });
  }
}
