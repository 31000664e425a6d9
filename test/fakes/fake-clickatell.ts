/**
 * A fake Clickatell One API (POST /v1/message): `Authorization: <API key>` (no "Bearer"), JSON
 * `{messages: [{channel, to, content, from?}]}` with `to` in E.164 without '+'. Answers 202 when
 * every message is accepted, 207 when some are, 400 when none is; request-level errors (bad key,
 * malformed payload) come as `{messages: [], error: {code, description, documentation}}`.
 * Error codes follow Clickatell's One API errors table.
 */
import { randomBytes } from 'node:crypto';
import type { AcceptedMessage, FakeGateway, FakeReply, RecordedRequest } from './fake-server';
import { mediaType, startFakeServer } from './fake-server';

export interface FakeClickatellOptions {
  apiKey: string;
  /** Recipients (without '+') that opted out: error 26. */
  optedOut?: string[];
  port?: number;
}

export const DEFAULT_CLICKATELL_CREDENTIALS = { apiKey: 'fake-clickatell-api-key-0000' };

const MAX_MESSAGES = 200;
const MSISDN = /^[1-9]\d{6,14}$/;

export interface FakeClickatell extends FakeGateway {
  readonly apiKey: string;
}

interface MessageResult {
  apiMessageId: string | null;
  accepted: boolean;
  to: string;
  error: { code: number; description: string; documentation: string } | null;
}

export async function startFakeClickatell(
  options: FakeClickatellOptions = DEFAULT_CLICKATELL_CREDENTIALS,
): Promise<FakeClickatell> {
  const optedOut = new Set(options.optedOut ?? []);

  const handle = (request: RecordedRequest): FakeReply => {
    if ((request.headers.authorization ?? '') !== options.apiKey) {
      return requestError(401, 1, 'Invalid or missing integration API Key');
    }
    if (request.path !== '/v1/message') {
      return requestError(404, 41, 'Resource does not exist');
    }
    if (request.method !== 'POST') {
      return requestError(405, 42, 'HTTP method is not supported on this resource');
    }
    const payload = request.body;
    if (
      mediaType(request.headers) !== 'application/json' ||
      typeof payload !== 'object' ||
      payload === null ||
      !Array.isArray((payload as { messages?: unknown }).messages)
    ) {
      return requestError(400, 21, 'Payload data is malformed');
    }
    const messages = (payload as { messages: unknown[] }).messages;
    if (messages.length === 0) {
      return requestError(400, 23, 'Invalid or missing parameter: messages');
    }
    if (messages.length > MAX_MESSAGES) {
      return requestError(400, 22, 'Maximum messages per request payload exceeded');
    }

    const results: MessageResult[] = [];
    const accepted: AcceptedMessage[] = [];
    for (const raw of messages) {
      const message = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<
        string,
        unknown
      >;
      const to = typeof message.to === 'string' ? message.to : '';
      const fail = (code: number, description: string): void => {
        results.push({
          apiMessageId: null,
          accepted: false,
          to,
          error: errorBody(code, description),
        });
      };
      if (typeof message.channel !== 'string' || message.channel === '') {
        fail(23, 'Invalid or missing parameter: channel');
      } else if (message.channel !== 'sms') {
        fail(39, 'Channel is not available on integration');
      } else if (to === '') {
        fail(23, 'Invalid or missing parameter: to');
      } else if (typeof message.content !== 'string' || message.content === '') {
        fail(23, 'Invalid or missing parameter: content');
      } else if (!MSISDN.test(to)) {
        fail(25, `Invalid recipient address: ${to}`);
      } else if (optedOut.has(to)) {
        fail(26, 'Recipient opted out');
      } else {
        const apiMessageId = randomBytes(16).toString('hex');
        results.push({ apiMessageId, accepted: true, to, error: null });
        accepted.push({
          id: apiMessageId,
          to,
          body: message.content,
          from: typeof message.from === 'string' ? message.from : null,
          extra: { channel: message.channel },
          receivedAt: request.receivedAt,
        });
      }
    }
    const status = accepted.length === results.length ? 202 : accepted.length > 0 ? 207 : 400;
    return { status, accepted, body: { messages: results, error: null } };
  };

  const fake = await startFakeServer({ name: 'clickatell', handle, port: options.port });
  return Object.assign(fake, { apiKey: options.apiKey });
}

function errorBody(code: number, description: string): MessageResult['error'] {
  return {
    code,
    description,
    documentation: `https://docs.clickatell.com/channels/one-api/one-api-errors-table/#${code}`,
  };
}

/** An error about the whole request: no message was processed. */
export function clickatellRequestError(
  status: number,
  code: number,
  description: string,
): { status: number; body: unknown } {
  return { status, body: { messages: [], error: errorBody(code, description) } };
}

function requestError(status: number, code: number, description: string): FakeReply {
  return clickatellRequestError(status, code, description);
}
