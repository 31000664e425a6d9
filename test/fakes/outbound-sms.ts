import { randomBytes } from 'node:crypto';
import { countSegments } from '../../src/domain/sms-segments';
import type { OutboundSms } from '../../src/gateways/sms-gateway';

/** An OutboundSms as the scheduler would hand it over: fresh ids, segments counted from the body. */
export function outboundSms(overrides: Partial<OutboundSms> = {}): OutboundSms {
  const body = overrides.body ?? 'Hello from the CRM';
  const count = countSegments(body);
  return {
    messageId: randomBytes(8).toString('hex'),
    to: '+33612345678',
    body,
    encoding: count.encoding,
    segments: Math.max(1, count.segments),
    idempotencyKey: randomBytes(10).toString('hex'),
    ...overrides,
  };
}
