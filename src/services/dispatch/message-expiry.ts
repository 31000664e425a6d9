import type { DataSource } from 'typeorm';
import { execute, sqlDate } from '../../db/sql';

/** 'Send SMS' messages that could not be sent within SMS_VALIDITY_HOURS of their send date. */
export async function expireStaleMessages(
  dataSource: DataSource,
  validityHours: number,
  now = new Date(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - validityHours * 3_600_000);
  const { affected } = await execute(
    dataSource.manager,
    `UPDATE sms_messages
     SET status = 'expired', error_code = 'expired', claim_token = NULL, updated_at = ?,
         error_message = ?
     WHERE status = 'send_sms' AND send_date < ?`,
    [
      sqlDate(dataSource, now),
      `not sent within ${validityHours} hours of its send date (SMS_VALIDITY_HOURS)`,
      sqlDate(dataSource, cutoff),
    ],
  );
  return affected;
}
