import { Router } from 'express';
import type { WebContext } from '../web-app';

/** Messages pages (to be built). */
export function messagesPages(_ctx: WebContext): Router {
  return Router();
}
