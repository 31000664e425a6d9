/**
 * A fake Twilio Programmable Messaging API (POST /2010-04-01/Accounts/{Sid}/Messages.json):
 * Basic auth AccountSid:AuthToken, form-encoded To/From/MessagingServiceSid/Body/StatusCallback,
 * 201 JSON message resource, and Twilio's error bodies `{code, message, more_info, status}`.
 */
import { randomBytes } from 'node:crypto';
import { countSegments } from '../../src/domain/sms-segments';
import type { AcceptedMessage, FakeGateway, FakeReply, RecordedRequest } from './fake-server';
import { basicCredentials, mediaType, startFakeServer } from './fake-server';

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  /** Numbers that replied STOP: sending to them answers 21610. */
  optedOut?: string[];
  /** Landlines: sending to them answers 21614. */
  landlines?: string[];
  /** When given, any other From answers 21606 (not an SMS-capable number of the account). */
  senders?: string[];
  port?: number;
}

export const DEFAULT_TWILIO_CREDENTIALS = {
  accountSid: 'AC00000000000000000000000000fa4e',
  authToken: 'fake-twilio-auth-token-0000',
};

const E164 = /^\+[1-9]\d{6,14}$/;
const MAX_BODY_CHARS = 1600;

export interface FakeTwilio extends FakeGateway {
  readonly accountSid: string;
  readonly authToken: string;
}

export async function startFakeTwilio(
  options: FakeTwilioOptions = DEFAULT_TWILIO_CREDENTIALS,
): Promise<FakeTwilio> {
  const { accountSid, authToken } = options;
  const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const optedOut = new Set(options.optedOut ?? []);
  const landlines = new Set(options.landlines ?? []);

  const handle = (request: RecordedRequest): FakeReply => {
    const credentials = basicCredentials(request.headers);
    if (
      credentials === null ||
      credentials.username !== accountSid ||
      credentials.password !== authToken
    ) {
      return twilioError(401, 20003, 'Authenticate');
    }
    if (request.path !== messagesPath) {
      return twilioError(404, 20404, `The requested resource ${request.path} was not found`);
    }
    if (request.method !== 'POST') {
      return twilioError(405, 20004, 'Method not allowed');
    }
    // Twilio reads form parameters only: a JSON body leaves every parameter missing.
    const params =
      mediaType(request.headers) === 'application/x-www-form-urlencoded'
        ? (request.body as Record<string, string>)
        : {};
    const to = params.To;
    const from = params.From;
    const serviceSid = params.MessagingServiceSid;
    const body = params.Body;
    if (!to) {
      return twilioError(400, 21604, "A 'To' phone number is required.");
    }
    if (!from && !serviceSid) {
      return twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required");
    }
    if (!body) {
      return twilioError(400, 21602, 'Message body is required.');
    }
    if (!E164.test(to)) {
      return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    }
    if (from && options.senders && !options.senders.includes(from)) {
      return twilioError(
        400,
        21606,
        `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`,
      );
    }
    if (body.length > MAX_BODY_CHARS) {
      return twilioError(
        400,
        21617,
        'The concatenated message body exceeds the 1600 character limit.',
      );
    }
    if (optedOut.has(to)) {
      return twilioError(400, 21610, 'Attempt to send to unsubscribed recipient');
    }
    if (landlines.has(to)) {
      return twilioError(400, 21614, `'To' number ${to} is not a valid mobile number`);
    }

    const sid = `SM${randomBytes(16).toString('hex')}`;
    const now = new Date().toUTCString().replace('GMT', '+0000');
    const segments = Math.max(1, countSegments(body).segments);
    const accepted: AcceptedMessage = {
      id: sid,
      to,
      body,
      from: from ?? null,
      extra: {
        MessagingServiceSid: serviceSid ?? null,
        StatusCallback: params.StatusCallback ?? null,
      },
      receivedAt: request.receivedAt,
    };
    return {
      status: 201,
      accepted: [accepted],
      body: {
        account_sid: accountSid,
        api_version: '2010-04-01',
        body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: from ?? null,
        messaging_service_sid: serviceSid ?? null,
        num_media: '0',
        // Twilio sends these counts as strings.
        num_segments: String(segments),
        price: null,
        price_unit: 'USD',
        sid,
        // Through a Messaging Service without From, the sender is chosen later: 'accepted'.
        status: serviceSid && !from ? 'accepted' : 'queued',
        subresource_uris: {
          media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json`,
        },
        to,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      },
    };
  };

  const fake = await startFakeServer({ name: 'twilio', handle, port: options.port });
  return Object.assign(fake, { accountSid, authToken });
}

function twilioError(status: number, code: number, message: string): FakeReply {
  return {
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  };
}
