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
 * Clickatell callbacks, JSON POSTs. Two shapes exist and both are read:
 *
 * One API (what ClickatellGateway sends through, platform.clickatell.com/v1/message):
 *   {integrationId, integrationName, event: {messageStatusUpdate: [{channel, messageId,
 *   clientMessageId, status, statusCode, timestamp}]}} and, for replies,
 *   {integrationId, integrationName, event: {moText: [{channel, messageId, relatedMessageId,
 *   relatedClientMessageId, from, to, timestamp, content, charset}]}}
 *   (clickatell.com/developers/api-documentation/one-api-received-message-callback/,
 *   help.clickatell.com/developers-api-reference/reference/one-api-client-callbacks: "Timestamps
 *   are millisecond unit timestamps", "for now batch sizes are always 1", new event types and
 *   fields must not break the receiver, any 2xx acknowledges, anything else is retried).
 *   Status words and codes: "One API: Message status codes and descriptions"
 *   (clickatell.com/developers/api-documentation/one-api-message-status-codes-descriptions/,
 *   docs.clickatell.com/channels/one-api/one-api-message-status-table/).
 *
 * REST/HTTP API (older integrations): flat objects.
 *   status: {integrationName, messageId, requestId, clientMessageId, to, from, statusCode,
 *   status, statusDescription, timestamp} (clickatell.com/developers/api-documentation/rest-api-status-callback/,
 *   help.clickatell.com/developers-api-reference/sms-client-callbacks.md);
 *   reply: {integrationName, messageId (the ORIGINAL message), replyMessageId, fromNumber,
 *   toNumber, timestamp, text, charset, udh, network, keyword}
 *   (clickatell.com/developers/api-documentation/http-api-reply-callback/).
 *
 * Statuses are mapped by word, never by number: the numbers differ between the two APIs (4 is
 * SENT_TO_SUPPLIER in the One API but "received by recipient" in the old one; 26 is VOLUME_LIMIT
 * in a One API status callback, while "26 recipient opted out" is a send-time error that
 * ClickatellGateway already reports as GatewayError.optOut). No documented callback status means
 * "opted out", so Clickatell receipts never set optOut.
 * Numbers arrive without '+' ('2799900001') and are normalised to E.164.
 */

type StatusRule = { status: ReceiptStatus; reason: string } | { ignore: string };

const rule = (status: ReceiptStatus, reason: string): StatusRule => ({ status, reason });

/** Clickatell status word → ours. Exported for the documentation and the tests. */
export const CLICKATELL_STATUS_MAP: Readonly<Record<string, StatusRule>> = {
  // One API (code: word)
  UNKNOWN: { ignore: 'status 1 UNKNOWN carries no information' },
  QUEUED: rule('accepted', 'Queued'), // 2
  SCHEDULED: rule('accepted', 'Scheduled for later delivery'), // 3
  SENT_TO_SUPPLIER: rule('sent', 'Sent to supplier'), // 4
  DEVICE_ACK: rule('delivered', 'Device acknowledged delivery'), // 5
  READ: rule('delivered', 'Read receipt'), // 6
  EXPIRED: rule('undelivered', 'Message has expired'), // 20
  STOPPED_BY_USER: rule('failed', 'Message stopped by user'), // 21
  STOPPED_BY_ADMIN: rule('failed', 'Message stopped by admin'), // 22
  DELIVERY_FAILURE: rule('undelivered', 'Error delivering message'), // 23
  // Sandbox integrations emulate sending: nothing reached a handset.
  EMULATED: rule('failed', 'Emulated (sandbox integration): not sent to the handset'), // 24
  INSUFFICIENT_ACCOUNT_BALANCE: rule('failed', 'Insufficient account balance'), // 25
  VOLUME_LIMIT: rule('failed', 'Volume limit exceeded'), // 26
  VOLUME_LIMIT_DAILY: rule('failed', 'Daily volume limit exceeded'), // 27
  VOLUME_LIMIT_MONTHLY: rule('failed', 'Monthly volume limit exceeded'), // 28
  RECIPIENT_DOES_NOT_EXIST: rule('failed', 'Recipient does not exist on channel'), // 29
  ROUTING_ERROR: rule('failed', 'Routing error'), // 100
  // REST API words (clickatell-node README's callback example lists both)
  DELIVERED_TO_GATEWAY: rule('sent', 'Delivered to gateway'),
  RECEIVED_BY_RECIPIENT: rule('delivered', 'Received by recipient'),
};

// One API status families that only concern encryption, media and WhatsApp (60–61, 80–85, 130+):
// none can be a success, so they are failures; their words vary and are kept as the reason.
const FAILURE_PREFIXES = ['ENCRYPTION_', 'MEDIA_', 'WHATSAPP_'];

const STATUS = 'clickatell status callback';
const INBOUND = 'clickatell reply callback';

export class ClickatellWebhooks implements ProviderWebhooks {
  readonly provider = 'clickatell' as const;

  constructor(private readonly options: ProviderWebhooksOptions = {}) {}

  parseStatus(req: WebhookRequest): DeliveryReceipt[] {
    const body = readJsonBody(req, STATUS);
    if (!isRecord(body)) {
      throw new WebhookPayloadError(`${STATUS}: expected a JSON object, got ${shapeOf(body)}`);
    }
    if (isRecord(body.event)) {
      const updates = eventList(body.event, 'messageStatusUpdate', STATUS);
      if (updates === undefined) {
        this.checkNotMisrouted(body.event, ['moText', 'moMedia'], STATUS, 'reply');
        this.ignoreEvents(body.event, 'status');
        return [];
      }
      return updates.flatMap((update, index) =>
        this.receipt(update, `${STATUS} event.messageStatusUpdate[${index}]`),
      );
    }
    if ('messageId' in body || 'apiMessageId' in body || 'status' in body) {
      return this.receipt(body, STATUS);
    }
    if ('fromNumber' in body || 'replyMessageId' in body) {
      throw misrouted(STATUS, 'reply');
    }
    throw new WebhookPayloadError(
      `${STATUS}: expected a One API callback {event: {messageStatusUpdate: [...]}} or a REST ` +
        `status callback {messageId, status, statusCode}, got ${shapeOf(body)}`,
    );
  }

  parseInbound(req: WebhookRequest): InboundMessage[] {
    const body = readJsonBody(req, INBOUND);
    if (!isRecord(body)) {
      throw new WebhookPayloadError(`${INBOUND}: expected a JSON object, got ${shapeOf(body)}`);
    }
    if (isRecord(body.event)) {
      const texts = eventList(body.event, 'moText', INBOUND);
      if (texts === undefined) {
        this.checkNotMisrouted(body.event, ['messageStatusUpdate'], INBOUND, 'status');
        this.ignoreEvents(body.event, 'inbound');
        return [];
      }
      return texts.flatMap((item, index) =>
        this.oneApiInbound(item, `${INBOUND} event.moText[${index}]`),
      );
    }
    if ('fromNumber' in body) {
      return [restInbound(body)];
    }
    if ('statusCode' in body || 'statusDescription' in body) {
      throw misrouted(INBOUND, 'status');
    }
    throw new WebhookPayloadError(
      `${INBOUND}: expected a One API callback {event: {moText: [...]}} or a REST reply ` +
        `callback {replyMessageId, fromNumber, toNumber, text}, got ${shapeOf(body)}`,
    );
  }

  ackStatus(): WebhookAck {
    return { status: 200 };
  }

  ackInbound(): WebhookAck {
    return { status: 200 };
  }

  private receipt(item: unknown, where: string): DeliveryReceipt[] {
    if (!isRecord(item)) {
      throw new WebhookPayloadError(`${where}: expected an object, got ${shapeOf(item)}`);
    }
    const messageId =
      textField(item, 'messageId', where) ?? textField(item, 'apiMessageId', where) ?? undefined;
    if (messageId === undefined) {
      throw new WebhookPayloadError(`${where}: messageId is missing (got ${shapeOf(item)})`);
    }
    const rawStatus = requiredText(item, 'status', where);
    if (!this.isSms(item, where, messageId, 'status')) {
      return [];
    }
    const word = rawStatus.toUpperCase();
    const mapped = CLICKATELL_STATUS_MAP[word] ?? familyRule(word);
    if (mapped === undefined || 'ignore' in mapped) {
      reportIgnored(this.options, {
        provider: this.provider,
        kind: 'status',
        providerMessageId: messageId,
        providerStatus: rawStatus,
        why: mapped ? mapped.ignore : `unknown status ${quote(rawStatus)}`,
      });
      return [];
    }
    const code = textField(item, 'statusCode', where);
    const failed = mapped.status === 'failed' || mapped.status === 'undelivered';
    const description = textField(item, 'statusDescription', where) ?? mapped.reason;
    return [
      {
        providerMessageId: messageId,
        status: mapped.status,
        providerStatus: rawStatus,
        // A status code is an error code only when the status is a failure.
        errorCode: failed ? (code ?? null) : null,
        reason: failed ? `${description} (Clickatell ${word}${code ? ` ${code}` : ''})` : null,
        optOut: false,
        occurredAt: parseInstant(item.timestamp),
      },
    ];
  }

  private oneApiInbound(item: unknown, where: string): InboundMessage[] {
    if (!isRecord(item)) {
      throw new WebhookPayloadError(`${where}: expected an object, got ${shapeOf(item)}`);
    }
    const messageId = textField(item, 'messageId', where) ?? null;
    if (!this.isSms(item, where, messageId, 'inbound')) {
      return [];
    }
    const content = item.content;
    if (typeof content !== 'string') {
      throw new WebhookPayloadError(`${where}: content is ${shapeOf(content)}, expected text`);
    }
    const to = textField(item, 'to', where);
    return [
      {
        providerMessageId: messageId,
        from: normalizeMsisdn(requiredText(item, 'from', where)),
        to: to === undefined ? null : normalizeMsisdn(to),
        text: content,
        receivedAt: parseInstant(item.timestamp),
      },
    ];
  }

  /** Events carry a channel; WhatsApp traffic on a shared integration is not ours to read. */
  private isSms(
    item: Record<string, unknown>,
    where: string,
    messageId: string | null,
    kind: 'status' | 'inbound',
  ): boolean {
    const channel = textField(item, 'channel', where);
    if (channel === undefined || channel.toLowerCase() === 'sms') {
      return true;
    }
    reportIgnored(this.options, {
      provider: this.provider,
      kind,
      providerMessageId: messageId,
      providerStatus: typeof item.status === 'string' ? item.status : null,
      why: `channel ${quote(channel)} is not SMS`,
    });
    return false;
  }

  /** A reply posted to the status URL (or the reverse) would be lost: refuse it loudly. */
  private checkNotMisrouted(
    event: Record<string, unknown>,
    keys: string[],
    where: string,
    belongsTo: 'reply' | 'status',
  ): void {
    if (keys.some((key) => key in event)) {
      throw misrouted(where, belongsTo);
    }
  }

  /** Event types added after this code was written: acknowledged, not read (Clickatell's rule). */
  private ignoreEvents(event: Record<string, unknown>, kind: 'status' | 'inbound'): void {
    for (const type of Object.keys(event)) {
      reportIgnored(this.options, {
        provider: this.provider,
        kind,
        providerMessageId: null,
        providerStatus: type,
        why: `event type ${quote(type)} is not read`,
      });
    }
  }
}

function familyRule(word: string): StatusRule | undefined {
  return FAILURE_PREFIXES.some((prefix) => word.startsWith(prefix))
    ? rule('failed', word.toLowerCase().replace(/_/g, ' '))
    : undefined;
}

function eventList(
  event: Record<string, unknown>,
  key: string,
  where: string,
): unknown[] | undefined {
  const value = event[key];
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value)) {
    throw new WebhookPayloadError(`${where}: event.${key} is ${shapeOf(value)}, expected a list`);
  }
  return value;
}

function restInbound(body: Record<string, unknown>): InboundMessage {
  const text = body.text;
  if (typeof text !== 'string') {
    throw new WebhookPayloadError(`${INBOUND}: text is ${shapeOf(text)}, expected text`);
  }
  const to = textField(body, 'toNumber', INBOUND);
  return {
    // messageId is the id of OUR message this is a reply to; the reply's own id is replyMessageId.
    providerMessageId: textField(body, 'replyMessageId', INBOUND) ?? null,
    from: normalizeMsisdn(requiredText(body, 'fromNumber', INBOUND)),
    to: to === undefined ? null : normalizeMsisdn(to),
    text,
    receivedAt: parseInstant(body.timestamp),
  };
}

function misrouted(where: string, belongsTo: 'reply' | 'status'): WebhookPayloadError {
  const path =
    belongsTo === 'reply' ? '/webhooks/clickatell/inbound' : '/webhooks/clickatell/status';
  return new WebhookPayloadError(
    `${where}: this is a ${belongsTo} callback; configure Clickatell to send ${belongsTo} ` +
      `callbacks to ${path}`,
  );
}
