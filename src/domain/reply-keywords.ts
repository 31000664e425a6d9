import { ReplyKeyword } from '../../entities/inbound-sms.entity';

/** Opt-out words: Twilio's defaults and the FCC's 2025 list. */
export const OPT_OUT_WORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
];
export const OPT_IN_WORDS = ['START', 'YES', 'UNSTOP'];
export const HELP_WORDS = ['HELP', 'INFO'];

export interface ReplyMeaning {
  keyword: ReplyKeyword | null;
  /** True when the keyword was read inside a sentence, not as the whole reply: a person should look. */
  needsReview: boolean;
}

const OPT_OUT = new Set(OPT_OUT_WORDS);
const OPT_IN = new Set(OPT_IN_WORDS);
const HELP = new Set(HELP_WORDS);

/**
 * What a reply means. The whole text (trimmed, any case, trailing punctuation ignored) decides
 * first. Failing that, an opt-out word anywhere in the text still counts — the FCC treats any
 * reasonable way of saying stop as a revocation — but is flagged for review. Opting back in
 * or asking for help takes the exact word: "yes" inside a sentence is not consent.
 */
export function classifyReply(text: string): ReplyMeaning {
  const whole = text
    .trim()
    .replace(/[\s.!?,;:…'"()-]+$/u, '')
    .replace(/^[\s"'(]+/u, '')
    .toUpperCase();
  if (OPT_OUT.has(whole)) {
    return { keyword: ReplyKeyword.Stop, needsReview: false };
  }
  if (OPT_IN.has(whole)) {
    return { keyword: ReplyKeyword.Start, needsReview: false };
  }
  if (HELP.has(whole)) {
    return { keyword: ReplyKeyword.Help, needsReview: false };
  }
  const words = text.toUpperCase().split(/[^\p{L}\p{N}]+/u);
  if (words.some((word) => OPT_OUT.has(word)) || /\bOPT[\s-]?OUT\b/i.test(text)) {
    return { keyword: ReplyKeyword.Stop, needsReview: true };
  }
  return { keyword: null, needsReview: false };
}
