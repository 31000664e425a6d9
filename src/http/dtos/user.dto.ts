import { IsBoolean, IsEmail, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import type { UserRole } from '../../../entities/user.entity';
import { USER_ROLES } from '../../../entities/user.entity';
import { OptionalNotNull } from './validators';

const ROLE_MESSAGE = { message: `role must be one of ${USER_ROLES.join(', ')}` };

export class CreateUserDto {
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(150)
  name!: string;

  @IsIn(USER_ROLES, ROLE_MESSAGE)
  role!: UserRole;
}

export class UpdateUserDto {
  @OptionalNotNull()
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(150)
  name?: string;

  @OptionalNotNull()
  @IsIn(USER_ROLES, ROLE_MESSAGE)
  role?: UserRole;

  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;
}
