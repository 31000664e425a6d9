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
import type { FormParams } from './webhook-support';
import { formField, quote, readFormBody, reportIgnored } from './webhook-support';

/*
 * Twilio Programmable Messaging webhooks, both form POSTs (application/x-www-form-urlencoded):
 * - status callback (https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks,
 *   https://www.twilio.com/docs/usage/webhooks/messaging-webhooks): MessageSid, MessageStatus,
 *   ErrorCode, To, From, AccountSid, MessagingServiceSid, RawDlrDoneDate… Older callbacks also
 *   carry SmsSid/SmsStatus, read as fallbacks. One message per request.
 * - incoming message (https://www.twilio.com/docs/messaging/guides/webhook-request): MessageSid,
 *   From, To, Body, NumSegments, NumMedia, and OptOutType (STOP/START/HELP) when the number is in
 *   a Messaging Service with Advanced Opt-Out and the whole body is a keyword
 *   (help.twilio.com "How to Track Opt-Out, Opt-In and Help Messages Using the OptOutType Parameter").
 * Status values: the Message resource's status enum (twilio-oai MessageEnumStatus).
 */

type StatusRule = { status: ReceiptStatus; reason?: string } | { ignore: string };

/** Twilio MessageStatus → ours. Exported for the documentation and the tests. */
export const TWILIO_STATUS_MAP: Readonly<Record<string, StatusRule>> = {
  accepted: { status: 'accepted' }, // a Messaging Service took it
  scheduled: { status: 'accepted' },
  queued: { status: 'accepted' },
  sending: { status: 'sent' },
  sent: { status: 'sent' }, // handed to the carrier; final where the carrier sends no DLR
  // Some parts confirmed, not all: not a delivery, not a failure either.
  partially_delivered: { status: 'sent', reason: 'Only some parts were confirmed delivered' },
  delivered: { status: 'delivered' },
  read: { status: 'delivered' }, // read receipts (RCS/WhatsApp) imply delivery
  undelivered: { status: 'undelivered' },
  failed: { status: 'failed' },
  canceled: { status: 'failed', reason: 'Canceled before it was sent' },
  receiving: { ignore: 'an inbound-message status: says nothing about an outbound message' },
  received: { ignore: 'an inbound-message status: says nothing about an outbound message' },
};

/**
 * Common ErrorCode values in message status callbacks (https://www.twilio.com/docs/api/errors,
 * one page per code). Codes not listed read 'Twilio error <code>' or Twilio's ErrorMessage.
 */
export const TWILIO_ERROR_REASONS: Readonly<Record<string, string>> = {
  '21211': "Invalid 'To' phone number",
  '21408': 'Sending to this region is not enabled on the account',
  '21610': 'Recipient has opted out (replied STOP)',
  '21612': "The 'To' number is not reachable by SMS",
  '21614': "The 'To' number is not a mobile number",
  '30001': 'Queue overflow',
  '30002': 'Account suspended',
  '30003': 'Unreachable destination handset',
  '30004': 'Message blocked',
  '30005': 'Unknown destination handset',
  '30006': 'Landline or unreachable carrier',
  '30007': 'Message filtered by the carrier',
  '30008': 'Unknown error',
  '30009': 'Missing segment',
  '30010': 'Message price exceeds max price',
  '30022': 'US A2P 10DLC rate limit exceeded',
  '30023': 'US A2P 10DLC daily message cap reached',
  '30032': 'Toll-free number has not been verified',
  '30034': 'US A2P 10DLC: message from an unregistered number',
  '30036': 'Validity period expired',
};

// "Attempt to send to unsubscribed recipient": the recipient replied STOP to this sender.
const OPTED_OUT = '21610';

const OPT_OUT_TYPES = new Set(['STOP', 'START', 'HELP']);

const STATUS = 'twilio status callback';
const INBOUND = 'twilio incoming message webhook';

// Twilio accepts an empty <Response/>: nothing is sent back to the handset.
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export class TwilioWebhooks implements ProviderWebhooks {
  readonly provider = 'twilio' as const;

  constructor(private readonly options: ProviderWebhooksOptions = {}) {}

  parseStatus(req: WebhookRequest): DeliveryReceipt[] {
    const params = readFormBody(req, STATUS);
    const messageSid = field(params, 'MessageSid', STATUS) ?? field(params, 'SmsSid', STATUS);
    const rawStatus = field(params, 'MessageStatus', STATUS) ?? field(params, 'SmsStatus', STATUS);
    if (!messageSid || !rawStatus) {
      throw new WebhookPayloadError(
        `${STATUS}: expected form fields MessageSid and MessageStatus, got ${describeKeys(params)}`,
      );
    }
    const rule = TWILIO_STATUS_MAP[rawStatus.toLowerCase()];
    if (rule === undefined || 'ignore' in rule) {
      reportIgnored(this.options, {
        provider: this.provider,
        kind: 'status',
        providerMessageId: messageSid,
        providerStatus: rawStatus,
        why: rule ? rule.ignore : `unknown MessageStatus ${quote(rawStatus)}`,
      });
      return [];
    }
    const errorCode = normalizeErrorCode(field(params, 'ErrorCode', STATUS));
    return [
      {
        providerMessageId: messageSid,
        status: rule.status,
        providerStatus: rawStatus,
        errorCode,
        reason: reasonFor(rawStatus, rule.reason, errorCode, field(params, 'ErrorMessage', STATUS)),
        optOut: errorCode === OPTED_OUT,
        // RawDlrDoneDate (YYMMDDhhmm) has no time zone, and Twilio says the carriers' offsets
        // vary: it is not an instant (changelog "Addition of RawDlrDoneDate…", 2023-02-14).
        occurredAt: null,
      },
    ];
  }

  parseInbound(req: WebhookRequest): InboundMessage[] {
    const params = readFormBody(req, INBOUND);
    const from = field(params, 'From', INBOUND);
    const body = formField(params, 'Body', INBOUND);
    if (!from || body === undefined) {
      throw new WebhookPayloadError(
        `${INBOUND}: expected form fields From and Body, got ${describeKeys(params)}`,
      );
    }
    const optOutType = field(params, 'OptOutType', INBOUND)?.toUpperCase();
    const message: InboundMessage = {
      providerMessageId:
        field(params, 'MessageSid', INBOUND) ?? field(params, 'SmsSid', INBOUND) ?? null,
      // Twilio sends E.164 with the '+' (or a channel prefix such as 'whatsapp:'): kept as is.
      from,
      to: field(params, 'To', INBOUND) ?? null,
      text: body,
      // Twilio's incoming-message request carries no timestamp.
      receivedAt: null,
    };
    if (optOutType !== undefined && OPT_OUT_TYPES.has(optOutType)) {
      message.providerOptOutType = optOutType as 'STOP' | 'START' | 'HELP';
    }
    return [message];
  }

  ackStatus(): WebhookAck {
    return { status: 204 };
  }

  ackInbound(): WebhookAck {
    return { status: 200, contentType: 'text/xml', body: EMPTY_TWIML };
  }
}

function field(params: FormParams, key: string, where: string): string | undefined {
  const value = formField(params, key, where)?.trim();
  return value === '' ? undefined : value;
}

function normalizeErrorCode(raw: string | undefined): string | null {
  // Some callbacks carry ErrorCode=0 or an empty value for "no error".
  return raw === undefined || raw === '0' ? null : raw;
}

function reasonFor(
  rawStatus: string,
  statusReason: string | undefined,
  errorCode: string | null,
  errorMessage: string | undefined,
): string | null {
  if (errorCode !== null) {
    const text = TWILIO_ERROR_REASONS[errorCode] ?? errorMessage ?? 'Twilio error';
    return `${text} (Twilio ${errorCode})`;
  }
  return statusReason ? `${statusReason} (Twilio status ${rawStatus})` : null;
}

function describeKeys(params: FormParams): string {
  const keys = Object.keys(params);
  return keys.length === 0 ? 'no fields' : `fields ${keys.slice(0, 12).join(', ')}`;
}
