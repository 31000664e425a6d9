import { Router } from 'express';
import type { Request, Response } from 'express';
import { RECORD_MODULES, RecordModule } from '../../../entities/record-module';
import type { SmsTemplate } from '../../../entities/sms-template.entity';
import { Permission } from '../../auth/permissions';
import { param } from '../../http/validate';
import { countSegments } from '../../domain/sms-segments';
import type { TemplateVariable } from '../../domain/sms-template-engine';
import { DomainError, ErrorCode } from '../../errors/domain-error';
import type { ErrorDetail } from '../../errors/domain-error';
import type { WebContext } from '../web-app';
import { pageUser, requirePage } from '../web-auth';
import { formFields, pagination, stringQuery } from './page-helpers';

// Same limits as the API's DTOs, so a page never saves what the API would refuse.
const MAX_NAME_LENGTH = 150;
const MAX_BODY_LENGTH = 5_000;

export const MODULE_LABELS: Record<RecordModule, string> = {
  [RecordModule.Contacts]: 'Contacts',
  [RecordModule.Accounts]: 'Accounts',
};

export type FieldErrors = Record<string, string[]>;

interface TemplateForm {
  name: string;
  module: string;
  body: string;
}

export function asModule(value: string | undefined): RecordModule | undefined {
  return (RECORD_MODULES as readonly string[]).includes(value ?? '')
    ? (value as RecordModule)
    : undefined;
}

/** A page number from the query; anything odd means page 1 rather than an error page. */
export function pageNumber(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

/** Groups a validation error's details by field, for messages shown next to each input. */
export function fieldErrors(details: readonly ErrorDetail[]): FieldErrors {
  const out: FieldErrors = {};
  for (const detail of details) {
    (out[detail.field] ??= []).push(detail.message);
  }
  return out;
}

export function addError(errors: FieldErrors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

/** `{{ contact.first_name }}`: what the picker inserts or copies. */
export function snippetOf(variable: string): string {
  return `{{ ${variable} }}`;
}

/** Counter text as the script writes it, so the page reads the same before and after JS. */
export function counterText(text: string): string {
  const count = countSegments(text);
  const segments = `${count.segments} segment${count.segments === 1 ? '' : 's'}`;
  return `${count.characters} characters · ${segments} (${count.encoding})`;
}

interface BodyError {
  message: string;
  line: number | null;
  column: number | null;
  /** The line of the body the error is on, and a caret under the column. */
  context: string | null;
  caret: string | null;
}

/**
 * The service's messages, located in the body: the page shows the offending line with a caret
 * and the script puts the cursor there. The API's pointer to its variables endpoint becomes a
 * pointer to the picker next to the field.
 */
function bodyErrors(messages: readonly string[], body: string): BodyError[] {
  const lines = body.split(/\r?\n/);
  return messages.map((raw) => {
    const message = raw.replace(
      /; available for \w+: see \S+$/,
      '; pick a field in the variable picker',
    );
    const where = /line (\d+), column (\d+)/.exec(message);
    const line = where ? Number(where[1]) : null;
    const column = where ? Number(where[2]) : null;
    const text = line !== null ? lines[line - 1] : undefined;
    return {
      message,
      line,
      column,
      context: text ?? null,
      caret:
        text !== undefined && column !== null ? `${' '.repeat(Math.max(0, column - 1))}^` : null,
    };
  });
}

function checkForm(form: TemplateForm): FieldErrors {
  const errors: FieldErrors = {};
  if (form.name.trim() === '') {
    addError(errors, 'name', 'Enter a name.');
  } else if (form.name.length > MAX_NAME_LENGTH) {
    addError(errors, 'name', `At most ${MAX_NAME_LENGTH} characters.`);
  }
  if (!asModule(form.module)) {
    addError(errors, 'module', 'Choose Contacts or Accounts.');
  }
  if (form.body.trim() === '') {
    addError(errors, 'body', 'Enter the text of the SMS.');
  } else if (form.body.length > MAX_BODY_LENGTH) {
    addError(errors, 'body', `At most ${MAX_BODY_LENGTH} characters.`);
  }
  return errors;
}

/** SMS Templates: list, create, edit (with the variable picker) and delete. */
export function templatesPages(ctx: WebContext): Router {
  const router = Router();
  const templates = ctx.services.templates;
  const manage = requirePage(Permission.ManageTemplates);

  const variablesByModule: Record<RecordModule, TemplateVariable[]> = {
    [RecordModule.Contacts]: templates.engine.variables(RecordModule.Contacts),
    [RecordModule.Accounts]: templates.engine.variables(RecordModule.Accounts),
  };
  const variablesJson = JSON.stringify(variablesByModule);

  const renderForm = (
    res: Response,
    form: TemplateForm,
    options: { template: SmsTemplate | null; errors?: FieldErrors; status?: number },
  ) => {
    const module = asModule(form.module) ?? RecordModule.Contacts;
    const variables = variablesByModule[module];
    const errors = options.errors ?? {};
    res.status(options.status ?? (Object.keys(errors).length > 0 ? 422 : 200));
    res.render('templates/form', {
      title: options.template ? `Edit template: ${options.template.name}` : 'Create SMS template',
      section: 'templates',
      template: options.template,
      action: options.template ? `/sms-templates/${options.template.id}` : '/sms-templates',
      form,
      modules: RECORD_MODULES.map((value) => ({ value, label: MODULE_LABELS[value] })),
      variables,
      variables_json: variablesJson,
      first_snippet: variables.length > 0 ? snippetOf(variables[0].name) : '',
      counter: counterText(form.body),
      errors,
      body_errors: bodyErrors(errors.body ?? [], form.body),
      has_errors: Object.keys(errors).length > 0,
      notice: options.template && res.req.query.saved === '1' ? 'Template saved.' : null,
    });
  };

  const readForm = (req: Request): TemplateForm => {
    const fields = formFields(req.body);
    return { name: fields.name ?? '', module: fields.module ?? '', body: fields.body ?? '' };
  };

  /** Saves through the service; its validation errors (Liquid ones included) go to the fields. */
  const save = async (
    res: Response,
    form: TemplateForm,
    template: SmsTemplate | null,
  ): Promise<void> => {
    const errors = checkForm(form);
    const module = asModule(form.module);
    if (Object.keys(errors).length > 0 || !module) {
      renderForm(res, form, { template, errors });
      return;
    }
    const input = { name: form.name, module, body: form.body };
    try {
      const saved = template
        ? await templates.update(template.id, input)
        : await templates.create(input, pageUser(res)?.id ?? null);
      res.redirect(303, `/sms-templates/${saved.id}/edit?saved=1`);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.ValidationFailed) {
        renderForm(res, form, { template, errors: fieldErrors(error.details) });
        return;
      }
      throw error;
    }
  };

  router.get('/sms-templates', manage, async (req, res) => {
    const query = stringQuery(req);
    const page = { page: pageNumber(query.page), per_page: 20 };
    const filter = { module: asModule(query.module), q: query.q?.trim() || undefined };
    const result = await templates.list(filter, page);
    res.render('templates/list', {
      title: 'SMS Templates',
      section: 'templates',
      rows: result.data.map((t) => ({
        id: t.id,
        name: t.name,
        module: MODULE_LABELS[t.module] ?? t.module,
        body: t.body.length > 80 ? `${t.body.slice(0, 79)}…` : t.body,
        updated_at: t.updated_at,
      })),
      filters: { module: filter.module ?? '', q: query.q ?? '' },
      modules: RECORD_MODULES.map((value) => ({ value, label: MODULE_LABELS[value] })),
      pager: pagination(req, result),
      notice: query.deleted === '1' ? 'Template deleted.' : null,
    });
  });

  router.get('/sms-templates/new', manage, (req, res) => {
    const module = asModule(stringQuery(req).module) ?? RecordModule.Contacts;
    renderForm(res, { name: '', module, body: '' }, { template: null });
  });

  router.post('/sms-templates', manage, async (req, res) => {
    await save(res, readForm(req), null);
  });

  router.get('/sms-templates/:id/edit', manage, async (req, res) => {
    const template = await templates.get(param(req, 'id'));
    renderForm(
      res,
      { name: template.name, module: template.module, body: template.body },
      { template },
    );
  });

  router.post('/sms-templates/:id', manage, async (req, res) => {
    const template = await templates.get(param(req, 'id'));
    await save(res, readForm(req), template);
  });

  router.post('/sms-templates/:id/delete', manage, async (req, res) => {
    await templates.remove(param(req, 'id'));
    res.redirect(303, '/sms-templates?deleted=1');
  });

  return router;
}
