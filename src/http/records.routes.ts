import { Router } from 'express';
import type { ClassConstructor } from 'class-transformer';
import { Permission } from '../auth/permissions';
import type { CrmRecord, RecordService } from '../services/record.service';
import type { Services } from '../services';
import { takePageRequest } from '../services/pagination';
import { parseRecordFilter } from '../services/record-filter';
import { apiActor, currentUser, requirePermission } from './auth.middleware';
import { CreateSmsMessageDto } from './dtos/sms-message.dto';
import { parseDateTime } from './dtos/validators';
import { presentMessage, presentPage } from './presenters';
import { jsonBody, parseDto, queryObject, param } from './validate';
import { fieldError } from '../errors/domain-error';
import { QueryParams } from './query-params';

/**
 * CRUD and search for one CRM module, plus its "SMS Messages" sub-panel. Contacts and Accounts
 * mount the same routes with their own DTO and JSON shape.
 */
export function recordRoutes<T extends CrmRecord>(
  services: Services,
  records: RecordService<T>,
  dtoClass: ClassConstructor<object>,
  present: (record: T) => Record<string, unknown>,
  requiredOnCreate: string,
): Router {
  const router = Router();
  const read = requirePermission(Permission.ReadRecords);
  const write = requirePermission(Permission.WriteRecords);

  router.get('/', read, async (req, res) => {
    const query = queryObject(req);
    const page = takePageRequest(query);
    const filter = parseRecordFilter(records.def, query);
    res.json(presentPage(await records.list(filter, page), present));
  });

  router.post('/', write, async (req, res) => {
    const input = parseDto(dtoClass, jsonBody(req)) as Partial<T>;
    if ((input as Record<string, unknown>)[requiredOnCreate] === undefined) {
      throw fieldError(requiredOnCreate, `${requiredOnCreate} is required`);
    }
    res.status(201).json(present(await records.create(input, apiActor(res))));
  });

  router.get('/:id', read, async (req, res) => {
    res.json(present(await records.get(param(req, 'id'))));
  });

  router.patch('/:id', write, async (req, res) => {
    const input = parseDto(dtoClass, jsonBody(req)) as Partial<T>;
    res.json(present(await records.update(param(req, 'id'), input, apiActor(res))));
  });

  router.delete('/:id', write, async (req, res) => {
    await records.remove(param(req, 'id'));
    res.status(204).end();
  });

  router.get('/:id/sms-messages', requirePermission(Permission.ReadMessages), async (req, res) => {
    await records.get(param(req, 'id'));
    const query = queryObject(req);
    const page = takePageRequest(query);
    new QueryParams(query).done();
    const messages = await services.messages.list(
      { parent_type: records.def.module, parent_id: param(req, 'id') },
      page,
    );
    res.json(presentPage(messages, presentMessage));
  });

  router.post(
    '/:id/sms-messages',
    requirePermission(Permission.WriteMessages),
    async (req, res) => {
      const dto = parseDto(CreateSmsMessageDto, jsonBody(req));
      const sendDate = dto.send_date === undefined ? undefined : parseDateTime(dto.send_date);
      if (sendDate === null) {
        throw fieldError('send_date', 'must be an ISO 8601 date-time with a time zone');
      }
      const message = await services.messages.createForRecord(
        records,
        param(req, 'id'),
        { body: dto.body, template_id: dto.template_id, send_date: sendDate, status: dto.status },
        currentUser(res).id,
      );
      res.status(201).json(presentMessage(message));
    },
  );

  return router;
}
