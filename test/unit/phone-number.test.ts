import { normalizePhone } from '../../src/domain/phone-number';

function refused(raw: string): string {
  const result = normalizePhone(raw);
  if (result.ok) {
    throw new Error(`expected '${raw}' to be refused, got ${result.e164}`);
  }
  return result.reason;
}

describe('normalizePhone', () => {
  describe('accepts international numbers however they are typed and returns E.164', () => {
    it.each([
      ['+33 6 12 34 56 78', '+33612345678'],
      ['+33612345678', '+33612345678'],
      ['+33.6.12.34.56.78', '+33612345678'],
      ['+33-6-12-34-56-78', '+33612345678'],
      ['+33\u00a06\u00a012\u00a034\u00a056\u00a078', '+33612345678'],
      ['  +33 6 12 34 56 78  ', '+33612345678'],
      ['+1 (415) 555-2671', '+14155552671'],
      ['(+1) 415-555-2671', '+14155552671'],
      ['+44 7911 123456', '+447911123456'],
      ['+44 20 7946 0958', '+442079460958'],
    ])('%j → %s', (typed, e164) => {
      expect(normalizePhone(typed)).toEqual({ ok: true, e164 });
    });

    it.each([
      ['0033 6 12 34 56 78', '+33612345678'],
      ['0033612345678', '+33612345678'],
      ['00 33 6 12 34 56 78', '+33612345678'],
      ['0044 7911 123456', '+447911123456'],
    ])('treats the 00 international prefix like +: %j → %s', (typed, e164) => {
      expect(normalizePhone(typed)).toEqual({ ok: true, e164 });
    });
  });

  describe('refuses', () => {
    it.each(['06 12 34 56 78', '0612345678', '612345678', '(06) 12-34-56-78'])(
      'a number without a country code: %j',
      (raw) => {
        expect(refused(raw)).toContain('no country code');
      },
    );

    it.each([
      '+33 1 23', // far too short
      '+33 6 12 34 56 7', // one digit short
      '+33 6 12 34 56 78 9', // one digit too many
      '0033 1 23',
    ])('a number too short or too long for its country: %j', (raw) => {
      expect(refused(raw)).toMatch(/not a valid phone number|too short|too long/);
    });

    it.each([
      // Right length for France, but ranges that are not assigned: only the "max" metadata
      // (number ranges, not just lengths) can tell.
      '+33 7 00 00 00 00',
      '+33 4 00 00 00 00',
      // +1 555 numbers are fictional, not a real NANP range.
      '+1 555 555 5555',
    ])('a number of the right length in an unassigned range: %j', (raw) => {
      expect(refused(raw)).toContain('not a valid phone number for its country');
    });

    it('an unknown country code', () => {
      expect(refused('+999 123 456')).toContain('unknown country code');
    });

    it.each(['+33 6 CALL ME', '+33 6 12 34 56 7O', '+33 6 12 34 56 78 ext 5', 'tel:+33612345678'])(
      'letters and other characters: %j',
      (raw) => {
        expect(refused(raw)).toContain('characters other than digits');
      },
    );

    it.each(['+33 6 12+34 56 78', '++33612345678', '0033+612345678', '+33612345678+'])(
      "a '+' that is not at the start: %j",
      (raw) => {
        expect(refused(raw)).toContain("'+' that is not at the start");
      },
    );

    it.each(['', '   ', '+', '00', '()'])('input that holds no number: %j', (raw) => {
      expect(normalizePhone(raw).ok).toBe(false);
    });
  });

  it('quotes the input in the reason so the user sees what was refused', () => {
    expect(refused('06 12 34 56 78')).toContain("'06 12 34 56 78'");
  });
});
