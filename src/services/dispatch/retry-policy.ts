/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of
 * many messages after one outage spread out instead of hammering the gateway together. A
 * provider's Retry-After wins when it asks for longer.
 */
export function retryDelayMs(
  attempt: number,
  policy: { retryBaseMs: number; retryMaxMs: number },
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(
    policy.retryMaxMs,
    policy.retryBaseMs * 2 ** Math.max(0, attempt - 1),
  );
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
