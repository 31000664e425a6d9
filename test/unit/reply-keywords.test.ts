import { classifyReply } from '../../src/domain/reply-keywords';

describe('reply keywords', () => {
  it.each([
    'STOP',
    'stop',
    ' Stop ',
    'STOP!',
    'stop.',
    'Stop!!!',
    'STOPALL',
    'unsubscribe',
    'Cancel',
    'END',
    'quit',
    'REVOKE',
    'optout',
    'OptOut?',
  ])('%j is an opt-out, no review needed', (text) => {
    expect(classifyReply(text)).toEqual({ keyword: 'stop', needsReview: false });
  });

  it.each([
    'Stop. Thank you',
    'please stop texting me',
    'STOP sending me these',
    'I want to unsubscribe from this list',
    'Please opt-out my number',
    'cancel my subscription please',
  ])('%j contains an opt-out: acted on and flagged for review', (text) => {
    expect(classifyReply(text)).toEqual({ keyword: 'stop', needsReview: true });
  });

  it.each(['START', 'start', 'Yes', 'YES!', 'unstop'])('%j opts back in', (text) => {
    expect(classifyReply(text)).toEqual({ keyword: 'start', needsReview: false });
  });

  it.each(['HELP', 'help?', 'Info', 'INFO.'])('%j asks for help', (text) => {
    expect(classifyReply(text)).toEqual({ keyword: 'help', needsReview: false });
  });

  it.each([
    'Thanks, see you tomorrow',
    'yes please call me',
    'I need help with my order',
    'Stopover in Lyon',
    'Weekend plans',
    '',
  ])('%j is an ordinary reply', (text) => {
    expect(classifyReply(text)).toEqual({ keyword: null, needsReview: false });
  });
});
