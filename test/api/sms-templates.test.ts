import { createAccount, createContact, createTemplate } from '../factories/records';
import { describeEachEngine, TestApp } from '../support/test-app';
import type { Json } from '../support/test-app';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** The single detail of a 422, checked to be validation_failed on `field`. */
function onlyDetail(res: { status: number; body: Json }, field: string): { message: string } {
  expect(res.status).toBe(422);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.details).toEqual([{ field, message: expect.any(String) }]);
  return res.body.error.details[0];
}

describeEachEngine('SMS templates API', (engine) => {
  let app: TestApp;
  let sales: string;
  let marketer: string;
  beforeAll(async () => {
    app = await TestApp.start(engine);
    sales = await app.userToken('sales');
    marketer = await app.userToken('marketer');
  });
  afterAll(async () => {
    await app.close();
  });

  describe('variable picker', () => {
    it('lists the contact fields, then the account fields, with labels', async () => {
      const res = await app.get('/api/sms-templates/variables?module=contacts');
      expect(res.status).toBe(200);
      expect(res.body.module).toBe('contacts');
      expect(res.body.variables[0]).toEqual({ name: 'contact.first_name', label: 'First name' });
      const names = res.body.variables.map((v: { name: string }) => v.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'contact.first_name',
          'contact.last_name',
          'contact.phone_mobile',
          'account.name',
          'account.industry',
        ]),
      );
      expect(names).not.toContain('contact.sms_opt_in');
      expect(names).not.toContain('contact.account_id');
      expect(names).not.toContain('contact.assigned_user_id');
      for (const variable of res.body.variables) {
        expect(Object.keys(variable).sort()).toEqual(['label', 'name']);
        expect(variable.label).not.toBe('');
      }
    });

    it('lists only account fields for accounts', async () => {
      const res = await app.get('/api/sms-templates/variables?module=accounts', { token: sales });
      expect(res.status).toBe(200);
      expect(res.body.module).toBe('accounts');
      expect(res.body.variables[0]).toEqual({ name: 'account.name', label: 'Name' });
      expect(res.body.variables.every((v: { name: string }) => v.name.startsWith('account.'))).toBe(
        true,
      );
    });

    it('requires a known module and refuses other parameters', async () => {
      expect(onlyDetail(await app.get('/api/sms-templates/variables'), 'module').message).toContain(
        'required',
      );
      expect(
        onlyDetail(await app.get('/api/sms-templates/variables?module=leads'), 'module').message,
      ).toContain('contacts');
      const extra = await app.get('/api/sms-templates/variables?module=contacts&colour=blue');
      expect(extra.status).toBe(422);
      expect(extra.body.error.details.map((d: { field: string }) => d.field)).toEqual(['colour']);
    });

    it('requires a token', async () => {
      const res = await app.get('/api/sms-templates/variables?module=contacts', { token: null });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    });
  });

  describe('create and read', () => {
    it('creates a contact template, reads it back and lists it', async () => {
      const created = await app.post(
        '/api/sms-templates',
        {
          name: '  Welcome  ',
          module: 'contacts',
          body: 'Hello {{ contact.first_name }} from {{ account.name | default: "us" }}',
        },
        { token: marketer },
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Welcome',
        module: 'contacts',
        body: 'Hello {{ contact.first_name }} from {{ account.name | default: "us" }}',
      });
      expect(typeof created.body.id).toBe('string');
      expect(typeof created.body.created_by_user_id).toBe('string');
      expect(new Date(created.body.created_at).toISOString()).toBe(created.body.created_at);
      expect(created.body).not.toHaveProperty('deleted_at');

      const me = await app.get('/api/users/me', { token: marketer });
      expect(created.body.created_by_user_id).toBe(me.body.id);

      const read = await app.get(`/api/sms-templates/${created.body.id}`, { token: sales });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);

      const listed = await app.get('/api/sms-templates?module=contacts&q=welcome', {
        token: sales,
      });
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((t: { id: string }) => t.id)).toContain(created.body.id);
    });

    it('creates an account template', async () => {
      const res = await app.post('/api/sms-templates', {
        name: 'Account news',
        module: 'accounts',
        body: 'News for {{ account.name }} in {{ account.billing_address_city }}',
      });
      expect(res.status).toBe(201);
      expect(res.body.module).toBe('accounts');
    });

    it('filters the list by module', async () => {
      const contactT = await createTemplate(app, { name: 'ModFilter C' });
      const accountT = await createTemplate(app, {
        name: 'ModFilter A',
        module: 'accounts',
        body: '{{ account.name }}',
      });
      const res = await app.get('/api/sms-templates?module=accounts&q=ModFilter');
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(1);
      expect(res.body.data[0].id).toBe(accountT.id);
      expect(res.body.data.map((t: { id: string }) => t.id)).not.toContain(contactT.id);
      const bad = await app.get('/api/sms-templates?module=leads');
      expect(bad.status).toBe(422);
      expect(bad.body.error.details[0].field).toBe('module');
    });

    it('answers 404 for an unknown template', async () => {
      const res = await app.get(`/api/sms-templates/${MISSING_ID}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });
  });

  describe('body validation', () => {
    it('refuses a Liquid syntax error, saying where', async () => {
      const res = await app.post('/api/sms-templates', {
        name: 'Broken',
        module: 'contacts',
        body: 'Hello\n{{ contact.first_name ',
      });
      const detail = onlyDetail(res, 'body');
      expect(detail.message).toMatch(/syntax error at line 2, column 1\b/);
    });

    it('refuses an unclosed tag', async () => {
      const res = await app.post('/api/sms-templates', {
        name: 'Broken if',
        module: 'contacts',
        body: 'Hi {% if contact.title %}{{ contact.title }}',
      });
      expect(onlyDetail(res, 'body').message).toMatch(/line 1, column \d+/);
    });

    it('refuses an unknown variable, naming it with its line and column', async () => {
      const res = await app.post('/api/sms-templates', {
        name: 'Typo',
        module: 'contacts',
        body: 'Hi {{ contact.first_name }},\nyour code: {{ contact.nickname }}',
      });
      expect(onlyDetail(res, 'body').message).toContain(
        "unknown variable 'contact.nickname' at line 2, column 15",
      );
    });

    it.each([
      '{{ contact.constructor }}',
      '{{ contact.__proto__ }}',
      '{{ contact["constructor"] }}',
      '{{ contact }}',
      '{{ user.password_hash }}',
      '{{ contact.sms_opt_in }}',
      '{{ contact.account_id }}',
    ])('refuses %s as an unknown variable', async (body) => {
      const res = await app.post('/api/sms-templates', { name: 'Bad', module: 'contacts', body });
      expect(onlyDetail(res, 'body').message).toContain('unknown variable');
    });

    it('refuses contact variables in an account template', async () => {
      const res = await app.post('/api/sms-templates', {
        name: 'Wrong root',
        module: 'accounts',
        body: 'Dear {{ contact.first_name }}',
      });
      expect(onlyDetail(res, 'body').message).toContain(
        "unknown variable 'contact.first_name' at line 1, column 9",
      );
    });

    it.each([
      ['include', '{% include "x" %}'],
      ['render', "{% render 'x' %}"],
      ['layout', '{% layout "x" %}Hi'],
    ])('refuses the %s tag', async (tag, body) => {
      const res = await app.post('/api/sms-templates', { name: 'Tag', module: 'contacts', body });
      expect(onlyDetail(res, 'body').message).toContain(`'${tag}' tag is not allowed`);
    });

    it('refuses an unknown filter', async () => {
      const res = await app.post('/api/sms-templates', {
        name: 'Filter',
        module: 'contacts',
        body: '{{ contact.first_name | shout }}',
      });
      expect(onlyDetail(res, 'body').message).toContain('shout');
    });

    it('refuses missing, empty and unknown fields, naming each', async () => {
      const res = await app.post('/api/sms-templates', {
        name: '',
        module: 'leads',
        body: '',
        colour: 'blue',
      });
      expect(res.status).toBe(422);
      const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
      expect([...new Set(fields)]).toEqual(['body', 'colour', 'module', 'name']);
      const none = await app.post('/api/sms-templates', {});
      expect(none.status).toBe(422);
      expect(
        [...new Set(none.body.error.details.map((d: { field: string }) => d.field))].sort(),
      ).toEqual(['body', 'module', 'name']);
    });

    it('saves nothing when refused', async () => {
      const name = `NotSaved${Date.now()}`;
      await app.post('/api/sms-templates', {
        name,
        module: 'contacts',
        body: '{{ contact.nope }}',
      });
      const res = await app.get(`/api/sms-templates?q=${name}`);
      expect(res.body.total).toBe(0);
    });
  });

  describe('update and delete', () => {
    it('updates the name alone and keeps the body', async () => {
      const template = await createTemplate(app, { name: 'Rename me' });
      const res = await app.patch(
        `/api/sms-templates/${template.id}`,
        { name: 'Renamed' },
        { token: marketer },
      );
      expect(res.status).toBe(200);
      expect(res.body.name).toBe('Renamed');
      expect(res.body.body).toBe(template.body);
      expect(res.body.module).toBe('contacts');
    });

    it('updates the body after validating it', async () => {
      const template = await createTemplate(app);
      const res = await app.patch(`/api/sms-templates/${template.id}`, {
        body: 'Bye {{ contact.last_name | upcase }}',
      });
      expect(res.status).toBe(200);
      expect(res.body.body).toBe('Bye {{ contact.last_name | upcase }}');
      expect(res.body.name).toBe(template.name);
    });

    it('re-validates the body and changes nothing when it is wrong', async () => {
      const template = await createTemplate(app);
      const bad = await app.patch(`/api/sms-templates/${template.id}`, {
        name: 'Should not stick',
        body: 'Hi {{ contact.constructor }}',
      });
      expect(onlyDetail(bad, 'body').message).toContain("unknown variable 'contact.constructor'");
      const syntax = await app.patch(`/api/sms-templates/${template.id}`, { body: '{% if %}' });
      expect(onlyDetail(syntax, 'body').message).toMatch(/line 1, column \d+/);
      const after = await app.get(`/api/sms-templates/${template.id}`);
      expect(after.body.body).toBe(template.body);
      expect(after.body.name).toBe(template.name);
    });

    it('re-validates the existing body against a new module', async () => {
      const template = await createTemplate(app, { body: 'Hi {{ contact.first_name }}' });
      const res = await app.patch(`/api/sms-templates/${template.id}`, { module: 'accounts' });
      expect(onlyDetail(res, 'body').message).toContain("unknown variable 'contact.first_name'");
      expect((await app.get(`/api/sms-templates/${template.id}`)).body.module).toBe('contacts');
    });

    it('refuses null for required fields', async () => {
      const template = await createTemplate(app);
      const res = await app.patch(`/api/sms-templates/${template.id}`, { body: null });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].field).toBe('body');
    });

    it('answers 404 when updating an unknown template', async () => {
      const res = await app.patch(`/api/sms-templates/${MISSING_ID}`, { name: 'X' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });

    it('soft-deletes: 204, then 404 on read, update and delete, and gone from the list', async () => {
      const name = `Doomed${Date.now()}`;
      const template = await createTemplate(app, { name });
      const del = await app.delete(`/api/sms-templates/${template.id}`, { token: marketer });
      expect(del.status).toBe(204);
      expect((await app.get(`/api/sms-templates/${template.id}`)).status).toBe(404);
      expect((await app.patch(`/api/sms-templates/${template.id}`, { name: 'Back' })).status).toBe(
        404,
      );
      expect((await app.delete(`/api/sms-templates/${template.id}`)).status).toBe(404);
      expect((await app.get(`/api/sms-templates?q=${name}`)).body.total).toBe(0);
    });
  });

  describe('permissions', () => {
    it('lets sales read templates', async () => {
      const template = await createTemplate(app);
      expect((await app.get('/api/sms-templates', { token: sales })).status).toBe(200);
      expect((await app.get(`/api/sms-templates/${template.id}`, { token: sales })).status).toBe(
        200,
      );
    });

    it('forbids sales to create, edit or delete templates, changing nothing', async () => {
      const template = await createTemplate(app, { name: 'Guarded' });
      const created = await app.post(
        '/api/sms-templates',
        { name: 'By sales', module: 'contacts', body: 'Hi' },
        { token: sales },
      );
      expect(created.status).toBe(403);
      expect(created.body.error.code).toBe('forbidden');
      const patched = await app.patch(
        `/api/sms-templates/${template.id}`,
        { name: 'Hijacked' },
        { token: sales },
      );
      expect(patched.status).toBe(403);
      expect(patched.body.error.code).toBe('forbidden');
      const deleted = await app.delete(`/api/sms-templates/${template.id}`, { token: sales });
      expect(deleted.status).toBe(403);
      expect(deleted.body.error.code).toBe('forbidden');

      const after = await app.get(`/api/sms-templates/${template.id}`);
      expect(after.status).toBe(200);
      expect(after.body.name).toBe('Guarded');
      expect((await app.get('/api/sms-templates?q=By%20sales')).body.total).toBe(0);
    });

    it('lets marketers and admins create, edit and delete', async () => {
      for (const token of [marketer, undefined]) {
        const created = await app.post(
          '/api/sms-templates',
          { name: 'Managed', module: 'contacts', body: 'Hi {{ contact.first_name }}' },
          { token },
        );
        expect(created.status).toBe(201);
        const patched = await app.patch(
          `/api/sms-templates/${created.body.id}`,
          { name: 'Managed again' },
          { token },
        );
        expect(patched.status).toBe(200);
        expect(patched.body.name).toBe('Managed again');
        expect((await app.delete(`/api/sms-templates/${created.body.id}`, { token })).status).toBe(
          204,
        );
      }
    });
  });

  describe('POST /api/sms-preview', () => {
    let account: Json;
    let withAccount: Json;
    let withoutAccount: Json;
    let contactTemplate: Json;
    let accountTemplate: Json;
    beforeAll(async () => {
      account = await createAccount(app, {
        name: 'Initech',
        industry: 'Software',
        billing_address_city: 'Austin',
      });
      withAccount = await createContact(app, {
        first_name: 'Peter',
        last_name: 'Gibbons',
        title: null,
        account_id: account.id,
      });
      withoutAccount = await createContact(app, { first_name: 'Milton', last_name: 'Waddams' });
      contactTemplate = await createTemplate(app, {
        name: 'Preview contact',
        body: 'Hi {{ contact.first_name }} ({{ account.name }}/{{ account.industry }})',
      });
      accountTemplate = await createTemplate(app, {
        name: 'Preview account',
        module: 'accounts',
        body: 'Hello {{ account.name }} in {{ account.billing_address_city }}',
      });
    });

    it('renders a body for a contact with its account', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        body: 'Dear {{ contact.first_name }} {{ contact.last_name }} of {{ account.name }}',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        text: 'Dear Peter Gibbons of Initech',
        characters: 29,
        encoding: 'GSM-7',
        segments: 1,
        remaining_in_segment: 131,
        template_id: null,
      });
    });

    it('renders a template for a contact with its account', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        template_id: contactTemplate.id,
      });
      expect(res.status).toBe(200);
      expect(res.body.text).toBe('Hi Peter (Initech/Software)');
      expect(res.body.template_id).toBe(contactTemplate.id);
      expect(res.body.encoding).toBe('GSM-7');
      expect(res.body.segments).toBe(1);
      expect(res.body.characters).toBe('Hi Peter (Initech/Software)'.length);
    });

    it('renders account fields as empty for a contact without account', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withoutAccount.id,
        template_id: contactTemplate.id,
      });
      expect(res.status).toBe(200);
      expect(res.body.text).toBe('Hi Milton (/)');
    });

    it('renders null fields as empty and applies default', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        body: '[{{ contact.title }}] {{ contact.title | default: "Sir" }}',
      });
      expect(res.status).toBe(200);
      expect(res.body.text).toBe('[] Sir');
    });

    it('renders an account template for an account', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'accounts',
        record_id: account.id,
        template_id: accountTemplate.id,
      });
      expect(res.status).toBe(200);
      expect(res.body.text).toBe('Hello Initech in Austin');
    });

    it('escapes nothing in the rendered text', async () => {
      const contact = await createContact(app, { first_name: '<b>Tom</b> & "Jerry"' });
      const res = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: contact.id,
        body: '{{ contact.first_name }}',
      });
      expect(res.status).toBe(200);
      expect(res.body.text).toBe('<b>Tom</b> & "Jerry"');
    });

    it('counts UCS-2 text and multi-part messages', async () => {
      const ucs2 = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        body: 'Привет {{ contact.first_name }} 👋',
      });
      expect(ucs2.status).toBe(200);
      expect(ucs2.body).toMatchObject({
        text: 'Привет Peter 👋',
        encoding: 'UCS-2',
        characters: 14,
        segments: 1,
      });
      const long = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        body: `${'x'.repeat(156)}{{ contact.first_name }}`,
      });
      expect(long.status).toBe(200);
      expect(long.body).toMatchObject({ characters: 161, encoding: 'GSM-7', segments: 2 });
    });

    it('lets the typed body win over the template', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        template_id: contactTemplate.id,
        body: 'Edited for {{ contact.first_name }}',
      });
      expect(res.status).toBe(200);
      expect(res.body.text).toBe('Edited for Peter');
    });

    it('refuses a template of the other module on template_id', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        template_id: accountTemplate.id,
      });
      expect(onlyDetail(res, 'template_id').message).toContain('accounts');
      const reverse = await app.post('/api/sms-preview', {
        module: 'accounts',
        record_id: account.id,
        template_id: contactTemplate.id,
      });
      expect(onlyDetail(reverse, 'template_id').message).toContain('contacts');
    });

    it('refuses an unknown or deleted template on template_id', async () => {
      const unknown = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        template_id: MISSING_ID,
      });
      expect(onlyDetail(unknown, 'template_id').message).toContain('does not exist');
      const doomed = await createTemplate(app, { name: 'Deleted before preview' });
      await app.delete(`/api/sms-templates/${doomed.id}`);
      const deleted = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        template_id: doomed.id,
      });
      expect(onlyDetail(deleted, 'template_id').message).toContain('does not exist');
    });

    it('requires a body or a template', async () => {
      const neither = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
      });
      expect(onlyDetail(neither, 'body').message).toContain('template');
      const blank = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        body: '   ',
      });
      expect(onlyDetail(blank, 'body').message).toContain('template');
    });

    it('refuses an unknown record on record_id', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: MISSING_ID,
        body: 'Hi',
      });
      expect(onlyDetail(res, 'record_id').message).toContain('does not exist');
    });

    it('refuses a record of the other module and a deleted record on record_id', async () => {
      const otherModule = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: account.id,
        body: 'Hi',
      });
      expect(onlyDetail(otherModule, 'record_id').message).toContain('does not exist');
      const gone = await createContact(app);
      await app.delete(`/api/contacts/${gone.id}`);
      const deleted = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: gone.id,
        body: 'Hi',
      });
      expect(onlyDetail(deleted, 'record_id').message).toContain('does not exist');
    });

    it('refuses a body with an unknown variable, saying where', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        body: 'Hi {{ contact.constructor }}',
      });
      expect(onlyDetail(res, 'body').message).toContain(
        "unknown variable 'contact.constructor' at line 1, column 7",
      );
    });

    it('refuses a bad module, a non-id record and unknown fields', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'leads',
        record_id: 'abc',
        body: 'Hi',
        to: '+33612345678',
      });
      expect(res.status).toBe(422);
      const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
      expect([...new Set(fields)]).toEqual(['module', 'record_id', 'to']);
    });

    it('stops a runaway loop with a 422 instead of hanging', async () => {
      const res = await app.post('/api/sms-preview', {
        module: 'contacts',
        record_id: withAccount.id,
        body: '{% for i in (1..100000000) %}xxxxxxxxxx{% endfor %}',
      });
      expect(onlyDetail(res, 'body').message).toContain('limit exceeded');
    });

    it('lets sales preview', async () => {
      const res = await app.post(
        '/api/sms-preview',
        { module: 'contacts', record_id: withAccount.id, template_id: contactTemplate.id },
        { token: sales },
      );
      expect(res.status).toBe(200);
      expect(res.body.text).toBe('Hi Peter (Initech/Software)');
    });
  });
});
