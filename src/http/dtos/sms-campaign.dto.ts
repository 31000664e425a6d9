import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import type { RecordModule } from '../../../entities/record-module';
import { RECORD_MODULES } from '../../../entities/record-module';
import type { CampaignStatus } from '../../../entities/sms-campaign.entity';
import { CAMPAIGN_STATUSES } from '../../../entities/sms-campaign.entity';
import { MAX_RECIPIENT_IDS_PER_REQUEST } from '../../services/sms-campaign.service';
import { IsIsoDateTime, IsNotBlank, OptionalNotNull } from './validators';

export class CreateSmsCampaignDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(150)
  name!: string;

  @IsIsoDateTime()
  send_date!: string;

  @IsIn(RECORD_MODULES, { message: `module must be one of ${RECORD_MODULES.join(', ')}` })
  module!: RecordModule;

  @IsOptional()
  @IsUUID('all', { message: 'template_id must be a template id' })
  template_id?: string | null;
}

export class UpdateSmsCampaignDto {
  @OptionalNotNull()
  @IsString()
  @IsNotBlank()
  @MaxLength(150)
  name?: string;

  @OptionalNotNull()
  @IsIsoDateTime()
  send_date?: string;

  @IsOptional()
  @IsUUID('all', { message: 'template_id must be a template id' })
  template_id?: string | null;

  @OptionalNotNull()
  @IsIn(CAMPAIGN_STATUSES, { message: `status must be one of ${CAMPAIGN_STATUSES.join(', ')}` })
  status?: CampaignStatus;
}

/** Either `ids` or `filter` (the route checks that exactly one is given). */
export class AddRecipientsDto {
  @IsOptional()
  @IsArray({ message: 'ids must be an array of record ids' })
  @ArrayMinSize(1, { message: 'ids must not be empty' })
  @ArrayMaxSize(MAX_RECIPIENT_IDS_PER_REQUEST, {
    message: `ids can hold at most ${MAX_RECIPIENT_IDS_PER_REQUEST} ids per request; use a filter for more`,
  })
  @IsUUID('all', { each: true, message: 'each of ids must be a record id' })
  ids?: string[];

  @IsOptional()
  @IsObject({ message: 'filter must be an object of field filters' })
  filter?: Record<string, unknown>;
}
