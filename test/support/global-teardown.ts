/** Jest globalTeardown: stops the MariaDB server started by global-setup.ts, if any. */
export default async function globalTeardown(): Promise<void> {
  const stop = globalThis.__MARIADB_STOP__;
  globalThis.__MARIADB_STOP__ = undefined;
  if (stop !== undefined) {
    await stop();
  }
}
