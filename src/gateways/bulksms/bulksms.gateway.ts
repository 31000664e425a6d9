import { createHash } from 'node:crypto';
import type { DescribableGateway, GatewayDescription } from '../gateway-support';
import { errorForHttpStatus, excerpt, isRecord, parseJson, publicUrl } from '../gateway-support';
import type { HttpClient } from '../http-client';
import { classifyNetworkError, createHttpClient, parseRetryAfter } from '../http-client';
import type { OutboundSms, SendResult, SmsGateway } from '../sms-gateway';
import { GatewayError } from '../sms-gateway';

export interface BulkSmsGatewayOptions {
  /** Account username, or an API token id (recommended by BulkSMS). */
  username: string;
  /** Account password, or the API token secret. */
  password: string;
  baseUrl?: string;
  timeoutMs: number;
  from?: string;
}

export const BULKSMS_DEFAULT_BASE_URL = 'https://api.bulksms.com';

// BulkSMS keeps userSuppliedId to 20 characters; the key also goes inside a `filter` clause,
// where '=' and '&' would be read as syntax.
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._-]{1,20}$/;
// BulkSMS sends at most this many parts unless told otherwise ("longMessageMaxParts", default 3).
const DEFAULT_MAX_PARTS = 3;
const BLOCKED = 'FAILED.BLOCKED';

/**
 * The two `deduplication-id` values (positive int32) a key may use, derived from the key alone so
 * every retry of a message, from any worker, sends the same one. The second one is only used when
 * the first collides with another message's (see send()).
 */
export function bulkSmsDeduplicationIds(idempotencyKey: string): [number, number] {
  return [int32Of(idempotencyKey), int32Of(`${idempotencyKey}#2`)];
}

function int32Of(text: string): number {
  const value = createHash('sha256').update(text).digest().readUInt32BE(0) & 0x7fffffff;
  return value === 0 ? 1 : value;
}

interface BulkSmsMessage {
  id: string;
  status: string;
  userSuppliedId: string | null;
}

/**
 * BulkSMS JSON REST API v1 (https://www.bulksms.com/developer/json/v1/, OpenAPI 1.0.0 as mirrored
 * by APIs-guru/openapi-directory APIs/bulksms.com/1.0.0/openapi.yaml):
 * - POST /v1/messages?deduplication-id=<int32>&auto-unicode=true, HTTP Basic, JSON
 *   SubmissionEntry `{to, body, encoding, userSuppliedId, from, longMessageMaxParts}`;
 *   201 → array of Message `{id, status: {id: 'ACCEPTED.null', type, subtype}, userSuppliedId…}`.
 *   "When you post the retry, you must use the deduplication-id of the original post […] The ID
 *   expires after about 12 hours."
 * - GET /v1/messages?filter=<url-encoded "type=SENT&userSuppliedId=<value>"> → array of Message;
 *   the userSuppliedId filter field "Only SENT messages will be retrieved".
 * - Errors: `{type, title, status, detail}`; 400 bad request, 401, 403 insufficient credits.
 */
export class BulkSmsGateway implements SmsGateway, DescribableGateway {
  readonly name = 'bulksms';
  private readonly http: HttpClient;
  private readonly baseUrl: string;

  constructor(private readonly options: BulkSmsGatewayOptions) {
    if (!options.username || !options.password) {
      throw new Error(
        'BulkSmsGateway: username and password (or token id and secret) are required',
      );
    }
    this.baseUrl = options.baseUrl ?? BULKSMS_DEFAULT_BASE_URL;
    this.http = createHttpClient({
      baseURL: this.baseUrl,
      timeoutMs: options.timeoutMs,
      auth: { username: options.username, password: options.password },
    });
  }

  async send(sms: OutboundSms): Promise<SendResult> {
    checkKey(sms.idempotencyKey);
    const [first, second] = bulkSmsDeduplicationIds(sms.idempotencyKey);
    const result = await this.submit(sms, first);
    if (result.userSuppliedId === null || result.userSuppliedId === sms.idempotencyKey) {
      return toSendResult(result);
    }
    // BulkSMS answered with the remembered submission of another key whose deduplication-id
    // is the same (1 in 2^31 per pair, but real at campaign volume): ours was not sent. The
    // second id is as deterministic as the first, so retries of this message keep deduplicating.
    const retried = await this.submit(sms, second);
    if (retried.userSuppliedId === null || retried.userSuppliedId === sms.idempotencyKey) {
      return toSendResult(retried);
    }
    throw new GatewayError(
      'transient',
      'deduplication_collision',
      'bulksms answered with another message for both deduplication ids; the message was not sent',
    );
  }

  /**
   * Looks the message up by userSuppliedId (= idempotencyKey). BulkSMS lists recent messages
   * (about the last 7 days) when no submission.date clause is given, which covers the 12 hours
   * its deduplication ids live. A recipient block (FAILED.BLOCKED) is reported like in send().
   */
  async reconcile(sms: OutboundSms): Promise<SendResult | null> {
    checkKey(sms.idempotencyKey);
    const filter = `type=SENT&userSuppliedId=${sms.idempotencyKey}`;
    let response;
    try {
      response = await this.http.axios.get<string>(
        `/v1/messages?${new URLSearchParams({ filter }).toString()}`,
      );
    } catch (error) {
      const classified = classifyNetworkError(error, this.name);
      // A lookup changes nothing at the provider: whatever happened, asking again is safe.
      throw classified.kind === 'unknown'
        ? new GatewayError('transient', classified.code, classified.message, classified.options)
        : classified;
    }
    if (response.status !== 200) {
      throw bulkSmsError(response.status, response.data, response.headers['retry-after']);
    }
    const body = parseJson(response.data);
    if (!Array.isArray(body)) {
      throw new GatewayError(
        'transient',
        'malformed_response',
        'bulksms answered the message lookup with something other than a list',
        { httpStatus: response.status },
      );
    }
    const found = body
      .map(readMessage)
      .find((m): m is BulkSmsMessage => m !== null && m.userSuppliedId === sms.idempotencyKey);
    return found ? toSendResult(found) : null;
  }

  async close(): Promise<void> {
    this.http.close();
  }

  describe(): GatewayDescription {
    return { name: this.name, baseUrl: publicUrl(this.baseUrl), sender: this.options.from ?? null };
  }

  private async submit(sms: OutboundSms, deduplicationId: number): Promise<BulkSmsMessage> {
    const entry: Record<string, unknown> = {
      to: sms.to,
      body: sms.body,
      encoding: sms.encoding === 'UCS-2' ? 'UNICODE' : 'TEXT',
      userSuppliedId: sms.idempotencyKey,
    };
    if (this.options.from) {
      entry.from = this.options.from;
    }
    if (sms.segments > DEFAULT_MAX_PARTS) {
      // Otherwise BulkSMS refuses or cuts anything longer than 3 parts.
      entry.longMessageMaxParts = sms.segments;
    }
    const query = `deduplication-id=${deduplicationId}&auto-unicode=true`;
    let response;
    try {
      response = await this.http.axios.post<string>(
        `/v1/messages?${query}`,
        JSON.stringify(entry),
        {
          headers: { 'Content-Type': 'application/json' },
        },
      );
    } catch (error) {
      throw classifyNetworkError(error, this.name);
    }
    if (response.status < 200 || response.status >= 300) {
      throw bulkSmsError(response.status, response.data, response.headers['retry-after']);
    }
    const body = parseJson(response.data);
    const message = Array.isArray(body) ? readMessage(body[0]) : null;
    if (message === null) {
      // Retrying with the same deduplication-id is safe here, but only the scheduler retries.
      throw new GatewayError(
        'unknown',
        'malformed_response',
        `bulksms answered HTTP ${response.status} without a message id; the message may have been sent`,
        { httpStatus: response.status },
      );
    }
    return message;
  }
}

function checkKey(key: string): void {
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new GatewayError(
      'permanent',
      'invalid_idempotency_key',
      `bulksms: idempotencyKey '${key}' must be 1-20 characters among A-Z a-z 0-9 . _ -`,
    );
  }
}

function readMessage(value: unknown): BulkSmsMessage | null {
  if (!isRecord(value) || value.id == null) {
    return null;
  }
  const status = isRecord(value.status) ? value.status : {};
  const statusId =
    typeof status.id === 'string'
      ? status.id
      : `${String(status.type ?? 'UNKNOWN')}.${String(status.subtype ?? null)}`;
  return {
    id: String(value.id),
    status: statusId,
    userSuppliedId: typeof value.userSuppliedId === 'string' ? value.userSuppliedId : null,
  };
}

/** 'ACCEPTED.null' → 'ACCEPTED'; a FAILED status keeps its subtype ('FAILED.EXPIRED'). */
function toSendResult(message: BulkSmsMessage): SendResult {
  if (message.status === BLOCKED) {
    throw new GatewayError(
      'permanent',
      BLOCKED,
      `bulksms refused message ${message.id}: the recipient blocked this account (replied STOP)`,
      { optOut: true },
    );
  }
  const providerStatus = message.status.endsWith('.null')
    ? message.status.slice(0, -'.null'.length)
    : message.status;
  return { providerMessageId: message.id, providerStatus };
}

function bulkSmsError(status: number, text: string, retryAfter: unknown): GatewayError {
  const body = parseJson(text);
  const title = isRecord(body) && typeof body.title === 'string' ? body.title : undefined;
  const detail = isRecord(body) && typeof body.detail === 'string' ? body.detail : undefined;
  const message = [title, detail].filter(Boolean).join(': ') || excerpt(text) || undefined;
  // `type` is a documentation URL ending in the error's name: …/errors#insufficient-credits.
  const type = isRecord(body) && typeof body.type === 'string' ? body.type : '';
  const code = type.includes('#') ? type.slice(type.lastIndexOf('#') + 1) : undefined;
  if (status === 401) {
    return new GatewayError(
      'permanent',
      code || 'http_401',
      `bulksms rejected the credentials (HTTP 401${title ? `, ${title}` : ''}): check BULKSMS_USERNAME and BULKSMS_PASSWORD`,
      { httpStatus: status },
    );
  }
  return errorForHttpStatus('bulksms', status, {
    code: code || undefined,
    message,
    retryAfterMs: parseRetryAfter(retryAfter),
  });
}
