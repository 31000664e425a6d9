import type { GatewayDescription } from './gateway-support';
import type { OutboundSms, SendResult, SmsGateway } from './sms-gateway';
import { describeGateway } from './gateway.factory';

/**
 * The process's gateway, replaceable while running when an admin changes the gateway settings.
 * Sends already in flight finish on the old adapter; its sockets are closed a little later.
 */
export class SwitchableGateway implements SmsGateway {
  constructor(private current: SmsGateway) {}

  get name(): string {
    return this.current.name;
  }

  get reconcile(): SmsGateway['reconcile'] {
    const target = this.current;
    return target.reconcile ? (sms: OutboundSms) => target.reconcile!(sms) : undefined;
  }

  send(sms: OutboundSms): Promise<SendResult> {
    return this.current.send(sms);
  }

  describe(): GatewayDescription {
    return describeGateway(this.current);
  }

  swap(next: SmsGateway, drainMs = 30_000): void {
    const old = this.current;
    this.current = next;
    const timer = setTimeout(() => void old.close?.(), drainMs);
    timer.unref();
  }

  async close(): Promise<void> {
    await this.current.close?.();
  }
}
