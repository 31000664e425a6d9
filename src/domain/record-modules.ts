import { RecordModule } from '../../entities/record-module';

/** A field of a CRM record as the API, the filters and the template variable picker see it. */
export interface RecordField {
  name: string;
  label: string;
  /** Offered as a template variable (and copied into the template's plain data). */
  variable: boolean;
}

export interface RecordModuleDefinition {
  module: RecordModule;
  /** Root name of the module's variables in templates: `contact` → `{{ contact.first_name }}`. */
  variableRoot: 'contact' | 'account';
  label: string;
  phoneField: 'phone_mobile' | 'phone_office';
  phoneLabel: string;
  fields: readonly RecordField[];
  /** Fields matched by the free-text `q` filter. */
  searchFields: readonly string[];
}

const CONTACT_FIELDS: readonly RecordField[] = [
  { name: 'first_name', label: 'First name', variable: true },
  { name: 'last_name', label: 'Last name', variable: true },
  { name: 'title', label: 'Title', variable: true },
  { name: 'email', label: 'Email address', variable: true },
  { name: 'phone_mobile', label: 'Mobile phone', variable: true },
  { name: 'sms_opt_in', label: 'SMS opt in', variable: false },
  { name: 'account_id', label: 'Account', variable: false },
  { name: 'primary_address_city', label: 'Primary address city', variable: true },
  { name: 'primary_address_country', label: 'Primary address country', variable: true },
  { name: 'lead_source', label: 'Lead source', variable: true },
  { name: 'assigned_user_id', label: 'Assigned to', variable: false },
];

const ACCOUNT_FIELDS: readonly RecordField[] = [
  { name: 'name', label: 'Name', variable: true },
  { name: 'phone_office', label: 'Office phone', variable: true },
  { name: 'sms_opt_in', label: 'SMS opt in', variable: false },
  { name: 'account_type', label: 'Type', variable: true },
  { name: 'industry', label: 'Industry', variable: true },
  { name: 'billing_address_city', label: 'Billing city', variable: true },
  { name: 'billing_address_country', label: 'Billing country', variable: true },
  { name: 'assigned_user_id', label: 'Assigned to', variable: false },
];

export const CONTACTS: RecordModuleDefinition = {
  module: RecordModule.Contacts,
  variableRoot: 'contact',
  label: 'Contact',
  phoneField: 'phone_mobile',
  phoneLabel: 'mobile number',
  fields: CONTACT_FIELDS,
  searchFields: ['first_name', 'last_name', 'email', 'phone_mobile'],
};

export const ACCOUNTS: RecordModuleDefinition = {
  module: RecordModule.Accounts,
  variableRoot: 'account',
  label: 'Account',
  phoneField: 'phone_office',
  phoneLabel: 'office number',
  fields: ACCOUNT_FIELDS,
  searchFields: ['name', 'phone_office', 'industry'],
};

export function moduleDefinition(module: RecordModule): RecordModuleDefinition {
  return module === RecordModule.Contacts ? CONTACTS : ACCOUNTS;
}

export function variableFields(def: RecordModuleDefinition): RecordField[] {
  return def.fields.filter((f) => f.variable);
}
