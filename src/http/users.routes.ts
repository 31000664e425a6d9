import { Router } from 'express';
import { Permission } from '../auth/permissions';
import type { Services } from '../services';
import { takePageRequest } from '../services/pagination';
import { currentUser, requirePermission } from './auth.middleware';
import { CreateUserDto, UpdateUserDto } from './dtos/user.dto';
import { presentPage, presentUser } from './presenters';
import { QueryParams } from './query-params';
import { jsonBody, parseDto, queryObject, param } from './validate';

export function userRoutes(services: Services): Router {
  const router = Router();
  const users = services.users;

  /** Who am I: any signed-in user may ask. */
  router.get('/me', (_req, res) => {
    res.json(presentUser(currentUser(res)));
  });

  router.use(requirePermission(Permission.ManageUsers));

  router.get('/', async (req, res) => {
    const query = queryObject(req);
    const page = takePageRequest(query);
    new QueryParams(query).done();
    res.json(presentPage(await users.list(page), presentUser));
  });

  /** The token is in this answer only; it is stored hashed. */
  router.post('/', async (req, res) => {
    const dto = parseDto(CreateUserDto, jsonBody(req));
    const { user, apiToken } = await users.create(dto);
    res.status(201).json({ ...presentUser(user), api_token: apiToken });
  });

  router.get('/:id', async (req, res) => {
    res.json(presentUser(await users.get(param(req, 'id'))));
  });

  router.patch('/:id', async (req, res) => {
    const dto = parseDto(UpdateUserDto, jsonBody(req));
    res.json(presentUser(await users.update(param(req, 'id'), dto, currentUser(res).id)));
  });

  router.post('/:id/api-token', async (req, res) => {
    const { user, apiToken } = await users.rotateToken(param(req, 'id'));
    res.json({ ...presentUser(user), api_token: apiToken });
  });

  return router;
}
