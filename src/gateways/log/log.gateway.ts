import { randomUUID } from 'node:crypto';
import type { DescribableGateway, GatewayDescription, GatewayLogger } from '../gateway-support';
import { maskPhone } from '../gateway-support';
import type { OutboundSms, SendResult, SmsGateway } from '../sms-gateway';

/**
 * The default gateway: sends nothing and logs one line per message, so development and demo
 * setups work without a provider account. The body is not logged (it may hold personal data).
 */
export class LogGateway implements SmsGateway, DescribableGateway {
  readonly name = 'log';

  constructor(private readonly logger: GatewayLogger) {}

  async send(sms: OutboundSms): Promise<SendResult> {
    const providerMessageId = `log-${randomUUID()}`;
    this.logger('sms not sent (log gateway)', {
      gateway: this.name,
      messageId: sms.messageId,
      providerMessageId,
      to: maskPhone(sms.to),
      encoding: sms.encoding,
      segments: sms.segments,
    });
    return { providerMessageId, providerStatus: 'logged', segments: sms.segments };
  }

  describe(): GatewayDescription {
    return { name: this.name, baseUrl: null, sender: null };
  }
}
