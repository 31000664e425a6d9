import { Router } from 'express';
import type { Request, Response } from 'express';
import { RECORD_MODULES, RecordModule } from '../../../entities/record-module';
import {
  EDITABLE_SMS_STATUSES,
  SMS_STATUSES,
  SmsStatus,
} from '../../../entities/sms-message.entity';
import type { SmsMessage } from '../../../entities/sms-message.entity';
import { Permission } from '../../auth/permissions';
import { normalizePhone } from '../../domain/phone-number';
import { countSegments } from '../../domain/sms-segments';
import { DomainError, ErrorCode } from '../../errors/domain-error';
import type { ErrorDetail } from '../../errors/domain-error';
import type { Services } from '../../services';
import type { Page } from '../../services/pagination';
import type { MessageFilter } from '../../services/sms-message.service';
import type { WebContext } from '../web-app';
import { requirePage } from '../web-auth';
import { pagination, stringQuery } from './page-helpers';

export const PERIODS: readonly { value: string; label: string }[] = [
  { value: '', label: 'Any time' },
  { value: 'today', label: 'Today' },
  { value: 'yesterday', label: 'Yesterday' },
  { value: 'last_7_days', label: 'Last 7 days' },
  { value: 'last_30_days', label: 'Last 30 days' },
  { value: 'this_month', label: 'This month' },
  { value: 'last_month', label: 'Last month' },
  { value: 'custom', label: 'Custom range' },
];

const DAY = 86_400_000;

function startOfUtcDay(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** A yyyy-mm-dd date as the start of that UTC day, or null when it is not a real date. */
function utcDay(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) {
    return null;
  }
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(y, m - 1, d);
  return new Date(time).getUTCDate() === d && new Date(time).getUTCMonth() === m - 1 ? time : null;
}

/**
 * The send-date bounds of a period, in UTC (the dates the pages show). "Last 7 days" is today
 * and the six days before, to the end of today, so messages scheduled later today are included.
 * Both bounds are inclusive, as the service's filter is.
 */
export function periodRange(
  period: string,
  now: Date,
  custom: { from?: string; to?: string } = {},
): { from?: Date; to?: Date; errors: ErrorDetail[] } {
  const today = startOfUtcDay(now);
  const month = (offset: number) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1);
  const range = (from: number, toExclusive: number) => ({
    from: new Date(from),
    to: new Date(toExclusive - 1),
    errors: [],
  });
  switch (period) {
    case '':
      return { errors: [] };
    case 'today':
      return range(today, today + DAY);
    case 'yesterday':
      return range(today - DAY, today);
    case 'last_7_days':
      return range(today - 6 * DAY, today + DAY);
    case 'last_30_days':
      return range(today - 29 * DAY, today + DAY);
    case 'this_month':
      return range(month(0), month(1));
    case 'last_month':
      return range(month(-1), month(0));
    case 'custom': {
      const errors: ErrorDetail[] = [];
      const from = custom.from ? utcDay(custom.from) : undefined;
      const to = custom.to ? utcDay(custom.to) : undefined;
      if (from === null) {
        errors.push({ field: 'from', message: 'Give the first day as a date, e.g. 2026-12-01.' });
      }
      if (to === null) {
        errors.push({ field: 'to', message: 'Give the last day as a date, e.g. 2026-12-31.' });
      }
      if (typeof from === 'number' && typeof to === 'number' && from > to) {
        errors.push({ field: 'to', message: 'The last day is before the first day.' });
      }
      if (errors.length > 0) {
        return { errors };
      }
      return {
        from: typeof from === 'number' ? new Date(from) : undefined,
        to: typeof to === 'number' ? new Date(to + DAY - 1) : undefined,
        errors,
      };
    }
    default:
      return { errors: [{ field: 'period', message: `'${period}' is not a period.` }] };
  }
}

const NOTICES: Record<string, string> = {
  cancelled: 'The SMS was cancelled; it will not be sent.',
  deleted: 'The SMS was deleted.',
};

/** Names of the campaigns among the messages, one query each. */
async function campaignNames(
  services: Services,
  messages: SmsMessage[],
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const id of new Set(messages.map((m) => m.campaign_id).filter((x) => x !== null))) {
    names[id] = await services.campaigns.get(id).then(
      (c) => c.name,
      () => id,
    );
  }
  return names;
}

function messageRow(m: SmsMessage, campaigns: Record<string, string>) {
  return {
    id: m.id,
    send_date: m.send_date,
    status: m.status,
    to_number: m.to_number,
    log_href: `/sms-log/${encodeURIComponent(m.to_number)}`,
    parent_name: m.parent_name,
    parent_href: m.parent_type && m.parent_id ? `/${m.parent_type}/${m.parent_id}` : null,
    is_test: m.is_test,
    body: m.body,
    campaign_id: m.campaign_id,
    campaign_name: m.campaign_id ? (campaigns[m.campaign_id] ?? m.campaign_id) : null,
    provider: m.provider,
    provider_message_id: m.provider_message_id,
    error_code: m.error_code,
    error_message: m.error_message,
    attempts: m.attempts,
  };
}

/** SMS History (all messages, filtered), message detail with Cancel, and the per-number log. */
export function messagesPages(ctx: WebContext): Router {
  const router = Router();
  const services = ctx.services;

  router.get('/sms-messages', requirePage(Permission.ReadMessages), async (req, res) => {
    const query = stringQuery(req);
    const errors: ErrorDetail[] = [];
    const pageNumber = /^\d{1,6}$/.test(query.page ?? '') ? Math.max(1, Number(query.page)) : 1;
    const filter: MessageFilter = {};
    const status = query.status ?? '';
    if (status !== '') {
      if ((SMS_STATUSES as readonly string[]).includes(status)) {
        filter.status = [status as SmsStatus];
      } else {
        errors.push({ field: 'status', message: `'${status}' is not a status.` });
      }
    }
    const period = periodRange(query.period ?? '', new Date(), {
      from: query.from,
      to: query.to,
    });
    errors.push(...period.errors);
    filter.from = period.from;
    filter.to = period.to;
    // An unencoded '+' in a typed or pasted link (?number=+33…) arrives as a space.
    const number = (query.number ?? '').replace(/^ (?=\d)/, '+').trim();
    if (number !== '') {
      const parsed = normalizePhone(number);
      if (parsed.ok) {
        filter.number = parsed.e164;
      } else {
        errors.push({ field: 'number', message: parsed.reason });
      }
    }
    let parent: { name: string; href: string } | null = null;
    if (query.parent_type && query.parent_id) {
      const module = RECORD_MODULES.find((m) => m === query.parent_type);
      if (module) {
        filter.parent_type = module;
        filter.parent_id = query.parent_id.slice(0, 36);
        const records = services.records(module);
        const record = await records.find(filter.parent_id);
        parent = {
          name: record ? records.displayName(record) : filter.parent_id,
          href: `/${module}/${filter.parent_id}`,
        };
      }
    }
    // A filter the user got wrong lists nothing rather than everything.
    const request = { page: pageNumber, per_page: 25 };
    const result: Page<SmsMessage> =
      errors.length > 0
        ? { data: [], total: 0, ...request }
        : await services.messages.list(filter, request);
    const rows = result.data;
    const campaigns = await campaignNames(services, rows);
    const fieldErrors: Record<string, string> = {};
    for (const e of errors) {
      fieldErrors[e.field] ??= e.message;
    }
    res.status(errors.length > 0 ? 422 : 200).render('messages/history', {
      title: 'SMS History',
      section: 'history',
      statuses: SMS_STATUSES.map((s) => ({ value: s, selected: s === status })),
      periods: PERIODS.map((p) => ({ ...p, selected: p.value === (query.period ?? '') })),
      filters: {
        status,
        period: query.period ?? '',
        from: query.from ?? '',
        to: query.to ?? '',
        number,
        parent_type: filter.parent_type ?? '',
        parent_id: filter.parent_id ?? '',
      },
      parent,
      range: period.from || period.to ? { from: period.from, to: period.to } : null,
      errors: fieldErrors,
      has_errors: errors.length > 0,
      rows: rows.map((m) => messageRow(m, campaigns)),
      pager: pagination(req, result),
    });
  });

  router.get('/sms-messages/:id', requirePage(Permission.ReadMessages), async (req, res) => {
    await renderMessage(services, req, res, null, 200);
  });

  router.post(
    '/sms-messages/:id/cancel',
    requirePage(Permission.WriteMessages),
    async (req, res) => {
      const id = String(req.params.id);
      try {
        await services.messages.update(id, { status: SmsStatus.Cancelled }, services.records);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === ErrorCode.NotFound) {
          throw error;
        }
        // The scheduler took it in the meantime, or it was already final: say so on the page.
        await renderMessage(services, req, res, error.message, 409);
        return;
      }
      res.redirect(303, `/sms-messages/${encodeURIComponent(id)}?done=cancelled`);
    },
  );

  router.post(
    '/sms-messages/:id/delete',
    requirePage(Permission.WriteMessages),
    async (req, res) => {
      const id = String(req.params.id);
      try {
        await services.messages.remove(id);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === ErrorCode.NotFound) {
          throw error;
        }
        await renderMessage(services, req, res, error.message, 409);
        return;
      }
      res.redirect(303, '/sms-messages?done=deleted');
    },
  );

  router.get('/sms-log/:number', requirePage(Permission.ReadMessages), async (req, res) => {
    const raw = String(req.params.number);
    const parsed = normalizePhone(raw);
    if (!parsed.ok) {
      res.status(404).render('error', { title: 'Not a phone number', message: parsed.reason });
      return;
    }
    const number = parsed.e164;
    const query = stringQuery(req);
    const pageNumber = /^\d{1,6}$/.test(query.page ?? '') ? Math.max(1, Number(query.page)) : 1;
    const messages = await services.messages.list({ number }, { page: pageNumber, per_page: 25 });
    const campaigns = await campaignNames(services, messages.data);
    const suppression = await services.consent.suppression(number);
    const replies = await services.inbound.list({ from: number }, { page: 1, per_page: 20 });
    const owners = [];
    for (const module of RECORD_MODULES) {
      const records = services.records(module);
      const found = await records.list(
        { equals: { [records.def.phoneField]: number } },
        { page: 1, per_page: 20 },
      );
      for (const record of found.data) {
        owners.push({
          name: records.displayName(record),
          href: `/${module}/${record.id}`,
          label: records.def.label,
          sms_opt_in: record.sms_opt_in,
        });
      }
    }
    res.render('messages/log', {
      title: `SMS log · ${number}`,
      section: 'history',
      number,
      suppression,
      owners,
      rows: messages.data.map((m) => messageRow(m, campaigns)),
      replies: replies.data,
      replies_total: replies.total,
      pager: pagination(req, messages),
    });
  });

  return router;
}

async function renderMessage(
  services: Services,
  req: Request,
  res: Response,
  error: string | null,
  status: number,
): Promise<void> {
  const message = await services.messages.get(String(req.params.id));
  const campaign = message.campaign_id
    ? await services.campaigns.get(message.campaign_id).catch(() => null)
    : null;
  const template = message.template_id
    ? await services.templates.get(message.template_id).catch(() => null)
    : null;
  const author = message.created_by_user_id
    ? await services.users.get(message.created_by_user_id).catch(() => null)
    : null;
  const count = countSegments(message.body);
  const query = stringQuery(req);
  res.status(status).render('messages/detail', {
    title: `SMS to ${message.parent_name ?? message.to_number}`,
    section: 'history',
    message: messageRow(message, campaign ? { [campaign.id]: campaign.name } : {}),
    parent_module:
      message.parent_type === RecordModule.Accounts
        ? 'Account'
        : message.parent_type === RecordModule.Contacts
          ? 'Contact'
          : null,
    details: message,
    characters: count.characters,
    template: template ? { id: template.id, name: template.name } : null,
    author: author ? author.name : null,
    cancellable: EDITABLE_SMS_STATUSES.includes(message.status),
    deletable: message.status === SmsStatus.Draft || message.status === SmsStatus.Cancelled,
    error,
    notice: NOTICES[query.done ?? ''] ?? null,
  });
}
