import type { Logger } from '../src/logger';
import type { CampaignGenerator } from '../src/services/campaign-generator.service';

/** Expands campaigns in "Generate all SMS Messages", then completes the finished ones. */
export class GenerateCampaignsJob {
  static readonly NAME = 'generate-campaigns';

  constructor(
    private readonly generator: CampaignGenerator,
    private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    for (;;) {
      const result = await this.generator.generateNext();
      if (!result) {
        break;
      }
      this.logger.info('campaign expanded', { ...result });
    }
    const completed = await this.generator.completeFinished();
    if (completed > 0) {
      this.logger.info('campaigns completed', { count: completed });
    }
  }
}
