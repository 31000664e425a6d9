import type { DescribableGateway, GatewayDescription } from '../gateway-support';
import { errorForHttpStatus, excerpt, isRecord, parseJson, publicUrl } from '../gateway-support';
import type { HttpClient } from '../http-client';
import { classifyNetworkError, createHttpClient, parseRetryAfter } from '../http-client';
import type { OutboundSms, SendResult, SmsGateway } from '../sms-gateway';
import { GatewayError } from '../sms-gateway';

export interface TwilioGatewayOptions {
  accountSid: string;
  authToken: string;
  /** Sender number or alphanumeric id; this or messagingServiceSid is required. */
  from?: string;
  /** Messaging Service (MG…): Twilio picks the sender from its pool. */
  messagingServiceSid?: string;
  baseUrl?: string;
  timeoutMs: number;
}

export const TWILIO_DEFAULT_BASE_URL = 'https://api.twilio.com';

// Twilio error codes (https://www.twilio.com/docs/api/errors) that need more than the status.
const OPTED_OUT = '21610'; // the recipient replied STOP
const TOO_MANY_REQUESTS = '20429';
// "Queue overflow": the sender's queue is full; Twilio did not take the message.
const QUEUE_FULL = '21611';

/**
 * Twilio Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json,
 * form-encoded, HTTP Basic AccountSid:AuthToken. There is no idempotency key on create, so
 * there is no reconcile: a timeout after sending stays an unknown outcome.
 */
export class TwilioGateway implements SmsGateway, DescribableGateway {
  readonly name = 'twilio';
  private readonly http: HttpClient;
  private readonly path: string;
  private readonly baseUrl: string;

  constructor(private readonly options: TwilioGatewayOptions) {
    if (!options.accountSid || !options.authToken) {
      throw new Error('TwilioGateway: accountSid and authToken are required');
    }
    if (!options.from && !options.messagingServiceSid) {
      throw new Error(
        'TwilioGateway: set a sender, either from (a Twilio number or alphanumeric id) or ' +
          'messagingServiceSid (MG…)',
      );
    }
    this.baseUrl = options.baseUrl ?? TWILIO_DEFAULT_BASE_URL;
    this.path = `/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
    this.http = createHttpClient({
      baseURL: this.baseUrl,
      timeoutMs: options.timeoutMs,
      auth: { username: options.accountSid, password: options.authToken },
    });
  }

  async send(sms: OutboundSms): Promise<SendResult> {
    const form = new URLSearchParams({ To: sms.to, Body: sms.body });
    // Both may be set: Twilio then sends from From and files the message under the service.
    if (this.options.messagingServiceSid) {
      form.set('MessagingServiceSid', this.options.messagingServiceSid);
    }
    if (this.options.from) {
      form.set('From', this.options.from);
    }
    if (sms.statusCallbackUrl) {
      form.set('StatusCallback', sms.statusCallbackUrl);
    }
    let response;
    try {
      response = await this.http.axios.post<string>(this.path, form.toString(), {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    } catch (error) {
      throw classifyNetworkError(error, this.name);
    }
    const body = parseJson(response.data);
    if (response.status >= 200 && response.status < 300) {
      if (isRecord(body) && typeof body.sid === 'string' && body.sid !== '') {
        const segments = Number(body.num_segments);
        return {
          providerMessageId: body.sid,
          providerStatus: typeof body.status === 'string' ? body.status : undefined,
          segments: Number.isInteger(segments) && segments > 0 ? segments : undefined,
        };
      }
      throw new GatewayError(
        'unknown',
        'malformed_response',
        `twilio answered HTTP ${response.status} without a message sid; the message may have been sent`,
        { httpStatus: response.status },
      );
    }
    throw twilioError(response.status, body, response.data, response.headers['retry-after']);
  }

  async close(): Promise<void> {
    this.http.close();
  }

  describe(): GatewayDescription {
    return {
      name: this.name,
      baseUrl: publicUrl(this.baseUrl),
      sender: this.options.from ?? this.options.messagingServiceSid ?? null,
    };
  }
}

/** Twilio errors are `{code, message, more_info, status}`; the code decides, then the status. */
function twilioError(
  status: number,
  body: unknown,
  text: string,
  retryAfter: unknown,
): GatewayError {
  const code = isRecord(body) && body.code != null ? String(body.code) : undefined;
  const message =
    isRecord(body) && typeof body.message === 'string' ? body.message : excerpt(text) || undefined;
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (code === OPTED_OUT) {
    return new GatewayError(
      'permanent',
      code,
      `twilio answered HTTP ${status} (${code}): ${message ?? 'recipient opted out'}`,
      { httpStatus: status, optOut: true },
    );
  }
  if (code === TOO_MANY_REQUESTS || code === QUEUE_FULL) {
    return new GatewayError(
      'transient',
      code,
      `twilio answered HTTP ${status} (${code}): ${message}`,
      {
        httpStatus: status,
        retryAfterMs,
      },
    );
  }
  if (status === 401) {
    return new GatewayError(
      'permanent',
      code ?? 'http_401',
      `twilio rejected the credentials (HTTP 401${code ? `, ${code}` : ''}): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN`,
      { httpStatus: status },
    );
  }
  return errorForHttpStatus('twilio', status, { code, message, retryAfterMs });
}
