import 'reflect-metadata';
import { Contact } from '../../entities/contact.entity';
import { newId } from '../../entities/columns';
import { inTransaction } from '../../src/db/transactions';
import { describeEachEngine, useMigratedDatabase } from '../support/test-app';
import type { DataSource } from 'typeorm';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachEngine('transactions', (engine) => {
  const migrated = useMigratedDatabase(engine);
  let dataSource: DataSource;
  beforeAll(() => {
    dataSource = migrated();
  });

  const contact = (last_name: string) => {
    const now = new Date();
    return { id: newId(), last_name, created_at: now, updated_at: now };
  };

  it("a rolled-back transaction does not take another request's write with it", async () => {
    const repo = dataSource.getRepository(Contact);
    const failing = inTransaction(dataSource, async (manager) => {
      await manager.getRepository(Contact).insert(contact('inside-rolled-back'));
      await pause(50); // another request writes meanwhile
      throw new Error('refused');
    });
    await pause(10);
    const outside = repo.insert(contact('outside-committed'));
    await expect(failing).rejects.toThrow('refused');
    await outside;
    expect(await repo.count({ where: { last_name: 'outside-committed' } })).toBe(1);
    expect(await repo.count({ where: { last_name: 'inside-rolled-back' } })).toBe(0);
  });

  it('concurrent transactions each commit or roll back on their own', async () => {
    const repo = dataSource.getRepository(Contact);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        inTransaction(dataSource, async (manager) => {
          await manager.getRepository(Contact).insert(contact(`tx-${i}`));
          await pause(5);
          if (i % 2 === 1) {
            throw new Error(`odd ${i}`);
          }
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
    ]);
    const names = (await repo.find()).map((c) => c.last_name).filter((n) => n.startsWith('tx-'));
    expect(names.sort()).toEqual(['tx-0', 'tx-2', 'tx-4']);
  });
});
