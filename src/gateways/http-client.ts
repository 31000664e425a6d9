import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import axios, { isAxiosError } from 'axios';
import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import { GatewayError } from './sms-gateway';

export interface HttpClientOptions {
  /** Origin (and optional path prefix) every request of this adapter goes to. */
  baseURL: string;
  /**
   * axios's timeout: the request is aborted when the connection stays silent this long
   * (connecting, sending or waiting for the answer).
   */
  timeoutMs: number;
  headers?: Record<string, string>;
  auth?: { username: string; password: string };
  /** Keep-alive sockets per host; default 50. */
  maxSockets?: number;
  /** Replaces DNS resolution (tests use one that never answers, to time out before connecting). */
  lookup?: AxiosRequestConfig['lookup'];
}

/** One axios instance with its own keep-alive agents, as each adapter owns its connections. */
export interface HttpClient {
  /** Answers every status (validateStatus is always true) with the body as a string. */
  readonly axios: AxiosInstance;
  /** Destroys the keep-alive sockets. */
  close(): void;
}

// Sockets whose connection (and TLS handshake) completed. A request that failed on a socket
// that never got here cannot have reached the provider, whatever the error code says.
const establishedSockets = new WeakSet<object>();

// Idle keep-alive sockets are closed after this long. Servers close idle connections too
// (Node 5 s, load balancers 60 s); closing ours first avoids sending on a socket the server is
// closing, which would turn into an ECONNRESET of unknown outcome.
const FREE_SOCKET_TIMEOUT_MS = 4_000;

class TrackingHttpAgent extends http.Agent {
  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    socket?.once('connect', () => establishedSockets.add(socket));
    return socket;
  }
}

class TrackingHttpsAgent extends https.Agent {
  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    socket?.once('secureConnect', () => establishedSockets.add(socket));
    return socket;
  }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 50,
    timeout: FREE_SOCKET_TIMEOUT_MS,
  };
  const httpAgent = new TrackingHttpAgent(agentOptions);
  const httpsAgent = new TrackingHttpsAgent(agentOptions);
  const instance = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    headers: { Accept: 'application/json', 'User-Agent': 'crm-sms', ...options.headers },
    auth: options.auth,
    httpAgent,
    httpsAgent,
    // Adapters read statuses themselves: a 4xx is an answer, not an exception.
    validateStatus: () => true,
    // Bodies stay strings so non-JSON error pages never throw inside axios.
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    // A redirect on a POST would resend the message to wherever it points.
    maxRedirects: 0,
    maxContentLength: 1_000_000,
    lookup: options.lookup,
  });
  return {
    axios: instance,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

// The request never left this machine: name resolution or routing failed.
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

// Axios refused to build the request: nothing was sent, and resending the same will fail again.
const BAD_REQUEST_CODES = new Set([
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
]);

/**
 * Turns a failed request (no HTTP answer) into a GatewayError:
 * - never connected (refused, DNS, unreachable, or a timeout before the connection and TLS
 *   handshake completed) → transient: the provider cannot have seen the message;
 * - timeout, reset or hang-up once connected → unknown: the request may have been processed;
 * - a request axios could not even build → permanent.
 * The original axios error is not kept as `cause`: its config holds the credentials.
 */
export function classifyNetworkError(error: unknown, gateway = 'gateway'): GatewayError {
  if (error instanceof GatewayError) {
    return error;
  }
  const code = errorCode(error);
  const rawMessage = error instanceof Error ? error.message : String(error);
  const cause = Object.assign(new Error(`${code}: ${rawMessage}`), { code });
  const where = isAxiosError(error) ? hostOf(error.config?.baseURL, error.config?.url) : '';
  const target = where ? ` ${where}` : '';
  const connected = reachedProvider(error);

  if (BAD_REQUEST_CODES.has(code)) {
    return new GatewayError('permanent', code, `${gateway}: request could not be built (${code})`, {
      cause,
    });
  }
  if (NOT_CONNECTED_CODES.has(code)) {
    return new GatewayError(
      'transient',
      code,
      `${gateway}: could not connect to${target} (${code}); the message was not sent`,
      { cause },
    );
  }
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
  if (!connected) {
    const what = timedOut ? 'timed out before connecting to' : `failed before connecting to`;
    return new GatewayError(
      'transient',
      timedOut ? 'connect_timeout' : code,
      `${gateway}: ${what}${target} (${code}); the message was not sent`,
      { cause },
    );
  }
  if (timedOut) {
    return new GatewayError(
      'unknown',
      'response_timeout',
      `${gateway}: no answer from${target} in time after sending; the message may have been sent`,
      { cause },
    );
  }
  return new GatewayError(
    'unknown',
    code,
    `${gateway}: connection to${target} failed after sending (${code}); the message may have been sent`,
    { cause },
  );
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const own = (error as { code?: unknown }).code;
    if (typeof own === 'string' && own !== '') {
      return own;
    }
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (typeof cause?.code === 'string') {
      return cause.code;
    }
  }
  return 'network_error';
}

/** False when the failed request certainly never reached the provider. */
function reachedProvider(error: unknown): boolean {
  if (!isAxiosError(error)) {
    return true;
  }
  const request = error.request as http.ClientRequest | undefined;
  if (request === undefined) {
    // Axios failed before creating the request.
    return false;
  }
  const socket = request.socket as object | null;
  return socket !== null && establishedSockets.has(socket);
}

function hostOf(baseURL: string | undefined, url: string | undefined): string {
  try {
    return new URL(url ?? '', baseURL).host;
  } catch {
    return '';
  }
}

/**
 * Reads a Retry-After header (RFC 9110: delay-seconds or an HTTP date) as milliseconds from now.
 * Undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(header: unknown, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? (header[0] as unknown) : header;
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    return undefined;
  }
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.round(Number(text) * 1000);
  }
  // An HTTP date always names its month; this keeps Date.parse from reading '-3' as a year.
  const date = /[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, date - now);
}
