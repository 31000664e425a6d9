import {
  countSegments,
  SmsEncoding,
  suggestGsm7Replacements,
  type SegmentCount,
} from '../../src/domain/sms-segments';

// Every expected value below is worked out by hand from the rules:
//   GSM-7: basic char = 1 septet, extension char = 2; single 160, multi-part 153 per part.
//   UCS-2: BMP char = 1 unit, astral char (surrogate pair) = 2; single 70, multi-part 67 per part.
//   Multi-part packing is greedy and never splits an escape pair or a surrogate pair.
//   remainingInSegment = unitsPerSegment - units in the last part.

const GSM7_BASIC_WITHOUT_ESC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[]~|€';
const GRINNING = '\u{1F600}'; // 😀: outside the BMP, one surrogate pair
const FLAG_FR = '\u{1F1EB}\u{1F1F7}'; // 🇫🇷: two regional indicators, two surrogate pairs

function gsm(
  characters: number,
  units: number,
  segments: number,
  unitsPerSegment: number,
  remainingInSegment: number,
): SegmentCount {
  return {
    encoding: SmsEncoding.Gsm7,
    characters,
    units,
    segments,
    unitsPerSegment,
    remainingInSegment,
  };
}

function ucs2(
  characters: number,
  units: number,
  segments: number,
  unitsPerSegment: number,
  remainingInSegment: number,
): SegmentCount {
  return {
    encoding: SmsEncoding.Ucs2,
    characters,
    units,
    segments,
    unitsPerSegment,
    remainingInSegment,
  };
}

describe('countSegments: character set membership', () => {
  it('treats the empty string as zero GSM-7 segments with a full single segment left', () => {
    expect(countSegments('')).toEqual(gsm(0, 0, 0, 160, 160));
  });

  it('has exactly 127 user characters in the basic table, each 1 septet', () => {
    // 128 code points in the spec table minus ESC (0x1B), which is framing, not text.
    expect(GSM7_BASIC_WITHOUT_ESC.length).toBe(127);
    expect(countSegments(GSM7_BASIC_WITHOUT_ESC)).toEqual(gsm(127, 127, 1, 160, 33));
  });

  it('counts each extension character (including form feed) as 2 septets', () => {
    // 10 characters * 2 = 20 septets; 160 - 20 = 140 left.
    expect(countSegments(GSM7_EXTENSION)).toEqual(gsm(10, 20, 1, 160, 140));
    for (const ch of GSM7_EXTENSION) {
      expect(countSegments(ch)).toEqual(gsm(1, 2, 1, 160, 158));
    }
  });

  it('keeps LF and CR in GSM-7 as 1 septet each', () => {
    // 'a', LF, 'b', CR, LF = 5 septets.
    expect(countSegments('a\nb\r\n')).toEqual(gsm(5, 5, 1, 160, 155));
  });

  it('has capital C-cedilla in GSM-7 but not lowercase ç, which forces UCS-2', () => {
    expect(countSegments('Ç')).toEqual(gsm(1, 1, 1, 160, 159));
    // A single UCS-2 unit: 70 - 1 = 69 left.
    expect(countSegments('ç')).toEqual(ucs2(1, 1, 1, 70, 69));
  });

  it('forces UCS-2 for a literal ESC control character', () => {
    expect(countSegments('a\x1bb').encoding).toBe(SmsEncoding.Ucs2);
  });

  it('forces UCS-2 for ASCII characters missing from GSM-7 (backtick, tab)', () => {
    // 0x60 in GSM-7 is ¿, so ` has no mapping; TAB has none either.
    expect(countSegments('`').encoding).toBe(SmsEncoding.Ucs2);
    expect(countSegments('a\tb').encoding).toBe(SmsEncoding.Ucs2);
  });

  it('distinguishes GSM-7 Greek capitals from look-alikes', () => {
    expect(countSegments('Ω').encoding).toBe(SmsEncoding.Gsm7); // U+03A9
    expect(countSegments('\u2126').encoding).toBe(SmsEncoding.Ucs2); // OHM SIGN
    expect(countSegments('α').encoding).toBe(SmsEncoding.Ucs2); // lowercase Greek
  });

  it('forces UCS-2 for the code point right after € (end of the lookup table)', () => {
    // € is U+20AC, the highest mapped code; U+20AD (₭) must not read past the table.
    expect(countSegments('€').encoding).toBe(SmsEncoding.Gsm7);
    expect(countSegments('\u20ad').encoding).toBe(SmsEncoding.Ucs2);
  });

  it('forces UCS-2 for a typographic apostrophe', () => {
    // "It’s" = 4 BMP units.
    expect(countSegments('It’s')).toEqual(ucs2(4, 4, 1, 70, 66));
  });
});

describe('countSegments: GSM-7 boundaries', () => {
  it('fits 160 basic characters in one segment', () => {
    expect(countSegments('a'.repeat(160))).toEqual(gsm(160, 160, 1, 160, 0));
  });

  it('needs 2 segments for 161 basic characters', () => {
    // 153 + 8; 153 - 8 = 145 left.
    expect(countSegments('a'.repeat(161))).toEqual(gsm(161, 161, 2, 153, 145));
  });

  it('fits 306 basic characters in 2 segments and needs 3 for 307', () => {
    // 2 * 153 = 306 exactly; 307 = 153 + 153 + 1, leaving 152.
    expect(countSegments('a'.repeat(306))).toEqual(gsm(306, 306, 2, 153, 0));
    expect(countSegments('a'.repeat(307))).toEqual(gsm(307, 307, 3, 153, 152));
  });

  it('fits 80 euro signs (160 septets) in one segment and needs 2 for 81', () => {
    expect(countSegments('€'.repeat(80))).toEqual(gsm(80, 160, 1, 160, 0));
    // 162 septets. A part holds 76 € (152 septets; a 77th would need septets 153-154), so
    // 76 + 5: the second part has 10 septets, 143 left.
    expect(countSegments('€'.repeat(81))).toEqual(gsm(81, 162, 2, 153, 143));
  });

  it('does not split an escape pair across the 153-septet boundary', () => {
    // 152 'a' + '€' + 152 'a' = 306 septets, which naively is exactly 2 parts. But € would be
    // septets 153-154, so it moves to part 2 (2 + 151 'a' = 153) and the last 'a' opens part 3.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152);
    expect(countSegments(text)).toEqual(gsm(305, 306, 3, 153, 152));
  });

  it('keeps a part exactly full when an escape pair lands on septets 152-153', () => {
    // 151 'a' + '€' = 153 septets fill part 1 exactly; 10 more 'a' go to part 2.
    const text = 'a'.repeat(151) + '€' + 'a'.repeat(10);
    expect(countSegments(text)).toEqual(gsm(162, 163, 2, 153, 143));
  });

  it('packs only 76 extension characters per part', () => {
    // 153 € = 306 septets (naively 2 parts) but 76 + 76 + 1 = 3 parts; last part 2 septets.
    expect(countSegments('€'.repeat(153))).toEqual(gsm(153, 306, 3, 153, 151));
  });

  it('switches to multi-part on total septets, counting an extension character as 2', () => {
    // 158 'a' + '€' = 160 septets -> single. 159 'a' + '€' = 161 septets -> multi-part.
    expect(countSegments('a'.repeat(158) + '€')).toEqual(gsm(159, 160, 1, 160, 0));
    // 153 'a' in part 1, then 6 'a' + '€' = 8 septets in part 2.
    expect(countSegments('a'.repeat(159) + '€')).toEqual(gsm(160, 161, 2, 153, 145));
  });
});

describe('countSegments: UCS-2 boundaries', () => {
  it('fits 70 units in one segment and needs 2 for 71', () => {
    // 'ç' forces UCS-2; every other char is 1 unit too.
    expect(countSegments('ç' + 'a'.repeat(69))).toEqual(ucs2(70, 70, 1, 70, 0));
    // 67 + 4; 67 - 4 = 63 left.
    expect(countSegments('ç' + 'a'.repeat(70))).toEqual(ucs2(71, 71, 2, 67, 63));
  });

  it('fits 134 units in 2 segments and needs 3 for 135', () => {
    // 2 * 67 = 134 exactly; 135 = 67 + 67 + 1, leaving 66.
    expect(countSegments('ç' + 'a'.repeat(133))).toEqual(ucs2(134, 134, 2, 67, 0));
    expect(countSegments('ç' + 'a'.repeat(134))).toEqual(ucs2(135, 135, 3, 67, 66));
  });

  it('counts a GSM-7 prefix as 1 unit per character once a later character forces UCS-2', () => {
    // The forcing char comes last, so the already-scanned prefix must be re-costed: 100 '€' were
    // 200 septets but are 100 UCS-2 units. 101 units = 67 + 34, leaving 33.
    expect(countSegments('€'.repeat(100) + 'ç')).toEqual(ucs2(101, 101, 2, 67, 33));
    // Same with the forcing char exactly at the part boundary: 67 'a' + 'ç' = 67 + 1.
    expect(countSegments('a'.repeat(67) + 'ç' + 'a'.repeat(3))).toEqual(ucs2(71, 71, 2, 67, 63));
  });

  it('counts an emoji as 2 units and 1 character', () => {
    expect(countSegments(GRINNING)).toEqual(ucs2(1, 2, 1, 70, 68));
  });

  it('counts a flag as 4 units and 2 code points (two regional indicators)', () => {
    expect(countSegments(FLAG_FR)).toEqual(ucs2(2, 4, 1, 70, 66));
  });

  it('fits 35 emoji (70 units) in one segment', () => {
    expect(countSegments(GRINNING.repeat(35))).toEqual(ucs2(35, 70, 1, 70, 0));
  });

  it('does not split a surrogate pair across the 67-unit boundary', () => {
    // 66 'a' + emoji + 66 'a' = 134 units, naively exactly 2 parts. The emoji would be units
    // 67-68, so it moves to part 2 (2 + 65 'a' = 67) and the last 'a' opens part 3.
    const text = 'a'.repeat(66) + GRINNING + 'a'.repeat(66);
    expect(countSegments(text)).toEqual(ucs2(133, 134, 3, 67, 66));
  });

  it('does not split a surrogate pair after a UCS-2-forcing character', () => {
    // 'ç' + 65 'a' = 66 units; emoji moves to part 2 (2 units) + 10 'a' = 12, leaving 55.
    const text = 'ç' + 'a'.repeat(65) + GRINNING + 'a'.repeat(10);
    expect(countSegments(text)).toEqual(ucs2(77, 78, 2, 67, 55));
  });

  it('packs only 33 emoji per part', () => {
    // 67 emoji = 134 units (naively 2 parts) but 33 + 33 + 1 = 3 parts; last part 2 units.
    expect(countSegments(GRINNING.repeat(67))).toEqual(ucs2(67, 134, 3, 67, 65));
  });

  it('counts lone surrogates as 1 unit and 1 character each', () => {
    // A high surrogate at the end, and a low surrogate with no preceding high surrogate.
    expect(countSegments('a\ud83d')).toEqual(ucs2(2, 2, 1, 70, 68));
    expect(countSegments('\ude00a')).toEqual(ucs2(2, 2, 1, 70, 68));
    // Reversed order (low then high) is two lone surrogates, not a pair.
    expect(countSegments('\ude00\ud83d')).toEqual(ucs2(2, 2, 1, 70, 68));
  });
});

describe('suggestGsm7Replacements', () => {
  it('returns nothing for GSM-7 text, including extension characters', () => {
    expect(suggestGsm7Replacements('')).toEqual([]);
    expect(suggestGsm7Replacements(GSM7_BASIC_WITHOUT_ESC + GSM7_EXTENSION)).toEqual([]);
  });

  it('suggests a straight apostrophe for a curly one', () => {
    expect(suggestGsm7Replacements('It’s here')).toEqual([{ char: '’', replacement: "'" }]);
  });

  it('suggests a hyphen for an em dash and three dots for an ellipsis', () => {
    expect(suggestGsm7Replacements('Wait—what…')).toEqual([
      { char: '—', replacement: '-' },
      { char: '…', replacement: '...' },
    ]);
  });

  it('covers double quotes, en dash, non-breaking space and backtick', () => {
    expect(suggestGsm7Replacements('“Hi”\u00a010–12 `x`')).toEqual([
      { char: '“', replacement: '"' },
      { char: '”', replacement: '"' },
      { char: '\u00a0', replacement: ' ' },
      { char: '–', replacement: '-' },
      { char: '`', replacement: "'" },
    ]);
  });

  it('lists each character once, in order of first appearance', () => {
    expect(suggestGsm7Replacements('’a—b’c—')).toEqual([
      { char: '’', replacement: "'" },
      { char: '—', replacement: '-' },
    ]);
  });

  it('ignores non-GSM characters without a look-alike (emoji, ç)', () => {
    expect(suggestGsm7Replacements(`ç${GRINNING}’`)).toEqual([{ char: '’', replacement: "'" }]);
  });

  it('makes typographic text GSM-7 once every suggestion is applied', () => {
    const text = '‘Sale’ — “50%” off…\u00a0today\u200b • ends 10–12 ˆ˜';
    let fixed = text;
    for (const { char, replacement } of suggestGsm7Replacements(text)) {
      fixed = fixed.split(char).join(replacement);
    }
    expect(countSegments(text).encoding).toBe(SmsEncoding.Ucs2);
    expect(fixed).toBe('\'Sale\' - "50%" off... today - ends 10-12 ^~');
    expect(countSegments(fixed).encoding).toBe(SmsEncoding.Gsm7);
  });
});
