import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { DispatchState1764100000000 } from './1764100000000-dispatch-state';
import { ConsentAndDelivery1764200000000 } from './1764200000000-consent-and-delivery';
import { WebSessionsAndSettings1764300000000 } from './1764300000000-web-sessions-and-settings';
import { ReceiptOptOut1764400000000 } from './1764400000000-receipt-opt-out';
import { CampaignSeq1764500000000 } from './1764500000000-campaign-seq';

/** Every migration, oldest first. Listed as classes so compiled and ts-jest runs see the same set. */
export const ALL_MIGRATIONS = [
  InitialSchema1764000000000,
  DispatchState1764100000000,
  ConsentAndDelivery1764200000000,
  WebSessionsAndSettings1764300000000,
  ReceiptOptOut1764400000000,
  CampaignSeq1764500000000,
];
