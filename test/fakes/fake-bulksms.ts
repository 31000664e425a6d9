/**
 * A fake BulkSMS JSON REST API v1, after its OpenAPI description (bulksms.com 1.0.0):
 * - POST /v1/messages[?deduplication-id=<int32>&auto-unicode=true]: HTTP Basic, JSON
 *   SubmissionEntry or array of them; 201 with an array of Message. A deduplication-id seen
 *   before answers the remembered submission again without sending anything.
 * - GET /v1/messages?filter=<url-encoded clauses>&limit=&sortOrder=: clauses name=value joined
 *   by '&' on type, userSuppliedId, status.type, status.id, submission.id, and id<N / id>N.
 * - Errors: `{type, title, status, detail}` (400 bad request, 401, 403 insufficient credits).
 * Numbers in `blocked` get status FAILED.BLOCKED, as BulkSMS does for recipients who sent STOP.
 */
import type { AcceptedMessage, FakeGateway, FakeReply, RecordedRequest } from './fake-server';
import { basicCredentials, mediaType, startFakeServer } from './fake-server';
import { countSegments, SmsEncoding } from '../../src/domain/sms-segments';

export interface FakeBulkSmsOptions {
  username: string;
  password: string;
  /** Recipients (E.164 with or without '+') who blocked the account: status FAILED.BLOCKED. */
  blocked?: string[];
  /** Credits left; each message part costs one. Unlimited when not given. */
  credits?: number;
  port?: number;
}

export const DEFAULT_BULKSMS_CREDENTIALS = {
  username: 'fake-bulksms-user',
  password: 'fake-bulksms-password-0000',
};

export interface BulkSmsStatus {
  id: string;
  type: string;
  subtype: string | null;
}

/** The Message resource as BulkSMS returns it. */
export interface BulkSmsMessageResource {
  id: string;
  type: 'SENT';
  from: string | null;
  to: string;
  body: string;
  encoding: 'TEXT' | 'UNICODE';
  protocolId: number;
  messageClass: number;
  numberOfParts: number | null;
  creditCost: number | null;
  submission: { id: string; date: string };
  status: BulkSmsStatus;
  relatedSentMessageId: null;
  userSuppliedId: string | null;
}

export interface FakeBulkSms extends FakeGateway {
  readonly username: string;
  readonly password: string;
  /** Every message created, oldest first. */
  readonly messages: BulkSmsMessageResource[];
  /** Changes a message's status, e.g. 'DELIVERED.null' or 'FAILED.BLOCKED'. */
  setStatus(id: string, statusId: string): void;
}

const ERRORS = 'https://developer.bulksms.com/json/v1/errors';
const NUMBER = /^\+?[1-9]\d{6,14}$/;
const MAX_USER_SUPPLIED_ID = 20;
const INT32_MAX = 2_147_483_647;

export async function startFakeBulkSms(
  options: FakeBulkSmsOptions = DEFAULT_BULKSMS_CREDENTIALS,
): Promise<FakeBulkSms> {
  const blocked = new Set((options.blocked ?? []).map((n) => n.replace(/^\+/, '')));
  const messages: BulkSmsMessageResource[] = [];
  const submissions = new Map<number, BulkSmsMessageResource[]>();
  let credits = options.credits ?? Number.POSITIVE_INFINITY;
  let nextId = 5_000_000_000 + Math.floor(Math.random() * 1_000_000);
  let nextSubmission = 522_347_562;

  const send = (request: RecordedRequest): FakeReply => {
    let deduplicationId: number | null = null;
    const rawDedup = request.query['deduplication-id'];
    if (rawDedup !== undefined) {
      const value = Number(rawDedup);
      if (!/^-?\d+$/.test(rawDedup) || Math.abs(value) > INT32_MAX) {
        return badRequest(`Invalid deduplication-id '${rawDedup}': expected a 32-bit integer`);
      }
      deduplicationId = value;
      const remembered = submissions.get(value);
      if (remembered) {
        return { status: 201, body: remembered };
      }
    }
    const autoUnicode = request.query['auto-unicode'] === 'true';
    if (mediaType(request.headers) !== 'application/json' || request.body === null) {
      return badRequest('The request body must be JSON (Content-Type: application/json)');
    }
    const entries = Array.isArray(request.body) ? (request.body as unknown[]) : [request.body];
    const planned: Array<Omit<BulkSmsMessageResource, 'id' | 'submission'>> = [];
    for (const raw of entries) {
      const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const recipients = readRecipients(entry.to);
      if (recipients === null || recipients.length === 0) {
        return badRequest("The 'to' property is missing or invalid");
      }
      const invalid = recipients.find((r) => !NUMBER.test(r));
      if (invalid !== undefined) {
        return badRequest(`Invalid phone number '${invalid}' in 'to'`);
      }
      if (typeof entry.body !== 'string' || entry.body === '') {
        return badRequest("The 'body' property is required");
      }
      const userSuppliedId = entry.userSuppliedId;
      if (
        userSuppliedId !== undefined &&
        (typeof userSuppliedId !== 'string' || userSuppliedId.length > MAX_USER_SUPPLIED_ID)
      ) {
        return badRequest(
          `'userSuppliedId' can contain no more than ${MAX_USER_SUPPLIED_ID} characters`,
        );
      }
      const requested = entry.encoding ?? 'TEXT';
      if (requested !== 'TEXT' && requested !== 'UNICODE') {
        return badRequest(`Unsupported encoding '${String(requested)}'`);
      }
      const count = countSegments(entry.body);
      const encoding =
        requested === 'TEXT' && autoUnicode && count.encoding === SmsEncoding.Ucs2
          ? 'UNICODE'
          : requested;
      const maxParts =
        typeof entry.longMessageMaxParts === 'number' ? entry.longMessageMaxParts : 3;
      if (count.segments > maxParts) {
        return badRequest(
          `The message needs ${count.segments} parts, more than longMessageMaxParts (${maxParts})`,
        );
      }
      for (const to of recipients) {
        const isBlocked = blocked.has(to.replace(/^\+/, ''));
        planned.push({
          type: 'SENT',
          from: typeof entry.from === 'string' ? entry.from : null,
          to: to.replace(/^\+/, ''),
          body: entry.body,
          encoding,
          protocolId: 0,
          messageClass: 2,
          numberOfParts: null,
          creditCost: null,
          status: isBlocked
            ? { id: 'FAILED.BLOCKED', type: 'FAILED', subtype: 'BLOCKED' }
            : { id: 'ACCEPTED.null', type: 'ACCEPTED', subtype: null },
          relatedSentMessageId: null,
          userSuppliedId: typeof userSuppliedId === 'string' ? userSuppliedId : null,
        });
      }
    }
    const cost = planned.reduce((sum, m) => sum + Math.max(1, countSegments(m.body).segments), 0);
    if (cost > credits) {
      return {
        status: 403,
        body: {
          type: `${ERRORS}#insufficient-credits`,
          title: 'Insufficient Credits',
          status: 403,
        },
      };
    }
    credits -= cost;
    const submission = {
      id: `1-${String(nextSubmission++).padStart(20, '0')}`,
      date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    const created = planned.map((m) => ({ ...m, id: String(nextId++), submission }));
    messages.push(...created);
    if (deduplicationId !== null) {
      submissions.set(deduplicationId, created);
    }
    const accepted: AcceptedMessage[] = created.map((m) => ({
      id: m.id,
      to: m.to,
      body: m.body,
      from: m.from,
      extra: {
        userSuppliedId: m.userSuppliedId,
        encoding: m.encoding,
        deduplicationId,
        status: m.status.id,
      },
      receivedAt: request.receivedAt,
    }));
    return { status: 201, body: created, accepted };
  };

  const list = (request: RecordedRequest): FakeReply => {
    const clauses = request.query.filter ? request.query.filter.split('&') : [];
    const tests: Array<(m: BulkSmsMessageResource) => boolean> = [];
    for (const clause of clauses) {
      const idMatch = /^id([<>])(\d+)$/.exec(clause);
      if (idMatch) {
        const bound = Number(idMatch[2]);
        tests.push((m) => (idMatch[1] === '<' ? Number(m.id) < bound : Number(m.id) > bound));
        continue;
      }
      const eq = clause.indexOf('=');
      const field = eq < 0 ? clause : clause.slice(0, eq);
      const value = eq < 0 ? '' : clause.slice(eq + 1);
      const read = Object.hasOwn(FILTER_FIELDS, field) ? FILTER_FIELDS[field] : undefined;
      if (!read) {
        return badRequest(`Invalid filter field '${field}'`);
      }
      tests.push((m) => read(m) === value);
    }
    const limit = request.query.limit ? Number(request.query.limit) : 1000;
    const ordered =
      request.query.sortOrder === 'ASCENDING' ? [...messages] : [...messages].reverse();
    const found = ordered.filter((m) => tests.every((t) => t(m))).slice(0, limit);
    return { status: 200, body: found };
  };

  const handle = (request: RecordedRequest): FakeReply => {
    const credentials = basicCredentials(request.headers);
    if (
      credentials === null ||
      credentials.username !== options.username ||
      credentials.password !== options.password
    ) {
      return {
        status: 401,
        headers: { 'WWW-Authenticate': 'Basic realm="BulkSMS"' },
        body: {
          type: `${ERRORS}#authentication-failed`,
          title: 'Authentication Failed',
          status: 401,
          detail: 'You need to provide valid credentials',
        },
      };
    }
    if (request.path !== '/v1/messages') {
      return {
        status: 404,
        body: {
          type: `${ERRORS}#not-found`,
          title: 'Not Found',
          status: 404,
          detail: request.path,
        },
      };
    }
    if (request.method === 'POST') {
      return send(request);
    }
    if (request.method === 'GET') {
      return list(request);
    }
    return {
      status: 405,
      body: { type: `${ERRORS}#method-not-allowed`, title: 'Method Not Allowed', status: 405 },
    };
  };

  const fake = await startFakeServer({
    name: 'bulksms',
    handle,
    port: options.port,
    resetState: () => {
      messages.length = 0;
      submissions.clear();
      credits = options.credits ?? Number.POSITIVE_INFINITY;
    },
  });
  return Object.assign(fake, {
    username: options.username,
    password: options.password,
    messages,
    setStatus: (id: string, statusId: string) => {
      const message = messages.find((m) => m.id === id);
      if (!message) {
        throw new Error(`fake bulksms: no message ${id}`);
      }
      const [type, subtype] = statusId.split('.');
      message.status = { id: statusId, type, subtype: subtype === 'null' ? null : subtype };
    },
  });
}

const FILTER_FIELDS: Record<string, (m: BulkSmsMessageResource) => string | null> = {
  type: (m) => m.type,
  userSuppliedId: (m) => m.userSuppliedId,
  'status.type': (m) => m.status.type,
  'status.id': (m) => m.status.id,
  'submission.id': (m) => m.submission.id,
};

function readRecipients(to: unknown): string[] | null {
  if (typeof to === 'string') {
    return [to];
  }
  if (Array.isArray(to)) {
    const out: string[] = [];
    for (const item of to) {
      if (typeof item === 'string') {
        out.push(item);
      } else if (
        typeof item === 'object' &&
        item !== null &&
        typeof (item as { address?: unknown }).address === 'string'
      ) {
        out.push((item as { address: string }).address);
      } else {
        return null;
      }
    }
    return out;
  }
  if (
    typeof to === 'object' &&
    to !== null &&
    typeof (to as { address?: unknown }).address === 'string'
  ) {
    return [(to as { address: string }).address];
  }
  return null;
}

function badRequest(detail: string): FakeReply {
  return {
    status: 400,
    body: { type: `${ERRORS}#bad-request`, title: 'Bad Request', status: 400, detail },
  };
}
