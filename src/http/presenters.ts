import type { Account } from '../../entities/account.entity';
import type { Contact } from '../../entities/contact.entity';
import type { SmsCampaign } from '../../entities/sms-campaign.entity';
import type { SmsMessage } from '../../entities/sms-message.entity';
import type { SmsTemplate } from '../../entities/sms-template.entity';
import type { User } from '../../entities/user.entity';
import type { Page } from '../services/pagination';
import type { CampaignSummary, RecipientView } from '../services/sms-campaign.service';

// The API's JSON shapes, written out field by field so nothing internal (hashes, soft-delete
// markers) leaks by accident when an entity grows a column.

type Json = Record<string, unknown>;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function presentPage<T>(page: Page<T>, present: (item: T) => Json) {
  return {
    data: page.data.map(present),
    total: page.total,
    page: page.page,
    per_page: page.per_page,
  };
}

export function presentContact(c: Contact): Json {
  return {
    id: c.id,
    first_name: c.first_name,
    last_name: c.last_name,
    title: c.title,
    email: c.email,
    phone_mobile: c.phone_mobile,
    sms_opt_in: c.sms_opt_in,
    account_id: c.account_id,
    primary_address_city: c.primary_address_city,
    primary_address_country: c.primary_address_country,
    lead_source: c.lead_source,
    assigned_user_id: c.assigned_user_id,
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
  };
}

export function presentAccount(a: Account): Json {
  return {
    id: a.id,
    name: a.name,
    phone_office: a.phone_office,
    sms_opt_in: a.sms_opt_in,
    account_type: a.account_type,
    industry: a.industry,
    billing_address_city: a.billing_address_city,
    billing_address_country: a.billing_address_country,
    assigned_user_id: a.assigned_user_id,
    created_at: iso(a.created_at),
    updated_at: iso(a.updated_at),
  };
}

export function presentMessage(m: SmsMessage): Json {
  return {
    id: m.id,
    parent_type: m.parent_type,
    parent_id: m.parent_id,
    parent_name: m.parent_name,
    to: m.to_number,
    body: m.body,
    send_date: iso(m.send_date),
    status: m.status,
    campaign_id: m.campaign_id,
    template_id: m.template_id,
    provider: m.provider,
    provider_message_id: m.provider_message_id,
    error_code: m.error_code,
    error_message: m.error_message,
    attempts: m.attempts,
    sent_at: iso(m.sent_at),
    delivered_at: iso(m.delivered_at),
    segments: m.segments,
    encoding: m.encoding,
    is_test: m.is_test,
    created_by_user_id: m.created_by_user_id,
    created_at: iso(m.created_at),
    updated_at: iso(m.updated_at),
  };
}

export function presentTemplate(t: SmsTemplate): Json {
  return {
    id: t.id,
    name: t.name,
    module: t.module,
    body: t.body,
    created_by_user_id: t.created_by_user_id,
    created_at: iso(t.created_at),
    updated_at: iso(t.updated_at),
  };
}

export function presentCampaign(c: SmsCampaign): Json {
  return {
    id: c.id,
    name: c.name,
    send_date: iso(c.send_date),
    module: c.module,
    template_id: c.template_id,
    status: c.status,
    created_by_user_id: c.created_by_user_id,
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
  };
}

export interface Pricing {
  pricePerSegment: number | null;
  currency: string;
}

export function presentCampaignSummary(s: CampaignSummary, pricing?: Pricing): Json {
  const price = pricing?.pricePerSegment ?? null;
  return {
    ...presentCampaign(s.campaign),
    recipients: s.recipients,
    counts: s.counts,
    skipped: s.skipped,
    segments: s.segments,
    // Segments summed over the campaign's rendered messages, at SMS_PRICE_PER_SEGMENT.
    estimated_cost:
      price === null
        ? null
        : {
            amount: Math.round(s.segments * price * 10_000) / 10_000,
            currency: pricing?.currency,
            price_per_segment: price,
          },
  };
}

export function presentRecipient(r: RecipientView): Json {
  return { ...r, created_at: iso(r.created_at) };
}

export function presentUser(u: User): Json {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    active: u.active,
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
  };
}
