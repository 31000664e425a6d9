import { Router } from 'express';
import type { ConsentLogEntry } from '../../entities/consent-log-entry.entity';
import type { InboundSms } from '../../entities/inbound-sms.entity';
import { RECORD_MODULES } from '../../entities/record-module';
import type { Suppression } from '../../entities/suppression.entity';
import { Permission } from '../auth/permissions';
import type { Services } from '../services';
import { takePageRequest } from '../services/pagination';
import { requirePermission } from './auth.middleware';
import { presentPage } from './presenters';
import { QueryParams } from './query-params';
import { param, queryObject } from './validate';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentConsentEntry(e: ConsentLogEntry): Record<string, unknown> {
  return {
    id: e.id,
    record_type: e.record_type,
    record_id: e.record_id,
    phone: e.phone,
    old_value: e.old_value,
    new_value: e.new_value,
    source: e.source,
    user_id: e.user_id,
    detail: e.detail,
    created_at: iso(e.created_at),
  };
}

export function presentInbound(m: InboundSms): Record<string, unknown> {
  return {
    id: m.id,
    provider: m.provider,
    provider_message_id: m.provider_message_id,
    from: m.from_number,
    to: m.to_number,
    body: m.body,
    keyword: m.keyword,
    needs_review: m.needs_review,
    received_at: iso(m.received_at),
  };
}

function presentSuppression(s: Suppression): Record<string, unknown> {
  return { phone: s.phone, reason: s.reason, detail: s.detail, created_at: iso(s.created_at) };
}

/**
 * Read-only views of consent: the append-only log (no route edits or deletes it), the
 * suppression list and the replies received. Records expose theirs under
 * /api/{contacts|accounts}/:id/consent-log and /inbound-sms.
 */
export function consentRoutes(services: Services): Router {
  const router = Router();
  const read = requirePermission(Permission.ReadRecords);

  router.get('/consent-log', read, async (req, res) => {
    const query = queryObject(req);
    const page = takePageRequest(query);
    const params = new QueryParams(query);
    const filter = {
      record_type: params.oneOf('record_type', RECORD_MODULES),
      record_id: params.text('record_id', 36),
      phone: params.phone('phone'),
    };
    params.done();
    res.json(presentPage(await services.consent.history(filter, page), presentConsentEntry));
  });

  router.get('/suppressions', read, async (req, res) => {
    const query = queryObject(req);
    const page = takePageRequest(query);
    new QueryParams(query).done();
    res.json(presentPage(await services.consent.listSuppressions(page), presentSuppression));
  });

  router.get('/inbound-sms', requirePermission(Permission.ReadMessages), async (req, res) => {
    const query = queryObject(req);
    const page = takePageRequest(query);
    const params = new QueryParams(query);
    const review = params.oneOf('needs_review', ['true', 'false'] as const);
    const filter = {
      from: params.phone('from'),
      needs_review: review === undefined ? undefined : review === 'true',
    };
    params.done();
    res.json(presentPage(await services.inbound.list(filter, page), presentInbound));
  });

  for (const module of RECORD_MODULES) {
    const records = () => services.records(module);
    router.get(`/${module}/:id/consent-log`, read, async (req, res) => {
      const query = queryObject(req);
      const page = takePageRequest(query);
      new QueryParams(query).done();
      const record = await records().get(param(req, 'id'));
      const history = await services.consent.history(
        { record_type: module, record_id: record.id },
        page,
      );
      res.json(presentPage(history, presentConsentEntry));
    });

    router.get(
      `/${module}/:id/inbound-sms`,
      requirePermission(Permission.ReadMessages),
      async (req, res) => {
        const query = queryObject(req);
        const page = takePageRequest(query);
        new QueryParams(query).done();
        const record = await records().get(param(req, 'id'));
        const phone = records().phoneOf(record);
        const replies = phone
          ? await services.inbound.list({ from: phone }, page)
          : { data: [], total: 0, ...page };
        res.json(presentPage(replies, presentInbound));
      },
    );
  }
  return router;
}
