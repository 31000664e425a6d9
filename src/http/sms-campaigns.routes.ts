import { Router } from 'express';
import { CAMPAIGN_STATUSES } from '../../entities/sms-campaign.entity';
import { Permission } from '../auth/permissions';
import { fieldError, validationFailed } from '../errors/domain-error';
import type { Services } from '../services';
import { takePageRequest } from '../services/pagination';
import { parseRecordFilter } from '../services/record-filter';
import { currentUser, requirePermission } from './auth.middleware';
import {
  AddRecipientsDto,
  CreateSmsCampaignDto,
  UpdateSmsCampaignDto,
} from './dtos/sms-campaign.dto';
import { parseDateTime } from './dtos/validators';
import type { Pricing } from './presenters';
import {
  presentCampaign,
  presentCampaignSummary,
  presentPage,
  presentRecipient,
} from './presenters';
import { QueryParams } from './query-params';
import { jsonBody, parseDto, queryObject, param } from './validate';

function sendDateOf(raw: string | undefined): Date | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const date = parseDateTime(raw);
  if (date === null) {
    throw fieldError('send_date', 'must be an ISO 8601 date-time with a time zone');
  }
  return date;
}

export function smsCampaignRoutes(services: Services, pricing: Pricing): Router {
  const router = Router();
  const read = requirePermission(Permission.ReadCampaigns);
  const manage = requirePermission(Permission.ManageCampaigns);
  const campaigns = services.campaigns;

  router.get('/', read, async (req, res) => {
    const query = queryObject(req);
    const page = takePageRequest(query);
    const params = new QueryParams(query);
    const filter = { status: params.oneOf('status', CAMPAIGN_STATUSES) };
    params.done();
    res.json(presentPage(await campaigns.list(filter, page), presentCampaign));
  });

  router.post('/', manage, async (req, res) => {
    const dto = parseDto(CreateSmsCampaignDto, jsonBody(req));
    const campaign = await campaigns.create(
      {
        name: dto.name,
        send_date: sendDateOf(dto.send_date) as Date,
        module: dto.module,
        template_id: dto.template_id,
      },
      currentUser(res).id,
    );
    res.status(201).json(presentCampaignSummary(await campaigns.summary(campaign.id), pricing));
  });

  router.get('/:id', read, async (req, res) => {
    res.json(presentCampaignSummary(await campaigns.summary(param(req, 'id')), pricing));
  });

  router.patch('/:id', manage, async (req, res) => {
    const dto = parseDto(UpdateSmsCampaignDto, jsonBody(req));
    await campaigns.update(param(req, 'id'), {
      name: dto.name,
      send_date: sendDateOf(dto.send_date),
      template_id: dto.template_id,
      status: dto.status,
    });
    res.json(presentCampaignSummary(await campaigns.summary(param(req, 'id')), pricing));
  });

  router.delete('/:id', manage, async (req, res) => {
    await campaigns.remove(param(req, 'id'));
    res.status(204).end();
  });

  router.get('/:id/recipients', read, async (req, res) => {
    const query = queryObject(req);
    const page = takePageRequest(query);
    new QueryParams(query).done();
    res.json(presentPage(await campaigns.listRecipients(param(req, 'id'), page), presentRecipient));
  });

  router.post('/:id/recipients', manage, async (req, res) => {
    const dto = parseDto(AddRecipientsDto, jsonBody(req));
    if ((dto.ids == null) === (dto.filter == null)) {
      throw validationFailed([
        { field: 'ids', message: 'give either ids (an array of record ids) or filter, not both' },
      ]);
    }
    let result;
    if (dto.ids) {
      result = await campaigns.addRecipients(param(req, 'id'), { ids: dto.ids });
    } else {
      const campaign = await campaigns.get(param(req, 'id'));
      const def = services.records(campaign.module).def;
      const filter = parseRecordFilter(def, dto.filter ?? {}, 'filter.');
      result = await campaigns.addRecipients(param(req, 'id'), { filter });
    }
    res.json(result);
  });

  router.delete('/:id/recipients/:recordId', manage, async (req, res) => {
    await campaigns.removeRecipient(param(req, 'id'), param(req, 'recordId'));
    res.status(204).end();
  });

  return router;
}
