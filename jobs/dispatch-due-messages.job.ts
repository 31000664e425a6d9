import type { Logger } from '../src/logger';
import type { MessageDispatcher } from '../src/services/dispatch/message-dispatcher';

/** Sends messages whose send date is due. Drains a backlog batch after batch within one run. */
export class DispatchDueMessagesJob {
  static readonly NAME = 'dispatch-due-messages';

  constructor(
    private readonly dispatcher: MessageDispatcher,
    private readonly logger: Logger,
    /** Stop draining after this long so other jobs and shutdown get their turn. */
    private readonly maxRunMs = 30_000,
  ) {}

  async run(): Promise<void> {
    const started = Date.now();
    for (;;) {
      const report = await this.dispatcher.dispatchDue();
      if (report.claimed > 0) {
        this.logger.debug('dispatch batch', { ...report });
      }
      // Go on only while batches come back full and make progress; the next tick does the rest.
      const full = report.claimed >= this.dispatcher.batchLimit;
      if (!full || report.released > 0 || Date.now() - started > this.maxRunMs) {
        return;
      }
    }
  }
}
