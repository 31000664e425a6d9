import type { Router } from 'express';
import type { WebContext } from '../web-app';
import { adminPages } from './admin.pages';
import { campaignsPages } from './campaigns.pages';
import { messagesPages } from './messages.pages';
import { recordPages } from './records.pages';
import { templatesPages } from './templates.pages';

/** Every page router after sign-in, one file per area. */
export function pageRouters(ctx: WebContext): Router[] {
  return [
    recordPages(ctx),
    messagesPages(ctx),
    templatesPages(ctx),
    campaignsPages(ctx),
    adminPages(ctx),
  ];
}
