/**
 * The shared machinery of the fake SMS providers: a real HTTP server on 127.0.0.1 (port 0 unless
 * given) that records every request, answers through a provider-specific handler, and can be
 * told to misbehave for the next requests (scripted responses).
 *
 * Control endpoints, on every fake (for tests running in another process):
 *   GET  /__fake/received → { requests: RecordedRequest[], accepted: AcceptedMessage[] }
 *   POST /__fake/script   ← one ScriptedResponse or an array of them (JSON) → 204
 *   POST /__fake/reset    → 204: forgets requests, accepted messages, script and provider state
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** Form fields or JSON according to Content-Type; null when empty or unparseable. */
  body: unknown;
  receivedAt: string;
}

/** One message the fake accepted (what the provider would have sent to a handset). */
export interface AcceptedMessage {
  /** The id the fake answered with. */
  id: string;
  to: string;
  body: string;
  from: string | null;
  /** Provider-specific extras (MessagingServiceSid, userSuppliedId, deduplication-id…). */
  extra: Record<string, unknown>;
  receivedAt: string;
}

export interface RequestMatch {
  method?: string;
  /** Exact path, e.g. '/v1/messages'. */
  path?: string;
}

/**
 * A forced behaviour for the next provider request that matches (control requests excluded):
 * - action 'respond' (default): answer status/headers/body without processing the request;
 * - 'hang': read the request and never answer (until close());
 * - 'reset': destroy the connection after reading the request;
 * - 'process': handle the request normally (an accepted message is recorded), then do `after`
 *   with the real answer: 'send' it (after delayMs), 'hang' or 'reset' — the "provider got it
 *   but the answer was lost" case.
 */
export interface ScriptedResponse {
  match?: RequestMatch;
  action?: 'respond' | 'hang' | 'reset' | 'process';
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON, strings as they are. */
  body?: unknown;
  after?: 'send' | 'hang' | 'reset';
  delayMs?: number;
}

/** What a provider handler answers. */
export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  accepted?: AcceptedMessage[];
}

export type FakeHandler = (request: RecordedRequest) => FakeReply;

export interface FakeGateway {
  readonly name: string;
  /** http://127.0.0.1:<port>, without a trailing slash. */
  readonly url: string;
  /** Every provider request, in arrival order (control requests excluded). */
  readonly requests: RecordedRequest[];
  /** Every message the fake accepted. */
  readonly accepted: AcceptedMessage[];
  /** Queues forced behaviours, used in order by the next matching requests. */
  script(...responses: ScriptedResponse[]): void;
  /** Forgets requests, accepted messages, the script and provider state. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  name: string;
  handle: FakeHandler;
  /** Called by reset() to forget provider state (remembered ids, statuses…). */
  resetState?: () => void;
  port?: number;
}

const MAX_BODY_BYTES = 1_000_000;

export async function startFakeServer(options: FakeServerOptions): Promise<FakeGateway> {
  const requests: RecordedRequest[] = [];
  const accepted: AcceptedMessage[] = [];
  const queue: ScriptedResponse[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      if (size > MAX_BODY_BYTES) {
        reply(res, { status: 413, body: { error: 'request body too large' } });
        return;
      }
      if (url.pathname.startsWith('/__fake/')) {
        control(req.method ?? 'GET', url.pathname, rawBody, res);
        return;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        rawBody,
        body: parseBody(req.headers['content-type'], rawBody),
        receivedAt: new Date().toISOString(),
      };
      requests.push(recorded);
      answer(recorded, res);
    });
  });

  function answer(request: RecordedRequest, res: http.ServerResponse): void {
    const index = queue.findIndex((entry) => matches(entry.match, request));
    const scripted = index >= 0 ? queue.splice(index, 1)[0] : undefined;
    const action = scripted?.action ?? (scripted ? 'respond' : 'process');
    if (action === 'hang') {
      return;
    }
    if (action === 'reset') {
      res.socket?.destroy();
      return;
    }
    let out: FakeReply;
    if (action === 'respond' && scripted) {
      out = { status: scripted.status ?? 200, headers: scripted.headers, body: scripted.body };
    } else {
      out = safeHandle(request);
      accepted.push(...(out.accepted ?? []));
    }
    const after = scripted?.action === 'process' ? (scripted.after ?? 'send') : 'send';
    if (after === 'hang') {
      return;
    }
    if (after === 'reset') {
      res.socket?.destroy();
      return;
    }
    const delay = scripted?.delayMs ?? 0;
    if (delay > 0) {
      setTimeout(() => reply(res, out), delay);
    } else {
      reply(res, out);
    }
  }

  function safeHandle(request: RecordedRequest): FakeReply {
    try {
      return options.handle(request);
    } catch (error) {
      // A bug in a fake must show up as a 500 the test can see, not a hung request.
      return {
        status: 500,
        body: { fakeError: error instanceof Error ? error.message : String(error) },
      };
    }
  }

  function control(method: string, path: string, rawBody: string, res: http.ServerResponse): void {
    if (method === 'GET' && path === '/__fake/received') {
      reply(res, { status: 200, body: { requests, accepted } });
    } else if (method === 'POST' && path === '/__fake/script') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        reply(res, {
          status: 400,
          body: { error: 'body must be a JSON ScriptedResponse or array' },
        });
        return;
      }
      queue.push(...((Array.isArray(parsed) ? parsed : [parsed]) as ScriptedResponse[]));
      reply(res, { status: 204 });
    } else if (method === 'POST' && path === '/__fake/reset') {
      resetAll();
      reply(res, { status: 204 });
    } else {
      reply(res, { status: 404, body: { error: `no control endpoint ${method} ${path}` } });
    }
  }

  function resetAll(): void {
    requests.length = 0;
    accepted.length = 0;
    queue.length = 0;
    options.resetState?.();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    name: options.name,
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    script: (...responses) => {
      queue.push(...responses);
    },
    reset: resetAll,
    close: async () => {
      // Hanging requests hold their sockets open: close them or close() never resolves.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function matches(match: RequestMatch | undefined, request: RecordedRequest): boolean {
  if (!match) {
    return true;
  }
  if (match.method && match.method.toUpperCase() !== request.method) {
    return false;
  }
  return !match.path || match.path === request.path;
}

function parseBody(contentType: string | undefined, raw: string): unknown {
  if (raw === '') {
    return null;
  }
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  }
  return null;
}

function reply(res: http.ServerResponse, out: FakeReply): void {
  if (res.destroyed || res.writableEnded) {
    return;
  }
  const headers: Record<string, string> = { ...out.headers };
  let payload = '';
  if (out.body !== undefined) {
    if (typeof out.body === 'string') {
      payload = out.body;
      headers['Content-Type'] ??= 'text/plain; charset=utf-8';
    } else {
      payload = JSON.stringify(out.body);
      headers['Content-Type'] ??= 'application/json; charset=utf-8';
    }
  }
  res.writeHead(out.status, headers);
  res.end(payload);
}

/** The Basic credentials of a request, or null. */
export function basicCredentials(
  headers: http.IncomingHttpHeaders,
): { username: string; password: string } | null {
  const header = headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match) {
    return null;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    return null;
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Lower-case media type of a request, without parameters. */
export function mediaType(headers: http.IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** A URL on which nothing listens (a port that was just freed): connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
