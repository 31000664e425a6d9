import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { TestApp } from '../support/test-app';
import { createWebUser, launchBrowser, signIn, describeBrowser } from './browser';

describeBrowser('pages: admin — users, SMS gateway, send as test [browser]', () => {
  let app: TestApp;
  let twilio: StartedFakeGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    twilio = await startFakeGateway('twilio');
    // The environment says "log"; the admin switches to Twilio from the page.
    app = await TestApp.start('sqlite', { SMS_RATE_PER_SECOND: '0' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await twilio?.fake.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context.close();
  });

  it('creates a user, shows the token once, changes the role and deactivates', async () => {
    await signIn(page, app, await createWebUser(app, 'admin'));
    await page.goto(`${app.url}/admin/users`);
    await page.getByLabel('Email').fill('new.marketer@example.com');
    await page.getByLabel('Name').fill('New Marketer');
    await page.getByRole('combobox', { name: 'Role' }).last().selectOption('marketer');
    await page.getByRole('button', { name: 'Create user' }).click();
    const token = await page.getByLabel('New API token').inputValue();
    expect(token).toMatch(/^crmsms_/);
    expect((await app.get('/api/users/me', { token })).body.role).toBe('marketer');
    await page.getByLabel('Role of new.marketer@example.com').selectOption('sales');
    await page
      .getByRole('row', { name: /new\.marketer@example\.com/ })
      .getByRole('button', { name: 'Change role' })
      .click();
    expect((await app.get('/api/users/me', { token })).body.role).toBe('sales');
    page.once('dialog', (dialog) => void dialog.accept());
    await page
      .getByRole('row', { name: /new\.marketer@example\.com/ })
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await page.waitForURL(/notice=/);
    expect((await app.get('/api/users/me', { token })).status).toBe(401);
    await page.screenshot({ path: 'docs/screenshots/admin-users.png', fullPage: true });
  });

  it('switches the gateway to Twilio, never shows the secret again, and sends a test', async () => {
    await signIn(page, app, await createWebUser(app, 'admin'));
    await page.goto(`${app.url}/admin/gateway`);
    await page.getByLabel('Provider').selectOption('twilio');
    await page.getByLabel('TWILIO_ACCOUNT_SID').fill(twilio.env.TWILIO_ACCOUNT_SID);
    await page.getByLabel('TWILIO_AUTH_TOKEN').fill(twilio.env.TWILIO_AUTH_TOKEN);
    await page.getByLabel('TWILIO_FROM').fill(twilio.env.TWILIO_FROM);
    await page.getByLabel('TWILIO_BASE_URL').fill(twilio.env.TWILIO_BASE_URL);
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await page.waitForURL(/notice=/);
    expect(await page.content()).not.toContain(twilio.env.TWILIO_AUTH_TOKEN);
    await expect(
      page.getByLabel('TWILIO_AUTH_TOKEN').getAttribute('placeholder'),
    ).resolves.toContain('set');
    // Stored encrypted.
    const rows = await app.server.dataSource.query(
      "SELECT value FROM app_settings WHERE key = 'gateway'",
    );
    expect(rows[0].value).not.toContain(twilio.env.TWILIO_AUTH_TOKEN);
    expect(app.server.sending.gateway.name).toBe('twilio');

    await page.getByText('Send a test SMS now through this gateway').click();
    await page.getByLabel('Number (with country code)').fill('+33 6 00 00 00 42');
    await page.getByRole('button', { name: 'Send test' }).click();
    await expect(page.getByRole('status').last().textContent()).resolves.toContain('Sent');
    expect(twilio.fake.accepted.map((m) => m.to)).toContain('+33600000042');
    await page.screenshot({ path: 'docs/screenshots/admin-gateway.png', fullPage: true });
  });

  it('refuses an incomplete gateway, naming what is missing, and keeps the old one', async () => {
    await signIn(page, app, await createWebUser(app, 'admin'));
    await page.goto(`${app.url}/admin/gateway`);
    await page.getByLabel('Provider').selectOption('clickatell');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain(
      'CLICKATELL_API_KEY',
    );
    expect(app.server.sending.gateway.name).not.toBe('clickatell');
  });

  it('keeps sales and marketers out of administration', async () => {
    for (const role of ['sales', 'marketer'] as const) {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await signIn(p, app, await createWebUser(app, role));
      for (const path of ['/admin/users', '/admin/gateway']) {
        const response = await p.goto(`${app.url}${path}`);
        expect(response?.status()).toBe(403);
      }
      await ctx.close();
    }
  });
});
