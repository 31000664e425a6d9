/** The CRM modules whose records can receive SMS. Values are the API's `parent_type`/`module`. */
export enum RecordModule {
  Contacts = 'contacts',
  Accounts = 'accounts',
}

export const RECORD_MODULES: readonly RecordModule[] = Object.values(RecordModule);
