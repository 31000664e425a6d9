/** The providers whose webhooks this module reads (the 'log' gateway has none). */
export const WEBHOOK_PROVIDERS = ['twilio', 'clickatell', 'bulksms', 'http'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export type ReceiptStatus = 'accepted' | 'sent' | 'delivered' | 'undelivered' | 'failed';

/** One delivery receipt, in our vocabulary, with the provider's own words kept alongside. */
export interface DeliveryReceipt {
  providerMessageId: string;
  /**
   * Mapped from the provider's vocabulary. Progress reports that mean nothing more to us (Twilio
   * 'queued', 'sending') map to 'accepted' or 'sent'; statuses that carry no information at all
   * (BulkSMS UNKNOWN, Clickatell UNKNOWN…) produce no receipt. Never 'delivered' on a guess.
   */
  status: ReceiptStatus;
  /** The provider's raw status word(s), e.g. 'undelivered', 'DEVICE_ACK', 'FAILED.BLOCKED'. */
  providerStatus: string;
  /** Provider error code: Twilio ErrorCode '30003', Clickatell status code '23', BulkSMS 'FAILED.EXPIRED'. */
  errorCode: string | null;
  /** Readable reason, e.g. 'Unreachable destination handset (Twilio 30003)'. */
  reason: string | null;
  /** The provider says the recipient opted out (Twilio 21610, BulkSMS FAILED.BLOCKED). */
  optOut: boolean;
  /** When the provider says it happened, if it says so with a time zone. */
  occurredAt: Date | null;
  /**
   * For receipts reported per part. None of Twilio, Clickatell One API or BulkSMS does (they
   * report per message), so these adapters never set it.
   */
  part?: { index: number; count: number };
}

/** One SMS received from a handset. */
export interface InboundMessage {
  providerMessageId: string | null;
  /** E.164 as received; '+' added where the provider omits it (Clickatell, BulkSMS). */
  from: string;
  to: string | null;
  text: string;
  receivedAt: Date | null;
  /** Twilio OptOutType, present when Advanced Opt-Out is on and the whole body is a keyword. */
  providerOptOutType?: 'STOP' | 'START' | 'HELP';
}

/** The parts of an HTTP request the parsers read (express's req fits). */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  query: Record<string, unknown>;
  /** The body as received, when the route kept it; used when `body` was not parsed. */
  rawBody?: string;
}

export interface WebhookAck {
  status: number;
  contentType?: string;
  body?: string;
}

/** Provider-specific reading of delivery receipts and inbound SMS. */
export interface ProviderWebhooks {
  readonly provider: WebhookProvider;
  /** Receipts in the request (BulkSMS posts arrays). Throws WebhookPayloadError (with a clear message) on a body that is not this provider's shape. */
  parseStatus(req: WebhookRequest): DeliveryReceipt[];
  parseInbound(req: WebhookRequest): InboundMessage[];
  /** What the provider expects back (Twilio: 200 with empty TwiML `<Response/>` for inbound, 204/200 for status). */
  ackStatus(): WebhookAck;
  ackInbound(): WebhookAck;
}

/** An entry a parser deliberately left out of its answer, reported so the route can log it. */
export interface IgnoredWebhookEntry {
  provider: WebhookProvider;
  kind: 'status' | 'inbound';
  providerMessageId: string | null;
  /** The provider's status word or event type, when there is one. */
  providerStatus: string | null;
  why: string;
}

export interface ProviderWebhooksOptions {
  /** Called once per entry left out (a status that tells nothing, another channel, a new event type). */
  onIgnored?: (entry: IgnoredWebhookEntry) => void;
}

/**
 * The body is not this provider's webhook: answer 400. Messages name the provider, the callback
 * and the field, but never quote phone numbers or message texts.
 */
export class WebhookPayloadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookPayloadError';
  }
}
