/** One SMS handed to a gateway. */
export interface OutboundSms {
  /** Our message id (used by gateways that accept a client reference). */
  messageId: string;
  /** E.164 destination, e.g. +33612345678. */
  to: string;
  body: string;
  /** 'GSM-7' or 'UCS-2', as counted by src/domain/sms-segments.ts. */
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /**
   * Stable across retries of the same message (≤ 20 characters, [A-Za-z0-9]). Gateways that
   * support it (BulkSMS userSuppliedId / deduplication-id) use it so a retry cannot send twice.
   */
  idempotencyKey: string;
  /** Where the provider should post delivery receipts, when configured (PUBLIC_URL). */
  statusCallbackUrl?: string;
}

/** What the provider answered when it accepted the message. */
export interface SendResult {
  providerMessageId: string;
  /** The provider's own status word, e.g. Twilio 'queued', BulkSMS 'ACCEPTED'. */
  providerStatus?: string;
  /** Segments the provider billed, when it says so. */
  segments?: number;
}

/**
 * How a failed send must be treated:
 * - permanent: the provider refused the message for good (invalid number, opted out, bad
 *   credentials, bad request); retrying cannot help.
 * - transient: the provider did not take the message (connection refused, 429, 5xx,
 *   Clickatell 19/43); retry later, after `retryAfterMs` when the provider said so.
 * - unknown: the request may have reached the provider but no answer came back (timeout,
 *   connection reset after sending); resending blindly could send twice.
 */
export type GatewayErrorKind = 'permanent' | 'transient' | 'unknown';

export class GatewayError extends Error {
  constructor(
    readonly kind: GatewayErrorKind,
    /** The provider's error code (e.g. '21211', '26', 'FAILED.BLOCKED') or ours ('ECONNREFUSED', 'http_503'). */
    readonly code: string,
    message: string,
    readonly options: {
      retryAfterMs?: number;
      httpStatus?: number;
      optOut?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
  }

  get retryAfterMs(): number | undefined {
    return this.options.retryAfterMs;
  }

  /** True when the provider says the recipient opted out (Twilio 21610, Clickatell 26, BulkSMS BLOCKED). */
  get optOut(): boolean {
    return this.options.optOut === true;
  }
}

/** One SMS provider behind one interface. Implementations never log or return credentials. */
export interface SmsGateway {
  /** 'log', 'twilio', 'clickatell', 'bulksms' or 'http'. */
  readonly name: string;
  /** Sends one SMS; resolves with the provider's id or throws a GatewayError. */
  send(sms: OutboundSms): Promise<SendResult>;
  /**
   * For a message whose outcome is unknown (a worker crashed mid-send, or a timeout): asks the
   * provider whether it received it, using the idempotency key. Resolves with the result when it
   * did, null when it certainly did not. Gateways that cannot tell do not implement it.
   */
  reconcile?(sms: OutboundSms): Promise<SendResult | null>;
  /** Releases keep-alive sockets. */
  close?(): Promise<void>;
}
