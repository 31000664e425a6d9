import { AsyncLocalStorage } from 'node:async_hooks';
import { GroupCommit } from '../../src/db/group-commit';

/** A write that can be held open, to add items while it is in flight. */
function recordingWrite() {
  const groups: number[][] = [];
  let hold: Promise<void> = Promise.resolve();
  let release = () => {};
  return {
    groups,
    holdNext() {
      hold = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => release(),
    write: async (items: number[]) => {
      groups.push(items);
      await hold;
      return items.map((n) => n * 10);
    },
  };
}

describe('GroupCommit', () => {
  it('writes the items added in one turn of the event loop together, each getting its result', async () => {
    const rec = recordingWrite();
    const group = new GroupCommit(rec.write, 100);
    const results = await Promise.all([1, 2, 3].map((n) => group.add(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(rec.groups).toEqual([[1, 2, 3]]);
  });

  it('items added while a write is in flight go into the next write, never a lost one', async () => {
    const rec = recordingWrite();
    const group = new GroupCommit(rec.write, 100);
    rec.holdNext();
    const first = group.add(1);
    await new Promise((resolve) => setImmediate(resolve)); // the first write has started
    const later = [2, 3, 4].map((n) => group.add(n));
    rec.release();
    rec.holdNext();
    rec.release();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(rec.groups).toEqual([[1], [2, 3, 4]]);
    // And it starts again after going idle.
    expect(await group.add(5)).toBe(50);
    expect(rec.groups).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('splits at the maximum group size', async () => {
    const rec = recordingWrite();
    const group = new GroupCommit(rec.write, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => group.add(n)));
    expect(rec.groups).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("a failed write rejects its own group's items only", async () => {
    let calls = 0;
    const group = new GroupCommit(async (items: number[]) => {
      calls += 1;
      if (calls === 1) {
        throw new Error('deadlock');
      }
      return items;
    }, 2);
    const results = await Promise.allSettled([1, 2, 3].map((n) => group.add(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(await group.add(4)).toBe(4);
  });

  it("writes in the context it was created in, not in the first caller's", async () => {
    const store = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const group = new GroupCommit(async (items: number[]) => {
      seen.push(store.getStore());
      return items;
    }, 10);
    await store.run('inside a transaction', () => group.add(1));
    expect(seen).toEqual([undefined]);
  });
});
