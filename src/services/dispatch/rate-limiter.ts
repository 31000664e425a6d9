import type { DataSource } from 'typeorm';
import { isMysqlFamily } from '../../db/data-source';
import { execute } from '../../db/sql';
import { inTransaction } from '../../db/transactions';

/**
 * A send rate shared by every worker on the database: a GCRA clock ("the next send may start
 * at T") in one row per gateway. Reserving k sends moves the clock k intervals ahead in one
 * atomic step, and the caller spaces its sends over the slots it got. A crashed worker costs at
 * most the slots it had reserved (about a second of sending).
 */
export class SharedRateLimiter {
  private intervalMs = 0;
  private rate = 0;

  constructor(
    private readonly dataSource: DataSource,
    /** The clock row's key: the gateway's name, read at each reservation (it can be switched). */
    private readonly gatewayName: string | (() => string),
    perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.setRate(perSecond);
  }

  get perSecond(): number {
    return this.rate;
  }

  /** Changed from the admin pages; 0 turns the limit off. */
  setRate(perSecond: number): void {
    this.rate = perSecond;
    this.intervalMs = perSecond > 0 ? 1000 / perSecond : 0;
  }

  private get gateway(): string {
    return typeof this.gatewayName === 'function' ? this.gatewayName() : this.gatewayName;
  }

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  /** Reserves `count` consecutive send slots; returns the start time (ms) of each. */
  async reserve(count: number): Promise<number[]> {
    if (!this.enabled || count === 0) {
      return new Array(count).fill(0);
    }
    const now = this.now();
    const span = count * this.intervalMs;
    let start: number;
    if (isMysqlFamily(this.dataSource)) {
      start = await inTransaction(this.dataSource, async (manager) => {
        await execute(
          manager,
          'INSERT IGNORE INTO sms_rate_limits (gateway, next_slot_ms) VALUES (?, 0)',
          [this.gateway],
        );
        const { records } = await execute(
          manager,
          'SELECT next_slot_ms FROM sms_rate_limits WHERE gateway = ? FOR UPDATE',
          [this.gateway],
        );
        const first = Math.max(Number(records[0].next_slot_ms), now);
        await execute(manager, 'UPDATE sms_rate_limits SET next_slot_ms = ? WHERE gateway = ?', [
          first + span,
          this.gateway,
        ]);
        return first;
      });
    } else {
      // One statement, so it is atomic even between processes sharing the SQLite file.
      const manager = this.dataSource.manager;
      await execute(
        manager,
        'INSERT INTO sms_rate_limits (gateway, next_slot_ms) VALUES (?, 0) ON CONFLICT (gateway) DO NOTHING',
        [this.gateway],
      );
      const { records } = await execute(
        manager,
        'UPDATE sms_rate_limits SET next_slot_ms = MAX(next_slot_ms, ?) + ? WHERE gateway = ? RETURNING next_slot_ms',
        [now, span, this.gateway],
      );
      start = Number(records[0].next_slot_ms) - span;
    }
    return Array.from({ length: count }, (_, i) => start + i * this.intervalMs);
  }
}

export function sleepUntil(timeMs: number, now: () => number = Date.now): Promise<void> {
  const wait = timeMs - now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
