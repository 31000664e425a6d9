import { IsBoolean, IsEmail, IsIn, IsString, MaxLength } from 'class-validator';
import type { UserRole } from '../../../entities/user.entity';
import { USER_ROLES } from '../../../entities/user.entity';
import { IsNotBlank, OptionalNotNull } from './validators';

const ROLE_MESSAGE = { message: `role must be one of ${USER_ROLES.join(', ')}` };

export class CreateUserDto {
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @IsString()
  @IsNotBlank()
  @MaxLength(150)
  name!: string;

  @IsIn(USER_ROLES, ROLE_MESSAGE)
  role!: UserRole;
}

export class UpdateUserDto {
  @OptionalNotNull()
  @IsString()
  @IsNotBlank()
  @MaxLength(150)
  name?: string;

  @OptionalNotNull()
  @IsIn(USER_ROLES, ROLE_MESSAGE)
  role?: UserRole;

  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;
}
