import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../support/test-app';

/** Debian's chromium, as installed by .ci/run; flags as in DEVELOPERS.md. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const PASSWORD = 'correct-horse-battery';

/** A user with the role and a password, created through the admin API. */
export async function createWebUser(
  app: TestApp,
  role: 'admin' | 'marketer' | 'sales',
): Promise<{ email: string; password: string }> {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const res = await app.post('/api/users', { email, name: `Web ${role}`, role });
  await app.server.services.users.setPassword(res.body.id, PASSWORD);
  return { email, password: PASSWORD };
}

export async function signIn(page: Page, app: TestApp, user: { email: string; password: string }) {
  await page.goto(`${app.url}/sign-in`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/**
 * Browser suites run when Debian's chromium is installed (`.ci/run` installs it). Without it they
 * are skipped with a loud message locally, and fail under CI=true.
 */
export function describeBrowser(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') {
    describe(name, suite);
    return;
  }
  process.stderr.write(
    `\n!!! ${CHROMIUM_PATH} not found: browser tests "${name}" are SKIPPED (apt-get install chromium)\n`,
  );
  describe.skip(name, suite);
}
