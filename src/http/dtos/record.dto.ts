import { IsBoolean, IsEmail, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsNotBlank, OptionalNotNull } from './validators';

/** Fields both CRM modules share. Phone fields are checked and normalised by the service. */
class RecordFieldsDto {
  @OptionalNotNull()
  @IsBoolean()
  sms_opt_in?: boolean;

  @IsOptional()
  @IsUUID('all', { message: 'assigned_user_id must be a user id' })
  assigned_user_id?: string | null;
}

export class ContactDto extends RecordFieldsDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string | null;

  @OptionalNotNull()
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  last_name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  title?: string | null;

  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone_mobile?: string | null;

  @IsOptional()
  @IsUUID('all', { message: 'account_id must be an account id' })
  account_id?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  primary_address_city?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  primary_address_country?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  lead_source?: string | null;
}

export class AccountDto extends RecordFieldsDto {
  @OptionalNotNull()
  @IsString()
  @IsNotBlank()
  @MaxLength(150)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone_office?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  account_type?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  industry?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  billing_address_city?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  billing_address_country?: string | null;
}
