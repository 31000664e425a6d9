import type { LeaseRecovery } from '../src/services/dispatch/lease-recovery';

/** Settles messages a crashed worker left in 'sending' (reconcile, or outcome_unknown). */
export class RecoverAbandonedSendsJob {
  static readonly NAME = 'recover-abandoned-sends';

  constructor(private readonly recovery: LeaseRecovery) {}

  async run(): Promise<void> {
    await this.recovery.recover();
  }
}
