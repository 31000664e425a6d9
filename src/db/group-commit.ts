import { AsyncResource } from 'node:async_hooks';

interface Waiting<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: callers add one item at a time and get their own item's result, but the items
 * that arrive while a write is in flight are written together by the next one. Under load (20
 * sends finishing at once) that is one statement for many rows instead of one per row; a lone
 * item waits only for the next turn of the event loop, never for a timer.
 *
 * Writes run in the async context the group was created in (at start-up, outside any
 * transaction), not in the first caller's: on SQLite a write running inside a caller's
 * transaction context would bypass the transaction gate (see transactions.ts).
 */
export class GroupCommit<I, R> {
  private queue: Array<Waiting<I, R>> = [];
  private writing = false;
  private readonly context = new AsyncResource('GroupCommit');

  constructor(
    /** Writes a group; returns one result per item, in order. */
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly maxGroup: number,
  ) {}

  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // Let the sends finishing in this turn of the event loop join the first group.
        setImmediate(() => this.context.runInAsyncScope(() => void this.drain()));
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroup);
      try {
        const results = await this.write(group.map((waiting) => waiting.item));
        group.forEach((waiting, i) => waiting.resolve(results[i]));
      } catch (error) {
        group.forEach((waiting) => waiting.reject(error));
      }
    }
    this.writing = false;
  }
}
