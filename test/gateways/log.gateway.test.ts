import { maskPhone } from '../../src/gateways/gateway-support';
import { LogGateway } from '../../src/gateways/log/log.gateway';
import { outboundSms } from '../fakes/outbound-sms';

describe('LogGateway', () => {
  it('sends nothing, returns a log- id and logs one line of non-secret metadata', async () => {
    const lines: Array<{ message: string; fields: Record<string, unknown> }> = [];
    const gateway = new LogGateway((message, fields) => lines.push({ message, fields }));
    const sms = outboundSms({ body: 'Your code is 123456', segments: 1 });

    const result = await gateway.send(sms);

    expect(result.providerMessageId).toMatch(
      /^log-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(result.segments).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0].fields).toEqual({
      gateway: 'log',
      messageId: sms.messageId,
      providerMessageId: result.providerMessageId,
      to: '+3361234****',
      encoding: 'GSM-7',
      segments: 1,
    });
    expect(JSON.stringify(lines)).not.toContain('123456');
  });

  it('masks numbers of any length', () => {
    expect(maskPhone('+33612345678')).toBe('+3361234****');
    expect(maskPhone('+1234567')).toBe('+12*****');
    expect(maskPhone('')).toBe('');
  });
});
