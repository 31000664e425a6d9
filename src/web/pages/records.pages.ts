import { Router } from 'express';
import { Permission } from '../../auth/permissions';
import { RecordModule } from '../../../entities/record-module';
import { DomainError } from '../../errors/domain-error';
import { takePageRequest } from '../../services/pagination';
import { parseRecordFilter } from '../../services/record-filter';
import { presentAccount, presentContact } from '../../http/presenters';
import type { WebContext } from '../web-app';
import { requirePage } from '../web-auth';
import { pagination, stringQuery } from './page-helpers';

/** Contacts and Accounts: list with search, filters and pagination. */
export function recordPages(ctx: WebContext): Router {
  const router = Router();
  for (const module of [RecordModule.Contacts, RecordModule.Accounts]) {
    const records = ctx.services.records(module);
    const present = module === RecordModule.Contacts ? presentContact : presentAccount;
    router.get(`/${module}`, requirePage(Permission.ReadRecords), async (req, res) => {
      const query = stringQuery(req);
      const page = takePageRequest({ page: query.page, per_page: query.per_page ?? '20' });
      const filterInput: Record<string, string> = {};
      for (const key of [
        'q',
        'sms_opt_in',
        module === 'contacts' ? 'primary_address_country' : 'billing_address_country',
      ]) {
        if (query[key]) {
          filterInput[key] = query[key];
        }
      }
      let error: string | null = null;
      let result;
      try {
        result = await records.list(parseRecordFilter(records.def, filterInput), page);
      } catch (e) {
        if (!(e instanceof DomainError)) {
          throw e;
        }
        error = e.message;
        result = await records.list({ equals: {} }, page);
      }
      res.render(`records/list`, {
        title: module === 'contacts' ? 'Contacts' : 'Accounts',
        module,
        label: records.def.label,
        phone_field: records.def.phoneField,
        rows: result.data.map((r) => ({
          ...present(r as never),
          display_name: records.displayName(r),
        })),
        total: result.total,
        filters: filterInput,
        error,
        pager: pagination(req, result),
      });
    });
  }
  return router;
}
