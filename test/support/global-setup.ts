/**
 * Jest globalSetup: starts one throwaway MariaDB server for the whole run and publishes its admin
 * URL as TEST_MARIADB_URL (inherited by the test workers). Test files create their own database.
 *
 * - TEST_MARIADB_URL already set: that server is used as is, nothing is started.
 * - TEST_MARIADB=off: MariaDB is skipped deliberately.
 * - Binaries missing / start failed / skipped: under CI=true this is an error; locally a loud
 *   warning is printed and TEST_MARIADB_SKIPPED=<reason> is set, so the MariaDB variants of the
 *   database tests are reported as skipped.
 */
import { mariaDbBinariesAvailable, startMariaDbServer } from './mariadb-server';

declare global {
  var __MARIADB_STOP__: (() => Promise<void>) | undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function loudWarning(reason: string): void {
  const bar = '!'.repeat(100);
  const lines = [
    '',
    bar,
    '!!!',
    '!!!  MariaDB NOT AVAILABLE -- the MariaDB variants of the database tests are SKIPPED.',
    '!!!  Install mariadb-server (apt-get install mariadb-server) to run them.',
    '!!!  (CI=true turns this into an error.)',
    '!!!',
    ...reason.split('\n').map((line) => `!!!  reason: ${line}`),
    '!!!',
    bar,
    '',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}

async function tryStart(): Promise<{ url: string } | { skipped: string }> {
  if (process.env.TEST_MARIADB === 'off') {
    return { skipped: 'TEST_MARIADB=off was set' };
  }
  if (!mariaDbBinariesAvailable()) {
    return { skipped: 'mariadbd / mariadb-install-db not found (package mariadb-server missing)' };
  }
  try {
    const started = Date.now();
    const server = await startMariaDbServer();
    globalThis.__MARIADB_STOP__ = server.stop;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\n[test] throwaway MariaDB server started in ${seconds} s\n`);
    return { url: server.adminUrl };
  } catch (err) {
    return { skipped: `starting MariaDB failed: ${errorMessage(err)}` };
  }
}

export default async function globalSetup(): Promise<void> {
  delete process.env.TEST_MARIADB_SKIPPED;
  if (process.env.TEST_MARIADB_URL) {
    process.stderr.write('\n[test] using the MariaDB server given by TEST_MARIADB_URL\n');
    return;
  }
  const result = await tryStart();
  if ('url' in result) {
    process.env.TEST_MARIADB_URL = result.url;
    return;
  }
  if (process.env.CI === 'true') {
    throw new Error(
      'MariaDB is required when CI=true (the MariaDB variants of the database tests must run ' +
        `there), but it is not available: ${result.skipped}`,
    );
  }
  loudWarning(result.skipped);
  process.env.TEST_MARIADB_SKIPPED = result.skipped;
}
