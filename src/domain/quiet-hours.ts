import { parsePhoneNumber } from 'libphonenumber-js/max';
import {
  COUNTRY_ALPHA3_TO_ISO2,
  COUNTRY_NAME_TO_ISO2,
  COUNTRY_TIME_ZONES,
} from './country-time-zones';

/**
 * Quiet hours: an optional daily sending window in the RECIPIENT's local time (US federal rule:
 * no marketing texts before 08:00 or after 21:00 recipient local time). A message due outside the
 * window is not dropped and not sent early: it waits for the next allowed instant, computed from
 * the recipient's real UTC offsets, so daylight-saving days (23 or 25 hours, skipped or repeated
 * wall-clock times) are handled exactly.
 */

/** Minutes after local midnight; start < end, end exclusive (480..1260 = 08:00–21:00). */
export interface SendingWindow {
  startMinutes: number;
  endMinutes: number;
}

// Bound once: global look-ups in the hot path are slow in some sandboxes (jest's vm contexts).
const { floor } = Math;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1440;
/** How far nextCommonAllowedInstant looks for an instant allowed in every zone. */
export const COMMON_WINDOW_HORIZON_DAYS = 7;

// ---------------------------------------------------------------------------------------------
// Parsing

const WINDOW_SPEC = /^(\d{1,2}):(\d{2})\s*[-\u2013\u2014]\s*(\d{1,2}):(\d{2})$/;

/**
 * Parses 'HH:MM-HH:MM' (a hyphen, an en dash or an em dash between the times; spaces allowed).
 * The end is exclusive and may be '24:00' (until midnight). A window crossing midnight
 * ('21:00-08:00') is refused: give the allowed daytime window instead.
 */
export function parseSendingWindow(spec: string): SendingWindow {
  const fail = (why: string): never => {
    throw new Error(`Invalid sending window '${spec}': ${why}`);
  };
  const match = WINDOW_SPEC.exec(String(spec).trim());
  if (!match) {
    return fail('expected HH:MM-HH:MM, e.g. 08:00-21:00');
  }
  const [, startH, startM, endH, endM] = match;
  const toMinutes = (h: string, m: string, which: 'start' | 'end'): number => {
    const hours = Number(h);
    const minutes = Number(m);
    if (minutes > 59) {
      fail(`${which} minute ${m} is out of range (00-59)`);
    }
    const maxHours = which === 'end' ? 24 : 23;
    if (hours > maxHours || (hours === 24 && minutes !== 0)) {
      fail(
        `${which} time ${h}:${m} is out of range (00:00-${which === 'end' ? '24:00' : '23:59'})`,
      );
    }
    return hours * 60 + minutes;
  };
  const startMinutes = toMinutes(startH, startM, 'start');
  const endMinutes = toMinutes(endH, endM, 'end');
  if (startMinutes === endMinutes) {
    fail('start and end are equal, the window would be empty');
  }
  if (startMinutes > endMinutes) {
    fail(
      `the window crosses midnight (start ${startH}:${startM} is after end ${endH}:${endM}); ` +
        'windows crossing midnight are not supported, give the daytime window, e.g. 08:00-21:00',
    );
  }
  return { startMinutes, endMinutes };
}

function assertValidWindow(window: SendingWindow): void {
  const { startMinutes: s, endMinutes: e } = window;
  if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > MINUTES_PER_DAY || s >= e) {
    throw new Error(
      `Invalid sending window ${JSON.stringify(window)}: need integers 0 <= startMinutes < endMinutes <= 1440`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Recipient time zones

/** Lower-case, no accents, '&' → 'and', punctuation → spaces, no leading 'the'. */
export function normalizeCountryName(input: string): string {
  return input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^the /, '');
}

/** ISO 3166-1 alpha-2 code for what a CRM user typed as the country, or null if unrecognised. */
export function countryCodeFor(country: string | null | undefined): string | null {
  if (country == null) {
    return null;
  }
  const key = normalizeCountryName(country);
  if (key === '') {
    return null;
  }
  const upper = key.toUpperCase();
  if (upper.length === 2 && Object.hasOwn(COUNTRY_TIME_ZONES, upper)) {
    return upper;
  }
  if (upper.length === 3 && Object.hasOwn(COUNTRY_ALPHA3_TO_ISO2, upper)) {
    return COUNTRY_ALPHA3_TO_ISO2[upper];
  }
  return Object.hasOwn(COUNTRY_NAME_TO_ISO2, key) ? COUNTRY_NAME_TO_ISO2[key] : null;
}

function countryOfNumber(e164: string | null | undefined): string | null {
  if (e164 == null || e164.trim() === '') {
    return null;
  }
  try {
    return parsePhoneNumber(e164.trim()).country ?? null;
  } catch {
    return null;
  }
}

const supportedZoneCache = new Map<string, boolean>();

/** The generated data may name a zone that an older ICU (another Node build) does not know. */
function zoneSupported(zone: string): boolean {
  let ok = supportedZoneCache.get(zone);
  if (ok === undefined) {
    try {
      clockFor(zone);
      ok = true;
    } catch {
      ok = false;
    }
    supportedZoneCache.set(zone, ok);
  }
  return ok;
}

/**
 * IANA zones where the recipient may be: all zones of the record's country when it is recognised
 * (alpha-2 'FR'/'fr', alpha-3 'FRA', or an English name/alias such as 'France', 'USA', 'UK';
 * ambiguous names like 'Congo' are not recognised), otherwise of the country of the E.164 number;
 * ['UTC'] when neither is known. The country's most populous zone comes first (it is the fallback
 * zone of nextAllowedInstant). Returns a fresh array.
 */
export function recipientTimeZones(
  country: string | null | undefined,
  e164: string | null | undefined,
): string[] {
  for (const code of [countryCodeFor(country), countryOfNumber(e164)]) {
    const zones = code == null ? undefined : COUNTRY_TIME_ZONES[code];
    if (zones !== undefined) {
      const usable = zones.filter(zoneSupported);
      if (usable.length > 0) {
        return usable;
      }
    }
  }
  return ['UTC'];
}

// ---------------------------------------------------------------------------------------------
// UTC offsets, cached

/**
 * Offsets are read with Intl (formatToParts, ~4 µs) and cached per zone in 6-hour UTC blocks:
 * the offset at both ends of a block, and when they differ the exact transition instant found by
 * bisection to the second. This assumes at most one offset change per zone per 6 hours, which
 * holds for all tz data of the last decades (DST, Morocco's Ramadan changes, Lord Howe's 30-minute
 * DST). Lookups are then a Map read and arithmetic.
 */
const BLOCK_MS = 6 * 3_600_000;
const MAX_CACHED_BLOCKS = 20_000;

interface OffsetBlock {
  offsetBefore: number;
  /** First instant with offsetAfter; +Infinity when the offset is constant in the block. */
  transition: number;
  offsetAfter: number;
}

class ZoneClock {
  private readonly formatter: Intl.DateTimeFormat;
  private readonly blocks = new Map<number, OffsetBlock>();
  private lastIndex = Number.NaN;
  private lastBlock: OffsetBlock | undefined;

  constructor(readonly zone: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Milliseconds to add to a UTC instant to get the local wall-clock time "as if UTC". */
  offsetAt(t: number): number {
    const block = this.block(floor(t / BLOCK_MS));
    return t < block.transition ? block.offsetBefore : block.offsetAfter;
  }

  /** The first offset change in (after, until], or null. */
  transitionIn(after: number, until: number): number | null {
    // Block i stores a transition in (i * BLOCK_MS, (i + 1) * BLOCK_MS].
    const last = floor(until / BLOCK_MS);
    for (let index = floor(after / BLOCK_MS); index <= last; index++) {
      const { transition } = this.block(index);
      if (transition > after && transition <= until) {
        return transition;
      }
    }
    return null;
  }

  private block(index: number): OffsetBlock {
    if (index === this.lastIndex && this.lastBlock !== undefined) {
      return this.lastBlock;
    }
    let block = this.blocks.get(index);
    if (block === undefined) {
      block = this.computeBlock(index);
      if (this.blocks.size >= MAX_CACHED_BLOCKS) {
        this.blocks.clear();
      }
      this.blocks.set(index, block);
    }
    this.lastIndex = index;
    this.lastBlock = block;
    return block;
  }

  private computeBlock(index: number): OffsetBlock {
    const start = index * BLOCK_MS;
    const end = start + BLOCK_MS;
    const offsetBefore = this.intlOffset(start);
    const offsetAtEnd = this.intlOffset(end);
    if (offsetAtEnd === offsetBefore) {
      return { offsetBefore, transition: Number.POSITIVE_INFINITY, offsetAfter: offsetBefore };
    }
    let lo = start; // offsetBefore here
    let hi = end; // another offset here
    while (hi - lo > 1000) {
      const mid = lo + floor((hi - lo) / 2000) * 1000;
      if (this.intlOffset(mid) === offsetBefore) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return { offsetBefore, transition: hi, offsetAfter: this.intlOffset(hi) };
  }

  private intlOffset(t: number): number {
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    for (const part of this.formatter.formatToParts(t)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value);
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
        default:
          break;
      }
    }
    const local = Date.UTC(year, month - 1, day, hour, minute, second);
    return local - (t - (((t % 1000) + 1000) % 1000));
  }
}

const clocks = new Map<string, ZoneClock>();

function clockFor(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (clock === undefined) {
    try {
      clock = new ZoneClock(zone);
    } catch (error) {
      throw new Error(`Unknown time zone '${zone}': ${(error as Error).message}`, { cause: error });
    }
    clocks.set(zone, clock);
  }
  return clock;
}

// ---------------------------------------------------------------------------------------------
// Next allowed instant

/** The earliest instant >= t at which the local time in `clock`'s zone is inside the window. */
function nextAllowedInZone(t: number, clock: ZoneClock, window: SendingWindow): number {
  const startMs = window.startMinutes * MINUTE_MS;
  for (let guard = 0; guard < 64; guard++) {
    const local = t + clock.offsetAt(t);
    const midnight = floor(local / DAY_MS) * DAY_MS;
    const minuteOfDay = floor((local - midnight) / MINUTE_MS);
    if (minuteOfDay >= window.startMinutes && minuteOfDay < window.endMinutes) {
      return t;
    }
    // The next wall-clock time inside the window: today's start, or tomorrow's after the end.
    const target =
      minuteOfDay < window.startMinutes ? midnight + startMs : midnight + DAY_MS + startMs;
    const candidate = t + (target - local);
    // With the current offset, no instant before `candidate` is allowed. If the offset changes
    // first (DST), local time jumps: re-examine from the change, where it may already be allowed
    // (02:30 skipped → 03:00), or lie earlier or later than the naive candidate.
    const change = clock.transitionIn(t, candidate);
    if (change === null) {
      return candidate;
    }
    t = change;
  }
  throw new Error(`No allowed instant found in ${clock.zone} for ${JSON.stringify(window)}`);
}

function checkedArguments(at: Date, zones: string[], window: SendingWindow): ZoneClock[] {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new Error(`nextAllowedInstant: invalid date ${String(at)}`);
  }
  if (zones.length === 0) {
    throw new Error('nextAllowedInstant: no time zones given (use recipientTimeZones)');
  }
  assertValidWindow(window);
  return zones.map(clockFor);
}

function commonInstant(at: number, zoneClocks: ZoneClock[], window: SendingWindow): number | null {
  const limit = at + COMMON_WINDOW_HORIZON_DAYS * DAY_MS;
  let t = at;
  // Each zone pushes t to its own next allowed instant; no instant skipped that way can be allowed
  // in every zone, so the first t that no zone moves is the earliest common one.
  while (t <= limit) {
    let moved = false;
    for (const clock of zoneClocks) {
      const next = nextAllowedInZone(t, clock, window);
      if (next !== t) {
        t = next;
        moved = true;
      }
    }
    if (!moved) {
      return t;
    }
  }
  return null;
}

/**
 * The earliest instant >= `at` at which the local time is inside the window in EVERY zone, or null
 * when there is none within COMMON_WINDOW_HORIZON_DAYS (the zones are too far apart for the
 * window, e.g. Russia with 09:00-18:00). For callers that want to decide themselves.
 */
export function nextCommonAllowedInstant(
  at: Date,
  zones: string[],
  window: SendingWindow,
): Date | null {
  const zoneClocks = checkedArguments(at, zones, window);
  const t = commonInstant(at.getTime(), zoneClocks, window);
  return t === null ? null : t === at.getTime() ? at : new Date(t);
}

/**
 * The earliest instant >= `at` at which the local time in EVERY zone is inside the window, so a
 * recipient of a multi-zone country is never texted early or late wherever they are. Returns `at`
 * itself (the same Date) when it is already allowed.
 *
 * Fallback when no instant within 7 days is inside the window in all zones at once: the earliest
 * instant >= `at` inside the window in zones[0], the PRIMARY zone (recipientTimeZones puts the
 * country's most populous zone first). Rationale: the message must not be dropped, and returning
 * null would push the decision to every caller; the primary zone is where the recipient most
 * likely is, so the send is still compliant for most recipients, it is never earlier than `at`,
 * and it is deterministic. Callers that prefer another policy use nextCommonAllowedInstant.
 */
export function nextAllowedInstant(at: Date, zones: string[], window: SendingWindow): Date {
  const zoneClocks = checkedArguments(at, zones, window);
  const start = at.getTime();
  const t =
    commonInstant(start, zoneClocks, window) ?? nextAllowedInZone(start, zoneClocks[0], window);
  return t === start ? at : new Date(t);
}
