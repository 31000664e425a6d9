import { Router } from 'express';
import { Permission } from '../auth/permissions';
import type { TestSendService } from '../services/test-send.service';
import { currentUser, requirePermission } from './auth.middleware';
import { TestSendDto } from './dtos/sms-message.dto';
import { presentMessage } from './presenters';
import { jsonBody, parseDto } from './validate';

/**
 * POST /api/sms-test: sends at once and answers with the outcome (status sent or failed with
 * the provider's error). Marketers and admins only: it reaches any number, without consent.
 */
export function smsTestRoutes(testSends: TestSendService): Router {
  const router = Router();
  router.post('/', requirePermission(Permission.ManageTemplates), async (req, res) => {
    const dto = parseDto(TestSendDto, jsonBody(req));
    const message = await testSends.send(dto, currentUser(res).id);
    res.status(201).json(presentMessage(message));
  });
  return router;
}
