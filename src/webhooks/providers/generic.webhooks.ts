import type {
  DeliveryReceipt,
  InboundMessage,
  ProviderWebhooks,
  ReceiptStatus,
  WebhookAck,
  WebhookRequest,
} from './types';
import { WebhookPayloadError } from './types';
import {
  isRecord,
  normalizeMsisdn,
  parseInstant,
  quote,
  readJsonBody,
  requiredText,
  shapeOf,
  textField,
} from './webhook-support';

/**
 * Webhooks for the generic HTTP gateway. There is no provider format to follow, so this is ours,
 * documented for whoever points a provider (or a small relay) at the module. JSON bodies, one
 * object or an array of them; unknown fields are ignored.
 *
 * POST /webhooks/http/status
 * ```json
 * { "message_id": "abc-123", "status": "undelivered", "error_code": "EXPIRED",
 *   "reason": "Handset off for 48 h", "opt_out": false, "occurred_at": "2026-01-31T10:00:00Z" }
 * ```
 * - message_id (required): the id the gateway returned when sending (its messageIdPath), or our
 *   own message id when no messageIdPath is configured.
 * - status (required): accepted | sent | delivered | undelivered | failed (case-insensitive).
 *   Anything else is refused with HTTP 400: this vocabulary is ours, so an unknown word is a
 *   mistake to fix, not a provider novelty to tolerate.
 * - error_code, reason (optional): text (numbers accepted). opt_out (optional): true when the
 *   provider says the recipient opted out. occurred_at (optional): ISO 8601 with a zone, or epoch
 *   seconds / milliseconds.
 *
 * POST /webhooks/http/inbound
 * ```json
 * { "from": "+33612345678", "to": "+33700000000", "text": "STOP", "message_id": "mo-1",
 *   "received_at": "2026-01-31T10:00:00Z" }
 * ```
 * - from, to, text (required); message_id, received_at (optional). Numbers should be E.164;
 *   international numbers sent without the '+' get one.
 *
 * Both answer 204 No Content.
 */

const RECEIPT_STATUSES: readonly ReceiptStatus[] = [
  'accepted',
  'sent',
  'delivered',
  'undelivered',
  'failed',
];

const STATUS = 'http status webhook';
const INBOUND = 'http inbound webhook';

export class GenericHttpWebhooks implements ProviderWebhooks {
  readonly provider = 'http' as const;

  parseStatus(req: WebhookRequest): DeliveryReceipt[] {
    return objects(req, STATUS).map(({ item, where }) => receipt(item, where));
  }

  parseInbound(req: WebhookRequest): InboundMessage[] {
    return objects(req, INBOUND).map(({ item, where }) => inbound(item, where));
  }

  ackStatus(): WebhookAck {
    return { status: 204 };
  }

  ackInbound(): WebhookAck {
    return { status: 204 };
  }
}

function objects(
  req: WebhookRequest,
  where: string,
): { item: Record<string, unknown>; where: string }[] {
  const body = readJsonBody(req, where);
  const list = Array.isArray(body) ? body : [body];
  return list.map((item, index) => {
    const at = Array.isArray(body) ? `${where} [${index}]` : where;
    if (!isRecord(item)) {
      throw new WebhookPayloadError(`${at}: expected a JSON object, got ${shapeOf(item)}`);
    }
    return { item, where: at };
  });
}

function receipt(item: Record<string, unknown>, where: string): DeliveryReceipt {
  const providerMessageId = requiredText(item, 'message_id', where);
  const rawStatus = requiredText(item, 'status', where);
  const status = RECEIPT_STATUSES.find((s) => s === rawStatus.toLowerCase());
  if (status === undefined) {
    throw new WebhookPayloadError(
      `${where}: status ${quote(rawStatus)} is not one of ${RECEIPT_STATUSES.join(', ')}`,
    );
  }
  const optOut = item.opt_out;
  if (optOut !== undefined && optOut !== null && typeof optOut !== 'boolean') {
    throw new WebhookPayloadError(
      `${where}: opt_out is ${shapeOf(optOut)}, expected true or false`,
    );
  }
  return {
    providerMessageId,
    status,
    providerStatus: rawStatus,
    errorCode: textField(item, 'error_code', where) ?? null,
    reason: textField(item, 'reason', where) ?? null,
    optOut: optOut === true,
    occurredAt: instant(item, 'occurred_at', where),
  };
}

function inbound(item: Record<string, unknown>, where: string): InboundMessage {
  const text = item.text;
  if (typeof text !== 'string') {
    throw new WebhookPayloadError(`${where}: text is ${shapeOf(text)}, expected text`);
  }
  return {
    providerMessageId: textField(item, 'message_id', where) ?? null,
    from: normalizeMsisdn(requiredText(item, 'from', where)),
    to: normalizeMsisdn(requiredText(item, 'to', where)),
    text,
    receivedAt: instant(item, 'received_at', where),
  };
}

/** Optional, but when given it must be an instant: a time we cannot place is refused. */
function instant(item: Record<string, unknown>, key: string, where: string): Date | null {
  const value = item[key];
  if (value === undefined || value === null || value === '') {
    return null;
  }
  const date = parseInstant(value);
  if (date === null) {
    throw new WebhookPayloadError(
      `${where}: ${key} ${quote(value)} is not ISO 8601 with a time zone or epoch seconds/milliseconds`,
    );
  }
  return date;
}
