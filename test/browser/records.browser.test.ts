import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ConsentSource } from '../../entities/consent-log-entry.entity';
import { countSegments } from '../../src/domain/sms-segments';
import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { createContact, createTemplate, uniqueMobile } from '../factories/records';
import { TestApp } from '../support/test-app';
import { createWebUser, launchBrowser, signIn, describeBrowser } from './browser';

type Role = 'admin' | 'marketer' | 'sales';

const SCREENSHOTS = path.resolve(__dirname, '../../docs/screenshots');

describeBrowser('pages: contacts, accounts and "Create SMS" [browser]', () => {
  let twilio: StartedFakeGateway;
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  // One signed-in session per role, reused by every test's fresh browser context.
  const sessions: Partial<Record<Role, Awaited<ReturnType<BrowserContext['storageState']>>>> = {};
  beforeAll(async () => {
    twilio = await startFakeGateway('twilio');
    app = await TestApp.start('sqlite', { ...twilio.env, SMS_RATE_PER_SECOND: '0' });
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const role of ['admin', 'marketer', 'sales'] as const) {
      const signing = await browser.newContext();
      await signIn(await signing.newPage(), app, await createWebUser(app, role));
      sessions[role] = await signing.storageState();
      await signing.close();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await twilio?.fake.close();
  });
  afterEach(async () => {
    await context?.close();
  });

  /** A new browser context signed in as the role, in a time zone away from UTC. */
  async function openAs(role: Role, viewport = { width: 1280, height: 900 }): Promise<Page> {
    context = await browser.newContext({
      storageState: sessions[role],
      timezoneId: 'Europe/Paris',
      viewport,
    });
    page = await context.newPage();
    return page;
  }

  const counter = () => page.locator('#sms-counter').textContent();
  const subPanel = () => page.getByRole('region', { name: 'SMS Messages' });

  it('lets a sales user write, count, preview and send an SMS from a contact', async () => {
    const contact = await createContact(app, { first_name: 'Grace', last_name: 'Hopper' });
    await openAs('sales');
    await page.goto(`${app.url}/contacts?q=Hopper`);
    await page.getByRole('link', { name: 'Grace Hopper' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Grace Hopper',
    );
    await expect(page.getByTestId('sms-opt-in').textContent()).resolves.toBe('Yes');
    await expect(subPanel().textContent()).resolves.toContain('No SMS messages yet');

    await page.getByRole('link', { name: 'Create SMS' }).click();
    expect(new URL(page.url()).pathname).toBe(`/contacts/${contact.id}/sms/new`);
    const text = page.getByLabel('Message text');

    await text.fill('a'.repeat(160));
    await expect(counter()).resolves.toBe(
      '160 characters · GSM-7 · 1 SMS segment · 0 left in the last segment',
    );
    await text.fill('a'.repeat(161));
    await expect(counter()).resolves.toBe(
      '161 characters · GSM-7 · 2 SMS segments · 145 left in the last segment',
    );
    // An extension character costs two septets.
    await text.fill('Price: 5€');
    await expect(counter()).resolves.toContain('9 characters (10 septets) · GSM-7 · 1 SMS segment');
    await text.fill('Bonne journée 😀');
    await expect(counter()).resolves.toBe(
      '15 characters (16 UTF-16 units) · UCS-2 · 1 SMS segment · 54 left in the last segment',
    );

    await text.fill('Hello {{ contact.first_name }}, your order is ready.');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview for Grace Hopper' });
    await preview.locator('.sms-bubble').waitFor();
    await expect(preview.locator('.sms-bubble').textContent()).resolves.toBe(
      'Hello Grace, your order is ready.',
    );
    await expect(preview.textContent()).resolves.toContain('33 characters · GSM-7 · 1 SMS segment');
    await page.getByLabel('Status').selectOption({ label: 'Send SMS' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sms-form.png'), fullPage: true });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/contacts/${contact.id}`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('SMS message saved.');
    await expect(subPanel().locator('tbody tr').count()).resolves.toBe(1);
    await expect(subPanel().locator('.status').textContent()).resolves.toBe('Send SMS');

    await app.server.sending.jobs.dispatch.run();
    await page.reload();
    await expect(subPanel().locator('.status').textContent()).resolves.toBe('Sent');
    await expect(subPanel().textContent()).resolves.toContain('Hello Grace, your order is ready.');
    expect(twilio.fake.accepted.find((m) => m.to === contact.phone_mobile)?.body).toBe(
      'Hello Grace, your order is ready.',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'contact-detail.png'), fullPage: true });

    // The sub-panel links to the message.
    await subPanel()
      .getByRole('link', { name: /^View message/ })
      .click();
    expect(new URL(page.url()).pathname).toMatch(/^\/sms-messages\/[\w-]+$/);
  });

  it('counts segments in the browser exactly as the server does', async () => {
    const contact = await createContact(app);
    await openAs('sales');
    await page.goto(`${app.url}/contacts/${contact.id}/sms/new`);
    const samples = [
      '',
      'a'.repeat(153 * 2 + 1),
      '€'.repeat(80),
      'a'.repeat(152) + '€' + 'b'.repeat(10),
      'é'.repeat(70),
      'ü'.repeat(66) + '😀' + 'x',
      'ÿ'.repeat(71),
      'Hi\nthere [x] {y} ~ |z| \\ ^',
      '\x1b',
      '🇫🇷'.repeat(40),
    ];
    const inBrowser = await page.evaluate(
      (texts) =>
        texts.map((t) =>
          (
            window as unknown as { crmSms: { countSegments: (s: string) => unknown } }
          ).crmSms.countSegments(t),
        ),
      samples,
    );
    expect(inBrowser).toEqual(samples.map((t) => ({ ...countSegments(t) })));
  });

  it('fills the text from a template, reads the send date in the browser time zone, keeps a draft', async () => {
    const contact = await createContact(app, { first_name: 'Ada' });
    const template = await createTemplate(app, {
      name: `Reminder ${Date.now()}`,
      body: 'Reminder for {{ contact.first_name }}: see you soon.',
    });
    await openAs('sales');
    await page.goto(`${app.url}/contacts/${contact.id}/sms/new`);
    // Sales users cannot create templates, so the form does not offer it.
    await expect(page.getByRole('button', { name: 'Save as new template' }).count()).resolves.toBe(
      0,
    );
    await page.getByLabel('Template', { exact: true }).selectOption({ label: template.name });
    await expect(page.getByLabel('Message text').inputValue()).resolves.toBe(template.body);
    // Each brace of a variable is an extension character: two septets.
    await expect(counter()).resolves.toContain(
      '52 characters (56 septets) · GSM-7 · 1 SMS segment',
    );
    await expect(page.locator('[data-tz-name]').textContent()).resolves.toContain('Europe/Paris');
    // 10:00 in Paris on a summer day is 08:00 UTC.
    await page.getByLabel(/^Send date/).fill('2031-07-01T10:00');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/contacts/${contact.id}`);
    const messages = await app.get(`/api/contacts/${contact.id}/sms-messages`);
    expect(messages.body.data).toHaveLength(1);
    expect(messages.body.data[0]).toMatchObject({
      status: 'draft',
      send_date: '2031-07-01T08:00:00.000Z',
      template_id: template.id,
      body: 'Reminder for Ada: see you soon.',
    });
    await expect(subPanel().locator('.status').textContent()).resolves.toBe('Draft');
  });

  it('shows errors at the field and keeps the text, and lets a marketer save it as a template', async () => {
    const contact = await createContact(app, { first_name: 'Linus' });
    await openAs('marketer');
    await page.goto(`${app.url}/contacts/${contact.id}/sms/new`);
    const text = page.getByLabel('Message text');
    await text.fill('Hi {{ contact.first_name ');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('#sms-body-error').textContent()).resolves.not.toBe('');
    await expect(text.inputValue()).resolves.toBe('Hi {{ contact.first_name ');
    await expect(text.getAttribute('aria-invalid')).resolves.toBe('true');

    // The preview reports the same problem without leaving the page.
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.preview-errors li').first().waitFor();

    await text.fill('Welcome {{ contact.first_name }}!');
    await page.getByRole('button', { name: 'Save as new template' }).click();
    await expect(page.locator('#sms-template-name-error').textContent()).resolves.toBe(
      'Give the new template a name.',
    );
    const name = `Welcome ${Date.now()}`;
    await page.getByLabel('Template name').fill(name);
    await page.getByRole('button', { name: 'Save as new template' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain(`Template '${name}'`);
    const templates = await app.get(`/api/sms-templates?module=contacts&per_page=200`);
    const created = templates.body.data.find((t: { name: string }) => t.name === name);
    expect(created).toMatchObject({ body: 'Welcome {{ contact.first_name }}!' });
    await expect(page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe(
      created.id,
    );
    await expect(text.inputValue()).resolves.toBe('Welcome {{ contact.first_name }}!');
  });

  it('says why a record cannot receive SMS, and offers no form', async () => {
    const noPhone = await createContact(app, { last_name: 'NoPhone', phone_mobile: null });
    const notOptedIn = await createContact(app, { last_name: 'NotIn', sms_opt_in: false });
    const stopped = await createContact(app, { last_name: 'Stopped' });
    await app.server.services.inbound.receive('twilio', {
      providerMessageId: `SM${Date.now()}`,
      from: stopped.phone_mobile,
      to: null,
      text: 'STOP',
      receivedAt: null,
    });
    await openAs('sales');

    const cases: [string, string[]][] = [
      [noPhone.id, ['No mobile number']],
      [notOptedIn.id, ['Not opted in']],
      [stopped.id, ['Not opted in', 'Number opted out (STOP)']],
    ];
    for (const [id, reasons] of cases) {
      await page.goto(`${app.url}/contacts/${id}`);
      const why = page.getByRole('list', { name: 'Why this record cannot receive SMS' });
      for (const reason of reasons) {
        await expect(why.textContent()).resolves.toContain(reason);
      }
      await expect(page.getByRole('link', { name: 'Create SMS' }).count()).resolves.toBe(0);
      await page.goto(`${app.url}/contacts/${id}/sms/new`);
      await expect(page.getByRole('alert').textContent()).resolves.toContain(reasons[0]);
      await expect(page.getByLabel('Message text').count()).resolves.toBe(0);
    }
    // The record of the number that said STOP shows the reply and the consent change it made.
    await page.goto(`${app.url}/contacts/${stopped.id}`);
    await expect(
      page.getByRole('region', { name: 'Replies received' }).textContent(),
    ).resolves.toContain('STOP');
    const consent = page.getByRole('region', { name: 'Consent history' });
    await expect(consent.textContent()).resolves.toContain('Yes → No');
    await expect(consent.textContent()).resolves.toContain('Reply keyword');

    // Posting the form anyway is refused with the reason, never a 500.
    const status = await page.evaluate(async (id) => {
      const token = document.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? '';
      const res = await fetch(`/contacts/${id}/sms/new`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, body: 'hi', status: 'send_sms' }).toString(),
      });
      return res.status;
    }, noPhone.id);
    expect(status).toBe(409);
  });

  it('lets an admin create a contact, showing a bad phone at the field, and logs consent from the page', async () => {
    await openAs('admin');
    await page.goto(`${app.url}/contacts/new`);
    await page.getByLabel('First name').fill('Katherine');
    await page.getByLabel('Last name').fill('Johnson');
    await page.getByLabel('Email address').fill('not-an-email');
    await page.getByLabel('Mobile phone').fill('06 12 34 56 78');
    await page.getByLabel('SMS opt in').check();
    await page.getByRole('button', { name: 'Save' }).click();

    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('not saved');
    await expect(page.locator('#f-phone_mobile-error').textContent()).resolves.toContain(
      'no country code',
    );
    await expect(page.locator('#f-email-error').textContent()).resolves.toContain('email');
    await expect(page.getByLabel('Mobile phone').getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    // What was typed is kept.
    await expect(page.getByLabel('First name').inputValue()).resolves.toBe('Katherine');
    await expect(page.getByLabel('Mobile phone').inputValue()).resolves.toBe('06 12 34 56 78');
    await expect(page.getByLabel('SMS opt in').isChecked()).resolves.toBe(true);

    const mobile = uniqueMobile();
    const typed = `${mobile.slice(0, 3)} ${mobile.slice(3, 4)} ${mobile.slice(4, 6)} ${mobile.slice(6)}`;
    await page.getByLabel('Email address').fill('kj@example.com');
    await page.getByLabel('Mobile phone').fill(typed);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((url) => /^\/contacts\/[\w-]+$/.test(url.pathname));
    await expect(page.getByRole('status').textContent()).resolves.toBe('Record created.');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Katherine Johnson',
    );
    await expect(page.getByRole('region', { name: 'Overview' }).textContent()).resolves.toContain(
      mobile,
    );
    const consent = page.getByRole('region', { name: 'Consent history' });
    await expect(consent.textContent()).resolves.toContain('— → Yes');
    await expect(consent.textContent()).resolves.toContain('Page');
    await expect(consent.textContent()).resolves.toContain('Web admin');

    // Editing: clearing the opt in is logged too, with the page as its source and the user.
    const id = new URL(page.url()).pathname.split('/')[2];
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(page.getByLabel('Mobile phone').inputValue()).resolves.toBe(mobile);
    await page.getByLabel('SMS opt in').uncheck();
    await page.getByLabel('Last name').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('#f-last_name-error').textContent()).resolves.toBe(
      'This field is required.',
    );
    await page.getByLabel('Last name').fill('Johnson-Goble');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((url) => url.pathname === `/contacts/${id}`);
    await expect(page.getByTestId('sms-opt-in').textContent()).resolves.toBe('No');
    const log = await app.server.services.consent.history(
      { record_id: id },
      { page: 1, per_page: 10 },
    );
    expect(log.data.map((e) => [e.old_value, e.new_value, e.source])).toEqual([
      [true, false, ConsentSource.Page],
      [null, true, ConsentSource.Page],
    ]);
    expect(log.data.every((e) => e.user_id !== null)).toBe(true);
  });

  it('lets an admin create an account and send it an SMS; sales cannot open the record forms', async () => {
    await openAs('admin');
    await page.goto(`${app.url}/accounts/new`);
    await page.getByLabel('Name').fill('Initech');
    await page.getByLabel('Office phone').fill(uniqueMobile());
    await page.getByLabel('SMS opt in').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((url) => /^\/accounts\/[\w-]+$/.test(url.pathname));
    await page.getByRole('link', { name: 'Create SMS' }).click();
    await page.getByLabel('Message text').fill('Hello {{ account.name }}');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.sms-bubble').waitFor();
    await expect(page.locator('.sms-bubble').textContent()).resolves.toBe('Hello Initech');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(subPanel().locator('.status').textContent()).resolves.toBe('Draft');

    await context.close();
    const res = await (await openAs('sales')).goto(`${app.url}/contacts/new`);
    expect(res?.status()).toBe(403);
  });

  it('shows markup typed into a record or a message as text, in the page and in the preview', async () => {
    const contact = await createContact(app, { first_name: '<img src=x onerror=alert(1)>' });
    await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body: '<script>alert(2)</script>',
      status: 'draft',
    });
    await openAs('sales');
    let dialogs = 0;
    page.on('dialog', async (dialog) => {
      dialogs += 1;
      await dialog.dismiss();
    });
    await page.goto(`${app.url}/contacts/${contact.id}`);
    await expect(subPanel().textContent()).resolves.toContain('<script>alert(2)</script>');
    await page.getByRole('link', { name: 'Create SMS' }).click();
    await page.getByLabel('Message text').fill('Hi {{ contact.first_name }} <b>bold</b>');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.sms-bubble').waitFor();
    await expect(page.locator('.sms-bubble').textContent()).resolves.toBe(
      'Hi <img src=x onerror=alert(1)> <b>bold</b>',
    );
    await expect(page.locator('.sms-bubble img, .sms-bubble b').count()).resolves.toBe(0);
    expect(dialogs).toBe(0);
  });

  it('fits a phone screen', async () => {
    const contact = await createContact(app, { first_name: 'Mobile', last_name: 'Width' });
    const small = await openAs('sales', { width: 390, height: 844 });
    for (const target of [`/contacts/${contact.id}`, `/contacts/${contact.id}/sms/new`]) {
      await small.goto(`${app.url}${target}`);
      const width = await small.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
    }
  });
});
