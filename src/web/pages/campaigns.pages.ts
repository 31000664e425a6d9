import { Router } from 'express';
import type { Request, Response } from 'express';
import { RecipientStatus, SkipReason } from '../../../entities/campaign-recipient.entity';
import { RECORD_MODULES, RecordModule } from '../../../entities/record-module';
import { CampaignStatus } from '../../../entities/sms-campaign.entity';
import type { SmsCampaign } from '../../../entities/sms-campaign.entity';
import { SMS_STATUSES, SmsStatus } from '../../../entities/sms-message.entity';
import type { SmsTemplate } from '../../../entities/sms-template.entity';
import { Permission } from '../../auth/permissions';
import { param } from '../../http/validate';
import type { RecordModuleDefinition } from '../../domain/record-modules';
import { DomainError, ErrorCode } from '../../errors/domain-error';
import type { PageRequest } from '../../services/pagination';
import { parseRecordFilter } from '../../services/record-filter';
import type { CrmRecord, RecordService } from '../../services/record.service';
import type { CampaignSummary } from '../../services/sms-campaign.service';
import { STATUS_LABELS } from '../view-engine';
import type { WebContext } from '../web-app';
import { PERIODS, periodRange } from './messages.pages';
import { pageUser, requirePage } from '../web-auth';
import { formFields, pagination, stringQuery } from './page-helpers';
import { addError, asModule, fieldErrors, MODULE_LABELS, pageNumber } from './templates.pages';
import type { FieldErrors } from './templates.pages';

const MAX_NAME_LENGTH = 150;
/** Rows shown in a preview or a search before adding: enough to check, not a whole export. */
const PREVIEW_ROWS = 50;
const SUB_PANEL_ROWS = 20;

/** While the campaign is in one of these, the page polls its progress. */
const ACTIVE: readonly CampaignStatus[] = [
  CampaignStatus.GenerateAll,
  CampaignStatus.Generating,
  CampaignStatus.InProgress,
];
const CANCELLABLE: readonly CampaignStatus[] = [CampaignStatus.Draft, ...ACTIVE];
const DELETABLE: readonly CampaignStatus[] = [
  CampaignStatus.Draft,
  CampaignStatus.Completed,
  CampaignStatus.Cancelled,
];
/** Messages in these will not change any more (on their own). */
const FINISHED: readonly SmsStatus[] = [
  SmsStatus.Sent,
  SmsStatus.Delivered,
  SmsStatus.Undelivered,
  SmsStatus.Failed,
  SmsStatus.Expired,
  SmsStatus.Cancelled,
];

/** The record fields a marketer filters recipients by, per module (all exact matches). */
const FILTER_FIELDS: Record<RecordModule, readonly string[]> = {
  [RecordModule.Contacts]: ['primary_address_city', 'primary_address_country', 'lead_source'],
  [RecordModule.Accounts]: [
    'billing_address_city',
    'billing_address_country',
    'industry',
    'account_type',
  ],
};

function skipLabel(reason: string, def: RecordModuleDefinition): string {
  switch (reason) {
    case SkipReason.NoPhone:
      return `No ${def.phoneLabel}`;
    case SkipReason.InvalidPhone:
      return `Invalid ${def.phoneLabel}`;
    case SkipReason.NotOptedIn:
      return 'Not opted in to SMS';
    case SkipReason.DuplicateNumber:
      return 'Same number as another recipient';
    case SkipReason.RecordDeleted:
      return 'Record deleted';
    case SkipReason.TooLong:
      return 'Text too long';
    case SkipReason.RenderFailed:
      return 'Template could not be filled in';
    case SkipReason.Suppressed:
      return 'Number opted out (STOP)';
    default:
      return reason;
  }
}

const RECIPIENT_LABELS: Record<RecipientStatus, string> = {
  [RecipientStatus.Pending]: 'Pending',
  [RecipientStatus.Generated]: 'Message created',
  [RecipientStatus.Skipped]: 'Skipped',
};

/** Pager links for one of several paged lists on a page, each with its own parameter. */
function subPager(req: Request, name: string, page: PageRequest, total: number, hash: string) {
  const pages = Math.max(1, Math.ceil(total / page.per_page));
  const link = (n: number) => {
    const params = new URLSearchParams(stringQuery(req));
    params.set(name, String(n));
    return `${req.path}?${params.toString()}#${hash}`;
  };
  return {
    page: page.page,
    pages,
    total,
    prev: page.page > 1 ? link(page.page - 1) : null,
    next: page.page < pages ? link(page.page + 1) : null,
  };
}

/**
 * `datetime-local` gives a wall-clock time without a zone; the script adds the browser's offset
 * for that date (minutes, as Date#getTimezoneOffset). Without it the time is read as UTC, as the
 * form says.
 */
function parseLocalDateTime(value: string, offset: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) {
    return null;
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map((p) => Number(p ?? 0));
  const wall = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls impossible dates over (Feb 30 → Mar 2): refuse them instead.
  if (wall.getUTCMonth() !== month - 1 || wall.getUTCDate() !== day || hour > 23 || minute > 59) {
    return null;
  }
  const minutes = offset.trim() === '' ? 0 : Number(offset);
  if (!Number.isInteger(minutes) || Math.abs(minutes) > 18 * 60) {
    return null;
  }
  return new Date(wall.getTime() + minutes * 60_000);
}

interface CampaignForm {
  name: string;
  send_date: string;
  tz_offset: string;
  module: string;
  template_id: string;
}

/** SMS Campaigns: list, create as Draft, the campaign page with its progress, and recipients. */
export function campaignsPages(ctx: WebContext): Router {
  const router = Router();
  const { campaigns, templates, messages } = ctx.services;
  const read = requirePage(Permission.ReadCampaigns);
  const manage = requirePage(Permission.ManageCampaigns);
  const pricing = ctx.config.consent;

  const canManage = (res: Response): boolean => res.locals.can?.manage_campaigns === true;

  /** Counts, skips and progress as the campaign page and its polling show them. */
  const progressOf = (summary: CampaignSummary) => {
    const campaign = summary.campaign;
    const def = ctx.services.records(campaign.module).def;
    const generated = Object.values(summary.counts).reduce((a, b) => a + b, 0);
    const skipped = Object.values(summary.skipped).reduce((a, b) => a + b, 0);
    const finished = FINISHED.reduce((n, s) => n + (summary.counts[s] ?? 0), 0);
    const price = pricing.pricePerSegment;
    return {
      campaign_id: campaign.id,
      status: campaign.status,
      status_label: STATUS_LABELS[campaign.status] ?? campaign.status,
      active: ACTIVE.includes(campaign.status),
      recipients: summary.recipients,
      generated,
      skipped,
      handled: generated + skipped,
      pending: Math.max(0, summary.recipients - generated - skipped),
      finished,
      counts: SMS_STATUSES.filter((s) => summary.counts[s]).map((s) => ({
        status: s,
        label: STATUS_LABELS[s] ?? s,
        n: summary.counts[s],
      })),
      skipped_reasons: Object.entries(summary.skipped).map(([reason, n]) => ({
        reason,
        label: skipLabel(reason, def),
        n,
      })),
      segments: summary.segments,
      // Rounded like the API's estimated_cost: per-segment prices are often fractions of a cent.
      cost:
        price === null || summary.segments === 0
          ? null
          : `${Math.round(summary.segments * price * 10_000) / 10_000} ${pricing.currency}`,
    };
  };

  const templateOptions = async (): Promise<SmsTemplate[]> =>
    (await templates.list({}, { page: 1, per_page: 200 })).data;

  // ---------- list ----------

  router.get('/sms-campaigns', read, async (req, res) => {
    const query = stringQuery(req);
    const status = (Object.values(CampaignStatus) as string[]).includes(query.status ?? '')
      ? (query.status as CampaignStatus)
      : undefined;
    const page = { page: pageNumber(query.page), per_page: 20 };
    // The same periods as the message history, on the dispatch date.
    const period = periodRange(query.period ?? '', new Date(), { from: query.from, to: query.to });
    const result = await campaigns.list({ status, from: period.from, to: period.to }, page);
    const rows = [];
    for (const campaign of result.data) {
      const progress = progressOf(await campaigns.summary(campaign.id));
      rows.push({
        id: campaign.id,
        name: campaign.name,
        status: campaign.status,
        module: MODULE_LABELS[campaign.module] ?? campaign.module,
        send_date: campaign.send_date,
        progress,
      });
    }
    res.render('campaigns/list', {
      title: 'SMS Campaigns',
      section: 'campaigns',
      rows,
      status_filter: status ?? '',
      periods: PERIODS.map((p) => ({ ...p, selected: p.value === (query.period ?? '') })),
      period_from: query.from ?? '',
      period_to: query.to ?? '',
      period_error: period.errors[0]?.message ?? null,
      statuses: Object.values(CampaignStatus).map((s) => ({ value: s, label: STATUS_LABELS[s] })),
      pager: pagination(req, result),
      notice: query.deleted === '1' ? 'Campaign deleted.' : null,
    });
  });

  // ---------- create and edit ----------

  const renderForm = async (
    res: Response,
    form: CampaignForm,
    options: { campaign: SmsCampaign | null; errors?: FieldErrors; utc?: Date },
  ) => {
    const errors = options.errors ?? {};
    const all = await templateOptions();
    res.status(Object.keys(errors).length > 0 ? 422 : 200).render('campaigns/form', {
      title: options.campaign ? `Edit campaign: ${options.campaign.name}` : 'Create SMS campaign',
      section: 'campaigns',
      campaign: options.campaign,
      action: options.campaign ? `/sms-campaigns/${options.campaign.id}` : '/sms-campaigns',
      form,
      // Set when the value is UTC from the server: the script shows it in the browser's zone.
      send_date_utc: options.utc ? options.utc.toISOString() : '',
      modules: RECORD_MODULES.map((value) => ({
        value,
        label: MODULE_LABELS[value],
        templates: all.filter((t) => t.module === value).map((t) => ({ id: t.id, name: t.name })),
      })),
      errors,
      has_errors: Object.keys(errors).length > 0,
    });
  };

  const readForm = (req: Request): CampaignForm => {
    const f = formFields(req.body);
    return {
      name: f.name ?? '',
      send_date: f.send_date ?? '',
      tz_offset: f.tz_offset ?? '',
      module: f.module ?? '',
      template_id: f.template_id ?? '',
    };
  };

  const checkForm = (form: CampaignForm, creating: boolean) => {
    const errors: FieldErrors = {};
    if (form.name.trim() === '') {
      addError(errors, 'name', 'Enter a name.');
    } else if (form.name.length > MAX_NAME_LENGTH) {
      addError(errors, 'name', `At most ${MAX_NAME_LENGTH} characters.`);
    }
    const sendDate = parseLocalDateTime(form.send_date, form.tz_offset);
    if (!sendDate) {
      addError(errors, 'send_date', 'Enter a date and time, for example 2030-01-31 09:30.');
    }
    const module = asModule(form.module);
    if (creating && !module) {
      addError(errors, 'module', 'Choose Contacts or Accounts.');
    }
    if (form.template_id === '') {
      addError(errors, 'template_id', 'Choose the template to send.');
    }
    return { errors, sendDate, module };
  };

  /** Service validation errors go to their field; `send_date` is the form's field too. */
  const asFormErrors = (error: unknown): FieldErrors | null =>
    error instanceof DomainError && error.code === ErrorCode.ValidationFailed
      ? fieldErrors(error.details)
      : null;

  router.get('/sms-campaigns/new', manage, async (req, res) => {
    const module = asModule(stringQuery(req).module) ?? RecordModule.Contacts;
    // Now, to the minute: a campaign is usually sent as soon as it is generated.
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await renderForm(
      res,
      {
        name: '',
        send_date: now.toISOString().slice(0, 16),
        tz_offset: '',
        module,
        template_id: '',
      },
      { campaign: null, utc: now },
    );
  });

  router.post('/sms-campaigns', manage, async (req, res) => {
    const form = readForm(req);
    const { errors, sendDate, module } = checkForm(form, true);
    if (Object.keys(errors).length > 0 || !sendDate || !module) {
      await renderForm(res, form, { campaign: null, errors });
      return;
    }
    try {
      const campaign = await campaigns.create(
        { name: form.name, send_date: sendDate, module, template_id: form.template_id },
        pageUser(res)?.id ?? null,
      );
      res.redirect(303, `/sms-campaigns/${campaign.id}?notice=created`);
    } catch (error) {
      const fieldErrs = asFormErrors(error);
      if (!fieldErrs) {
        throw error;
      }
      await renderForm(res, form, { campaign: null, errors: fieldErrs });
    }
  });

  router.get('/sms-campaigns/:id/edit', manage, async (req, res) => {
    const campaign = await campaigns.get(param(req, 'id'));
    await renderForm(
      res,
      {
        name: campaign.name,
        send_date: campaign.send_date.toISOString().slice(0, 16),
        tz_offset: '',
        module: campaign.module,
        template_id: campaign.template_id ?? '',
      },
      { campaign, utc: campaign.send_date },
    );
  });

  router.post('/sms-campaigns/:id', manage, async (req, res) => {
    const campaign = await campaigns.get(param(req, 'id'));
    const form = { ...readForm(req), module: campaign.module };
    const { errors, sendDate } = checkForm(form, false);
    if (Object.keys(errors).length > 0 || !sendDate) {
      await renderForm(res, form, { campaign, errors });
      return;
    }
    try {
      await campaigns.update(campaign.id, {
        name: form.name,
        send_date: sendDate,
        template_id: form.template_id,
      });
      res.redirect(303, `/sms-campaigns/${campaign.id}?notice=saved`);
    } catch (error) {
      const fieldErrs = asFormErrors(error);
      if (fieldErrs) {
        await renderForm(res, form, { campaign, errors: fieldErrs });
        return;
      }
      if (error instanceof DomainError && error.code === ErrorCode.Conflict) {
        await renderCampaign(req, res, campaign.id, { error: error.message });
        return;
      }
      throw error;
    }
  });

  // ---------- the campaign page ----------

  const NOTICES: Record<string, string> = {
    created: 'Campaign created as Draft. Add recipients, then generate its SMS messages.',
    saved: 'Campaign saved.',
    generate: 'Generate all SMS Messages requested: the scheduler creates them in a moment.',
    cancelled: 'Campaign cancelled. Messages not sent yet were cancelled too.',
    removed: 'Recipient removed.',
  };

  const noticeOf = (query: Record<string, string>): string | null => {
    if (query.added !== undefined) {
      const added = Number(query.added);
      const total = Number(query.total);
      if (Number.isInteger(added) && Number.isInteger(total) && added >= 0 && total >= 0) {
        return `${added} recipient${added === 1 ? '' : 's'} added; the campaign has ${total} in all.`;
      }
    }
    return NOTICES[query.notice ?? ''] ?? null;
  };

  async function renderCampaign(
    req: Request,
    res: Response,
    id: string,
    options: { error?: string } = {},
  ): Promise<void> {
    const query = stringQuery(req);
    const summary = await campaigns.summary(id);
    const campaign = summary.campaign;
    const records = ctx.services.records(campaign.module);
    const template = campaign.template_id
      ? await templates.get(campaign.template_id).catch((e: unknown) => {
          if (e instanceof DomainError && e.code === ErrorCode.NotFound) {
            return null;
          }
          throw e;
        })
      : null;
    const messagePage = { page: pageNumber(query.mpage), per_page: SUB_PANEL_ROWS };
    const recipientPage = { page: pageNumber(query.rpage), per_page: SUB_PANEL_ROWS };
    const messageList = await messages.list({ campaign_id: id }, messagePage);
    const recipientList = await campaigns.listRecipients(id, recipientPage);
    const manageable = canManage(res);
    const draft = campaign.status === CampaignStatus.Draft;
    res.status(options.error ? 409 : 200).render('campaigns/show', {
      title: campaign.name,
      section: 'campaigns',
      campaign,
      status_label: STATUS_LABELS[campaign.status] ?? campaign.status,
      module_label: MODULE_LABELS[campaign.module] ?? campaign.module,
      template: template ? { id: template.id, name: template.name } : null,
      template_missing: campaign.template_id !== null && template === null,
      progress: progressOf(summary),
      messages: messageList.data.map((m) => ({
        id: m.id,
        parent_type: m.parent_type,
        parent_id: m.parent_id,
        parent_name: m.parent_name,
        to: m.to_number,
        status: m.status,
        sent_at: m.sent_at,
        segments: m.segments,
        error: m.error_message ?? m.error_code,
      })),
      messages_pager: subPager(req, 'mpage', messagePage, messageList.total, 'messages'),
      recipients: recipientList.data.map((r) => ({
        ...r,
        status_label: RECIPIENT_LABELS[r.status] ?? r.status,
        skip_label: r.skip_reason ? skipLabel(r.skip_reason, records.def) : null,
      })),
      recipients_pager: subPager(req, 'rpage', recipientPage, recipientList.total, 'recipients'),
      phone_label: records.def.phoneLabel,
      can_edit: manageable && draft,
      can_generate: manageable && draft,
      can_cancel: manageable && CANCELLABLE.includes(campaign.status),
      can_delete: manageable && DELETABLE.includes(campaign.status),
      error: options.error ?? null,
      notice: options.error ? null : noticeOf(query),
    });
  }

  router.get('/sms-campaigns/:id', read, async (req, res) => {
    await renderCampaign(req, res, param(req, 'id'));
  });

  /** Polled by the page every 2 s while the campaign is being generated or sent. */
  router.get('/sms-campaigns/:id/progress', read, async (req, res) => {
    const progress = progressOf(await campaigns.summary(param(req, 'id')));
    // The panel's HTML comes from the same view as the page's, so both always read alike.
    const html = await new Promise<string>((resolve, reject) => {
      res.render('campaigns/progress', { progress }, (error: Error | null, out: string) =>
        error ? reject(error) : resolve(out),
      );
    });
    res.set('cache-control', 'no-store').json({
      status: progress.status,
      status_label: progress.status_label,
      active: progress.active,
      recipients: progress.recipients,
      generated: progress.generated,
      skipped: progress.skipped,
      counts: progress.counts,
      skipped_reasons: progress.skipped_reasons,
      html,
    });
  });

  /** Runs a state change; a refusal (409) is shown on the campaign page, never as a 500. */
  const orConflict = async (
    req: Request,
    res: Response,
    action: () => Promise<string>,
  ): Promise<void> => {
    try {
      res.redirect(303, await action());
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.Conflict) {
        await renderCampaign(req, res, param(req, 'id'), { error: error.message });
        return;
      }
      throw error;
    }
  };

  router.post('/sms-campaigns/:id/status', manage, async (req, res) => {
    const status = formFields(req.body).status;
    const id = param(req, 'id');
    await orConflict(req, res, async () => {
      if (status === CampaignStatus.GenerateAll) {
        await campaigns.update(id, { status: CampaignStatus.GenerateAll });
        return `/sms-campaigns/${id}?notice=generate`;
      }
      if (status === CampaignStatus.Cancelled) {
        await campaigns.update(id, { status: CampaignStatus.Cancelled });
        return `/sms-campaigns/${id}?notice=cancelled`;
      }
      throw new DomainError(
        ErrorCode.Conflict,
        'Choose "Generate all SMS Messages" or "Cancel campaign".',
      );
    });
  });

  router.post('/sms-campaigns/:id/delete', manage, async (req, res) => {
    const id = param(req, 'id');
    await orConflict(req, res, async () => {
      await campaigns.remove(id);
      return '/sms-campaigns?deleted=1';
    });
  });

  // ---------- recipients ----------

  /** Non-empty filter inputs of the module, as typed; empty means "any". */
  const filterInputOf = (module: RecordModule, source: Record<string, string>) => {
    const input: Record<string, string> = {};
    for (const key of ['q', ...FILTER_FIELDS[module], 'sms_opt_in']) {
      const value = source[key]?.trim();
      if (value) {
        input[key] = value;
      }
    }
    return input;
  };

  const recordRow = (records: RecordService<CrmRecord>, record: CrmRecord) => {
    const fields = record as unknown as Record<string, unknown>;
    const def = records.def;
    const [city, country] = FILTER_FIELDS[def.module];
    return {
      id: record.id,
      name: records.displayName(record),
      phone: (fields[def.phoneField] as string | null) ?? '',
      sms_opt_in: record.sms_opt_in,
      city: (fields[city] as string | null) ?? '',
      country: (fields[country] as string | null) ?? '',
    };
  };

  router.get('/sms-campaigns/:id/recipients/add', manage, async (req, res) => {
    await renderAddRecipients(req, res);
  });

  async function renderAddRecipients(
    req: Request,
    res: Response,
    options: { selectionError?: string; status?: number } = {},
  ): Promise<void> {
    const campaign = await campaigns.get(param(req, 'id'));
    const records = ctx.services.records(campaign.module);
    const def = records.def;
    const query = stringQuery(req);
    const filterInput = filterInputOf(campaign.module, query);
    const errors: FieldErrors = {};
    let preview = null;
    if (query.preview === '1') {
      try {
        const result = await records.list(parseRecordFilter(def, filterInput), {
          page: 1,
          per_page: PREVIEW_ROWS,
        });
        preview = {
          total: result.total,
          rows: result.data.map((r) => recordRow(records, r)),
          more: result.total > result.data.length,
          hidden: Object.entries(filterInput).map(([name, value]) => ({ name, value })),
        };
      } catch (error) {
        const errs = asFormErrors(error);
        if (!errs) {
          throw error;
        }
        Object.assign(errors, errs);
      }
    }
    let selection = null;
    if (query.search === '1') {
      const search = query.sq?.trim() ? { q: query.sq.trim() } : {};
      const result = await records.list(parseRecordFilter(def, search), {
        page: 1,
        per_page: PREVIEW_ROWS,
      });
      selection = {
        total: result.total,
        rows: result.data.map((r) => recordRow(records, r)),
        more: result.total > result.data.length,
      };
    }
    const fieldLabel = (name: string) => def.fields.find((f) => f.name === name)?.label ?? name;
    res.status(options.status ?? (Object.keys(errors).length > 0 ? 422 : 200));
    res.render('campaigns/recipients', {
      title: `Add recipients: ${campaign.name}`,
      section: 'campaigns',
      campaign,
      status_label: STATUS_LABELS[campaign.status] ?? campaign.status,
      draft: campaign.status === CampaignStatus.Draft,
      module_label: MODULE_LABELS[campaign.module],
      phone_label: def.phoneLabel,
      filter_fields: FILTER_FIELDS[campaign.module].map((name) => ({
        name,
        label: fieldLabel(name),
        value: query[name] ?? '',
        error: errors[name]?.join(' ') ?? null,
      })),
      filters: { q: query.q ?? '', sms_opt_in: query.sms_opt_in ?? '' },
      filter_errors: Object.entries(errors).map(([field, list]) => ({
        field: fieldLabel(field),
        message: list.join(' '),
      })),
      preview,
      sq: query.sq ?? '',
      selection,
      selection_error: options.selectionError ?? null,
    });
  }

  router.post('/sms-campaigns/:id/recipients', manage, async (req, res) => {
    const id = param(req, 'id');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const fields = formFields(body);
    if (fields.mode === 'ids') {
      // Repeated checkboxes arrive as an array, a single one as a string.
      const raw = Array.isArray(body.ids) ? body.ids : [body.ids];
      const ids = raw.filter(
        (v): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v),
      );
      if (ids.length === 0) {
        await renderAddRecipients(req, res, {
          selectionError: 'Tick at least one record to add.',
          status: 422,
        });
        return;
      }
      try {
        await orConflict(req, res, async () => {
          const result = await campaigns.addRecipients(id, { ids });
          return `/sms-campaigns/${id}?added=${result.added}&total=${result.total}#recipients`;
        });
      } catch (error) {
        // Records deleted since the search: say so on the search page, nothing was added.
        if (!(error instanceof DomainError && error.code === ErrorCode.ValidationFailed)) {
          throw error;
        }
        await renderAddRecipients(req, res, { selectionError: error.message, status: 422 });
      }
      return;
    }
    const campaign = await campaigns.get(id);
    const def = ctx.services.records(campaign.module).def;
    const filterInput = filterInputOf(campaign.module, fields);
    let filter;
    try {
      filter = parseRecordFilter(def, filterInput);
    } catch (error) {
      if (asFormErrors(error)) {
        // The preview checked these already; a hand-made post goes back to the preview.
        const params = new URLSearchParams({ ...filterInput, preview: '1' });
        res.redirect(303, `/sms-campaigns/${id}/recipients/add?${params.toString()}`);
        return;
      }
      throw error;
    }
    await orConflict(req, res, async () => {
      const result = await campaigns.addRecipients(id, { filter });
      return `/sms-campaigns/${id}?added=${result.added}&total=${result.total}#recipients`;
    });
  });

  router.post('/sms-campaigns/:id/recipients/:recordId/remove', manage, async (req, res) => {
    const id = param(req, 'id');
    const recordId = param(req, 'recordId');
    await orConflict(req, res, async () => {
      await campaigns.removeRecipient(id, recordId);
      return `/sms-campaigns/${id}?notice=removed#recipients`;
    });
  });

  return router;
}
