import { Router } from 'express';
import type { Response } from 'express';
import { ConsentSource } from '../../../entities/consent-log-entry.entity';
import { RecordModule } from '../../../entities/record-module';
import { SmsStatus } from '../../../entities/sms-message.entity';
import type { User } from '../../../entities/user.entity';
import { Permission, roleCan } from '../../auth/permissions';
import { normalizePhone } from '../../domain/phone-number';
import { suggestGsm7Replacements } from '../../domain/sms-segments';
import { DomainError, ErrorCode, fieldError, validationFailed } from '../../errors/domain-error';
import type { ErrorDetail } from '../../errors/domain-error';
import { AccountDto, ContactDto } from '../../http/dtos/record.dto';
import { presentAccount, presentContact } from '../../http/presenters';
import { parseDto } from '../../http/validate';
import type { Services } from '../../services';
import type { ConsentActor } from '../../services/consent/consent.service';
import { takePageRequest } from '../../services/pagination';
import { parseRecordFilter } from '../../services/record-filter';
import type { CrmRecord, RecordService } from '../../services/record.service';
import type { WebContext } from '../web-app';
import { pageUser, requirePage } from '../web-auth';
import { formFields, pagination, stringQuery } from './page-helpers';

type Records = RecordService<CrmRecord>;

/** Errors of a DomainError by form field, plus those no field on the form can show. */
export interface FormErrors {
  fields: Record<string, string>;
  other: string[];
}

export function formErrors(error: DomainError, formFieldNames: readonly string[]): FormErrors {
  const out: FormErrors = { fields: {}, other: [] };
  const details: ErrorDetail[] =
    error.details.length > 0 ? error.details : [{ field: '', message: error.message }];
  for (const detail of details) {
    if (formFieldNames.includes(detail.field) && !out.fields[detail.field]) {
      out.fields[detail.field] = detail.message;
    } else if (!formFieldNames.includes(detail.field)) {
      out.other.push(detail.field ? `${detail.field}: ${detail.message}` : detail.message);
    }
  }
  return out;
}

/** The signed-in user (requireSignIn ran before every page router). */
export function currentPageUser(res: Response): User {
  const user = pageUser(res);
  if (!user) {
    throw new Error('page reached without a signed-in user');
  }
  return user;
}

export function pageActor(res: Response): ConsentActor {
  return { source: ConsentSource.Page, userId: currentPageUser(res).id };
}

/** Fixed notices chosen by a query code, so a link cannot make a page say arbitrary text. */
const NOTICES: Record<string, string> = {
  created: 'Record created.',
  updated: 'Record saved.',
  sms_saved: 'SMS message saved.',
};

interface FieldSpec {
  name: string;
  type: 'text' | 'email' | 'tel' | 'checkbox' | 'select';
  required?: boolean;
  hint?: string;
  options?: 'accounts' | 'users';
}

const PHONE_HINT = 'With the country code, e.g. +33 6 12 34 56 78.';

const FORM_FIELDS: Record<RecordModule, readonly FieldSpec[]> = {
  [RecordModule.Contacts]: [
    { name: 'first_name', type: 'text' },
    { name: 'last_name', type: 'text', required: true },
    { name: 'title', type: 'text' },
    { name: 'email', type: 'email' },
    { name: 'phone_mobile', type: 'tel', hint: PHONE_HINT },
    { name: 'sms_opt_in', type: 'checkbox', hint: 'The person agreed to receive SMS.' },
    { name: 'account_id', type: 'select', options: 'accounts' },
    { name: 'primary_address_city', type: 'text' },
    { name: 'primary_address_country', type: 'text' },
    { name: 'lead_source', type: 'text' },
    { name: 'assigned_user_id', type: 'select', options: 'users' },
  ],
  [RecordModule.Accounts]: [
    { name: 'name', type: 'text', required: true },
    { name: 'phone_office', type: 'tel', hint: PHONE_HINT },
    { name: 'sms_opt_in', type: 'checkbox', hint: 'The account agreed to receive SMS.' },
    { name: 'account_type', type: 'text' },
    { name: 'industry', type: 'text' },
    { name: 'billing_address_city', type: 'text' },
    { name: 'billing_address_country', type: 'text' },
    { name: 'assigned_user_id', type: 'select', options: 'users' },
  ],
};

const CONSENT_SOURCES: Record<string, string> = {
  api: 'API',
  page: 'Page',
  import: 'Import',
  keyword: 'Reply keyword',
  provider: 'Provider',
};

/** A cache of user names for one page, so a list names each user with one query. */
function userNames(services: Services) {
  const cache = new Map<string, Promise<string>>();
  return (id: string | null): Promise<string> => {
    if (!id) {
      return Promise.resolve('');
    }
    let name = cache.get(id);
    if (!name) {
      name = services.users.get(id).then(
        (u) => u.name,
        () => id,
      );
      cache.set(id, name);
    }
    return name;
  };
}

export interface SmsProblem {
  title: string;
  detail: string;
}

/** Whether the record can receive SMS, and if not every reason, in the words a user expects. */
export async function smsReachability(
  services: Services,
  records: Records,
  record: CrmRecord,
): Promise<{ ok: boolean; number: string | null; problems: SmsProblem[] }> {
  const reach = records.reachability(record);
  const number = records.phoneOf(record);
  const problems: SmsProblem[] = [];
  if (!reach.ok) {
    problems.push({
      title: reach.code === 'no_phone' ? `No ${records.def.phoneLabel}` : 'Not opted in',
      detail: reach.reason,
    });
  }
  const suppressed = number ? await services.consent.suppression(number) : null;
  if (suppressed && number) {
    problems.push({
      title: 'Number opted out (STOP)',
      detail: `${number} ${
        suppressed.reason === 'keyword' ? 'replied STOP' : 'is reported opted out by the provider'
      } on ${suppressed.created_at.toISOString().slice(0, 10)}; it can opt back in only by replying START.`,
    });
  }
  return { ok: problems.length === 0, number, problems };
}

/** Contacts and Accounts: list, detail with sub-panels, create/edit forms, and "Create SMS". */
export function recordPages(ctx: WebContext): Router {
  const router = Router();
  for (const module of [RecordModule.Contacts, RecordModule.Accounts]) {
    const records = ctx.services.records(module);
    const present = module === RecordModule.Contacts ? presentContact : presentAccount;
    const title = module === RecordModule.Contacts ? 'Contacts' : 'Accounts';

    router.get(`/${module}`, requirePage(Permission.ReadRecords), async (req, res) => {
      const query = stringQuery(req);
      const page = takePageRequest({ page: query.page, per_page: query.per_page ?? '20' });
      const filterInput: Record<string, string> = {};
      for (const key of [
        'q',
        'sms_opt_in',
        module === 'contacts' ? 'primary_address_country' : 'billing_address_country',
      ]) {
        if (query[key]) {
          filterInput[key] = query[key];
        }
      }
      let error: string | null = null;
      let result;
      try {
        result = await records.list(parseRecordFilter(records.def, filterInput), page);
      } catch (e) {
        if (!(e instanceof DomainError)) {
          throw e;
        }
        error = e.message;
        result = await records.list({ equals: {} }, page);
      }
      res.render(`records/list`, {
        title,
        module,
        label: records.def.label,
        phone_field: records.def.phoneField,
        rows: result.data.map((r) => ({
          ...present(r as never),
          display_name: records.displayName(r),
        })),
        total: result.total,
        filters: filterInput,
        error,
        pager: pagination(req, result),
      });
    });

    // Before /:id, so "new" is not read as a record id.
    router.get(`/${module}/new`, requirePage(Permission.WriteRecords), async (_req, res) => {
      await renderRecordForm(ctx, res, records, null, {}, { fields: {}, other: [] }, 200);
    });

    router.post(`/${module}/new`, requirePage(Permission.WriteRecords), async (req, res) => {
      const form = formFields(req.body);
      const result = await saveRecord(records, null, form, pageActor(res));
      if ('errors' in result) {
        await renderRecordForm(ctx, res, records, null, form, result.errors, 422);
        return;
      }
      res.redirect(303, `/${module}/${result.id}?done=created`);
    });

    router.get(`/${module}/:id`, requirePage(Permission.ReadRecords), async (req, res) => {
      const record = await records.get(String(req.params.id));
      const services = ctx.services;
      const nameOf = userNames(services);
      const reach = await smsReachability(services, records, record);
      const messages = await services.messages.list(
        { parent_type: module, parent_id: record.id },
        { page: 1, per_page: 20 },
      );
      const consent = await services.consent.history(
        { record_type: module, record_id: record.id },
        { page: 1, per_page: 20 },
      );
      const replies = reach.number
        ? await services.inbound.list({ from: reach.number }, { page: 1, per_page: 20 })
        : { data: [], total: 0 };
      const values = present(record as never);
      const fields = [];
      for (const field of records.def.fields) {
        const raw = values[field.name];
        const item: { label: string; value: string; href: string | null } = {
          label: field.label,
          value: raw === null || raw === undefined ? '' : String(raw),
          href: null,
        };
        if (field.name === 'sms_opt_in') {
          item.value = raw ? 'Yes' : 'No';
        } else if (field.name === 'account_id' && typeof raw === 'string') {
          const account = await services.accounts.find(raw);
          item.value = account ? account.name : raw;
          item.href = account ? `/accounts/${account.id}` : null;
        } else if (field.name === 'assigned_user_id') {
          item.value = await nameOf(typeof raw === 'string' ? raw : null);
        } else if (field.name === records.def.phoneField && typeof raw === 'string') {
          item.href = `/sms-log/${encodeURIComponent(raw)}`;
        }
        fields.push(item);
      }
      const consentRows = [];
      for (const entry of consent.data) {
        consentRows.push({
          created_at: entry.created_at,
          change: `${entry.old_value === null ? '—' : entry.old_value ? 'Yes' : 'No'} → ${
            entry.new_value ? 'Yes' : 'No'
          }`,
          source: CONSENT_SOURCES[entry.source] ?? entry.source,
          by: await nameOf(entry.user_id),
          phone: entry.phone,
          detail: entry.detail,
        });
      }
      const query = stringQuery(req);
      res.render('records/detail', {
        title: records.displayName(record) || records.def.label,
        module,
        module_title: title,
        label: records.def.label,
        record_id: record.id,
        display_name: records.displayName(record),
        sms_opt_in: record.sms_opt_in,
        fields,
        reach,
        messages: messages.data,
        messages_total: messages.total,
        consent: consentRows,
        consent_total: consent.total,
        replies: replies.data,
        replies_total: replies.total,
        notice: NOTICES[query.done ?? ''] ?? null,
        created_at: record.created_at,
        updated_at: record.updated_at,
      });
    });

    router.get(`/${module}/:id/edit`, requirePage(Permission.WriteRecords), async (req, res) => {
      const record = await records.get(String(req.params.id));
      const values: Record<string, string> = {};
      for (const [key, value] of Object.entries(present(record as never))) {
        if (typeof value === 'boolean') {
          values[key] = value ? 'true' : '';
        } else if (value !== null && value !== undefined) {
          values[key] = String(value);
        }
      }
      await renderRecordForm(ctx, res, records, record, values, { fields: {}, other: [] }, 200);
    });

    router.post(`/${module}/:id/edit`, requirePage(Permission.WriteRecords), async (req, res) => {
      const record = await records.get(String(req.params.id));
      const form = formFields(req.body);
      const result = await saveRecord(records, record, form, pageActor(res));
      if ('errors' in result) {
        await renderRecordForm(ctx, res, records, record, form, result.errors, 422);
        return;
      }
      res.redirect(303, `/${module}/${record.id}?done=updated`);
    });

    router.get(
      `/${module}/:id/sms/new`,
      requirePage(Permission.WriteMessages),
      async (req, res) => {
        const record = await records.get(String(req.params.id));
        await renderSmsForm(ctx, res, records, record, { status: SmsStatus.Draft }, {}, 200);
      },
    );

    router.post(
      `/${module}/:id/sms/new`,
      requirePage(Permission.WriteMessages),
      async (req, res) => {
        const record = await records.get(String(req.params.id));
        const form = formFields(req.body);
        const user = currentPageUser(res);
        const action = form.action ?? 'save';
        const extras: SmsFormExtras = {};
        try {
          if (action === 'preview') {
            extras.preview = await previewFor(ctx.services, records, record, form);
          } else if (action === 'save_template') {
            if (!roleCan(user.role, Permission.ManageTemplates)) {
              res.status(403).render('error', {
                title: 'Not allowed',
                message: `Your role (${user.role}) cannot create SMS templates.`,
              });
              return;
            }
            const name = (form.template_name ?? '').trim();
            if (name === '' || name.length > 150) {
              throw fieldError(
                'template_name',
                name === ''
                  ? 'Give the new template a name.'
                  : 'The name is longer than 150 characters.',
              );
            }
            const template = await ctx.services.templates.create(
              { name, module, body: form.body ?? '' },
              user.id,
            );
            form.template_id = template.id;
            form.template_name = '';
            extras.notice = `Template '${template.name}' saved; it is selected below.`;
          } else {
            const sendDate = parseSendDate(form.send_date, form.tz_offset);
            const status = form.status ?? SmsStatus.Draft;
            if (status !== SmsStatus.Draft && status !== SmsStatus.SendSms) {
              throw fieldError('status', 'Choose Draft or Send SMS.');
            }
            await ctx.services.messages.createForRecord(
              records,
              record.id,
              {
                body: form.body?.trim() ? form.body : undefined,
                template_id: form.template_id || undefined,
                send_date: sendDate,
                status,
              },
              user.id,
            );
            res.redirect(303, `/${module}/${record.id}?done=sms_saved#sms-messages`);
            return;
          }
        } catch (error) {
          if (!(error instanceof DomainError)) {
            throw error;
          }
          await renderSmsForm(ctx, res, records, record, form, { error }, 422);
          return;
        }
        await renderSmsForm(ctx, res, records, record, form, extras, 200);
      },
    );

    // The form's Preview button: the text as this record will receive it, as JSON for the script.
    router.post(
      `/${module}/:id/sms/preview`,
      requirePage(Permission.ReadMessages),
      async (req, res) => {
        const record = await records.get(String(req.params.id));
        try {
          res.json(await previewFor(ctx.services, records, record, formFields(req.body)));
        } catch (error) {
          if (!(error instanceof DomainError)) {
            throw error;
          }
          res.status(422).json({
            message: error.message,
            errors:
              error.details.length > 0
                ? error.details
                : [{ field: 'body', message: error.message }],
          });
        }
      },
    );
  }
  return router;
}

interface SmsPreview {
  text: string;
  characters: number;
  encoding: string;
  segments: number;
  remaining_in_segment: number;
  gsm7_suggestions: { char: string; replacement: string }[];
}

async function previewFor(
  services: Services,
  records: Records,
  record: CrmRecord,
  form: Record<string, string>,
): Promise<SmsPreview> {
  const composed = await services.composer.compose(records.def.module, record, {
    body: form.body,
    template_id: form.template_id || undefined,
  });
  return {
    text: composed.text,
    characters: composed.count.characters,
    encoding: composed.count.encoding,
    segments: composed.count.segments,
    remaining_in_segment: composed.count.remainingInSegment,
    gsm7_suggestions: suggestGsm7Replacements(composed.text),
  };
}

/**
 * A datetime-local value is wall-clock time without a zone. The form's script sends the
 * browser's offset for that moment (minutes, as Date#getTimezoneOffset gives it); without the
 * script the offset is 0 and the time is read as UTC, as the label says.
 */
export function parseSendDate(
  raw: string | undefined,
  offset: string | undefined,
): Date | undefined {
  const value = (raw ?? '').trim();
  if (value === '') {
    return undefined;
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  const minutes = offset && /^-?\d{1,4}$/.test(offset) ? Number(offset) : 0;
  if (!match || Math.abs(minutes) > 18 * 60) {
    throw fieldError('send_date', 'Give a date and a time, e.g. 2026-12-01 09:30.');
  }
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi, Number.isNaN(s) ? 0 : s);
  const check = new Date(wall);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1 || h > 23) {
    throw fieldError('send_date', `${value} is not a date that exists.`);
  }
  return new Date(wall + minutes * 60_000);
}

interface SmsFormExtras {
  error?: DomainError;
  preview?: SmsPreview;
  notice?: string;
}

const SMS_FORM_FIELDS = ['body', 'template_id', 'send_date', 'status', 'template_name'];

async function renderSmsForm(
  ctx: WebContext,
  res: Response,
  records: Records,
  record: CrmRecord,
  form: Record<string, string>,
  extras: SmsFormExtras,
  status: number,
): Promise<void> {
  const module = records.def.module;
  const reach = await smsReachability(ctx.services, records, record);
  const templates = await ctx.services.templates.list({ module }, { page: 1, per_page: 200 });
  const errors = extras.error
    ? formErrors(extras.error, SMS_FORM_FIELDS)
    : { fields: {}, other: [] };
  res.status(reach.ok ? status : 409).render('records/sms-form', {
    title: `Create SMS · ${records.displayName(record)}`,
    module,
    module_title: module === RecordModule.Contacts ? 'Contacts' : 'Accounts',
    record_id: record.id,
    display_name: records.displayName(record),
    reach,
    templates: templates.data.map((t) => ({ id: t.id, name: t.name, body: t.body })),
    form: {
      body: form.body ?? '',
      template_id: form.template_id ?? '',
      send_date: form.send_date ?? '',
      tz_offset: form.tz_offset ?? '',
      status: form.status === SmsStatus.SendSms ? SmsStatus.SendSms : SmsStatus.Draft,
      template_name: form.template_name ?? '',
    },
    errors: errors.fields,
    other_errors: errors.other,
    preview: extras.preview ?? null,
    notice: extras.notice ?? null,
  });
}

async function renderRecordForm(
  ctx: WebContext,
  res: Response,
  records: Records,
  record: CrmRecord | null,
  values: Record<string, string>,
  errors: FormErrors,
  status: number,
): Promise<void> {
  const module = records.def.module;
  const specs = FORM_FIELDS[module];
  const labels = new Map(records.def.fields.map((f) => [f.name, f.label]));
  const accounts =
    module === RecordModule.Contacts
      ? (await ctx.services.accounts.list({ equals: {} }, { page: 1, per_page: 200 })).data
      : [];
  if (values.account_id && !accounts.some((a) => a.id === values.account_id)) {
    const current = await ctx.services.accounts.find(values.account_id);
    if (current) {
      accounts.unshift(current);
    }
  }
  const users = (await ctx.services.users.list({ page: 1, per_page: 200 })).data;
  const fields = specs.map((spec) => ({
    name: spec.name,
    label: labels.get(spec.name) ?? spec.name,
    type: spec.type,
    required: spec.required ?? false,
    hint: spec.hint ?? '',
    value: values[spec.name] ?? '',
    error: errors.fields[spec.name] ?? '',
    options:
      spec.options === 'accounts'
        ? accounts.map((a) => ({ value: a.id, label: a.name }))
        : spec.options === 'users'
          ? users
              .filter((u) => u.active || u.id === values[spec.name])
              .map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))
          : [],
  }));
  const name = record ? records.displayName(record) : '';
  res.status(status).render('records/form', {
    title: record ? `Edit ${name}` : `Create ${records.def.label.toLowerCase()}`,
    module,
    module_title: module === RecordModule.Contacts ? 'Contacts' : 'Accounts',
    label: records.def.label,
    record_id: record?.id ?? null,
    display_name: name,
    action: record ? `/${module}/${record.id}/edit` : `/${module}/new`,
    fields,
    other_errors: errors.other,
    has_errors: Object.keys(errors.fields).length > 0 || errors.other.length > 0,
  });
}

/**
 * Reads a record form, checks it as the API would (same DTO, phone rules) so every field's
 * problem is shown at once, then saves. An unticked checkbox is absent from the form: false.
 */
async function saveRecord(
  records: Records,
  current: CrmRecord | null,
  form: Record<string, string>,
  actor: ConsentActor,
): Promise<{ id: string } | { errors: FormErrors }> {
  const module = records.def.module;
  const specs = FORM_FIELDS[module];
  const names = specs.map((s) => s.name);
  const input: Record<string, unknown> = {};
  const details: ErrorDetail[] = [];
  for (const spec of specs) {
    if (spec.type === 'checkbox') {
      input[spec.name] = form[spec.name] === 'true';
      continue;
    }
    const value = (form[spec.name] ?? '').trim();
    if (value === '') {
      if (spec.required) {
        details.push({ field: spec.name, message: 'This field is required.' });
      } else if (current) {
        input[spec.name] = null;
      }
      continue;
    }
    input[spec.name] = value;
  }
  try {
    parseDto(module === RecordModule.Contacts ? ContactDto : AccountDto, input);
  } catch (error) {
    if (!(error instanceof DomainError)) {
      throw error;
    }
    details.push(...error.details.filter((d) => !details.some((x) => x.field === d.field)));
  }
  const phone = input[records.def.phoneField];
  if (typeof phone === 'string' && !details.some((d) => d.field === records.def.phoneField)) {
    const parsed = normalizePhone(phone);
    if (!parsed.ok) {
      details.push({ field: records.def.phoneField, message: parsed.reason });
    }
  }
  if (details.length > 0) {
    return { errors: errorsFrom(details, names) };
  }
  try {
    const saved = current
      ? await records.update(current.id, input as Partial<CrmRecord>, actor)
      : await records.create(input as Partial<CrmRecord>, actor);
    return { id: saved.id };
  } catch (error) {
    if (!(error instanceof DomainError) || error.code === ErrorCode.NotFound) {
      throw error;
    }
    return { errors: formErrors(error, names) };
  }
}

function errorsFrom(details: ErrorDetail[], names: readonly string[]): FormErrors {
  return formErrors(validationFailed(details), names);
}
