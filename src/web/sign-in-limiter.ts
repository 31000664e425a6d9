/**
 * Sign-in attempts per client address and per email, in a sliding window: enough to stop
 * password guessing from one place, per process (several web processes each keep their own).
 */
export class SignInLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly maxAttempts = 10,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds to wait before the next attempt is allowed, 0 when allowed now. */
  retryAfterMs(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const recent = (this.attempts.get(key) ?? []).filter((t) => now - t < this.windowMs);
      this.attempts.set(key, recent);
      if (recent.length >= this.maxAttempts) {
        wait = Math.max(wait, recent[0] + this.windowMs - now);
      }
    }
    return wait;
  }

  recordFailure(keys: string[]): void {
    const now = this.now();
    for (const key of keys) {
      const list = this.attempts.get(key) ?? [];
      list.push(now);
      this.attempts.set(key, list);
    }
  }

  reset(keys: string[]): void {
    keys.forEach((key) => this.attempts.delete(key));
  }
}
