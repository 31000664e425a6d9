/**
 * Checks the throwaway MariaDB server started by test/support/global-setup.ts.
 * Reported as skipped when no server is available (see TEST_MARIADB_SKIPPED).
 */
import { randomBytes } from 'node:crypto';
import * as mysql from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';

const adminUrl = process.env.TEST_MARIADB_URL;
const maybe = adminUrl ? describe : describe.skip;

maybe('MariaDB test harness', () => {
  const database = `harness_${randomBytes(4).toString('hex')}`;
  let admin: Connection;
  const extra: Connection[] = [];

  async function connectToDatabase(): Promise<Connection> {
    const conn = await mysql.createConnection({ uri: `${adminUrl}/${database}` });
    extra.push(conn);
    return conn;
  }

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: adminUrl });
  });

  afterAll(async () => {
    await Promise.all(extra.map((conn) => conn.end()));
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  });

  it('is a MariaDB server', async () => {
    const [rows] = await admin.query<RowDataPacket[]>('SELECT VERSION() AS version');
    expect(String(rows[0].version)).toContain('MariaDB');
  });

  it('lets the crm user create and drop a database', async () => {
    const scratch = `${database}_scratch`;
    await admin.query(`CREATE DATABASE \`${scratch}\` CHARACTER SET utf8mb4`);
    const [created] = await admin.query<RowDataPacket[]>('SHOW DATABASES LIKE ?', [scratch]);
    expect(created).toHaveLength(1);
    await admin.query(`DROP DATABASE \`${scratch}\``);
    const [dropped] = await admin.query<RowDataPacket[]>('SHOW DATABASES LIKE ?', [scratch]);
    expect(dropped).toHaveLength(0);
  });

  it('supports SELECT ... FOR UPDATE SKIP LOCKED', async () => {
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
    const first = await connectToDatabase();
    const second = await connectToDatabase();
    await first.query('CREATE TABLE jobs (id INT PRIMARY KEY, state VARCHAR(16)) ENGINE=InnoDB');
    await first.query("INSERT INTO jobs VALUES (1, 'queued'), (2, 'queued')");

    const claim = 'SELECT id FROM jobs WHERE state = ? ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED';
    await first.beginTransaction();
    const [firstRows] = await first.query<RowDataPacket[]>(claim, ['queued']);
    expect(firstRows.map((row) => row.id)).toEqual([1]);

    // Row 1 is locked by `first`, so `second` must skip it instead of waiting.
    await second.beginTransaction();
    const [secondRows] = await second.query<RowDataPacket[]>(claim, ['queued']);
    expect(secondRows.map((row) => row.id)).toEqual([2]);

    await second.rollback();
    await first.rollback();
  });
});
