import type { DataSource } from 'typeorm';
import { RecordModule } from '../../entities/record-module';
import type { AppConfig } from '../config/config';
import { SmsTemplateEngine } from '../domain/sms-template-engine';
import { Logger } from '../logger';
import { ConsentService } from './consent/consent.service';
import { InboundReplyService } from './consent/inbound-replies.service';
import { DeliveryReceiptService } from './delivery/delivery-receipts.service';
import { AccountService, ContactService } from './record.service';
import type { CrmRecord, RecordService } from './record.service';
import { SmsCampaignService } from './sms-campaign.service';
import { SmsComposer } from './sms-composer.service';
import { SmsMessageService } from './sms-message.service';
import { SmsTemplateService } from './sms-template.service';
import { UserService } from './user.service';

/** Every service, wired once; the API, the scheduler and the CLI tools share them. */
export interface Services {
  dataSource: DataSource;
  consent: ConsentService;
  contacts: ContactService;
  accounts: AccountService;
  records: (module: RecordModule) => RecordService<CrmRecord>;
  users: UserService;
  templates: SmsTemplateService;
  composer: SmsComposer;
  messages: SmsMessageService;
  campaigns: SmsCampaignService;
  inbound: InboundReplyService;
  receipts: DeliveryReceiptService;
}

export function createServices(
  dataSource: DataSource,
  config: AppConfig,
  logger: Logger = new Logger(config.logLevel),
): Services {
  const consent = new ConsentService(dataSource);
  const contacts = new ContactService(dataSource, consent);
  const accounts = new AccountService(dataSource, consent);
  const records = (module: RecordModule): RecordService<CrmRecord> =>
    (module === RecordModule.Contacts ? contacts : accounts) as RecordService<CrmRecord>;
  const templates = new SmsTemplateService(dataSource, new SmsTemplateEngine());
  const composer = new SmsComposer(dataSource, templates);
  return {
    dataSource,
    consent,
    contacts,
    accounts,
    records,
    users: new UserService(dataSource),
    templates,
    composer,
    messages: new SmsMessageService(dataSource, composer, config.smsMaxSegments, consent),
    campaigns: new SmsCampaignService(dataSource, records),
    inbound: new InboundReplyService(dataSource, consent, config.consent.helpReply, logger),
    receipts: new DeliveryReceiptService(dataSource, consent, logger),
  };
}
