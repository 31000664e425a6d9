import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/config';
import type { AppConfig } from '../../src/config/config';
import { Logger } from '../../src/logger';
import { openDatabase, startServer } from '../../src/server';
import type { RunningServer } from '../../src/server';

export type Engine = 'sqlite' | 'mariadb';

// Tests read arbitrary JSON answers; typing each shape would add noise, not safety.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * Runs a suite once per database engine. SQLite always runs; MariaDB runs on the server the
 * global setup started, and is reported as skipped (loudly, by the setup) when there is none.
 */
export function describeEachEngine(name: string, suite: (engine: Engine) => void): void {
  describe(`${name} [sqlite]`, () => suite('sqlite'));
  const maybe = process.env.TEST_MARIADB_URL ? describe : describe.skip;
  maybe(`${name} [mariadb]`, () => suite('mariadb'));
}

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh, empty database owned by one test file. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'crm-sms-test-'));
    return {
      url: `sqlite:${join(dir, 'test.sqlite')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const adminUrl = process.env.TEST_MARIADB_URL;
  if (!adminUrl) {
    throw new Error('TEST_MARIADB_URL is not set; the MariaDB suite should have been skipped');
  }
  const name = `crm_test_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection(adminUrl);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    // mariadb:// selects TypeORM's MariaDB dialect, as a production MariaDB deployment would.
    url: `${adminUrl.replace(/^mysql:/, 'mariadb:')}/${name}`,
    drop: async () => {
      const conn = await createConnection(adminUrl);
      await conn.query(`DROP DATABASE IF EXISTS ${name}`);
      await conn.end();
    },
  };
}

/**
 * A migrated database of its own for the enclosing describe block, opened the way the app opens
 * it (openDatabase) in its beforeAll and dropped in its afterAll. Call the returned function
 * from a hook or a test for the data source.
 */
export function useMigratedDatabase(engine: Engine): () => DataSource {
  let database: TestDatabase | undefined;
  let dataSource: DataSource | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    dataSource = await openDatabase(
      loadConfig({ DATABASE_URL: database.url }),
      new Logger('silent'),
    );
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });
  return () => {
    if (!dataSource) {
      throw new Error('useMigratedDatabase: the data source is opened in beforeAll');
    }
    return dataSource;
  };
}

export interface ApiResponse<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string | null;
  headers?: Record<string, string>;
  /** Sent as is instead of JSON.stringify(body). */
  raw?: string;
}

/** A running app on its own database, with helpers to call its API over real HTTP. */
export class TestApp {
  private constructor(
    readonly engine: Engine,
    readonly server: RunningServer,
    private readonly database: TestDatabase,
  ) {}

  static async start(engine: Engine, env: Record<string, string> = {}): Promise<TestApp> {
    const database = await createTestDatabase(engine);
    // The scheduler is off unless a test asks for it, so API tests see statuses they set.
    const fullEnv = {
      PORT: '0',
      DATABASE_URL: database.url,
      ADMIN_API_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'silent',
      SCHEDULER: 'off',
      ...env,
    };
    const config: AppConfig = loadConfig(fullEnv);
    const server = await startServer(config, new Logger(config.logLevel), { env: fullEnv });
    return new TestApp(engine, server, database);
  }

  get url(): string {
    return this.server.url;
  }

  async request<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const token = options.token === undefined ? ADMIN_TOKEN : options.token;
    const headers: Record<string, string> = { ...options.headers };
    if (token !== null) {
      headers.authorization = `Bearer ${token}`;
    }
    let payload: string | undefined = options.raw;
    if (payload === undefined && body !== undefined) {
      payload = JSON.stringify(body);
    }
    if (
      payload !== undefined &&
      !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
    ) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(this.url + path, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('application/json')) {
      parsed = JSON.parse(text);
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = Json>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, undefined, options);
  }
  post<T = Json>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('POST', path, body, options);
  }
  patch<T = Json>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PATCH', path, body, options);
  }
  delete<T = Json>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, undefined, options);
  }

  /** Creates a user with the role through the API and returns its token. */
  async userToken(role: 'admin' | 'marketer' | 'sales'): Promise<string> {
    const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
    const res = await this.post('/api/users', { email, name: `Test ${role}`, role });
    if (res.status !== 201) {
      throw new Error(`creating a ${role} user failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body.api_token as string;
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.database.drop();
  }
}
