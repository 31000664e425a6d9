import type { Router } from 'express';
import type { WebContext } from '../web-app';
import { recordPages } from './records.pages';

/**
 * Every page router after sign-in. Each area has its own file; add new ones here.
 */
export function pageRouters(ctx: WebContext): Router[] {
  return [recordPages(ctx)];
}
