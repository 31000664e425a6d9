import { randomFillSync } from 'node:crypto';

/**
 * Time-ordered UUIDs (RFC 9562, version 7): 48 bits of Unix time in milliseconds, then 74 random
 * bits. Rows written in bulk with such keys go to the end of the primary-key index instead of
 * to a random page of it. InnoDB stores the table in its primary key, so random (version 4)
 * keys make every bulk insert rewrite pages all over the table; measured on MariaDB with the
 * campaign generator, ordered keys insert about 2.5× faster (see bench/README.md).
 */
export function orderedUuid(now: number = Date.now()): string {
  const r = randomBytes10();
  const time = now.toString(16).padStart(12, '0');
  return (
    `${time.slice(0, 8)}-${time.slice(8, 12)}-7${HEX[r[0]][1]}${HEX[r[1]]}-` +
    // The two top bits of the fourth group are the RFC 9562 variant (10).
    `${HEX[(r[2] & 0x3f) | 0x80]}${HEX[r[3]]}-` +
    `${HEX[r[4]]}${HEX[r[5]]}${HEX[r[6]]}${HEX[r[7]]}${HEX[r[8]]}${HEX[r[9]]}`
  );
}

/**
 * A 20-character key from the random part of an ordered UUID (74 random bits). The first 20
 * hex digits of such a UUID are mostly its timestamp, shared by every id made in the same
 * millisecond, so they must not be used as a key.
 */
export function orderedUuidKey(uuid: string): string {
  return uuid.replace(/-/g, '').slice(-20);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

// One getrandom() call per 1,638 ids instead of one per id.
const POOL = Buffer.alloc(16 * 1024);
let offset = POOL.length;

function randomBytes10(): Buffer {
  if (offset + 10 > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const bytes = POOL.subarray(offset, offset + 10);
  offset += 10;
  return bytes;
}
