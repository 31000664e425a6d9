import { existsSync } from 'node:fs';
import path from 'node:path';
import { Liquid } from 'liquidjs';

/** Where views/ and public/ are: from src/web when run from sources, from dist/src/web when built. */
export function projectPath(...parts: string[]): string {
  const fromSource = path.resolve(__dirname, '../..');
  const root = existsSync(path.join(fromSource, 'views'))
    ? fromSource
    : path.resolve(__dirname, '../../..');
  return path.join(root, ...parts);
}

function viewsRoot(): string {
  return projectPath('views');
}

/**
 * The Liquid engine for pages. Unlike SMS templates (plain text), every output is HTML-escaped
 * by default (`outputEscape: 'escape'`); a view must say `| raw` to opt out, and none does for
 * user data.
 */
export function createViewEngine(cache: boolean): Liquid {
  const liquid = new Liquid({
    root: [viewsRoot()],
    extname: '.liquid',
    outputEscape: 'escape',
    cache,
    strictFilters: true,
    jsTruthy: true,
  });
  liquid.registerFilter('datetime', (value: unknown) => {
    if (!value) {
      return '';
    }
    const date = value instanceof Date ? value : new Date(String(value));
    return Number.isNaN(date.getTime())
      ? ''
      : date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  });
  liquid.registerFilter('datetime_local', (value: unknown) => {
    if (!value) {
      return '';
    }
    const date = value instanceof Date ? value : new Date(String(value));
    return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 16);
  });
  liquid.registerFilter('status_label', (value: unknown) => STATUS_LABELS[String(value)] ?? value);
  return liquid;
}

export const STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  send_sms: 'Send SMS',
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  undelivered: 'Undelivered',
  failed: 'Failed',
  expired: 'Expired',
  cancelled: 'Cancelled',
  generate_all: 'Generate all SMS Messages',
  generating: 'Generating',
  in_progress: 'In progress',
  completed: 'Completed',
};
