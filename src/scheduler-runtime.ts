import type { DataSource } from 'typeorm';
import { DispatchDueMessagesJob } from '../jobs/dispatch-due-messages.job';
import { ExpireMessagesJob } from '../jobs/expire-messages.job';
import { GenerateCampaignsJob } from '../jobs/generate-campaigns.job';
import { RecoverAbandonedSendsJob } from '../jobs/recover-abandoned-sends.job';
import { startScheduler } from '../jobs/scheduler';
import type { RunningScheduler, ScheduledJob } from '../jobs/scheduler';
import type { AppConfig } from './config/config';
import type { SmsGateway } from './gateways/sms-gateway';
import type { Logger } from './logger';
import { CampaignGenerator } from './services/campaign-generator.service';
import { LeaseRecovery } from './services/dispatch/lease-recovery';
import { MessageDispatcher } from './services/dispatch/message-dispatcher';
import type { Services } from './services';

/** Everything that sends: the gateway, the dispatcher and the jobs built on them. */
export interface SendingRuntime {
  gateway: SmsGateway;
  dispatcher: MessageDispatcher;
  generator: CampaignGenerator;
  recovery: LeaseRecovery;
  jobs: {
    dispatch: DispatchDueMessagesJob;
    campaigns: GenerateCampaignsJob;
    expiry: ExpireMessagesJob;
    recovery: RecoverAbandonedSendsJob;
  };
}

export function createSendingRuntime(
  dataSource: DataSource,
  services: Services,
  gateway: SmsGateway,
  config: AppConfig,
  sendTimeoutMs: number,
  logger: Logger,
): SendingRuntime {
  const dispatcher = new MessageDispatcher(
    dataSource,
    gateway,
    config.scheduler,
    {
      sendTimeoutMs,
      publicUrl: config.publicUrl,
      webhookToken: config.consent.webhookToken,
      sendingWindow: config.consent.sendingWindow,
    },
    logger,
    services.consent,
  );
  // A receipt can beat the "sent" write; apply any that were waiting for these messages.
  dispatcher.outcomes.afterSent = (messages) => services.receipts.applyPending(messages);
  const generator = new CampaignGenerator(
    dataSource,
    services.templates.engine,
    {
      chunkSize: config.scheduler.campaignChunkSize,
      leaseSeconds: config.scheduler.leaseSeconds,
      maxSegments: config.smsMaxSegments,
    },
    logger,
  );
  const recovery = new LeaseRecovery(dataSource, dispatcher, logger);
  return {
    gateway,
    dispatcher,
    generator,
    recovery,
    jobs: {
      dispatch: new DispatchDueMessagesJob(dispatcher, logger),
      campaigns: new GenerateCampaignsJob(generator, logger),
      expiry: new ExpireMessagesJob(dataSource, config.scheduler.validityHours, logger),
      recovery: new RecoverAbandonedSendsJob(recovery),
    },
  };
}

export function scheduleJobs(
  runtime: SendingRuntime,
  config: AppConfig,
  logger: Logger,
  ...extra: ScheduledJob[]
): RunningScheduler {
  const s = config.scheduler;
  return startScheduler(
    [
      ...extra,
      { name: DispatchDueMessagesJob.NAME, cron: s.dispatchCron, job: runtime.jobs.dispatch },
      { name: GenerateCampaignsJob.NAME, cron: s.campaignCron, job: runtime.jobs.campaigns },
      { name: ExpireMessagesJob.NAME, cron: s.expiryCron, job: runtime.jobs.expiry },
      { name: RecoverAbandonedSendsJob.NAME, cron: s.recoveryCron, job: runtime.jobs.recovery },
    ],
    logger,
  );
}
