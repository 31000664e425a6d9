import { UserRole } from '../../entities/user.entity';

/** What a role may do. Routes ask for a permission, never for a role. */
export enum Permission {
  ReadRecords = 'records:read',
  WriteRecords = 'records:write',
  ReadMessages = 'messages:read',
  WriteMessages = 'messages:write',
  ReadTemplates = 'templates:read',
  ManageTemplates = 'templates:manage',
  ReadCampaigns = 'campaigns:read',
  ManageCampaigns = 'campaigns:manage',
  ManageUsers = 'users:manage',
  ManageGateways = 'gateways:manage',
}

const SALES: readonly Permission[] = [
  Permission.ReadRecords,
  Permission.ReadMessages,
  Permission.WriteMessages,
  // Sales pick a template when they write a message, so they may read templates.
  Permission.ReadTemplates,
  Permission.ReadCampaigns,
];

const MARKETER: readonly Permission[] = [
  ...SALES,
  Permission.ManageTemplates,
  Permission.ManageCampaigns,
];

const ROLE_PERMISSIONS: Record<UserRole, ReadonlySet<Permission>> = {
  [UserRole.Sales]: new Set(SALES),
  [UserRole.Marketer]: new Set(MARKETER),
  [UserRole.Admin]: new Set(Object.values(Permission)),
};

export function roleCan(role: UserRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.has(permission) ?? false;
}
