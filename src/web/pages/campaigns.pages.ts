import { Router } from 'express';
import type { WebContext } from '../web-app';

/** Campaigns pages (to be built). */
export function campaignsPages(_ctx: WebContext): Router {
  return Router();
}
