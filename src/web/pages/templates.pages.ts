import { Router } from 'express';
import type { WebContext } from '../web-app';

/** Templates pages (to be built). */
export function templatesPages(_ctx: WebContext): Router {
  return Router();
}
