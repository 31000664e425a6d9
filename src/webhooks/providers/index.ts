import { BulkSmsWebhooks } from './bulksms.webhooks';
import { ClickatellWebhooks } from './clickatell.webhooks';
import { GenericHttpWebhooks } from './generic.webhooks';
import { TwilioWebhooks } from './twilio.webhooks';
import type { ProviderWebhooks, ProviderWebhooksOptions, WebhookProvider } from './types';
import { WEBHOOK_PROVIDERS } from './types';

export * from './types';
export { BULKSMS_STATUS_MAP, BulkSmsWebhooks } from './bulksms.webhooks';
export { CLICKATELL_STATUS_MAP, ClickatellWebhooks } from './clickatell.webhooks';
export { GenericHttpWebhooks } from './generic.webhooks';
export { TWILIO_ERROR_REASONS, TWILIO_STATUS_MAP, TwilioWebhooks } from './twilio.webhooks';

/** True for the `:provider` values that have webhooks (every gateway but 'log'). */
export function isWebhookProvider(name: string): name is WebhookProvider {
  return (WEBHOOK_PROVIDERS as readonly string[]).includes(name);
}

/** The parser for a provider's delivery receipts and inbound SMS. */
export function webhooksFor(
  provider: WebhookProvider,
  options: ProviderWebhooksOptions = {},
): ProviderWebhooks {
  switch (provider) {
    case 'twilio':
      return new TwilioWebhooks(options);
    case 'clickatell':
      return new ClickatellWebhooks(options);
    case 'bulksms':
      return new BulkSmsWebhooks(options);
    case 'http':
      return new GenericHttpWebhooks();
    default:
      return assertUnreachable(provider);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`webhooksFor: no webhooks for provider '${String(value)}'`);
}
