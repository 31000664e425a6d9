import { timingSafeEqual } from 'node:crypto';
import { tokensEqual, verifyTwilioSignature } from '../../src/webhooks/signatures';

// node:crypto's exports cannot be spied on in place: the module is replaced by one whose
// timingSafeEqual records its calls and still does the real comparison.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const compare = timingSafeEqual as jest.MockedFunction<typeof timingSafeEqual>;

const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Digits: '1234' };

beforeEach(() => compare.mockClear());

function lengthsCompared(): number[][] {
  return compare.mock.calls.map(([a, b]) => [
    (a as NodeJS.ArrayBufferView).byteLength,
    (b as NodeJS.ArrayBufferView).byteLength,
  ]);
}

describe('constant-time comparisons', () => {
  it('verifyTwilioSignature compares 28-byte signatures even when the header is short or long', () => {
    expect(verifyTwilioSignature('12345', URL, PARAMS, 'x')).toBe('invalid');
    expect(verifyTwilioSignature('12345', URL, PARAMS, 'x'.repeat(500))).toBe('invalid');
    expect(compare).toHaveBeenCalled();
    for (const lengths of lengthsCompared()) {
      expect(lengths).toEqual([28, 28]);
    }
  });

  it('verifyTwilioSignature compares every URL variant, not just until one matches', () => {
    // The URL without a port has one variant with ':443': two comparisons, match or not.
    verifyTwilioSignature('12345', URL, PARAMS, 'x');
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it('tokensEqual compares over the expected length whatever the given length', () => {
    expect(tokensEqual('0123456789', 'x')).toBe(false);
    expect(tokensEqual('0123456789', 'x'.repeat(1000))).toBe(false);
    expect(tokensEqual('0123456789', '0123456789')).toBe(true);
    expect(lengthsCompared()).toEqual([
      [10, 10],
      [10, 10],
      [10, 10],
    ]);
  });
});
