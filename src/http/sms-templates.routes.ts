import { Router } from 'express';
import { RECORD_MODULES } from '../../entities/record-module';
import { Permission } from '../auth/permissions';
import { fieldError } from '../errors/domain-error';
import type { Services } from '../services';
import { takePageRequest } from '../services/pagination';
import { currentUser, requirePermission } from './auth.middleware';
import { CreateSmsTemplateDto, UpdateSmsTemplateDto } from './dtos/sms-template.dto';
import { presentPage, presentTemplate } from './presenters';
import { QueryParams } from './query-params';
import { jsonBody, parseDto, queryObject, param } from './validate';

export function smsTemplateRoutes(services: Services): Router {
  const router = Router();
  const read = requirePermission(Permission.ReadTemplates);
  const manage = requirePermission(Permission.ManageTemplates);

  /** The variable picker: which fields a template for the module may use. */
  router.get('/variables', read, (req, res) => {
    const params = new QueryParams(queryObject(req));
    const module = params.oneOf('module', RECORD_MODULES);
    params.done();
    if (!module) {
      throw fieldError('module', `is required; one of ${RECORD_MODULES.join(', ')}`);
    }
    res.json({ module, variables: services.templates.engine.variables(module) });
  });

  router.get('/', read, async (req, res) => {
    const query = queryObject(req);
    const page = takePageRequest(query);
    const params = new QueryParams(query);
    const filter = { module: params.oneOf('module', RECORD_MODULES), q: params.text('q') };
    params.done();
    res.json(presentPage(await services.templates.list(filter, page), presentTemplate));
  });

  router.post('/', manage, async (req, res) => {
    const dto = parseDto(CreateSmsTemplateDto, jsonBody(req));
    res
      .status(201)
      .json(presentTemplate(await services.templates.create(dto, currentUser(res).id)));
  });

  router.get('/:id', read, async (req, res) => {
    res.json(presentTemplate(await services.templates.get(param(req, 'id'))));
  });

  router.patch('/:id', manage, async (req, res) => {
    const dto = parseDto(UpdateSmsTemplateDto, jsonBody(req));
    res.json(presentTemplate(await services.templates.update(param(req, 'id'), dto)));
  });

  router.delete('/:id', manage, async (req, res) => {
    await services.templates.remove(param(req, 'id'));
    res.status(204).end();
  });

  return router;
}
