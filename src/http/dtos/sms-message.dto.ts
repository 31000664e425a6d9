import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { RECORD_MODULES } from '../../../entities/record-module';
import { SMS_STATUSES, SmsStatus } from '../../../entities/sms-message.entity';
import { IsIsoDateTime, OptionalNotNull } from './validators';

/** Longest body accepted before rendering; the segment limit is checked after rendering. */
export const MAX_BODY_LENGTH = 5_000;

export class CreateSmsMessageDto {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_BODY_LENGTH)
  body?: string;

  @IsOptional()
  @IsUUID('all', { message: 'template_id must be a template id' })
  template_id?: string;

  @IsOptional()
  @IsIsoDateTime()
  send_date?: string;

  @IsIn([SmsStatus.Draft, SmsStatus.SendSms], {
    message: "status must be 'draft' or 'send_sms'",
  })
  status!: SmsStatus.Draft | SmsStatus.SendSms;
}

export class UpdateSmsMessageDto {
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_BODY_LENGTH)
  body?: string;

  @OptionalNotNull()
  @IsIsoDateTime()
  send_date?: string;

  @OptionalNotNull()
  @IsIn(SMS_STATUSES, { message: `status must be one of ${SMS_STATUSES.join(', ')}` })
  status?: SmsStatus;
}

export class PreviewDto {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_BODY_LENGTH)
  body?: string;

  @IsOptional()
  @IsUUID('all', { message: 'template_id must be a template id' })
  template_id?: string;

  @IsIn(RECORD_MODULES, { message: `module must be one of ${RECORD_MODULES.join(', ')}` })
  module!: (typeof RECORD_MODULES)[number];

  @IsUUID('all', { message: 'record_id must be a record id' })
  record_id!: string;
}

export class TestSendDto {
  @IsString()
  @MaxLength(40)
  to!: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_BODY_LENGTH)
  body?: string;

  @IsOptional()
  @IsUUID('all', { message: 'template_id must be a template id' })
  template_id?: string;

  @IsOptional()
  @IsIn(RECORD_MODULES, { message: `module must be one of ${RECORD_MODULES.join(', ')}` })
  module?: (typeof RECORD_MODULES)[number];

  @IsOptional()
  @IsUUID('all', { message: 'record_id must be a record id' })
  record_id?: string;
}
