import { RecordModule } from '../../entities/record-module';
import { buildTemplateData, SmsTemplateEngine } from '../../src/domain/sms-template-engine';
import type { CompiledTemplate, TemplateData } from '../../src/domain/sms-template-engine';
import type { ErrorDetail } from '../../src/errors/domain-error';

const engine = new SmsTemplateEngine();

function compiled(body: string, module: RecordModule = RecordModule.Contacts): CompiledTemplate {
  const result = engine.compile(body, module);
  if (!result.ok) {
    throw new Error(`expected '${body}' to compile: ${JSON.stringify(result.errors)}`);
  }
  return result.template;
}

function errorsOf(
  body: string,
  module: RecordModule = RecordModule.Contacts,
  field?: string,
): ErrorDetail[] {
  const result = engine.compile(body, module, field);
  if (result.ok) {
    throw new Error(`expected '${body}' to be refused for ${module}`);
  }
  return result.errors;
}

function render(body: string, data: TemplateData, module = RecordModule.Contacts): string {
  return engine.render(compiled(body, module), data);
}

const contactData = (fields: Record<string, unknown> = {}, account?: object | null) =>
  buildTemplateData(
    RecordModule.Contacts,
    { first_name: 'Ada', last_name: 'Lovelace', ...fields },
    account,
  );

describe('SmsTemplateEngine.variables', () => {
  it('lists a contact template’s own fields then its account’s, with labels', () => {
    const variables = engine.variables(RecordModule.Contacts);
    expect(variables.map((v) => v.name)).toEqual([
      'contact.first_name',
      'contact.last_name',
      'contact.title',
      'contact.email',
      'contact.phone_mobile',
      'contact.primary_address_city',
      'contact.primary_address_country',
      'contact.lead_source',
      'account.name',
      'account.phone_office',
      'account.account_type',
      'account.industry',
      'account.billing_address_city',
      'account.billing_address_country',
    ]);
    expect(variables[0]).toEqual({ name: 'contact.first_name', label: 'First name' });
    expect(variables).toContainEqual({ name: 'account.name', label: 'Account: Name' });
  });

  it('lists only account fields for an account template', () => {
    const variables = engine.variables(RecordModule.Accounts);
    expect(variables.map((v) => v.name)).toEqual([
      'account.name',
      'account.phone_office',
      'account.account_type',
      'account.industry',
      'account.billing_address_city',
      'account.billing_address_country',
    ]);
    expect(variables[0]).toEqual({ name: 'account.name', label: 'Name' });
  });

  it('never offers internal fields (opt-in flag, foreign keys, owner, timestamps)', () => {
    const names = [
      ...engine.variables(RecordModule.Contacts),
      ...engine.variables(RecordModule.Accounts),
    ].map((v) => v.name);
    for (const hidden of [
      'contact.sms_opt_in',
      'contact.account_id',
      'contact.assigned_user_id',
      'contact.id',
      'contact.created_at',
      'contact.deleted_at',
      'account.sms_opt_in',
      'account.assigned_user_id',
      'account.id',
    ]) {
      expect(names).not.toContain(hidden);
    }
  });
});

describe('SmsTemplateEngine.compile', () => {
  it('accepts every listed variable of the module', () => {
    for (const module of [RecordModule.Contacts, RecordModule.Accounts]) {
      const body = engine
        .variables(module)
        .map((v) => `{{ ${v.name} }}`)
        .join(' ');
      expect(engine.compile(body, module).ok).toBe(true);
    }
  });

  it('reports a syntax error with its line and column', () => {
    const unclosed = errorsOf('Hello {{ contact.first_name ');
    expect(unclosed).toEqual([
      { field: 'body', message: expect.stringMatching(/syntax error at line 1, column 7\b/) },
    ]);
    const second = errorsOf('Hello\nthere {% if %}yes{% endif %}');
    expect(second).toHaveLength(1);
    expect(second[0].message).toMatch(/^Liquid syntax error at line 2, column \d+/);
  });

  it('reports an unclosed block', () => {
    const errors = errorsOf('{% if contact.first_name %}Hi');
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('body');
    expect(errors[0].message).toMatch(/line 1, column 1/);
  });

  it('reports an unknown variable by name, line and column', () => {
    expect(errorsOf('Hi\n  {{ contact.nickname }}')).toEqual([
      {
        field: 'body',
        message: expect.stringContaining("unknown variable 'contact.nickname' at line 2, column 6"),
      },
    ]);
  });

  it('reports every unknown variable, not only the first', () => {
    const errors = errorsOf('{{ contact.a }} {{ contact.first_name }} {{ contact.b }}');
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringContaining("'contact.a' at line 1, column 4"),
      expect.stringContaining("'contact.b' at line 1, column 45"),
    ]);
  });

  it('names the field it was asked to report on', () => {
    expect(errorsOf('{{ contact.nope }}', RecordModule.Contacts, 'template_id')[0].field).toBe(
      'template_id',
    );
  });

  it.each([
    '{{ contact.constructor }}',
    '{{ contact.__proto__ }}',
    '{{ contact["constructor"] }}',
    '{{ account.constructor }}',
    '{{ contact.first_name.constructor }}',
    '{{ contact.first_name.size }}',
    '{{ "x" | prepend: contact.constructor }}',
    '{{ contact.first_name | default: account.toString }}',
    '{% if contact.constructor %}x{% endif %}',
    '{% liquid\necho contact.constructor\n%}',
  ])('refuses prototype and other non-field paths: %j', (body) => {
    const errors = errorsOf(body);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].message).toContain('unknown variable');
  });

  it('refuses a whole object and a computed key (the field could not be checked)', () => {
    expect(errorsOf('{{ contact }}')[0].message).toMatch(/unknown variable 'contact'.*first_name/);
    expect(errorsOf('{% assign x = contact %}{{ x.constructor }}')[0].message).toContain(
      "unknown variable 'contact'",
    );
    expect(errorsOf("{% assign k = 'constructor' %}{{ contact[k] }}")[0].message).toContain(
      'unknown variable',
    );
  });

  it('refuses variables that do not exist at all', () => {
    expect(errorsOf('{{ user.password_hash }}')[0].message).toContain(
      "unknown variable 'user.password_hash'",
    );
    expect(errorsOf('{{ first_name }}')[0].message).toContain("unknown variable 'first_name'");
  });

  it('refuses contact variables in an account template', () => {
    expect(errorsOf('Dear {{ contact.first_name }}', RecordModule.Accounts)).toEqual([
      {
        field: 'body',
        message: expect.stringContaining(
          "unknown variable 'contact.first_name' at line 1, column 9",
        ),
      },
    ]);
  });

  it.each([
    ['{% include "secrets" %}', 'include'],
    ["{% render 'snippet' %}", 'render'],
    ['{% layout "base" %}hi', 'layout'],
    ['{% block main %}x{% endblock %}', 'block'],
  ])('refuses %j', (body, tag) => {
    const errors = errorsOf(body);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain(`'${tag}' tag is not allowed`);
    expect(errors[0].message).toMatch(/line 1, column 1/);
  });

  it('allows the usual filters', () => {
    for (const body of [
      '{{ contact.first_name | upcase }}',
      '{{ contact.first_name | default: "friend" }}',
      '{{ contact.first_name | downcase | capitalize | truncate: 5 }}',
    ]) {
      expect(engine.compile(body, RecordModule.Contacts).ok).toBe(true);
    }
  });

  it('refuses an unknown filter', () => {
    const errors = errorsOf('Hi {{ contact.first_name | shout }}');
    expect(errors).toEqual([
      {
        field: 'body',
        message: expect.stringMatching(/line 1, column \d+.*undefined filter: shout/),
      },
    ]);
  });

  it('refuses a body over the parse limit', () => {
    expect(errorsOf('x'.repeat(20_001))[0].message).toContain('limit');
  });

  it('accepts local variables created by assign and for', () => {
    expect(
      engine.compile(
        '{% assign n = contact.first_name | upcase %}{{ n }}{% for i in (1..2) %}{{ i }}{% endfor %}',
        RecordModule.Contacts,
      ).ok,
    ).toBe(true);
  });
});

describe('SmsTemplateEngine.render', () => {
  it('renders a contact’s fields and its account’s', () => {
    const data = contactData({ title: 'Countess' }, { name: 'Analytical Engines Ltd' });
    expect(
      render('Dear {{ contact.title }} {{ contact.last_name }} of {{ account.name }}', data),
    ).toBe('Dear Countess Lovelace of Analytical Engines Ltd');
  });

  it('renders an account template', () => {
    const data = buildTemplateData(RecordModule.Accounts, { name: 'Initech', industry: 'Tech' });
    expect(render('{{ account.name }} ({{ account.industry }})', data, RecordModule.Accounts)).toBe(
      'Initech (Tech)',
    );
  });

  it('applies upcase and default', () => {
    expect(render('{{ contact.first_name | upcase }}', contactData())).toBe('ADA');
    expect(render('Hi {{ contact.title | default: "friend" }}', contactData({ title: null }))).toBe(
      'Hi friend',
    );
    expect(render('Hi {{ contact.title | default: "friend" }}', contactData({ title: 'Dr' }))).toBe(
      'Hi Dr',
    );
  });

  it('escapes nothing: SMS is plain text', () => {
    const data = contactData({ first_name: `<b>Tom</b> & "Jerry" 'O'Hara'` });
    expect(render('{{ contact.first_name }} &amp;', data)).toBe(
      `<b>Tom</b> & "Jerry" 'O'Hara' &amp;`,
    );
  });

  it('renders nulls and missing fields as empty', () => {
    const data = contactData({ title: null, email: undefined });
    expect(
      render('[{{ contact.title }}][{{ contact.email }}][{{ contact.lead_source }}]', data),
    ).toBe('[][][]');
  });

  it('renders the account fields of a contact without account as empty', () => {
    expect(render('Hi {{ contact.first_name }}{{ account.name }}!', contactData({}, null))).toBe(
      'Hi Ada!',
    );
    expect(render('[{{ account.name }}]', contactData())).toBe('[]');
  });

  it('treats an empty field as blank for default, and lets if test it against blank', () => {
    expect(render('{{ contact.title | default: "x" }}', contactData({ title: '' }))).toBe('x');
    const body =
      '{% if contact.title != blank %}{{ contact.title }} {% endif %}{{ contact.last_name }}';
    expect(render(body, contactData({ title: null }))).toBe('Lovelace');
    expect(render(body, contactData({ title: 'Dr' }))).toBe('Dr Lovelace');
  });

  it('does not let data change a compiled template (render it twice with other records)', () => {
    const template = compiled('Hi {{ contact.first_name }}');
    expect(engine.render(template, contactData({ first_name: 'Ada' }))).toBe('Hi Ada');
    expect(engine.render(template, contactData({ first_name: 'Grace' }))).toBe('Hi Grace');
  });

  it('stops a huge loop with an error instead of hanging or eating memory', () => {
    for (const body of [
      '{% for i in (1..100000000) %}xxxxxxxxxx{% endfor %}',
      '{% for i in (1..2000) %}{% for j in (1..2000) %}{% endfor %}{% endfor %}',
      '{% for i in (1..300) %}{% for j in (1..300) %}{% for k in (1..300) %}x{% endfor %}{% endfor %}{% endfor %}',
    ]) {
      const template = compiled(body);
      const started = Date.now();
      expect(() => engine.render(template, contactData())).toThrow(/limit exceeded/);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });
});

describe('SmsTemplateEngine.render of text and plain variables (concatenated, not liquidjs)', () => {
  /** The same template with the concatenation plan removed: liquidjs renders it. */
  const throughLiquid = (template: CompiledTemplate, data: TemplateData) =>
    engine.render({ ...template, plain: null }, data);

  const bodies = [
    'Hi {{ contact.first_name }} {{ contact.last_name }}, your {{ account.name }} offer. STOP to opt out.',
    '{{contact.first_name}}{{contact.last_name}}',
    'Hi   {{- contact.first_name -}}   !',
    'Hi {{- contact.first_name }} and {{ contact.last_name -}}\n\n  bye',
    'Line one\nLine two {{ contact.title }}\r\n\t{{ account.industry }}',
    '€ 10 — déjà vu 😀 {{ contact.first_name }} ñ',
    'No variable at all',
    '{{ contact.first_name }}',
    '',
  ];
  const records = [
    contactData({}, { name: 'Initech', industry: 'Tech' }),
    contactData({ first_name: '', last_name: ' spaced ', title: null }, null),
    contactData({ first_name: '{{ contact.last_name }}', title: '<b>&amp;</b>' }),
    contactData({ first_name: 'Zoë 😀', last_name: 'O\'Hara "Q"' }, { name: '$& $1 $$' }),
  ];

  it.each(bodies)('gives liquidjs’s text for %j', (body) => {
    const template = compiled(body);
    expect(template.plain).not.toBeNull();
    for (const data of records) {
      expect(engine.render(template, data)).toBe(throughLiquid(template, data));
    }
  });

  it('leaves filters, tags, comments and raw blocks to liquidjs', () => {
    for (const body of [
      '{{ contact.first_name | upcase }}',
      'Hi {% if contact.title != blank %}{{ contact.title }}{% endif %}',
      'Hi {% comment %}x{% endcomment %}{{ contact.first_name }}',
      '{% raw %}{{ contact.first_name }}{% endraw %}',
      '{{ "literal" }}',
    ]) {
      const template = compiled(body);
      expect(template.plain).toBeNull();
    }
    expect(render('{% raw %}{{ contact.first_name }}{% endraw %}', contactData())).toBe(
      '{{ contact.first_name }}',
    );
  });

  it('hands a missing field to liquidjs, which reports it as before', () => {
    const template = compiled('Hi {{ contact.first_name }}');
    const data = { contact: {} } as TemplateData;
    expect(() => engine.render(template, data)).toThrow(/first_name/);
    expect(() => throughLiquid(template, data)).toThrow(/first_name/);
  });

  it('never reads inherited properties', () => {
    const template = compiled('Hi {{ contact.first_name }}');
    const inherited = { contact: Object.create({ first_name: 'Proto' }) as Record<string, string> };
    expect(() => engine.render(template, inherited)).toThrow(/first_name/);
  });
});

describe('buildTemplateData', () => {
  it('copies only allow-listed fields, as strings, nulls as empty', () => {
    const data = buildTemplateData(
      RecordModule.Contacts,
      {
        id: '11111111-1111-4111-8111-111111111111',
        first_name: 'Ada',
        last_name: 'Lovelace',
        title: null,
        email: 'ada@example.com',
        phone_mobile: '+33612345678',
        sms_opt_in: true,
        account_id: '22222222-2222-4222-8222-222222222222',
        assigned_user_id: '33333333-3333-4333-8333-333333333333',
        password_hash: 'scrypt$secret',
        api_token_hash: 'deadbeef',
        created_at: new Date(),
      },
      {
        id: '22222222-2222-4222-8222-222222222222',
        name: 'Acme',
        industry: 'Anvils',
        api_token_hash: 'cafebabe',
        password_hash: 'scrypt$other',
      },
    );
    expect(data).toEqual({
      contact: {
        first_name: 'Ada',
        last_name: 'Lovelace',
        title: '',
        email: 'ada@example.com',
        phone_mobile: '+33612345678',
        primary_address_city: '',
        primary_address_country: '',
        lead_source: '',
      },
      account: {
        name: 'Acme',
        phone_office: '',
        account_type: '',
        industry: 'Anvils',
        billing_address_city: '',
        billing_address_country: '',
      },
    });
    expect(JSON.stringify(data)).not.toMatch(/secret|deadbeef|cafebabe|scrypt/);
  });

  it('gives an account template only the account', () => {
    const data = buildTemplateData(RecordModule.Accounts, {
      name: 'Initech',
      phone_office: '+442079460958',
      api_token_hash: 'x',
    });
    expect(Object.keys(data)).toEqual(['account']);
    expect(data.account).toEqual({
      name: 'Initech',
      phone_office: '+442079460958',
      account_type: '',
      industry: '',
      billing_address_city: '',
      billing_address_country: '',
    });
  });

  it('gives a contact without account an account of empty fields', () => {
    const data = buildTemplateData(RecordModule.Contacts, { last_name: 'X' }, null);
    expect(data.account).toEqual({
      name: '',
      phone_office: '',
      account_type: '',
      industry: '',
      billing_address_city: '',
      billing_address_country: '',
    });
  });

  it('reads own properties only, never inherited ones', () => {
    const proto = { first_name: 'Inherited', last_name: 'Inherited' };
    const record = Object.create(proto) as Record<string, unknown>;
    record.last_name = 'Own';
    const data = buildTemplateData(RecordModule.Contacts, record);
    expect(data.contact.first_name).toBe('');
    expect(data.contact.last_name).toBe('Own');
  });

  it('renders no secret even when the record carries one', () => {
    const record = { first_name: 'Ada', last_name: 'L', password_hash: 'scrypt$secret' };
    const data = buildTemplateData(RecordModule.Contacts, record);
    expect(errorsOf('{{ contact.password_hash }}')[0].message).toContain('unknown variable');
    expect(Object.keys(data.contact)).not.toContain('password_hash');
  });
});
