import { Router } from 'express';
import { RECORD_MODULES } from '../../entities/record-module';
import { SMS_STATUSES } from '../../entities/sms-message.entity';
import { Permission } from '../auth/permissions';
import { suggestGsm7Replacements } from '../domain/sms-segments';
import { fieldError } from '../errors/domain-error';
import type { Services } from '../services';
import { takePageRequest } from '../services/pagination';
import { requirePermission } from './auth.middleware';
import { PreviewDto, UpdateSmsMessageDto } from './dtos/sms-message.dto';
import { parseDateTime } from './dtos/validators';
import { presentMessage, presentPage } from './presenters';
import { QueryParams } from './query-params';
import { jsonBody, parseDto, queryObject, param } from './validate';

export function smsMessageRoutes(services: Services): Router {
  const router = Router();
  const read = requirePermission(Permission.ReadMessages);
  const write = requirePermission(Permission.WriteMessages);

  router.get('/sms-messages', read, async (req, res) => {
    const query = queryObject(req);
    const page = takePageRequest(query);
    const params = new QueryParams(query);
    const filter = {
      status: params.listOf('status', SMS_STATUSES),
      campaign_id: params.text('campaign_id', 36),
      parent_type: params.oneOf('parent_type', RECORD_MODULES),
      parent_id: params.text('parent_id', 36),
      number: params.phone('number'),
      from: params.instant('from'),
      to: params.instant('to', true),
    };
    params.done();
    res.json(presentPage(await services.messages.list(filter, page), presentMessage));
  });

  router.get('/sms-messages/:id', read, async (req, res) => {
    res.json(presentMessage(await services.messages.get(param(req, 'id'))));
  });

  router.patch('/sms-messages/:id', write, async (req, res) => {
    const dto = parseDto(UpdateSmsMessageDto, jsonBody(req));
    const sendDate = dto.send_date === undefined ? undefined : parseDateTime(dto.send_date);
    if (sendDate === null) {
      throw fieldError('send_date', 'must be an ISO 8601 date-time with a time zone');
    }
    const message = await services.messages.update(
      param(req, 'id'),
      { body: dto.body, send_date: sendDate, status: dto.status },
      services.records,
    );
    res.json(presentMessage(message));
  });

  router.delete('/sms-messages/:id', write, async (req, res) => {
    await services.messages.remove(param(req, 'id'));
    res.status(204).end();
  });

  /** What a body or template becomes for one record, with its length in characters and segments. */
  router.post('/sms-preview', read, async (req, res) => {
    const dto = parseDto(PreviewDto, jsonBody(req));
    const records = services.records(dto.module);
    const record = await records.find(dto.record_id);
    if (!record) {
      throw fieldError('record_id', `${dto.module} record '${dto.record_id}' does not exist`);
    }
    const composed = await services.composer.compose(dto.module, record, {
      body: dto.body,
      template_id: dto.template_id,
    });
    res.json({
      text: composed.text,
      characters: composed.count.characters,
      encoding: composed.count.encoding,
      segments: composed.count.segments,
      remaining_in_segment: composed.count.remainingInSegment,
      // Characters that force UCS-2 (70 instead of 160 per segment) and their GSM-7 look-alikes.
      gsm7_suggestions: suggestGsm7Replacements(composed.text),
      template_id: composed.template_id,
    });
  });

  return router;
}
