import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const PREFIX = 'enc:v1:';

/**
 * AES-256-GCM for settings stored in the database (gateway credentials). The key comes from
 * SETTINGS_ENCRYPTION_KEY, or — for a single-host install — from a key file created once next to
 * the SQLite database, readable by the owner only. Several hosts must share SETTINGS_ENCRYPTION_KEY.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromEnvOrFile(envKey: string | undefined, keyFile: string): SecretBox {
    if (envKey && envKey.trim() !== '') {
      // Any string works; hashing gives exactly 32 bytes whatever its encoding.
      return new SecretBox(createHash('sha256').update(envKey.trim()).digest());
    }
    if (!existsSync(keyFile)) {
      mkdirSync(dirname(keyFile), { recursive: true });
      writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
      chmodSync(keyFile, 0o600);
    }
    return new SecretBox(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'));
  }

  static withKey(key: string): SecretBox {
    return new SecretBox(createHash('sha256').update(key).digest());
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64')).join(':');
  }

  open(sealed: string): string {
    if (!sealed.startsWith(PREFIX)) {
      throw new Error('not an encrypted setting');
    }
    const [iv, tag, data] = sealed
      .slice(PREFIX.length)
      .split(':')
      .map((part) => Buffer.from(part, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }
}
