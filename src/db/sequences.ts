import type { EntityManager } from 'typeorm';
import { execute } from './sql';

/** Counters kept in `sms_sequences`, one row each (created by the migration that needs it). */
export type SequenceName = 'sms_campaigns';

/**
 * The next value of a counter. Call it inside the transaction that uses the value: the UPDATE
 * locks the counter's row until that transaction ends (MySQL/MariaDB; SQLite has one writer
 * anyway), so concurrent callers get distinct values, and a rollback gives the value back.
 */
export async function nextInSequence(manager: EntityManager, name: SequenceName): Promise<number> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error(`nextInSequence('${name}') must run inside a transaction`);
  }
  const { affected } = await execute(
    manager,
    'UPDATE sms_sequences SET value = value + 1 WHERE name = ?',
    [name],
  );
  if (affected !== 1) {
    throw new Error(`sequence '${name}' does not exist (are the migrations applied?)`);
  }
  const { records } = await execute(manager, 'SELECT value FROM sms_sequences WHERE name = ?', [
    name,
  ]);
  return Number(records[0].value);
}
