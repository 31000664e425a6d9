import { ConfigError, DEFAULT_DATABASE_URL, loadConfig } from '../../src/config/config';
import { dataSourceOptions } from '../../src/db/data-source';

describe('configuration', () => {
  it('has working defaults: embedded SQLite on port 3000', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe(DEFAULT_DATABASE_URL);
    expect(config.port).toBe(3000);
    expect(config.smsMaxSegments).toBe(10);
    expect(config.adminApiToken).toBeNull();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['SMS_MAX_SEGMENTS', '0'],
    ['SMS_MAX_SEGMENTS', '2.5'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'postgres://x@y/z'],
    ['ADMIN_API_TOKEN', 'short'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('reads a MySQL URL, decoding credentials, with UTC dates', () => {
    const options = dataSourceOptions('mysql://crm:p%40ss@db.example.com:3307/crm_sms');
    expect(options).toMatchObject({
      type: 'mysql',
      host: 'db.example.com',
      port: 3307,
      username: 'crm',
      password: 'p@ss',
      database: 'crm_sms',
      timezone: 'Z',
      synchronize: false,
    });
  });

  it('accepts a mariadb: URL and a socket path', () => {
    const options = dataSourceOptions(
      'mariadb://root@localhost/crm?socketPath=/run/mysqld/mysqld.sock',
    );
    expect(options).toMatchObject({ type: 'mariadb', socketPath: '/run/mysqld/mysqld.sock' });
  });
});
