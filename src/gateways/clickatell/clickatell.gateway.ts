import type { DescribableGateway, GatewayDescription } from '../gateway-support';
import { errorForHttpStatus, excerpt, isRecord, parseJson, publicUrl } from '../gateway-support';
import type { HttpClient } from '../http-client';
import { classifyNetworkError, createHttpClient, parseRetryAfter } from '../http-client';
import type { OutboundSms, SendResult, SmsGateway } from '../sms-gateway';
import { GatewayError } from '../sms-gateway';

export interface ClickatellGatewayOptions {
  /** The integration's API key, sent as is in the Authorization header. */
  apiKey: string;
  baseUrl?: string;
  timeoutMs: number;
  /** Sender number for two-way integrations; one-way integrations use Clickatell's. */
  from?: string;
}

export const CLICKATELL_DEFAULT_BASE_URL = 'https://platform.clickatell.com';

// One API error codes (docs.clickatell.com "One API errors table", as listed by the official
// Clickatell.OneApi.Sdk ErrorCodes and the clickatell-api crate). Every code not listed here is
// a refusal of this request or this message: permanent.
const TRANSIENT_CODES = new Set([
  '18', // internal error (HTTP 500)
  '19', // internal error, please retry (HTTP 503)
  '43', // rate limit
]);
const OPTED_OUT = '26';

interface ClickatellError {
  code: string;
  description: string;
}

/**
 * Clickatell One API: POST /v1/message with `Authorization: <API key>` (no "Bearer") and
 * `{messages: [{channel: 'sms', to, content}]}` where `to` is E.164 without the '+'. Clickatell
 * has no idempotency key, so there is no reconcile.
 */
export class ClickatellGateway implements SmsGateway, DescribableGateway {
  readonly name = 'clickatell';
  private readonly http: HttpClient;
  private readonly baseUrl: string;

  constructor(private readonly options: ClickatellGatewayOptions) {
    if (!options.apiKey) {
      throw new Error('ClickatellGateway: apiKey is required');
    }
    this.baseUrl = options.baseUrl ?? CLICKATELL_DEFAULT_BASE_URL;
    this.http = createHttpClient({
      baseURL: this.baseUrl,
      timeoutMs: options.timeoutMs,
      headers: { Authorization: options.apiKey },
    });
  }

  async send(sms: OutboundSms): Promise<SendResult> {
    const message: Record<string, string> = {
      channel: 'sms',
      to: sms.to.replace(/^\+/, ''),
      content: sms.body,
    };
    if (this.options.from) {
      message.from = this.options.from.replace(/^\+/, '');
    }
    let response;
    try {
      response = await this.http.axios.post<string>(
        '/v1/message',
        JSON.stringify({ messages: [message] }),
        { headers: { 'Content-Type': 'application/json' } },
      );
    } catch (error) {
      throw classifyNetworkError(error, this.name);
    }
    const body = parseJson(response.data);
    const status = response.status;
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    const first = isRecord(body) && Array.isArray(body.messages) ? body.messages[0] : undefined;

    // A request-level error means no message was processed; a message-level one concerns ours.
    const error =
      readError(isRecord(body) ? body.error : undefined) ??
      readError(isRecord(first) ? first.error : undefined);
    if (error) {
      throw clickatellError(status, error, retryAfterMs);
    }
    if (status >= 200 && status < 300) {
      if (isRecord(first) && first.accepted === true && typeof first.apiMessageId === 'string') {
        return { providerMessageId: first.apiMessageId, providerStatus: 'accepted' };
      }
      throw new GatewayError(
        'unknown',
        'malformed_response',
        `clickatell answered HTTP ${status} without an accepted apiMessageId; the message may have been sent`,
        { httpStatus: status },
      );
    }
    if (status === 401) {
      throw new GatewayError(
        'permanent',
        'http_401',
        'clickatell rejected the API key (HTTP 401): check CLICKATELL_API_KEY',
        { httpStatus: status },
      );
    }
    throw errorForHttpStatus('clickatell', status, {
      message: excerpt(response.data) || undefined,
      retryAfterMs,
    });
  }

  async close(): Promise<void> {
    this.http.close();
  }

  describe(): GatewayDescription {
    return { name: this.name, baseUrl: publicUrl(this.baseUrl), sender: this.options.from ?? null };
  }
}

function readError(value: unknown): ClickatellError | null {
  if (!isRecord(value) || value.code == null) {
    return null;
  }
  return {
    code: String(value.code),
    description: typeof value.description === 'string' ? value.description : '',
  };
}

function clickatellError(
  status: number,
  error: ClickatellError,
  retryAfterMs: number | undefined,
): GatewayError {
  const message = `clickatell answered HTTP ${status} (error ${error.code}): ${error.description}`;
  if (TRANSIENT_CODES.has(error.code) || status === 429 || status >= 500) {
    return new GatewayError('transient', error.code, message, { httpStatus: status, retryAfterMs });
  }
  if (error.code === '1' || status === 401) {
    return new GatewayError('permanent', error.code, `${message} (check CLICKATELL_API_KEY)`, {
      httpStatus: status,
    });
  }
  return new GatewayError('permanent', error.code, message, {
    httpStatus: status,
    optOut: error.code === OPTED_OUT,
  });
}
