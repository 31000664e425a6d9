import type {
  DeliveryReceipt,
  InboundMessage,
  ProviderWebhooks,
  ProviderWebhooksOptions,
  ReceiptStatus,
  WebhookAck,
  WebhookRequest,
} from './types';
import { WebhookPayloadError } from './types';
import {
  headerValue,
  isRecord,
  normalizeMsisdn,
  parseInstant,
  quote,
  readJsonBody,
  reportIgnored,
  requiredText,
  shapeOf,
  textField,
} from './webhook-support';

/*
 * BulkSMS webhooks (https://www.bulksms.com/developer/webhooks/): a JSON POST whose body is "a
 * JSON array of message objects. The structure is the same as the output from the List Messages
 * API call"; header X-BulkSMS-Event is 'status-report' (triggerScope SENT) or 'incoming-message'
 * (triggerScope RECEIVED). Webhooks are unsigned: the route checks a secret token in the URL.
 *
 * Message (BulkSMS JSON REST API v1 OpenAPI, as mirrored by APIs-guru/openapi-directory
 * APIs/bulksms.com/1.0.0/openapi.yaml): {id, type: SENT|RECEIVED, from, to, body, encoding,
 * numberOfParts, submission: {id, date}, status: {id: 'TYPE.SUBTYPE', type, subtype},
 * relatedSentMessageId, userSuppliedId}; PhoneNumber example "44123456789" (no '+').
 *   status.type: ACCEPTED, SCHEDULED, SENT ("relayed away from our systems"), DELIVERED,
 *   UNKNOWN ("in an unknown state"), FAILED; status.subtype (FAILED only): EXPIRED,
 *   HANDSET_ERROR, BLOCKED ("recipient replied STOP to block communication"), NOT_SENT.
 *   submission.date: "If the type is RECEIVED, this field reflects the date and time the
 *   received message was processed."
 * The webhook guide's own sample nests addresses and body ({from: {address}, body: {value}}) and
 * reports status as {condition, date, cause, final}; both spellings are read.
 * Status is per message, not per part (numberOfParts is only a count).
 */

type StatusRule = { status: ReceiptStatus; reason?: string } | { ignore: string };

/** BulkSMS status.type (and FAILED subtypes) → ours. Exported for the documentation and the tests. */
export const BULKSMS_STATUS_MAP: Readonly<Record<string, StatusRule>> = {
  ACCEPTED: { status: 'accepted' },
  SCHEDULED: { status: 'accepted' },
  SENT: { status: 'sent' },
  DELIVERED: { status: 'delivered' },
  UNKNOWN: { ignore: 'status UNKNOWN carries no information' },
  FAILED: { status: 'failed', reason: 'Delivery failed' },
  'FAILED.EXPIRED': { status: 'undelivered', reason: 'Expired before delivery was possible' },
  'FAILED.HANDSET_ERROR': {
    status: 'undelivered',
    reason: 'Problem with the handset (e.g. message storage full)',
  },
  'FAILED.BLOCKED': {
    status: 'failed',
    reason: 'Recipient blocked this account (e.g. replied STOP)',
  },
  'FAILED.NOT_SENT': {
    status: 'failed',
    reason: 'Delivery not attempted (e.g. no route to the number)',
  },
};

const BLOCKED = 'FAILED.BLOCKED';

const STATUS = 'bulksms status webhook';
const INBOUND = 'bulksms incoming-message webhook';

type Direction = 'SENT' | 'RECEIVED';

export class BulkSmsWebhooks implements ProviderWebhooks {
  readonly provider = 'bulksms' as const;

  constructor(private readonly options: ProviderWebhooksOptions = {}) {}

  parseStatus(req: WebhookRequest): DeliveryReceipt[] {
    const items = messageList(req, STATUS, 'SENT');
    return items.flatMap((item, index) => this.receipt(item, `${STATUS} [${index}]`));
  }

  parseInbound(req: WebhookRequest): InboundMessage[] {
    const items = messageList(req, INBOUND, 'RECEIVED');
    return items.map((item, index) => inbound(item, `${INBOUND} [${index}]`));
  }

  ackStatus(): WebhookAck {
    return { status: 200 };
  }

  ackInbound(): WebhookAck {
    return { status: 200 };
  }

  private receipt(item: Record<string, unknown>, where: string): DeliveryReceipt[] {
    const id = requiredText(item, 'id', where);
    const status = readStatus(item.status, where);
    const mapped = BULKSMS_STATUS_MAP[status.key] ?? BULKSMS_STATUS_MAP[status.type];
    if (mapped === undefined || 'ignore' in mapped) {
      reportIgnored(this.options, {
        provider: this.provider,
        kind: 'status',
        providerMessageId: id,
        providerStatus: status.raw,
        why: mapped ? mapped.ignore : `unknown status ${quote(status.raw)}`,
      });
      return [];
    }
    const failed = status.type === 'FAILED';
    return [
      {
        providerMessageId: id,
        status: mapped.status,
        providerStatus: status.raw,
        errorCode: failed ? status.key : null,
        reason: failed
          ? `${status.cause ?? mapped.reason ?? 'Delivery failed'} (BulkSMS ${status.key})`
          : null,
        optOut: status.key === BLOCKED,
        // The Message resource dates the submission, not the status; only the newer
        // {condition, date} status carries a status date.
        occurredAt: parseInstant(status.date),
      },
    ];
  }
}

interface BulkSmsStatus {
  /** As received: status.id ('FAILED.BLOCKED', 'SENT.null') or the condition. */
  raw: string;
  type: string;
  /** 'TYPE' or 'TYPE.SUBTYPE' */
  key: string;
  cause?: string;
  date?: unknown;
}

function readStatus(value: unknown, where: string): BulkSmsStatus {
  if (!isRecord(value)) {
    throw new WebhookPayloadError(`${where}: status is ${shapeOf(value)}, expected an object`);
  }
  const id = textField(value, 'id', `${where} status`);
  const [idType, idSubtype] = id ? id.split('.', 2) : [];
  const type = (
    textField(value, 'type', `${where} status`) ??
    idType ??
    textField(value, 'condition', `${where} status`)
  )?.toUpperCase();
  if (!type) {
    throw new WebhookPayloadError(
      `${where}: status has no id, type or condition (got ${shapeOf(value)})`,
    );
  }
  const subtypeRaw = textField(value, 'subtype', `${where} status`) ?? idSubtype;
  const subtype =
    subtypeRaw && subtypeRaw.toLowerCase() !== 'null' ? subtypeRaw.toUpperCase() : undefined;
  return {
    raw: id ?? (subtype ? `${type}.${subtype}` : type),
    type,
    key: subtype ? `${type}.${subtype}` : type,
    cause: textField(value, 'cause', `${where} status`),
    date: value.date,
  };
}

/**
 * The array BulkSMS posts, each entry checked to be a message going the expected way. A RECEIVED
 * message on the status URL (or the reverse) means the webhook's triggerScope points at the wrong
 * route, and silently dropping it would lose replies such as STOP: it is refused instead.
 */
function messageList(
  req: WebhookRequest,
  where: string,
  expected: Direction,
): Record<string, unknown>[] {
  const body = readJsonBody(req, where);
  if (!Array.isArray(body)) {
    throw new WebhookPayloadError(
      `${where}: expected a JSON array of message objects, got ${shapeOf(body)}`,
    );
  }
  const event = headerValue(req, 'x-bulksms-event')?.trim().toLowerCase();
  const fromHeader: Direction | undefined =
    event === 'status-report' ? 'SENT' : event === 'incoming-message' ? 'RECEIVED' : undefined;
  return body.map((item, index) => {
    const at = `${where} [${index}]`;
    if (!isRecord(item)) {
      throw new WebhookPayloadError(`${at}: expected a message object, got ${shapeOf(item)}`);
    }
    const type = textField(item, 'type', at)?.toUpperCase() ?? fromHeader;
    if (type !== undefined && type !== expected) {
      const scope = expected === 'SENT' ? 'SENT' : 'RECEIVED';
      const path = expected === 'SENT' ? '/webhooks/bulksms/inbound' : '/webhooks/bulksms/status';
      throw new WebhookPayloadError(
        `${at}: message type ${quote(type)} does not belong here; this URL takes triggerScope ` +
          `${scope} webhooks, send the other scope to ${path}`,
      );
    }
    return item;
  });
}

function inbound(item: Record<string, unknown>, where: string): InboundMessage {
  const to = address(item.to, 'to', where);
  const submission = isRecord(item.submission) ? item.submission : {};
  return {
    providerMessageId: textField(item, 'id', where) ?? null,
    from: normalizeMsisdn(address(item.from, 'from', where) ?? missing('from', item, where)),
    to: to === undefined ? null : normalizeMsisdn(to),
    text: bodyText(item.body, where),
    receivedAt: parseInstant(submission.date),
  };
}

/** 'from'/'to' are strings in the Message resource, {type, address} in the webhook guide. */
function address(value: unknown, key: string, where: string): string | undefined {
  if (isRecord(value)) {
    return textField(value, 'address', `${where} ${key}`);
  }
  return textField({ [key]: value }, key, where);
}

function bodyText(value: unknown, where: string): string {
  if (typeof value === 'string') {
    return value;
  }
  if (isRecord(value) && typeof value.value === 'string') {
    return value.value;
  }
  throw new WebhookPayloadError(`${where}: body is ${shapeOf(value)}, expected text`);
}

function missing(key: string, item: Record<string, unknown>, where: string): never {
  throw new WebhookPayloadError(`${where}: ${key} is missing (got ${shapeOf(item)})`);
}
