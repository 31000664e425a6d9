import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createContact } from '../factories/records';
import { TestApp } from '../support/test-app';
import { createWebUser, launchBrowser, signIn, describeBrowser } from './browser';

describeBrowser('pages: sign-in, escaping and CSRF [browser]', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    app = await TestApp.start('sqlite');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context.close();
  });

  it.each(['admin', 'marketer', 'sales'] as const)(
    'signs in as %s and sees the menu for the role',
    async (role) => {
      const user = await createWebUser(app, role);
      await page.goto(`${app.url}/contacts`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await signIn(page, app, user);
      expect(new URL(page.url()).pathname).toBe('/contacts');
      await expect(page.getByRole('heading', { name: 'Contacts' }).count()).resolves.toBe(1);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link', { name: 'SMS Templates' }).count()).resolves.toBe(
        role === 'sales' ? 0 : 1,
      );
      await expect(nav.getByRole('link', { name: 'Admin' }).count()).resolves.toBe(
        role === 'admin' ? 1 : 0,
      );
    },
  );

  it('refuses a wrong password', async () => {
    const user = await createWebUser(app, 'sales');
    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'Wrong email or password',
    );
  });

  it('shows a contact named <script>alert(1)</script> as text', async () => {
    const user = await createWebUser(app, 'sales');
    await createContact(app, { first_name: '<script>alert(1)</script>', last_name: 'Xss' });
    let dialogs = 0;
    page.on('dialog', async (dialog) => {
      dialogs += 1;
      await dialog.dismiss();
    });
    await signIn(page, app, user);
    await page.goto(`${app.url}/contacts?q=Xss`);
    await expect(
      page.getByRole('link', { name: '<script>alert(1)</script> Xss' }).count(),
    ).resolves.toBe(1);
    const html = await page.content();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(dialogs).toBe(0);
  });

  it('refuses a form posted without its CSRF token', async () => {
    const user = await createWebUser(app, 'admin');
    await signIn(page, app, user);
    // Forms posted without their token, as a forged cross-site form would be: refused, and the
    // user stays signed in.
    const signOut = await page.evaluate(async () => {
      const res = await fetch('/sign-out', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      return res.status;
    });
    expect(signOut).toBe(403);
    // A state-changing page form without the token is refused with 403.
    const refused = await page.evaluate(async () => {
      const res = await fetch('/contacts', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'last_name=Forged',
      });
      return { status: res.status, text: await res.text() };
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('security token');
    await page.goto(`${app.url}/contacts`);
    expect(new URL(page.url()).pathname).toBe('/contacts');
  });
});
