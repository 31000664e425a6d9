import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { nextInSequence } from '../../src/db/sequences';
import { inTransaction } from '../../src/db/transactions';
import { describeEachEngine, useMigratedDatabase } from '../support/test-app';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachEngine('sequences', (engine) => {
  const migrated = useMigratedDatabase(engine);
  let dataSource: DataSource;
  beforeAll(() => {
    dataSource = migrated();
  });

  it('gives concurrent transactions distinct, consecutive values', async () => {
    const values = await Promise.all(
      Array.from({ length: 12 }, () =>
        inTransaction(dataSource, async (manager) => {
          const value = await nextInSequence(manager, 'sms_campaigns');
          await pause(5); // still holding it while the others ask
          return value;
        }),
      ),
    );
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('gives the value back when the transaction rolls back', async () => {
    const taken = await inTransaction(dataSource, (manager) =>
      nextInSequence(manager, 'sms_campaigns'),
    );
    await expect(
      inTransaction(dataSource, async (manager) => {
        await nextInSequence(manager, 'sms_campaigns');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(
      await inTransaction(dataSource, (manager) => nextInSequence(manager, 'sms_campaigns')),
    ).toBe(taken + 1);
  });

  it('refuses to run outside a transaction, where the value would not be held', async () => {
    await expect(nextInSequence(dataSource.manager, 'sms_campaigns')).rejects.toThrow(
      "nextInSequence('sms_campaigns') must run inside a transaction",
    );
  });
});
