import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startFakeGateway } from '../fakes';
import type { StartedFakeGateway } from '../fakes';
import { createContact } from '../factories/records';
import { TestApp } from '../support/test-app';
import type { Json } from '../support/test-app';
import { createWebUser, launchBrowser, signIn, describeBrowser } from './browser';

const SCREENSHOTS = path.resolve(__dirname, '../../docs/screenshots');
const DAY = 86_400_000;

describeBrowser('pages: SMS history, message detail and SMS log [browser]', () => {
  let twilio: StartedFakeGateway;
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let sent: Json;
  let queued: Json;
  let draftYesterday: Json;
  let draftFuture: Json;
  let contact: Json;

  const message = async (status: 'draft' | 'send_sms', body: string, sendDate: Date) => {
    const res = await app.post(`/api/contacts/${contact.id}/sms-messages`, {
      body,
      status,
      send_date: sendDate.toISOString(),
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    twilio = await startFakeGateway('twilio');
    app = await TestApp.start('sqlite', { ...twilio.env, SMS_RATE_PER_SECOND: '0' });
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
    contact = await createContact(app, { first_name: 'Hedy', last_name: 'Lamarr' });
    const now = Date.now();
    // Both within today (UTC), whenever the test runs, so "Today" finds them.
    const startOfToday = Math.floor(now / DAY) * DAY;
    sent = await message(
      'send_sms',
      'Your parcel left the depot.',
      new Date(Math.max(now - 60_000, startOfToday)),
    );
    await app.server.sending.jobs.dispatch.run();
    // Queued for later today; nothing dispatches again before it is cancelled.
    queued = await message(
      'send_sms',
      'Reminder: meeting tomorrow.',
      new Date(Math.min(now + 3_600_000, startOfToday + DAY - 1)),
    );
    draftYesterday = await message('draft', 'Draft from yesterday', new Date(now - DAY));
    draftFuture = await message('draft', 'Spring offer', new Date('2031-03-05T09:00:00Z'));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await twilio?.fake.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    await signIn(page, app, await createWebUser(app, 'sales'));
  });
  afterEach(async () => {
    await context.close();
  });

  const rowTexts = async () =>
    page
      .locator('table.history tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => (r.querySelector('[data-label="Text"]')?.textContent ?? '').trim()),
      );

  it('lists every message and filters by status and period', async () => {
    await page.goto(`${app.url}/contacts`);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'SMS History' })
      .click();
    expect(new URL(page.url()).pathname).toBe('/sms-messages');
    const all = await rowTexts();
    expect(all).toEqual(
      expect.arrayContaining([
        'Your parcel left the depot.',
        'Reminder: meeting tomorrow.',
        'Draft from yesterday',
        'Spring offer',
      ]),
    );
    const row = page.locator('table.history tbody tr', { hasText: 'Your parcel left' });
    await expect(row.locator('.status').textContent()).resolves.toBe('Sent');
    await expect(row.getByRole('link', { name: 'Hedy Lamarr' }).count()).resolves.toBe(1);
    await expect(row.getByRole('link', { name: contact.phone_mobile }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'history.png'), fullPage: true });

    const filter = page.getByRole('search', { name: 'Filter SMS messages' });
    await filter.getByLabel('Status').selectOption({ label: 'Draft' });
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'draft');
    await expect(rowTexts()).resolves.toEqual(['Spring offer', 'Draft from yesterday']);

    await filter.getByLabel(/^Period/).selectOption({ label: 'Yesterday' });
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('period') === 'yesterday');
    await expect(rowTexts()).resolves.toEqual(['Draft from yesterday']);

    // The custom dates show only when "Custom range" is picked.
    await expect(filter.getByLabel('From').isVisible()).resolves.toBe(false);
    await filter.getByLabel('Status').selectOption({ label: 'Any' });
    await filter.getByLabel(/^Period/).selectOption({ label: 'Custom range' });
    await filter.getByLabel('From').fill('2031-03-01');
    await filter.getByLabel('To').fill('2031-03-31');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('period') === 'custom');
    await expect(rowTexts()).resolves.toEqual(['Spring offer']);

    await page.goto(`${app.url}/sms-messages?period=today`);
    await expect(rowTexts()).resolves.toEqual([
      'Reminder: meeting tomorrow.',
      'Your parcel left the depot.',
    ]);
    await page.goto(`${app.url}/sms-messages?period=last_7_days&status=send_sms`);
    await expect(rowTexts()).resolves.toEqual(['Reminder: meeting tomorrow.']);

    // A wrong filter is shown at its field, never a 500.
    const res = await page.goto(`${app.url}/sms-messages?period=custom&from=2031-02-30`);
    expect(res?.status()).toBe(422);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('From:');
    await expect(page.locator('table.history tbody').textContent()).resolves.toContain(
      'No SMS messages match.',
    );
  });

  it('pages through a long history', async () => {
    const other = await createContact(app, { last_name: 'Many' });
    for (let i = 0; i < 27; i++) {
      await app.post(`/api/contacts/${other.id}/sms-messages`, {
        body: `Bulk ${i}`,
        status: 'draft',
        send_date: '2030-01-01T00:00:00Z',
      });
    }
    await page.goto(`${app.url}/sms-messages?parent_type=contacts&parent_id=${other.id}`);
    await expect(page.locator('table.history tbody tr').count()).resolves.toBe(25);
    await expect(page.getByRole('navigation', { name: 'Pages' }).textContent()).resolves.toContain(
      'Page 1 of 2 · 27 in all',
    );
    await page.getByRole('link', { name: 'Next ›' }).click();
    await expect(page.locator('table.history tbody tr').count()).resolves.toBe(2);
    expect(new URL(page.url()).searchParams.get('parent_id')).toBe(other.id);
  });

  it('shows a sent message with its provider id, and no Cancel', async () => {
    const stored = (await app.get(`/api/sms-messages/${sent.id}`)).body;
    expect(stored.status).toBe('sent');
    await page.goto(`${app.url}/sms-messages?status=sent`);
    await page
      .locator('table.history tbody tr', { hasText: 'Your parcel left' })
      .getByRole('link')
      .first()
      .click();
    expect(new URL(page.url()).pathname).toBe(`/sms-messages/${sent.id}`);
    await expect(page.getByTestId('provider-id').textContent()).resolves.toBe(
      stored.provider_message_id,
    );
    expect(stored.provider_message_id).toMatch(/^SM/);
    const delivery = page.getByRole('region', { name: 'Delivery' });
    await expect(delivery.textContent()).resolves.toContain('twilio');
    const body = page.getByRole('region', { name: 'Message' });
    await expect(body.textContent()).resolves.toContain('GSM-7');
    await expect(page.getByRole('button', { name: 'Cancel SMS' }).count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'message-detail.png'), fullPage: true });
  });

  it('cancels a queued message after a confirm', async () => {
    await page.goto(`${app.url}/sms-messages/${queued.id}`);
    await expect(page.locator('h1 .status').textContent()).resolves.toBe('Send SMS');
    const dialogs: string[] = [];
    page.once('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.getByRole('button', { name: 'Cancel SMS' }).click();
    expect(dialogs).toEqual(['Cancel this SMS? It will not be sent.']);
    expect((await app.get(`/api/sms-messages/${queued.id}`)).body.status).toBe('send_sms');

    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Cancel SMS' }).click();
    await page.getByRole('status').waitFor();
    // The one-time notice's parameter is dropped, so a reload does not repeat it.
    expect(new URL(page.url()).search).toBe('');
    await expect(page.getByRole('status').textContent()).resolves.toContain('cancelled');
    await expect(page.locator('h1 .status').textContent()).resolves.toBe('Cancelled');
    await expect(page.getByRole('button', { name: 'Cancel SMS' }).count()).resolves.toBe(0);
    expect((await app.get(`/api/sms-messages/${queued.id}`)).body.status).toBe('cancelled');
    await app.server.sending.jobs.dispatch.run();
    expect(twilio.fake.accepted.some((m) => m.body === 'Reminder: meeting tomorrow.')).toBe(false);
  });

  it('refuses to cancel a message that has left, on the page', async () => {
    const status = await page.evaluate(async (id) => {
      const token = document.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? '';
      const res = await fetch(`/sms-messages/${id}/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token }).toString(),
      });
      return { status: res.status, text: await res.text() };
    }, sent.id);
    expect(status.status).toBe(409);
    expect(status.text).toContain('only draft or send_sms messages can be changed');
    expect((await app.get(`/api/sms-messages/${sent.id}`)).body.status).toBe('sent');
  });

  it('shows the SMS log of a number: status, provider id and error of each message', async () => {
    await app.server.services.inbound.receive('twilio', {
      providerMessageId: `SMreply${Date.now()}`,
      from: contact.phone_mobile,
      to: null,
      text: 'Thanks!',
      receivedAt: null,
    });
    await page.goto(`${app.url}/sms-messages/${sent.id}`);
    await page.getByRole('link', { name: `All messages to ${contact.phone_mobile}` }).click();
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(
      `/sms-log/${contact.phone_mobile}`,
    );
    const log = page.getByRole('region', { name: 'Messages' });
    const sentRow = log.locator('tbody tr', { has: page.locator('.status-sent') });
    await expect(sentRow.textContent()).resolves.toContain(
      (await app.get(`/api/sms-messages/${sent.id}`)).body.provider_message_id,
    );
    await expect(log.locator('tbody tr').count()).resolves.toBe(4);
    await expect(page.getByRole('region', { name: 'Number' }).textContent()).resolves.toContain(
      'Hedy Lamarr',
    );
    await expect(
      page.getByRole('region', { name: 'Replies received' }).textContent(),
    ).resolves.toContain('Thanks!');
    // The history's number filter gives the same messages.
    for (const number of [encodeURIComponent(contact.phone_mobile), contact.phone_mobile]) {
      await page.goto(`${app.url}/sms-messages?number=${number}`);
      await expect(page.locator('table.history tbody tr').count()).resolves.toBe(4);
    }
    expect(draftYesterday.id).toBeDefined();
    expect(draftFuture.id).toBeDefined();
  });
});
