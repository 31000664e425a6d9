import { Router } from 'express';
import type { WebContext } from '../web-app';

/** Admin pages (to be built). */
export function adminPages(_ctx: WebContext): Router {
  return Router();
}
