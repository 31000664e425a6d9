import type { DataSource } from 'typeorm';
import { newId } from '../../../entities/columns';
import { ConsentSource } from '../../../entities/consent-log-entry.entity';
import { InboundSms, ReplyKeyword } from '../../../entities/inbound-sms.entity';
import { SuppressionReason } from '../../../entities/suppression.entity';
import { isMysqlFamily } from '../../db/data-source';
import { execute, sqlDate } from '../../db/sql';
import { normalizePhone } from '../../domain/phone-number';
import { classifyReply } from '../../domain/reply-keywords';
import type { Logger } from '../../logger';
import { offsetOf } from '../pagination';
import type { Page, PageRequest } from '../pagination';
import type { ConsentService } from './consent.service';

/** A reply as a provider's inbound webhook delivered it, already parsed. */
export interface InboundInput {
  providerMessageId: string | null;
  from: string;
  to: string | null;
  text: string;
  receivedAt: Date | null;
  providerOptOutType?: 'STOP' | 'START' | 'HELP';
}

export interface ReplyOutcome {
  id: string | null;
  duplicate: boolean;
  keyword: ReplyKeyword | null;
  needsReview: boolean;
}

/** Sends the HELP answer; set by the sending runtime (the web process has the gateway). */
export type HelpReplySender = (to: string, body: string) => Promise<void>;

/**
 * Replies: stored, then acted on. STOP and its synonyms opt the number out everywhere (also
 * when said inside a sentence, then flagged for review); START/YES/UNSTOP restore it; HELP/INFO
 * get the configured help text. A replayed webhook is stored once and acted on once.
 */
export class InboundReplyService {
  helpSender: HelpReplySender | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly consent: ConsentService,
    private readonly helpReply: string,
    private readonly logger: Logger,
  ) {}

  async receive(provider: string, input: InboundInput): Promise<ReplyOutcome> {
    const parsed = normalizePhone(input.from);
    const from = parsed.ok ? parsed.e164 : input.from.slice(0, 20);
    const meaning = providerMeaning(input.providerOptOutType) ?? classifyReply(input.text);
    const id = newId();
    const now = new Date();
    // Stored first, with a unique (provider, provider id): a replay inserts nothing and stops here.
    const insert = isMysqlFamily(this.dataSource) ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO';
    const { affected } = await execute(
      this.dataSource.manager,
      `${insert} sms_inbound_messages
         (id, provider, provider_message_id, from_number, to_number, body, keyword, needs_review, received_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        provider,
        input.providerMessageId?.slice(0, 100) ?? null,
        from,
        input.to?.slice(0, 20) ?? null,
        input.text,
        meaning.keyword,
        meaning.needsReview ? 1 : 0,
        sqlDate(this.dataSource, input.receivedAt ?? now),
        sqlDate(this.dataSource, now),
      ],
    );
    if (affected === 0) {
      return {
        id: null,
        duplicate: true,
        keyword: meaning.keyword,
        needsReview: meaning.needsReview,
      };
    }
    const actor = {
      source: ConsentSource.Keyword,
      userId: null,
      detail: `reply "${input.text.slice(0, 60)}" (inbound ${id})`,
    };
    if (!parsed.ok) {
      this.logger.warn('reply from a number that is not E.164; stored, not acted on', { id });
    } else if (meaning.keyword === ReplyKeyword.Stop) {
      await this.consent.optOut(from, SuppressionReason.Keyword, actor);
    } else if (meaning.keyword === ReplyKeyword.Start) {
      await this.consent.optBackIn(from, actor);
    } else if (meaning.keyword === ReplyKeyword.Help && this.helpSender) {
      await this.helpSender(from, this.helpReply);
    }
    return { id, duplicate: false, keyword: meaning.keyword, needsReview: meaning.needsReview };
  }

  async list(
    filter: { from?: string; needs_review?: boolean },
    page: PageRequest,
  ): Promise<Page<InboundSms>> {
    const where: Record<string, unknown> = {};
    if (filter.from) {
      where.from_number = filter.from;
    }
    if (filter.needs_review !== undefined) {
      where.needs_review = filter.needs_review;
    }
    const [data, total] = await this.dataSource.getRepository(InboundSms).findAndCount({
      where,
      order: { received_at: 'DESC', id: 'DESC' },
      skip: offsetOf(page),
      take: page.per_page,
    });
    return { data, total, ...page };
  }
}

/** Twilio's Advanced Opt-Out already decided: trust it. */
function providerMeaning(type: InboundInput['providerOptOutType']) {
  switch (type) {
    case 'STOP':
      return { keyword: ReplyKeyword.Stop, needsReview: false };
    case 'START':
      return { keyword: ReplyKeyword.Start, needsReview: false };
    case 'HELP':
      return { keyword: ReplyKeyword.Help, needsReview: false };
    default:
      return null;
  }
}
