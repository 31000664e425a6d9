import {
  COUNTRY_ALPHA3_TO_ISO2,
  COUNTRY_NAME_TO_ISO2,
  COUNTRY_TIME_ZONES,
} from '../../src/domain/country-time-zones';
import type { SendingWindow } from '../../src/domain/quiet-hours';
import {
  nextAllowedInstant,
  nextCommonAllowedInstant,
  normalizeCountryName,
  parseSendingWindow,
  recipientTimeZones,
} from '../../src/domain/quiet-hours';

const DAY_TIME: SendingWindow = { startMinutes: 480, endMinutes: 1260 }; // 08:00–21:00

/** Independent oracle: local wall-clock minute of day straight from Intl, no caching. */
const oracleFormatters = new Map<string, Intl.DateTimeFormat>();
function localMinuteOfDay(t: number, zone: string): number {
  let formatter = oracleFormatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
    });
    oracleFormatters.set(zone, formatter);
  }
  const parts = formatter.formatToParts(t);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}
function insideEverywhere(t: number, zones: string[], window: SendingWindow): boolean {
  return zones.every((zone) => {
    const m = localMinuteOfDay(t, zone);
    return m >= window.startMinutes && m < window.endMinutes;
  });
}
function localTime(t: Date, zone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(t);
}
function next(iso: string, zones: string[], spec: string): string {
  return nextAllowedInstant(new Date(iso), zones, parseSendingWindow(spec)).toISOString();
}

describe('parseSendingWindow', () => {
  it('parses HH:MM-HH:MM, with an en dash, spaces, one-digit hours and 24:00 as end', () => {
    expect(parseSendingWindow('08:00-21:00')).toEqual({ startMinutes: 480, endMinutes: 1260 });
    expect(parseSendingWindow('08:00–21:00')).toEqual({ startMinutes: 480, endMinutes: 1260 });
    expect(parseSendingWindow(' 8:30 – 20:15 ')).toEqual({ startMinutes: 510, endMinutes: 1215 });
    expect(parseSendingWindow('00:00-24:00')).toEqual({ startMinutes: 0, endMinutes: 1440 });
  });

  it.each([
    ['25:00-21:00', /'25:00-21:00'.*start time 25:00 is out of range/],
    ['08:00-21:60', /'08:00-21:60'.*end minute 60 is out of range/],
    ['08:00-24:30', /'08:00-24:30'.*end time 24:30 is out of range/],
    ['24:00-24:00', /'24:00-24:00'.*start time 24:00 is out of range/],
    ['21:00-08:00', /'21:00-08:00'.*crosses midnight/],
    ['08:00-08:00', /'08:00-08:00'.*empty/],
    ['abc', /'abc'.*expected HH:MM-HH:MM/],
    ['', /''.*expected HH:MM-HH:MM/],
    ['0800-2100', /'0800-2100'.*expected HH:MM-HH:MM/],
    ['08:00', /'08:00'.*expected HH:MM-HH:MM/],
  ])('refuses %j with a message naming it', (spec, message) => {
    expect(() => parseSendingWindow(spec)).toThrow(message);
  });

  it('nextAllowedInstant refuses an invalid window object, no zones and an invalid date', () => {
    const at = new Date('2026-07-15T12:00:00Z');
    expect(() => nextAllowedInstant(at, ['UTC'], { startMinutes: 600, endMinutes: 600 })).toThrow(
      /Invalid sending window/,
    );
    expect(() => nextAllowedInstant(at, ['UTC'], { startMinutes: -1, endMinutes: 60 })).toThrow(
      /Invalid sending window/,
    );
    expect(() => nextAllowedInstant(at, [], DAY_TIME)).toThrow(/no time zones/);
    expect(() => nextAllowedInstant(new Date('nope'), ['UTC'], DAY_TIME)).toThrow(/invalid date/);
    expect(() => nextAllowedInstant(at, ['Mars/Olympus'], DAY_TIME)).toThrow(/Mars\/Olympus/);
  });
});

describe('recipientTimeZones', () => {
  it('recognises alpha-2 (any case), alpha-3, English names and aliases', () => {
    for (const country of [
      'FR',
      'fr',
      ' Fr ',
      'FRA',
      'fra',
      'France',
      'FRANCE',
      'the French Republic',
    ]) {
      expect(recipientTimeZones(country, null)).toEqual(['Europe/Paris']);
    }
    for (const country of [
      'GB',
      'GBR',
      'United Kingdom',
      'UK',
      'U.K.',
      'Great Britain',
      'England',
    ]) {
      expect(recipientTimeZones(country, null)).toEqual(['Europe/London']);
    }
    expect(recipientTimeZones('South Korea', null)).toEqual(['Asia/Seoul']);
    expect(recipientTimeZones('Korea, Republic of', null)).toEqual(['Asia/Seoul']);
    expect(recipientTimeZones("Côte d'Ivoire", null)).toEqual(['Africa/Abidjan']);
    expect(recipientTimeZones('Cote d’Ivoire', null)).toEqual(['Africa/Abidjan']);
    expect(recipientTimeZones('Bosnia & Herzegovina', null)).toEqual(['Europe/Sarajevo']);
    expect(recipientTimeZones('Russia', null)[0]).toBe('Europe/Moscow');
    expect(recipientTimeZones('Russian Federation', null)).toContain('Asia/Kamchatka');
  });

  it('returns every zone of a multi-zone country, most populous first; Guam is not US', () => {
    for (const country of ['US', 'USA', 'U.S.A.', 'United States', 'United States of America']) {
      const zones = recipientTimeZones(country, null);
      expect(zones[0]).toBe('America/New_York');
      expect(zones).toEqual(
        expect.arrayContaining([
          'America/Chicago',
          'America/Denver',
          'America/Phoenix',
          'America/Los_Angeles',
          'America/Anchorage',
          'America/Adak',
          'Pacific/Honolulu',
        ]),
      );
      expect(zones).not.toContain('Pacific/Guam');
    }
    expect(recipientTimeZones('Canada', null)[0]).toBe('America/Toronto');
    expect(recipientTimeZones('CA', null)).toEqual(
      expect.arrayContaining(['America/St_Johns', 'America/Vancouver']),
    );
    expect(recipientTimeZones('Australia', null)[0]).toBe('Australia/Sydney');
    expect(recipientTimeZones('AU', null)).toEqual(
      expect.arrayContaining(['Australia/Perth', 'Australia/Lord_Howe']),
    );
    expect(recipientTimeZones('BR', null)[0]).toBe('America/Sao_Paulo');
    expect(recipientTimeZones('MX', null)[0]).toBe('America/Mexico_City');
    expect(recipientTimeZones('Indonesia', null)).toEqual([
      'Asia/Jakarta',
      'Asia/Pontianak',
      'Asia/Makassar',
      'Asia/Jayapura',
    ]);
    expect(recipientTimeZones('GU', null)).toEqual(['Pacific/Guam']);
  });

  it('uses the number when the country is missing or unrecognised', () => {
    expect(recipientTimeZones(null, '+33612345678')).toEqual(['Europe/Paris']);
    expect(recipientTimeZones(undefined, '+81312345678')).toEqual(['Asia/Tokyo']);
    expect(recipientTimeZones('', '+4915112345678')).toEqual(['Europe/Berlin', 'Europe/Busingen']);
    expect(recipientTimeZones('Narnia', '+33612345678')).toEqual(['Europe/Paris']);
    // NANP: libphonenumber's max metadata tells Canada (416 = Toronto) from the US.
    expect(recipientTimeZones(null, '+14165550123')[0]).toBe('America/Toronto');
    expect(recipientTimeZones(null, '+12125550123')[0]).toBe('America/New_York');
    // 'Congo' is ambiguous (CD or CG): the number decides.
    expect(recipientTimeZones('Congo', '+243812345678')).toEqual([
      'Africa/Kinshasa',
      'Africa/Lubumbashi',
    ]);
    expect(recipientTimeZones('Congo', '+242061234567')).toEqual(['Africa/Brazzaville']);
    expect(recipientTimeZones('Kosovo', null)).toEqual(['Europe/Belgrade']);
  });

  it('prefers the record’s country over the number', () => {
    expect(recipientTimeZones('France', '+81312345678')).toEqual(['Europe/Paris']);
    expect(recipientTimeZones('JP', '+33612345678')).toEqual(['Asia/Tokyo']);
  });

  it('falls back to UTC when neither is known', () => {
    expect(recipientTimeZones(null, null)).toEqual(['UTC']);
    expect(recipientTimeZones('Narnia', 'not a number')).toEqual(['UTC']);
    expect(recipientTimeZones('  ', '')).toEqual(['UTC']);
    expect(recipientTimeZones('XX', '+80012345678')).toEqual(['UTC']); // +800: no country
  });

  it('returns a copy: callers cannot corrupt the table', () => {
    recipientTimeZones('FR', null).push('Asia/Tokyo');
    expect(recipientTimeZones('FR', null)).toEqual(['Europe/Paris']);
  });

  it('generated data: valid zones, normalised name keys, consistent codes', () => {
    for (const [code, zones] of Object.entries(COUNTRY_TIME_ZONES)) {
      expect(code).toMatch(/^[A-Z]{2}$/);
      expect(zones.length).toBeGreaterThan(0);
      for (const zone of zones) {
        expect(() => new Intl.DateTimeFormat('en-US', { timeZone: zone })).not.toThrow();
      }
    }
    const allZones = Object.values(COUNTRY_TIME_ZONES).flat();
    expect(allZones.length).toBeGreaterThan(400);
    for (const [name, code] of Object.entries(COUNTRY_NAME_TO_ISO2)) {
      expect(normalizeCountryName(name)).toBe(name);
      expect(COUNTRY_TIME_ZONES[code]).toBeDefined();
    }
    for (const [alpha3, code] of Object.entries(COUNTRY_ALPHA3_TO_ISO2)) {
      expect(alpha3).toMatch(/^[A-Z]{3}$/);
      expect(COUNTRY_TIME_ZONES[code]).toBeDefined();
    }
  });
});

describe('nextAllowedInstant, one zone', () => {
  it('returns the very same instant when it is already inside the window', () => {
    const at = new Date('2026-06-10T10:00:00Z'); // 12:00 in Paris
    expect(nextAllowedInstant(at, ['Europe/Paris'], DAY_TIME)).toBe(at);
    const startEdge = new Date('2026-06-10T06:00:00Z'); // 08:00:00 in Paris
    expect(nextAllowedInstant(startEdge, ['Europe/Paris'], DAY_TIME)).toBe(startEdge);
    const lastMs = new Date('2026-06-10T18:59:59.999Z'); // 20:59:59.999 in Paris
    expect(nextAllowedInstant(lastMs, ['Europe/Paris'], DAY_TIME)).toBe(lastMs);
  });

  it('before the start: today’s start in local time', () => {
    // 06:30 in Paris (CEST, UTC+2) → 08:00 CEST = 06:00Z
    expect(next('2026-06-10T04:30:00Z', ['Europe/Paris'], '08:00-21:00')).toBe(
      '2026-06-10T06:00:00.000Z',
    );
    // winter: 06:30 CET (UTC+1) → 08:00 CET = 07:00Z
    expect(next('2026-01-10T05:30:00Z', ['Europe/Paris'], '08:00-21:00')).toBe(
      '2026-01-10T07:00:00.000Z',
    );
    // 07:59:59.999 local → 08:00 local
    expect(next('2026-06-10T05:59:59.999Z', ['Europe/Paris'], '08:00-21:00')).toBe(
      '2026-06-10T06:00:00.000Z',
    );
    // local date differs from the UTC date: 23:30Z on the 9th is 06:30 on the 10th in Bangkok
    expect(next('2026-06-09T23:30:00Z', ['Asia/Bangkok'], '08:00-21:00')).toBe(
      '2026-06-10T01:00:00.000Z',
    );
  });

  it('after the end: the next day’s start; the end minute is exclusive', () => {
    // 21:00:00 in Paris is outside → 08:00 next day
    expect(next('2026-06-10T19:00:00Z', ['Europe/Paris'], '08:00-21:00')).toBe(
      '2026-06-11T06:00:00.000Z',
    );
    expect(next('2026-06-10T21:45:00Z', ['Europe/Paris'], '08:00-21:00')).toBe(
      '2026-06-11T06:00:00.000Z',
    );
    // New York, 23:00 EDT on the 10th (03:00Z on the 11th) → 08:00 EDT on the 11th = 12:00Z
    expect(next('2026-06-11T03:00:00Z', ['America/New_York'], '08:00-21:00')).toBe(
      '2026-06-11T12:00:00.000Z',
    );
    expect(next('2026-06-10T20:00:00Z', ['UTC'], '08:00-20:00')).toBe('2026-06-11T08:00:00.000Z');
  });

  describe('Europe/Paris DST', () => {
    // 2026-03-29 01:00Z: 02:00 CET → 03:00 CEST; 2026-10-25 01:00Z: 03:00 CEST → 02:00 CET.
    it('spring forward: a window starting in the skipped hour opens at 03:00 local', () => {
      expect(next('2026-03-29T00:00:00Z', ['Europe/Paris'], '02:30-05:00')).toBe(
        '2026-03-29T01:00:00.000Z',
      );
      expect(next('2026-03-29T00:59:59Z', ['Europe/Paris'], '02:00-05:00')).toBe(
        '2026-03-29T01:00:00.000Z',
      );
      // 03:00 exists (it is the first instant of CEST)
      expect(next('2026-03-29T00:00:00Z', ['Europe/Paris'], '03:00-05:00')).toBe(
        '2026-03-29T01:00:00.000Z',
      );
      // 03:30 CEST = 01:30Z, not 02:30Z as the winter offset would give
      expect(next('2026-03-29T00:00:00Z', ['Europe/Paris'], '03:30-05:00')).toBe(
        '2026-03-29T01:30:00.000Z',
      );
    });

    it('spring forward: a window entirely inside the skipped hour waits for the next day', () => {
      expect(next('2026-03-29T00:30:00Z', ['Europe/Paris'], '02:00-02:30')).toBe(
        '2026-03-30T00:00:00.000Z',
      );
    });

    it('spring forward: 08:00 on the 23-hour day is 06:00Z', () => {
      expect(next('2026-03-28T21:00:00Z', ['Europe/Paris'], '08:00-21:00')).toBe(
        '2026-03-29T06:00:00.000Z',
      );
      // and the evening end is 21:00 CEST = 19:00Z
      expect(next('2026-03-29T19:00:00Z', ['Europe/Paris'], '08:00-21:00')).toBe(
        '2026-03-30T06:00:00.000Z',
      );
    });

    it('fall back: 08:00 on the 25-hour day is 07:00Z (the day before it was 06:00Z)', () => {
      expect(next('2026-10-24T04:00:00Z', ['Europe/Paris'], '08:00-21:00')).toBe(
        '2026-10-24T06:00:00.000Z',
      );
      expect(next('2026-10-24T20:00:00Z', ['Europe/Paris'], '08:00-21:00')).toBe(
        '2026-10-25T07:00:00.000Z',
      );
    });

    it('fall back: a doubled wall-clock time is taken at its first occurrence', () => {
      // 02:30 exists twice (00:30Z in CEST, 01:30Z in CET)
      expect(next('2026-10-25T00:00:00Z', ['Europe/Paris'], '02:30-05:00')).toBe(
        '2026-10-25T00:30:00.000Z',
      );
    });

    it('fall back: after the end, the repeated hour falls back into the window', () => {
      // 02:45 CEST is past 02:30; 15 minutes later the clock shows 02:00 CET again, inside.
      expect(next('2026-10-25T00:45:00Z', ['Europe/Paris'], '01:00-02:30')).toBe(
        '2026-10-25T01:00:00.000Z',
      );
    });
  });

  describe('America/New_York DST', () => {
    // 2026-03-08 07:00Z: 02:00 EST → 03:00 EDT; 2026-11-01 06:00Z: 02:00 EDT → 01:00 EST.
    it('spring forward: 02:30 does not exist → 03:00 EDT', () => {
      expect(next('2026-03-08T06:00:00Z', ['America/New_York'], '02:30-05:00')).toBe(
        '2026-03-08T07:00:00.000Z',
      );
    });

    it('spring forward: 08:00 EDT = 12:00Z', () => {
      expect(next('2026-03-08T02:00:00Z', ['America/New_York'], '08:00-21:00')).toBe(
        '2026-03-08T12:00:00.000Z',
      );
    });

    it('fall back: 08:00 EST = 13:00Z (12:00Z the day before)', () => {
      expect(next('2026-10-31T10:00:00Z', ['America/New_York'], '08:00-21:00')).toBe(
        '2026-10-31T12:00:00.000Z',
      );
      expect(next('2026-11-01T01:30:00Z', ['America/New_York'], '08:00-21:00')).toBe(
        '2026-11-01T13:00:00.000Z',
      );
    });

    it('fall back: 01:30 is taken at its first occurrence, EDT', () => {
      expect(next('2026-11-01T04:00:00Z', ['America/New_York'], '01:30-05:00')).toBe(
        '2026-11-01T05:30:00.000Z',
      );
      // inside during the repeated hour (01:15 EST) → itself
      expect(next('2026-11-01T06:15:00Z', ['America/New_York'], '01:00-05:00')).toBe(
        '2026-11-01T06:15:00.000Z',
      );
    });
  });

  it('Australia/Lord_Howe: 30-minute DST (2026-10-04 02:00 → 02:30)', () => {
    // 01:30 LHST (UTC+10:30) = 15:00Z on the 3rd; 02:00–02:29 do not exist → 02:30 (UTC+11) = 15:30Z
    expect(next('2026-10-03T15:00:00Z', ['Australia/Lord_Howe'], '02:00-05:00')).toBe(
      '2026-10-03T15:30:00.000Z',
    );
    // 2026-04-05 02:00 (UTC+11) → 01:30 (UTC+10:30): 01:45 happens twice, first at 14:45Z
    expect(next('2026-04-04T14:00:00Z', ['Australia/Lord_Howe'], '01:45-05:00')).toBe(
      '2026-04-04T14:45:00.000Z',
    );
  });

  it('half- and quarter-hour offsets: Kolkata (+05:30), Kathmandu (+05:45)', () => {
    expect(next('2026-06-10T00:00:00Z', ['Asia/Kolkata'], '08:00-21:00')).toBe(
      '2026-06-10T02:30:00.000Z',
    );
    expect(next('2026-06-10T00:00:00Z', ['Asia/Kathmandu'], '08:00-21:00')).toBe(
      '2026-06-10T02:15:00.000Z',
    );
  });
});

describe('nextAllowedInstant, several zones', () => {
  const US = recipientTimeZones('US', null);

  it('US 08:00–21:00 in July: waits until 08:00 in Honolulu and Adak (18:00Z)', () => {
    // 12:00Z = 08:00 EDT but 02:00 HST
    const result = nextAllowedInstant(new Date('2026-07-15T12:00:00Z'), US, DAY_TIME);
    expect(result.toISOString()).toBe('2026-07-15T18:00:00.000Z');
    expect(localTime(result, 'America/New_York')).toBe('2026-07-15 14:00');
    expect(localTime(result, 'America/Los_Angeles')).toBe('2026-07-15 11:00');
    expect(localTime(result, 'America/Anchorage')).toBe('2026-07-15 10:00');
    expect(localTime(result, 'America/Adak')).toBe('2026-07-15 09:00');
    expect(localTime(result, 'Pacific/Honolulu')).toBe('2026-07-15 08:00');
    expect(insideEverywhere(result.getTime(), US, DAY_TIME)).toBe(true);
    // a minute earlier is still 07:59 in Honolulu
    expect(insideEverywhere(result.getTime() - 60_000, US, DAY_TIME)).toBe(false);
  });

  it('US: the 7-hour summer intersection ends at 21:00 EDT (01:00Z)', () => {
    const lastMinute = new Date('2026-07-16T00:59:00Z');
    expect(nextAllowedInstant(lastMinute, US, DAY_TIME)).toBe(lastMinute);
    expect(next('2026-07-16T01:00:00Z', US, '08:00-21:00')).toBe('2026-07-16T18:00:00.000Z');
  });

  it('US in winter: the intersection is 8 hours (EST is UTC-5), 18:00Z–02:00Z', () => {
    const late = new Date('2026-01-16T01:59:00Z');
    expect(nextAllowedInstant(late, US, DAY_TIME)).toBe(late);
    expect(next('2026-01-16T02:00:00Z', US, '08:00-21:00')).toBe('2026-01-16T18:00:00.000Z');
  });

  it('US with a state-style 08:00–20:00 window still has a common window', () => {
    const window = parseSendingWindow('08:00-20:00');
    expect(nextCommonAllowedInstant(new Date('2026-07-15T12:00:00Z'), US, window)).toEqual(
      new Date('2026-07-15T18:00:00Z'),
    );
  });

  it('two zones: New York and Los Angeles', () => {
    const zones = ['America/New_York', 'America/Los_Angeles'];
    // 12:00Z: 08:00 EDT, 05:00 PDT → 08:00 PDT = 15:00Z
    const result = nextAllowedInstant(new Date('2026-07-15T12:00:00Z'), zones, DAY_TIME);
    expect(result.toISOString()).toBe('2026-07-15T15:00:00.000Z');
    expect(insideEverywhere(result.getTime(), zones, DAY_TIME)).toBe(true);
  });

  it('no common window within 7 days: null from nextCommonAllowedInstant, primary zone fallback', () => {
    // Russia spans UTC+2 (Kaliningrad) to UTC+12 (Kamchatka): a 9-hour window cannot fit.
    const russia = recipientTimeZones('RU', null);
    const window = parseSendingWindow('09:00-18:00');
    const at = new Date('2026-07-15T00:00:00Z'); // 03:00 in Moscow
    expect(nextCommonAllowedInstant(at, russia, window)).toBeNull();
    // falls back to Moscow (primary zone): 09:00 MSK = 06:00Z
    expect(nextAllowedInstant(at, russia, window).toISOString()).toBe('2026-07-15T06:00:00.000Z');
    // already inside in Moscow → itself
    const moscowNoon = new Date('2026-07-15T09:00:00Z');
    expect(nextAllowedInstant(moscowNoon, russia, window)).toBe(moscowNoon);
    // zones[0] decides, whatever it is: Tokyo (UTC+9) and Paris (UTC+2) are 7 hours apart
    const zones = ['Asia/Tokyo', 'Europe/Paris'];
    const morning = parseSendingWindow('09:00-12:00');
    expect(nextCommonAllowedInstant(at, zones, morning)).toBeNull();
    expect(nextAllowedInstant(at, zones, morning)).toBe(at); // 09:00 in Tokyo
    expect(nextAllowedInstant(at, [...zones].reverse(), morning).toISOString()).toBe(
      '2026-07-15T07:00:00.000Z', // 09:00 in Paris
    );
    // with 09:00-18:00 they share 16:00-18:00 in Tokyo = 07:00Z-09:00Z
    expect(nextCommonAllowedInstant(at, zones, window)).toEqual(new Date('2026-07-15T07:00:00Z'));
  });

  it('Russia with 08:00–21:00 has a 3-hour common window (06:00Z–09:00Z)', () => {
    const russia = recipientTimeZones('RU', null);
    expect(next('2026-07-15T00:00:00Z', russia, '08:00-21:00')).toBe('2026-07-15T06:00:00.000Z');
    expect(next('2026-07-15T09:00:00Z', russia, '08:00-21:00')).toBe('2026-07-16T06:00:00.000Z');
  });
});

describe('nextAllowedInstant, properties', () => {
  /** mulberry32: deterministic, so a failure can be replayed. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const ZONE_SETS: string[][] = [
    ['Europe/Paris'],
    ['America/New_York'],
    ['Australia/Lord_Howe'],
    ['Pacific/Chatham'],
    ['Asia/Kathmandu'],
    ['America/Santiago'],
    ['Africa/Casablanca'],
    ['America/New_York', 'America/Los_Angeles'],
    ['Europe/London', 'Europe/Paris', 'Europe/Helsinki'],
    [
      'America/New_York',
      'America/Chicago',
      'America/Denver',
      'America/Phoenix',
      'Pacific/Honolulu',
    ],
    ['Australia/Sydney', 'Australia/Perth', 'Australia/Adelaide'],
  ];
  const YEAR_START = Date.UTC(2026, 0, 1);
  const SCAN_BACK_MINUTES = 180;

  it('result >= at, allowed in every zone, and no earlier allowed minute (400 random cases)', () => {
    const rnd = random(20260329);
    let fallbacks = 0;
    for (let i = 0; i < 400; i++) {
      const zones = ZONE_SETS[Math.floor(rnd() * ZONE_SETS.length)];
      const startMinutes = Math.floor(rnd() * 1439);
      const endMinutes = startMinutes + 1 + Math.floor(rnd() * (1440 - startMinutes));
      const window = { startMinutes, endMinutes };
      // some instants on a minute boundary, some with seconds and milliseconds
      const offset = Math.floor(rnd() * 365 * 86_400_000);
      const at = YEAR_START + (rnd() < 0.5 ? offset - (offset % 60_000) : offset);
      const context = `case ${i}: ${new Date(at).toISOString()} ${zones.join(',')} ${JSON.stringify(window)}`;

      const common = nextCommonAllowedInstant(new Date(at), zones, window);
      const result = nextAllowedInstant(new Date(at), zones, window).getTime();
      const checked = common === null ? [zones[0]] : zones;
      if (common === null) {
        fallbacks++;
      } else {
        expect({ context, result }).toEqual({ context, result: common.getTime() });
      }

      expect({ context, ok: result >= at }).toEqual({ context, ok: true });
      expect({ context, ok: insideEverywhere(result, checked, window) }).toEqual({
        context,
        ok: true,
      });
      // Allowed-ness only changes on whole minutes (all these offsets are whole minutes), so
      // checking `at` and each whole minute before the result covers every earlier instant.
      if (result > at) {
        expect({ context, ok: insideEverywhere(at, checked, window) }).toEqual({
          context,
          ok: false,
        });
      }
      const firstMinute = Math.ceil(at / 60_000) * 60_000;
      const from = Math.max(firstMinute, result - SCAN_BACK_MINUTES * 60_000);
      for (let t = from; t < result; t += 60_000) {
        if (insideEverywhere(t, checked, window)) {
          throw new Error(`${context}: ${new Date(t).toISOString()} is allowed and earlier`);
        }
      }
    }
    expect(fallbacks).toBeLessThan(400);
  });

  it('every minute of the DST days, Paris and New York, 08:00–21:00 and 02:30–05:00', () => {
    const cases: Array<[string, string]> = [
      ['Europe/Paris', '2026-03-28T22:00:00Z'],
      ['Europe/Paris', '2026-10-24T22:00:00Z'],
      ['America/New_York', '2026-03-08T04:00:00Z'],
      ['America/New_York', '2026-11-01T04:00:00Z'],
    ];
    for (const [zone, from] of cases) {
      for (const spec of ['08:00-21:00', '02:30-05:00', '01:00-02:30']) {
        const window = parseSendingWindow(spec);
        // walk the day backwards, so the expected answer is known from the minute after
        const begin = Date.parse(from);
        let expected = nextAllowedInstant(
          new Date(begin + 27 * 3_600_000),
          [zone],
          window,
        ).getTime();
        for (let t = begin + 27 * 3_600_000 - 60_000; t >= begin; t -= 60_000) {
          if (insideEverywhere(t, [zone], window)) {
            expected = t;
          }
          const got = nextAllowedInstant(new Date(t), [zone], window).getTime();
          if (got !== expected) {
            throw new Error(
              `${zone} ${spec} at ${new Date(t).toISOString()}: got ${new Date(got).toISOString()}, ` +
                `expected ${new Date(expected).toISOString()}`,
            );
          }
        }
      }
    }
  });

  it('is fast inside the window (well under 20 µs per call)', () => {
    const US = recipientTimeZones('US', null);
    const base = Date.parse('2026-07-15T19:00:00Z');
    const n = 20_000;
    nextAllowedInstant(new Date(base), US, DAY_TIME);
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      nextAllowedInstant(new Date(base + (i % 3600) * 1000), US, DAY_TIME);
    }
    const microsPerCall = Number(process.hrtime.bigint() - started) / 1000 / n;
    // generous bound (shared CI machines); measured ~1 µs for the 29 US zones
    expect(microsPerCall).toBeLessThan(20);
  });
});
