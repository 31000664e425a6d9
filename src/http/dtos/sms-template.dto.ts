import { IsIn, IsString, MaxLength } from 'class-validator';
import type { RecordModule } from '../../../entities/record-module';
import { RECORD_MODULES } from '../../../entities/record-module';
import { MAX_BODY_LENGTH } from './sms-message.dto';
import { IsNotBlank, OptionalNotNull } from './validators';

const MODULE_MESSAGE = { message: `module must be one of ${RECORD_MODULES.join(', ')}` };

export class CreateSmsTemplateDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(150)
  name!: string;

  @IsIn(RECORD_MODULES, MODULE_MESSAGE)
  module!: RecordModule;

  @IsString()
  @IsNotBlank()
  @MaxLength(MAX_BODY_LENGTH)
  body!: string;
}

export class UpdateSmsTemplateDto {
  @OptionalNotNull()
  @IsString()
  @IsNotBlank()
  @MaxLength(150)
  name?: string;

  @OptionalNotNull()
  @IsIn(RECORD_MODULES, MODULE_MESSAGE)
  module?: RecordModule;

  @OptionalNotNull()
  @IsString()
  @IsNotBlank()
  @MaxLength(MAX_BODY_LENGTH)
  body?: string;
}
