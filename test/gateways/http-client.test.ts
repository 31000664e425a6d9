import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  classifyNetworkError,
  createHttpClient,
  parseRetryAfter,
} from '../../src/gateways/http-client';
import type { HttpClient } from '../../src/gateways/http-client';
import type { GatewayError } from '../../src/gateways/sms-gateway';
import { closedPortUrl } from '../fakes/fake-server';

const SECRET = 'pa55-w0rd-never-shown';

async function failedRequest(client: HttpClient, path = '/'): Promise<GatewayError> {
  try {
    await client.axios.post(path, 'x=1');
  } catch (error) {
    return classifyNetworkError(error, 'test');
  }
  throw new Error('expected the request to fail');
}

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter(['2'], now)).toBe(2000);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});

describe('createHttpClient', () => {
  let server: http.Server;
  let url: string;
  let behaviour: 'ok' | 'hang' | 'reset' = 'ok';
  const seen: Array<{ auth: string | undefined; port: number | undefined }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ auth: req.headers.authorization, port: req.socket.remotePort });
      req.resume();
      req.on('end', () => {
        if (behaviour === 'ok') {
          res.writeHead(503, { 'Content-Type': 'text/html' });
          res.end('<html>down</html>');
        } else if (behaviour === 'reset') {
          req.socket.destroy();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    behaviour = 'ok';
    seen.length = 0;
  });

  it('answers every status as a string body, sends Basic auth and reuses its connection', async () => {
    const client = createHttpClient({
      baseURL: url,
      timeoutMs: 1000,
      auth: { username: 'user', password: SECRET },
    });
    try {
      const first = await client.axios.get<string>('/a');
      const second = await client.axios.get<string>('/b');
      expect(first.status).toBe(503);
      expect(first.data).toBe('<html>down</html>');
      expect(second.status).toBe(503);
      expect(seen[0].auth).toBe(`Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`);
      // Keep-alive: both requests came over the same client socket.
      expect(seen[1].port).toBe(seen[0].port);
    } finally {
      client.close();
    }
  });

  it('refused connection → transient, without credentials anywhere in the error', async () => {
    const client = createHttpClient({
      baseURL: await closedPortUrl(),
      timeoutMs: 1000,
      auth: { username: 'user', password: SECRET },
    });
    const error = await failedRequest(client);
    client.close();
    expect(error.kind).toBe('transient');
    expect(error.code).toBe('ECONNREFUSED');
    const cause = error.cause as Error;
    const everything = `${error.message} ${cause.message} ${JSON.stringify(error)} ${JSON.stringify(cause)} ${cause.stack}`;
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(Buffer.from(`user:${SECRET}`).toString('base64'));
  });

  it('DNS failure → transient', async () => {
    const client = createHttpClient({
      baseURL: 'http://sms-provider.invalid',
      timeoutMs: 1000,
      lookup: (_host, _options, callback) =>
        callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), []),
    });
    const error = await failedRequest(client);
    client.close();
    expect(error.kind).toBe('transient');
    expect(error.code).toBe('ENOTFOUND');
  });

  it('timeout before the connection is established → transient connect_timeout', async () => {
    const client = createHttpClient({
      baseURL: 'http://sms-provider.invalid',
      timeoutMs: 100,
      // Name resolution that never answers: the request cannot have left.
      lookup: () => undefined,
    });
    const error = await failedRequest(client);
    client.close();
    expect(error.kind).toBe('transient');
    expect(error.code).toBe('connect_timeout');
  });

  it('timeout after sending → unknown', async () => {
    behaviour = 'hang';
    const client = createHttpClient({ baseURL: url, timeoutMs: 150 });
    const error = await failedRequest(client);
    client.close();
    expect(seen).toHaveLength(1);
    expect(error.kind).toBe('unknown');
    expect(error.code).toBe('response_timeout');
  });

  it('connection reset after sending → unknown', async () => {
    behaviour = 'reset';
    const client = createHttpClient({ baseURL: url, timeoutMs: 1000 });
    const error = await failedRequest(client);
    client.close();
    expect(error.kind).toBe('unknown');
    expect(error.code).toBe('ECONNRESET');
  });

  it('a request axios cannot build → permanent', () => {
    const error = classifyNetworkError(
      Object.assign(new Error('Invalid URL'), { code: 'ERR_INVALID_URL' }),
      'test',
    );
    expect(error.kind).toBe('permanent');
  });
});
