/**
 * Throwaway MariaDB server for the test suite.
 *
 * Uses the binaries from Debian's `mariadb-server` package (`mariadb-install-db`, `mariadbd`).
 * Every call creates a fresh data directory under os.tmpdir(), starts `mariadbd` on a unix socket
 * inside that directory plus a free TCP port on 127.0.0.1 only, and creates a `crm` user with a
 * random password that may create/drop databases (one database per test file).
 *
 * Nothing here reads any option file (`--no-defaults` everywhere), so the system MariaDB service,
 * if any, is neither used nor disturbed.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as mysql from 'mysql2/promise';

export interface MariaDbServer {
  /** `mysql://crm:<password>@127.0.0.1:<port>`, without a database part. */
  adminUrl: string;
  /** Shuts the server down (SIGTERM, SIGKILL after 10 s) and removes its temporary directory. */
  stop: () => Promise<void>;
}

interface MariaDbBinaries {
  installDb: string;
  mariadbd: string;
}

const SEARCH_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
const MAX_START_ATTEMPTS = 3;
/** sun_path is 108 bytes on Linux (104 on macOS); keep a margin. */
const MAX_SOCKET_PATH = 100;

/**
 * InnoDB sizing, passed to `mariadb-install-db` (which passes it on) and `mariadbd`. Tests hold
 * a few thousand rows: small is fast to start. The benchmark writes millions of rows and uses
 * MariaDB's own defaults (a 128 MB buffer pool and a 96 MB redo log in 10.11).
 */
const INNODB_SIZING = {
  test: ['--innodb-buffer-pool-size=64M', '--innodb-log-file-size=16M'],
  stock: [],
} as const;

export type InnoDbSizing = keyof typeof INNODB_SIZING;

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findBinary(names: string[]): string | undefined {
  const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const dirs = [...new Set([...SEARCH_DIRS, ...pathDirs])];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function findBinaries(): MariaDbBinaries | undefined {
  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
  const mariadbd = findBinary(['mariadbd', 'mysqld']);
  if (installDb === undefined || mariadbd === undefined) {
    return undefined;
  }
  return { installDb, mariadbd };
}

/** True when `mariadb-install-db` and `mariadbd` can be found (Debian package `mariadb-server`). */
export function mariaDbBinariesAvailable(): boolean {
  return findBinaries() !== undefined;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function makeTempDir(): string {
  const prefix = 'crm-sms-mariadb-';
  // The unix socket lives inside the temp dir, so its path must stay short.
  let base = fs.realpathSync(os.tmpdir());
  if (path.join(base, `${prefix}XXXXXX`, 'mysqld.sock').length > MAX_SOCKET_PATH) {
    base = '/tmp';
  }
  return fs.mkdtempSync(path.join(base, prefix));
}

function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

function tail(file: string, maxChars = 4000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.length > maxChars ? `...${text.slice(-maxChars)}` : text;
  } catch {
    return '(no output captured)';
  }
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free TCP port'));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

function initialiseDataDir(
  binaries: MariaDbBinaries,
  dataDir: string,
  logFile: string,
  sizing: readonly string[],
): void {
  const args = [
    '--no-defaults',
    `--datadir=${dataDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
    ...sizing,
  ];
  if (isRoot()) {
    args.push('--user=root');
  }
  const result = spawnSync(binaries.installDb, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  fs.writeFileSync(logFile, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error?.message ?? `exit status ${String(result.status ?? result.signal)}`;
    throw new Error(`${binaries.installDb} failed (${why}). Output:\n${tail(logFile)}`);
  }
}

interface RunningProcess {
  child: ChildProcess;
  /** Resolves with a description once the process has exited. */
  exited: Promise<string>;
  hasExited: () => boolean;
}

function startProcess(
  binaries: MariaDbBinaries,
  dir: string,
  dataDir: string,
  socketPath: string,
  port: number,
  logFile: string,
  sizing: readonly string[],
): RunningProcess {
  const args = [
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--socket=${socketPath}`,
    `--pid-file=${path.join(dir, 'mariadbd.pid')}`,
    `--tmpdir=${dir}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    '--skip-name-resolve',
    '--skip-log-bin',
    '--performance-schema=OFF',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--max-connections=200',
    ...sizing,
    '--innodb-flush-log-at-trx-commit=2',
    '--innodb-doublewrite=0',
    // io_uring/libaio are often blocked by container seccomp profiles; plain I/O always works.
    '--innodb-use-native-aio=0',
  ];
  if (isRoot()) {
    // mariadbd refuses to run as root unless told to.
    args.push('--user=root');
  }
  const logFd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binaries.mariadbd, args, { stdio: ['ignore', logFd, logFd] });
  } finally {
    fs.closeSync(logFd);
  }
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => {
      done = true;
      resolve(`failed to spawn: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      done = true;
      resolve(signal !== null ? `killed by ${signal}` : `exited with code ${String(code)}`);
    });
  });
  return { child, exited, hasExited: () => done };
}

/** Polls over the unix socket until root can log in; rejects if the process dies first. */
async function waitUntilReady(proc: RunningProcess, socketPath: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = 'not tried yet';
  while (Date.now() < deadline) {
    if (proc.hasExited()) {
      throw new Error(`mariadbd ${await proc.exited} before accepting connections`);
    }
    try {
      const conn = await mysql.createConnection({ socketPath, user: 'root', connectTimeout: 2000 });
      await conn.end();
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  throw new Error(
    `mariadbd did not accept connections within ${READY_TIMEOUT_MS / 1000} s (last error: ${lastError})`,
  );
}

async function createCrmUser(socketPath: string, password: string): Promise<void> {
  const conn = await mysql.createConnection({ socketPath, user: 'root' });
  try {
    for (const host of ['127.0.0.1', 'localhost']) {
      await conn.query('CREATE USER ?@? IDENTIFIED BY ?', ['crm', host, password]);
      await conn.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', ['crm', host]);
    }
  } finally {
    await conn.end();
  }
}

async function terminate(proc: RunningProcess): Promise<void> {
  if (proc.hasExited()) {
    return;
  }
  proc.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    proc.exited.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), STOP_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut && !proc.hasExited()) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

/**
 * Starts a private MariaDB server and returns an admin URL for a `crm` user with all privileges.
 * Throws (with mariadbd's output) if the binaries are missing or the server does not come up.
 */
export async function startMariaDbServer(sizing: InnoDbSizing = 'test'): Promise<MariaDbServer> {
  const binaries = findBinaries();
  if (binaries === undefined) {
    throw new Error(
      `mariadbd / mariadb-install-db not found in ${SEARCH_DIRS.join(', ')} or PATH ` +
        '(install the Debian package mariadb-server)',
    );
  }

  const dir = makeTempDir();
  const dataDir = path.join(dir, 'data');
  const socketPath = path.join(dir, 'mysqld.sock');
  const installLog = path.join(dir, 'install.log');
  let proc: RunningProcess | undefined;

  // Last-resort cleanup if the test runner exits without calling stop().
  const onExit = (): void => {
    if (proc !== undefined && !proc.hasExited()) {
      proc.child.kill('SIGKILL');
    }
    try {
      removeDir(dir);
    } catch {
      // ignore: the process is exiting anyway
    }
  };
  process.once('exit', onExit);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      if (proc !== undefined) {
        await terminate(proc);
      }
    } finally {
      process.removeListener('exit', onExit);
      removeDir(dir);
    }
  };

  try {
    initialiseDataDir(binaries, dataDir, installLog, INNODB_SIZING[sizing]);

    // The free port can be grabbed by someone else between probing and binding; retry then.
    let lastFailure: Error | undefined;
    let port = 0;
    for (let attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
      port = await findFreePort();
      const serverLog = path.join(dir, `mariadbd-${attempt}.log`);
      proc = startProcess(
        binaries,
        dir,
        dataDir,
        socketPath,
        port,
        serverLog,
        INNODB_SIZING[sizing],
      );
      try {
        await waitUntilReady(proc, socketPath);
        lastFailure = undefined;
        break;
      } catch (err) {
        await terminate(proc);
        const output = tail(serverLog);
        lastFailure = new Error(
          `${err instanceof Error ? err.message : String(err)}\n--- mariadbd output ---\n${output}`,
        );
        if (!/bind on tcp\/ip port|address already in use/i.test(output)) {
          break;
        }
      }
    }
    if (lastFailure !== undefined) {
      throw lastFailure;
    }

    const password = randomBytes(18).toString('hex');
    await createCrmUser(socketPath, password);
    return { adminUrl: `mysql://crm:${password}@127.0.0.1:${port}`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
