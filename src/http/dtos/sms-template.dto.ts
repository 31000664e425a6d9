import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import type { RecordModule } from '../../../entities/record-module';
import { RECORD_MODULES } from '../../../entities/record-module';
import { MAX_BODY_LENGTH } from './sms-message.dto';
import { OptionalNotNull } from './validators';

const MODULE_MESSAGE = { message: `module must be one of ${RECORD_MODULES.join(', ')}` };

export class CreateSmsTemplateDto {
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(150)
  name!: string;

  @IsIn(RECORD_MODULES, MODULE_MESSAGE)
  module!: RecordModule;

  @IsString()
  @MinLength(1, { message: 'body must not be empty' })
  @MaxLength(MAX_BODY_LENGTH)
  body!: string;
}

export class UpdateSmsTemplateDto {
  @OptionalNotNull()
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(150)
  name?: string;

  @OptionalNotNull()
  @IsIn(RECORD_MODULES, MODULE_MESSAGE)
  module?: RecordModule;

  @OptionalNotNull()
  @IsString()
  @MinLength(1, { message: 'body must not be empty' })
  @MaxLength(MAX_BODY_LENGTH)
  body?: string;
}
