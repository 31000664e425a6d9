import { Account } from './account.entity';
import { AppSetting } from './app-setting.entity';
import { WebSession } from './web-session.entity';
import { ConsentLogEntry } from './consent-log-entry.entity';
import { DeliveryReceipt } from './delivery-receipt.entity';
import { InboundSms } from './inbound-sms.entity';
import { Suppression } from './suppression.entity';
import { CampaignRecipient } from './campaign-recipient.entity';
import { Contact } from './contact.entity';
import { SmsCampaign } from './sms-campaign.entity';
import { SmsMessage } from './sms-message.entity';
import { SmsRateLimit } from './sms-rate-limit.entity';
import { SmsTemplate } from './sms-template.entity';
import { User } from './user.entity';

export const ALL_ENTITIES = [
  Account,
  AppSetting,
  CampaignRecipient,
  ConsentLogEntry,
  DeliveryReceipt,
  InboundSms,
  Contact,
  SmsCampaign,
  SmsMessage,
  SmsRateLimit,
  SmsTemplate,
  Suppression,
  User,
  WebSession,
];
