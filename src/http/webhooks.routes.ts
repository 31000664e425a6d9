import express, { Router } from 'express';
import type { Request, Response } from 'express';
import type { AppConfig } from '../config/config';
import { DomainError, ErrorCode } from '../errors/domain-error';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { isWebhookProvider, webhooksFor, WebhookPayloadError } from '../webhooks/providers';
import type { ProviderWebhooks, WebhookAck, WebhookProvider } from '../webhooks/providers';
import { tokensEqual, verifyTwilioSignature } from '../webhooks/signatures';
import type { TwilioParams } from '../webhooks/signatures';
import { param } from './validate';

/**
 * Provider callbacks: `/webhooks/<provider>/status` (delivery receipts) and
 * `/webhooks/<provider>/inbound` (replies). Nothing is read or changed before the request is
 * authenticated: Twilio's X-Twilio-Signature against PUBLIC_URL (400 when missing, 403 when
 * wrong), and for the providers that do not sign, WEBHOOK_TOKEN in the URL (`?token=`), both
 * compared in constant time.
 */
export function webhookRoutes(
  services: Services,
  config: AppConfig,
  logger: Logger,
  /** The Twilio auth token in force: saved gateway settings, else the environment. */
  twilioAuthToken: () => Promise<string | null>,
): Router {
  const router = Router();
  const keepRaw = (req: Request, _res: Response, buffer: Buffer) => {
    (req as Request & { rawBody?: string }).rawBody = buffer.toString('utf8');
  };
  router.use(express.urlencoded({ extended: false, limit: '256kb', verify: keepRaw }));
  router.use(express.json({ limit: '1mb', verify: keepRaw }));

  const parsers = new Map<WebhookProvider, ProviderWebhooks>();
  const parserFor = (provider: WebhookProvider) => {
    let parser = parsers.get(provider);
    if (!parser) {
      parser = webhooksFor(provider, {
        onIgnored: (entry) => logger.debug('webhook entry ignored', { ...entry }),
      });
      parsers.set(provider, parser);
    }
    return parser;
  };

  const authenticate = async (provider: WebhookProvider, req: Request): Promise<void> => {
    if (provider === 'twilio') {
      const token = await twilioAuthToken();
      if (!token || !config.publicUrl) {
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          'Twilio webhooks need TWILIO_AUTH_TOKEN and PUBLIC_URL to verify signatures',
        );
      }
      const check = verifyTwilioSignature(
        token,
        config.publicUrl + req.originalUrl,
        (req.body ?? {}) as TwilioParams,
        req.get('x-twilio-signature'),
      );
      if (check === 'missing') {
        throw new DomainError(ErrorCode.BadRequest, 'the X-Twilio-Signature header is missing');
      }
      if (check === 'invalid') {
        throw new DomainError(ErrorCode.Forbidden, 'the X-Twilio-Signature does not match');
      }
      return;
    }
    const expected = config.consent.webhookToken;
    if (!expected) {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        `${provider} webhooks need WEBHOOK_TOKEN (put it in the webhook URL as ?token=)`,
      );
    }
    const given = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (!tokensEqual(expected, given)) {
      throw new DomainError(ErrorCode.Forbidden, 'the webhook token is missing or wrong');
    }
  };

  const providerOf = (req: Request): WebhookProvider => {
    const name = param(req, 'provider');
    if (!isWebhookProvider(name)) {
      throw new DomainError(ErrorCode.NotFound, `no webhooks for provider '${name}'`);
    }
    return name;
  };

  const parse = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      if (error instanceof WebhookPayloadError) {
        throw new DomainError(ErrorCode.BadRequest, error.message);
      }
      throw error;
    }
  };

  const answer = (res: Response, ack: WebhookAck) => {
    if (ack.contentType) {
      res.type(ack.contentType);
    }
    res.status(ack.status).send(ack.body ?? '');
  };

  router.post('/:provider/status', async (req, res) => {
    const provider = providerOf(req);
    await authenticate(provider, req);
    const receipts = parse(() => parserFor(provider).parseStatus(req));
    await services.receipts.record(provider, receipts);
    answer(res, parserFor(provider).ackStatus());
  });

  router.post('/:provider/inbound', async (req, res) => {
    const provider = providerOf(req);
    await authenticate(provider, req);
    const replies = parse(() => parserFor(provider).parseInbound(req));
    for (const reply of replies) {
      await services.inbound.receive(provider, reply);
    }
    answer(res, parserFor(provider).ackInbound());
  });

  // Only POSTs are webhooks; anything else must not fall through to the sign-in pages.
  router.use((req, _res, next) => {
    next(new DomainError(ErrorCode.NotFound, `no webhook for ${req.method} ${req.path}`));
  });

  return router;
}
