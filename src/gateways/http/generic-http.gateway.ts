import { Liquid } from 'liquidjs';
import type { Template } from 'liquidjs';
import type { DescribableGateway, GatewayDescription } from '../gateway-support';
import { errorForHttpStatus, isRecord, parseJson, publicUrl } from '../gateway-support';
import type { HttpClient } from '../http-client';
import { classifyNetworkError, createHttpClient, parseRetryAfter } from '../http-client';
import type { OutboundSms, SendResult, SmsGateway } from '../sms-gateway';
import { GatewayError } from '../sms-gateway';

export const GENERIC_HTTP_METHODS = ['POST', 'GET', 'PUT'] as const;
export type GenericHttpMethod = (typeof GENERIC_HTTP_METHODS)[number];

export const GENERIC_HTTP_CONTENT_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
] as const;
export type GenericHttpContentType = (typeof GENERIC_HTTP_CONTENT_TYPES)[number];

/** The variables a body template can use. */
export const GENERIC_HTTP_TEMPLATE_VARIABLES = [
  'to',
  'to_without_plus',
  'body',
  'message_id',
  'idempotency_key',
  'encoding',
  'segments',
] as const;

export interface GenericHttpGatewayOptions {
  url: string;
  method: GenericHttpMethod;
  headers: Record<string, string>;
  /**
   * Liquid template of the request body (for GET: of the query string), over the variables in
   * GENERIC_HTTP_TEMPLATE_VARIABLES. Values are escaped for the content type BEFORE rendering,
   * so write `{"text": "{{ body }}"}` or `text={{ body }}` and never add `| json` or
   * `| url_encode` (that would escape twice).
   */
  bodyTemplate: string;
  contentType: GenericHttpContentType;
  /** Dot path to the provider's message id in the JSON answer, e.g. 'messages.0.message-id'.
   *  Without it, our own message id stands in for the provider's. */
  messageIdPath?: string;
  /** Dot path to a per-message status in the JSON answer, e.g. 'messages.0.status'. */
  successPath?: string;
  /** Values at successPath that mean "accepted" (compared as strings), e.g. ['0']. */
  successValues?: string[];
  /** Values at successPath that mean "not taken, retry later" (e.g. Vonage throttled '1'). */
  retryValues?: string[];
  timeoutMs: number;
}

type TemplateData = Record<(typeof GENERIC_HTTP_TEMPLATE_VARIABLES)[number], string | number>;

// Used once at construction to prove the template renders, and renders valid JSON when it must.
const SAMPLE: OutboundSms = {
  messageId: 'sample-id',
  to: '+33612345678',
  body: 'Sample "quoted" text \\ with\nnew line, é, € & = + %',
  encoding: 'UCS-2',
  segments: 1,
  idempotencyKey: 'sampleKey1',
};

/**
 * A gateway for any HTTP SMS API described by configuration: the request is a Liquid template,
 * and the answer is read through dot paths. Built for APIs like Vonage's that answer HTTP 200
 * even when they refuse a message, so success is read from the body.
 */
export class GenericHttpGateway implements SmsGateway, DescribableGateway {
  readonly name = 'http';
  private readonly http: HttpClient;
  private readonly liquid: Liquid;
  private readonly template: Template[];
  private readonly escape: (value: string) => string;

  constructor(private readonly options: GenericHttpGatewayOptions) {
    checkOptions(options);
    this.escape = escaperFor(options.contentType);
    this.liquid = new Liquid({
      strictVariables: true,
      strictFilters: true,
      ownPropertyOnly: true,
      // No file-system root: include/render/layout find nothing.
      templates: {},
      parseLimit: 20_000,
      renderLimit: 200,
      memoryLimit: 1_000_000,
    });
    this.template = this.parseTemplate(options.bodyTemplate);
    this.checkTemplate();
    this.http = createHttpClient({
      baseURL: options.url,
      timeoutMs: options.timeoutMs,
      headers: options.headers,
    });
  }

  async send(sms: OutboundSms): Promise<SendResult> {
    let rendered: string;
    try {
      rendered = this.render(sms);
    } catch (error) {
      throw new GatewayError('permanent', 'template_error', `http gateway: ${liquidReason(error)}`);
    }
    const { method, url, contentType } = this.options;
    let response;
    try {
      response =
        method === 'GET'
          ? await this.http.axios.get<string>(`${url}${url.includes('?') ? '&' : '?'}${rendered}`)
          : await this.http.axios.request<string>({
              method,
              url,
              data: rendered,
              headers: { 'Content-Type': contentType },
            });
    } catch (error) {
      throw classifyNetworkError(error, this.name);
    }
    const body = parseJson(response.data);
    const status = response.status;
    const verdict = this.options.successPath ? readPath(body, this.options.successPath) : undefined;
    const value = verdict === undefined || verdict === null ? undefined : String(verdict);
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);

    if (status < 200 || status >= 300) {
      if (value !== undefined && this.options.retryValues?.includes(value)) {
        throw this.refusal('transient', status, value, retryAfterMs);
      }
      throw errorForHttpStatus('http gateway', status, { code: value, retryAfterMs });
    }
    if (this.options.successPath) {
      if (value === undefined) {
        throw new GatewayError(
          'unknown',
          'malformed_response',
          `http gateway answered HTTP ${status} without a value at '${this.options.successPath}'; the message may have been sent`,
          { httpStatus: status },
        );
      }
      if (this.options.retryValues?.includes(value)) {
        throw this.refusal('transient', status, value, retryAfterMs);
      }
      if (!this.options.successValues?.includes(value)) {
        throw this.refusal('permanent', status, value, undefined);
      }
    }
    if (!this.options.messageIdPath) {
      return { providerMessageId: sms.messageId };
    }
    const id = readPath(body, this.options.messageIdPath);
    if (typeof id === 'string' || typeof id === 'number') {
      return { providerMessageId: String(id), providerStatus: value };
    }
    throw new GatewayError(
      'unknown',
      'missing_message_id',
      `http gateway answered HTTP ${status} without a message id at '${this.options.messageIdPath}'; the message may have been sent`,
      { httpStatus: status },
    );
  }

  async close(): Promise<void> {
    this.http.close();
  }

  describe(): GatewayDescription {
    return { name: this.name, baseUrl: publicUrl(this.options.url), sender: null };
  }

  private refusal(
    kind: 'permanent' | 'transient',
    status: number,
    value: string,
    retryAfterMs: number | undefined,
  ): GatewayError {
    return new GatewayError(
      kind,
      value,
      `http gateway answered HTTP ${status} with '${value}' at '${this.options.successPath}'`,
      { httpStatus: status, retryAfterMs },
    );
  }

  private render(sms: OutboundSms): string {
    const data: TemplateData = {
      to: this.escape(sms.to),
      to_without_plus: this.escape(sms.to.replace(/^\+/, '')),
      body: this.escape(sms.body),
      message_id: this.escape(sms.messageId),
      idempotency_key: this.escape(sms.idempotencyKey),
      encoding: this.escape(sms.encoding),
      segments: sms.segments,
    };
    return String(this.liquid.renderSync(this.template, data));
  }

  private parseTemplate(source: string): Template[] {
    try {
      return this.liquid.parse(source);
    } catch (error) {
      // Only the position: liquidjs quotes the template, which may hold an API key.
      // eslint-disable-next-line preserve-caught-error -- the cause would quote the template
      throw new Error(
        `GenericHttpGateway: bodyTemplate is not valid Liquid (${liquidReason(error)})`,
      );
    }
  }

  private checkTemplate(): void {
    const allowed = new Set<string>(GENERIC_HTTP_TEMPLATE_VARIABLES);
    const analysis = this.liquid.analyzeSync(this.template, { partials: false });
    for (const name of Object.keys(analysis.globals)) {
      if (!allowed.has(name)) {
        throw new Error(
          `GenericHttpGateway: bodyTemplate uses unknown variable '${name}' (available: ${GENERIC_HTTP_TEMPLATE_VARIABLES.join(', ')})`,
        );
      }
    }
    let rendered: string;
    try {
      rendered = this.render(SAMPLE);
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error -- the cause would quote the template
      throw new Error(`GenericHttpGateway: bodyTemplate does not render (${liquidReason(error)})`);
    }
    if (this.options.contentType === 'application/json' && parseJson(rendered) === null) {
      throw new Error(
        'GenericHttpGateway: bodyTemplate does not render valid JSON (values are inserted ' +
          'already escaped: put string variables inside quotes, e.g. "text": "{{ body }}")',
      );
    }
  }
}

function checkOptions(options: GenericHttpGatewayOptions): void {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new Error('GenericHttpGateway: url is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`GenericHttpGateway: url must be http(s), not ${url.protocol}`);
  }
  if (!GENERIC_HTTP_METHODS.includes(options.method)) {
    throw new Error(
      `GenericHttpGateway: method '${String(options.method)}' must be one of ${GENERIC_HTTP_METHODS.join(', ')}`,
    );
  }
  if (!GENERIC_HTTP_CONTENT_TYPES.includes(options.contentType)) {
    throw new Error(
      `GenericHttpGateway: contentType '${String(options.contentType)}' must be one of ${GENERIC_HTTP_CONTENT_TYPES.join(', ')}`,
    );
  }
  if (options.method === 'GET' && options.contentType !== 'application/x-www-form-urlencoded') {
    throw new Error(
      'GenericHttpGateway: a GET sends the rendered template as the query string; use contentType application/x-www-form-urlencoded',
    );
  }
  if (options.successPath && !options.successValues?.length) {
    throw new Error('GenericHttpGateway: successPath needs successValues (e.g. ["0"])');
  }
  if (!options.successPath && options.retryValues?.length) {
    throw new Error('GenericHttpGateway: retryValues need a successPath to read them from');
  }
}

function escaperFor(contentType: GenericHttpContentType): (value: string) => string {
  switch (contentType) {
    case 'application/json':
      // The inside of a JSON string: quotes, backslashes and control characters escaped.
      return (value) => JSON.stringify(value).slice(1, -1);
    case 'application/x-www-form-urlencoded':
      return (value) => encodeURIComponent(value);
    case 'text/plain':
      return (value) => value;
  }
}

/** Follows a dot path through objects (own properties only) and arrays (numeric segments). */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      current = current[Number(segment)];
    } else if (isRecord(current) && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = current[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/** The reason of a liquidjs error without the template excerpt it may quote. */
function liquidReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const where = /line:(\d+), col:(\d+)/.exec(message);
  const position = where ? ` at line ${where[1]}, column ${where[2]}` : '';
  if (/^undefined (variable|filter): [\w.-]+/.test(message)) {
    return `${message.split(',')[0]}${position}`;
  }
  if (message.includes('ENOENT')) {
    return `include, render and layout are not available${position}`;
  }
  return `syntax error${position}`;
}
