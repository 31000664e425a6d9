import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { RecordModule } from '../../entities/record-module';
import { createContact } from '../factories/records';
import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { TestApp } from '../support/test-app';
import { createWebUser, launchBrowser, signIn, describeBrowser } from './browser';

const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

describeBrowser('pages: SMS templates and campaigns [browser]', () => {
  let twilio: StartedFakeGateway;
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    twilio = await startFakeGateway('twilio');
    app = await TestApp.start('sqlite', { ...twilio.env, SMS_RATE_PER_SECOND: '0' });
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await twilio?.fake.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context.close();
  });

  const notice = () => page.getByRole('status').first().textContent();

  it('a marketer builds a template with the variable picker and runs a campaign to per-message statuses', async () => {
    const city = 'Lyon';
    await createContact(app, {
      first_name: 'Marie',
      last_name: 'Curie',
      primary_address_city: city,
    });
    await createContact(app, {
      first_name: 'Pierre',
      last_name: 'Curie',
      primary_address_city: city,
    });
    await createContact(app, {
      first_name: 'Irène',
      last_name: 'Joliot',
      phone_mobile: null,
      sms_opt_in: false,
      primary_address_city: city,
    });
    await createContact(app, {
      first_name: 'Paul',
      last_name: 'Langevin',
      primary_address_city: 'Paris',
    });
    await signIn(page, app, await createWebUser(app, 'marketer'));

    // --- the template, with the variable picker ---
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'SMS Templates' })
      .click();
    await page.getByRole('link', { name: 'Create template' }).click();
    await page.getByLabel('Name').fill('Welcome');
    await expect(page.getByLabel('Module').inputValue()).resolves.toBe('contacts');
    const body = page.getByLabel('Body');
    await body.fill('Hello , see you soon');
    await body.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(6, 6));
    const field = page.getByLabel('Field', { exact: true });
    // The list follows the module.
    await page.getByLabel('Module').selectOption('accounts');
    await expect(field.locator('option', { hasText: 'account.industry' }).count()).resolves.toBe(1);
    await page.getByLabel('Module').selectOption('contacts');
    await field.selectOption({ label: 'First name — contact.first_name' });
    await expect(page.getByLabel('Liquid snippet').inputValue()).resolves.toBe(
      '{{ contact.first_name }}',
    );
    await page.getByRole('button', { name: 'Insert at cursor' }).click();
    await expect(body.inputValue()).resolves.toBe('Hello {{ contact.first_name }}, see you soon');
    await expect(page.locator('#body-counter').textContent()).resolves.toBe(
      '44 characters (48 septets) · GSM-7 · 1 SMS segment · 112 left in the last segment',
    );
    await page.getByRole('button', { name: 'Copy the selected field' }).click();
    // Headless chromium may have no clipboard: then the snippet is selected in its box instead.
    await page
      .locator('[data-picker-status]', {
        hasText: /Copied \{\{ contact.first_name \}\}|Copy the snippet from the box/,
      })
      .waitFor({ timeout: 3_000 });

    // A Liquid error is shown at the body, with what was typed kept.
    await body.fill('Hello {{ contact.first_name }},\nyour code: {{ contact.nope }}');
    await page.getByRole('button', { name: 'Save' }).click();
    const bodyError = page.locator('#body-error');
    await expect(bodyError.textContent()).resolves.toContain(
      "unknown variable 'contact.nope' at line 2, column 15",
    );
    await expect(body.getAttribute('aria-invalid')).resolves.toBe('true');
    // The cursor waits at the error.
    await expect(body.evaluate((el: HTMLTextAreaElement) => el.selectionStart)).resolves.toBe(
      'Hello {{ contact.first_name }},\nyour code: {{ '.length,
    );
    await expect(body.inputValue()).resolves.toBe(
      'Hello {{ contact.first_name }},\nyour code: {{ contact.nope }}',
    );
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe('Welcome');
    await page.screenshot({ path: join(SCREENSHOTS, 'template-editor.png'), fullPage: true });
    await body.fill('Hello {{ contact.first_name }}, spring offers are here!');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(notice()).resolves.toBe('Template saved.');
    expect(new URL(page.url()).pathname).toMatch(/^\/sms-templates\/[0-9a-f-]{36}\/edit$/);

    // --- the campaign, created as Draft ---
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'SMS Campaigns' })
      .click();
    await page.getByRole('link', { name: 'Create campaign' }).click();
    await page.getByLabel('Name').fill('Spring offer');
    await expect(page.getByLabel('Dispatch date').inputValue()).resolves.toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d$/,
    );
    await page.getByLabel('Template').selectOption({ label: 'Welcome' });
    await page.getByRole('button', { name: 'Create as Draft' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Spring offer',
    );
    await expect(page.locator('[data-status-badge]').textContent()).resolves.toBe('Draft');
    const campaignUrl = page.url().split('?')[0];

    // Generating without recipients is refused, with the reason.
    await page.getByRole('button', { name: 'Generate all SMS Messages' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'has no recipients; add some first',
    );

    // --- recipients from filters: the count and the list first ---
    await page.getByRole('link', { name: 'Add recipients' }).first().click();
    await page.getByLabel('Primary address city').fill(city);
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.locator('#preview-title').textContent()).resolves.toBe('3 matching records');
    const preview = page.locator('#preview table');
    for (const name of ['Marie Curie', 'Pierre Curie', 'Irène Joliot']) {
      await expect(preview.getByRole('cell', { name, exact: true }).count()).resolves.toBe(1);
    }
    await expect(preview.getByText('No mobile number').count()).resolves.toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'campaign-recipients.png'), fullPage: true });
    await page.getByRole('button', { name: 'Add 3 recipients' }).click();
    await expect(notice()).resolves.toBe('3 recipients added; the campaign has 3 in all.');

    // --- and from a selection, then removed again ---
    await page.getByRole('link', { name: 'Add recipients' }).first().click();
    await page.getByLabel('Search Contacts').fill('Langevin');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel('Select Paul Langevin').check();
    await page.getByRole('button', { name: 'Add selected' }).click();
    await expect(notice()).resolves.toBe('1 recipient added; the campaign has 4 in all.');
    await page.getByRole('button', { name: 'Remove Paul Langevin' }).click();
    await expect(notice()).resolves.toBe('Recipient removed.');
    await expect(page.locator('#recipients tbody tr').count()).resolves.toBe(3);

    // --- Generate all SMS Messages, then the scheduler against the fake Twilio ---
    await page.getByRole('button', { name: 'Generate all SMS Messages' }).click();
    await expect(page.locator('[data-status-badge]').textContent()).resolves.toBe(
      'Generate all SMS Messages',
    );
    await app.server.sending.jobs.campaigns.run();
    // The page polls its progress: no reload needed to see generation done.
    await page
      .locator('[data-status-badge]', { hasText: 'In progress' })
      .waitFor({ timeout: 6_000 });
    await expect(page.locator('#progress').textContent()).resolves.toContain(
      'Generated 2 of 3 recipients · 1 skipped',
    );
    await app.server.sending.jobs.dispatch.run();
    await app.server.sending.jobs.campaigns.run();
    expect(twilio.fake.accepted).toHaveLength(2);

    await page.goto(campaignUrl);
    await expect(page.locator('[data-status-badge]').textContent()).resolves.toBe('Completed');
    const messageRows = page.locator('#messages tbody tr');
    await expect(messageRows.count()).resolves.toBe(2);
    for (const name of ['Marie Curie', 'Pierre Curie']) {
      const row = messageRows.filter({ hasText: name });
      await expect(row.locator('.status').textContent()).resolves.toBe('Sent');
    }
    const counts = page.getByRole('table', { name: 'Messages per status' });
    await expect(counts.getByRole('row', { name: 'Sent 2' }).count()).resolves.toBe(1);
    const skipped = page.getByRole('table', { name: 'Skipped recipients per reason' });
    await expect(skipped.getByRole('row', { name: 'No mobile number 1' }).count()).resolves.toBe(1);
    await expect(
      page.locator('#recipients tbody tr', { hasText: 'Irène Joliot' }).textContent(),
    ).resolves.toContain('Skipped: No mobile number');
    await expect(page.getByRole('button', { name: 'Cancel campaign' }).count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'campaign.png'), fullPage: true });
  });

  it('cancels a campaign and deletes a template, each after a confirmation', async () => {
    const user = await createWebUser(app, 'marketer');
    const template = await app.server.services.templates.create(
      { name: 'To delete', module: RecordModule.Contacts, body: 'Hi {{ contact.last_name }}' },
      null,
    );
    const campaign = await app.server.services.campaigns.create(
      {
        name: 'To cancel',
        module: template.module,
        send_date: new Date(),
        template_id: template.id,
      },
      null,
    );
    await signIn(page, app, user);
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.accept();
    });
    await page.goto(`${app.url}/sms-campaigns/${campaign.id}`);
    await page.getByRole('button', { name: 'Cancel campaign' }).click();
    await expect(page.locator('[data-status-badge]').textContent()).resolves.toBe('Cancelled');
    await page.goto(`${app.url}/sms-templates/${template.id}/edit`);
    await page.getByRole('button', { name: 'Delete template' }).click();
    await expect(notice()).resolves.toBe('Template deleted.');
    expect(dialogs).toEqual([
      expect.stringContaining("Cancel the campaign 'To cancel'?"),
      expect.stringContaining("Delete the template 'To delete'?"),
    ]);
  });

  it('keeps sales users out of template and campaign management', async () => {
    await signIn(page, app, await createWebUser(app, 'sales'));
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'SMS Templates' }).count()).resolves.toBe(0);
    await expect(nav.getByRole('link', { name: 'SMS Campaigns' }).count()).resolves.toBe(0);
    for (const path of ['/sms-templates', '/sms-templates/new', '/sms-campaigns/new']) {
      const response = await page.goto(`${app.url}${path}`);
      expect(response?.status()).toBe(403);
      await expect(page.getByRole('heading', { name: 'Not allowed' }).count()).resolves.toBe(1);
    }
  });
});
