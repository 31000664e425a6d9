/**
 * Exact SMS segment counting per 3GPP TS 23.038 (GSM 7-bit default alphabet + extension table)
 * with UCS-2 (UTF-16) fallback. National language shift tables are deliberately not used: most
 * gateways send the default alphabet only, so counting with them would under-estimate cost.
 */

export enum SmsEncoding {
  Gsm7 = 'GSM-7',
  Ucs2 = 'UCS-2',
}

export interface SegmentCount {
  encoding: SmsEncoding;
  /** User-perceived length: number of Unicode code points (for display). */
  characters: number;
  /** Septets for GSM-7 (extension chars count 2), UTF-16 code units for UCS-2. */
  units: number;
  /** 0 for empty text. */
  segments: number;
  /** 160/153 (GSM-7) or 70/67 (UCS-2) depending on single vs multi-part. */
  unitsPerSegment: number;
  /** Units left in the last segment before another segment is needed. */
  remainingInSegment: number;
}

export interface Gsm7Suggestion {
  char: string;
  replacement: string;
}

// Multi-part messages lose 6 octets per part to the concatenation UDH: 7 septets / 3 UCS-2 units.
const GSM7_SINGLE = 160;
const GSM7_MULTI = 153;
const UCS2_SINGLE = 70;
const UCS2_MULTI = 67;

const ESC = 0x1b;

// Basic table in code order 0x00..0x7F, 16 per row. 0x1B is the escape to the extension table.
const GSM7_BASIC_ROWS = [
  '@£$¥èéùìòÇ\nØø\rÅå',
  'Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ',
  ' !"#¤%&\'()*+,-./',
  '0123456789:;<=>?',
  '¡ABCDEFGHIJKLMNO',
  'PQRSTUVWXYZÄÖÑÜ§',
  '¿abcdefghijklmno',
  'pqrstuvwxyzäöñüà',
];

// Extension table: each is sent as ESC + code, i.e. 2 septets.
const GSM7_EXTENSION = '\f^{}\\[]~|€';

/**
 * Septet cost per BMP code unit: 0 = not in GSM-7, 1 = basic table, 2 = extension table.
 * Sized to the highest mapped code (€, U+20AC) so the hot loop does one bounds check + one load.
 */
const SEPTET_COST: Uint8Array = buildSeptetCostTable();

function buildSeptetCostTable(): Uint8Array {
  const basic = GSM7_BASIC_ROWS.join('');
  if (basic.length !== 128) {
    throw new Error(`GSM-7 basic table must have 128 entries, got ${basic.length}`);
  }
  let max = 0;
  for (const ch of basic + GSM7_EXTENSION) {
    max = Math.max(max, ch.charCodeAt(0));
  }
  const table = new Uint8Array(max + 1);
  for (let i = 0; i < basic.length; i++) {
    const code = basic.charCodeAt(i);
    // ESC is framing, not a user character: a literal U+001B cannot be sent as GSM-7 text.
    if (code !== ESC) {
      table[code] = 1;
    }
  }
  for (let i = 0; i < GSM7_EXTENSION.length; i++) {
    table[GSM7_EXTENSION.charCodeAt(i)] = 2;
  }
  return table;
}

function result(
  encoding: SmsEncoding,
  characters: number,
  units: number,
  multiParts: number,
  multiFill: number,
): SegmentCount {
  const single = encoding === SmsEncoding.Gsm7 ? GSM7_SINGLE : UCS2_SINGLE;
  if (units <= single) {
    return {
      encoding,
      characters,
      units,
      segments: units === 0 ? 0 : 1,
      unitsPerSegment: single,
      remainingInSegment: single - units,
    };
  }
  const multi = encoding === SmsEncoding.Gsm7 ? GSM7_MULTI : UCS2_MULTI;
  return {
    encoding,
    characters,
    units,
    segments: multiParts,
    unitsPerSegment: multi,
    remainingInSegment: multi - multiFill,
  };
}

/**
 * Counts segments in one pass without allocating per character. Multi-part packing is tracked
 * alongside the totals (it only differs from ceil(units / perPart) when an escape pair or a
 * surrogate pair would straddle a part boundary, in which case it moves whole to the next part).
 */
export function countSegments(text: string): SegmentCount {
  const length = text.length;
  const limit = SEPTET_COST.length;

  // GSM-7 phase: runs until the first character outside both tables.
  let septets = 0;
  let gsmParts = 1;
  let gsmFill = 0;
  let i = 0;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    const cost = code < limit ? SEPTET_COST[code] : 0;
    if (cost === 0) {
      break;
    }
    septets += cost;
    if (gsmFill + cost > GSM7_MULTI) {
      gsmParts++;
      gsmFill = cost;
    } else {
      gsmFill += cost;
    }
  }
  if (i === length) {
    // Every GSM-7 character is a single BMP code unit, so length is also the code point count.
    return result(SmsEncoding.Gsm7, length, septets, gsmParts, gsmFill);
  }

  // UCS-2 phase. The i characters already scanned are 1 code unit each, so their 67-unit packing
  // is known in closed form and the scan continues from i instead of restarting.
  let units = i;
  let codePoints = i;
  let parts = i === 0 ? 1 : Math.ceil(i / UCS2_MULTI);
  let fill = i - (parts - 1) * UCS2_MULTI;
  while (i < length) {
    const code = text.charCodeAt(i);
    let cost = 1;
    // A lone surrogate is still one code unit on the wire; only a valid pair is kept together.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cost = 2;
      }
    }
    i += cost;
    units += cost;
    codePoints++;
    if (fill + cost > UCS2_MULTI) {
      parts++;
      fill = cost;
    } else {
      fill += cost;
    }
  }
  return result(SmsEncoding.Ucs2, codePoints, units, parts, fill);
}

/**
 * Typographic characters (often pasted from word processors or auto-corrected on phones) that
 * force UCS-2 yet have an unambiguous GSM-7 look-alike. Letters with diacritics are left out on
 * purpose: replacing them changes spelling, which is the author's call, not a formatting fix.
 */
const GSM7_REPLACEMENTS: ReadonlyMap<string, string> = new Map<string, string>([
  // Quotes and primes.
  ['\u2018', "'"], // ‘ left single quotation mark
  ['\u2019', "'"], // ’ right single quotation mark / typographic apostrophe
  ['\u201a', "'"], // ‚ single low-9 quotation mark
  ['\u201b', "'"], // ‛ single high-reversed-9 quotation mark
  ['\u2032', "'"], // ′ prime
  ['\u00b4', "'"], // ´ acute accent
  ['\u0060', "'"], // ` grave accent: ASCII, but 0x60 in GSM-7 is ¿
  ['\u2039', "'"], // ‹
  ['\u203a', "'"], // ›
  ['\u201c', '"'], // “
  ['\u201d', '"'], // ”
  ['\u201e', '"'], // „
  ['\u201f', '"'], // ‟
  ['\u2033', '"'], // ″ double prime
  ['\u00ab', '"'], // «
  ['\u00bb', '"'], // »
  // Dashes and minus signs.
  ['\u2010', '-'], // ‐ hyphen
  ['\u2011', '-'], // ‑ non-breaking hyphen
  ['\u2012', '-'], // ‒ figure dash
  ['\u2013', '-'], // – en dash
  ['\u2014', '-'], // — em dash
  ['\u2015', '-'], // ― horizontal bar
  ['\u2212', '-'], // − minus sign
  // Ellipsis and bullets.
  ['\u2026', '...'], // …
  ['\u2022', '-'], // • bullet
  // Spaces.
  ['\u00a0', ' '], // no-break space
  ['\u2002', ' '], // en space
  ['\u2003', ' '], // em space
  ['\u2009', ' '], // thin space
  ['\u200a', ' '], // hair space
  ['\u202f', ' '], // narrow no-break space (French punctuation)
  ['\u3000', ' '], // ideographic space
  // Invisible characters: dropping them changes nothing the reader sees.
  ['\u00ad', ''], // soft hyphen
  ['\u200b', ''], // zero-width space
  ['\u2060', ''], // word joiner
  ['\ufeff', ''], // byte order mark / zero-width no-break space
  // Spacing modifier look-alikes of extension-table characters.
  ['\u02c6', '^'], // ˆ modifier circumflex
  ['\u02dc', '~'], // ˜ small tilde
]);

/**
 * Characters that force UCS-2 but have a common GSM-7 replacement (curly quotes, long dashes,
 * ellipsis, non-breaking space, etc.). One entry per distinct character, in order of first use.
 * Other non-GSM characters (emoji, most accented letters) get no suggestion, so applying every
 * suggestion only yields GSM-7 when none of those remain.
 */
export function suggestGsm7Replacements(text: string): Gsm7Suggestion[] {
  const suggestions: Gsm7Suggestion[] = [];
  const limit = SEPTET_COST.length;
  let seen: Set<string> | undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < limit && SEPTET_COST[code] !== 0) {
      continue;
    }
    // All keys are BMP, so looking up single code units never matches half a surrogate pair.
    const char = text[i];
    const replacement = GSM7_REPLACEMENTS.get(char);
    if (replacement === undefined) {
      continue;
    }
    seen ??= new Set<string>();
    if (!seen.has(char)) {
      seen.add(char);
      suggestions.push({ char, replacement });
    }
  }
  return suggestions;
}
