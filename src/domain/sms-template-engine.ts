import { Liquid, Tag, TokenKind } from 'liquidjs';
import type { Template } from 'liquidjs';
import { RecordModule } from '../../entities/record-module';
import type { ErrorDetail } from '../errors/domain-error';
import { ACCOUNTS, moduleDefinition, variableFields } from './record-modules';

/** One entry of the variable picker. */
export interface TemplateVariable {
  name: string;
  label: string;
}

/** Plain data a template renders from: `{ contact: {...}, account: {...} }`, strings only. */
export type TemplateData = Record<string, Record<string, string>>;

/** A template parsed once and checked; render it as many times as needed. */
export interface CompiledTemplate {
  readonly module: RecordModule;
  readonly parsed: Template[];
  /** The allow-listed variables it reads, e.g. 'contact.first_name' (what a bulk render loads). */
  readonly variables: readonly string[];
  /** Set when the template is only text and plain variables: rendered by concatenation. */
  readonly plain: PlainPart[] | null;
}

/** Text, or a variable `[root, field]` such as ['contact', 'first_name']. */
type PlainPart = string | readonly [string, string];

export type CompileResult =
  { ok: true; template: CompiledTemplate } | { ok: false; errors: ErrorDetail[] };

const FORBIDDEN_TAGS = ['include', 'render', 'layout', 'block'];

/**
 * liquidjs is not a sandbox, so templates only ever see plain objects of allow-listed string
 * fields, cannot touch the file system (include/render/layout are refused at parse time), and run
 * under parse, render-time and memory limits.
 */
function createLiquid(): Liquid {
  const liquid = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    jsTruthy: false,
    templates: {},
    parseLimit: 20_000,
    renderLimit: 200,
    memoryLimit: 1_000_000,
  });
  for (const name of FORBIDDEN_TAGS) {
    liquid.registerTag(
      name,
      class extends Tag {
        constructor(...args: ConstructorParameters<typeof Tag>) {
          super(...args);
          throw new Error(`the '${name}' tag is not allowed in SMS templates`);
        }
        *render(): Generator<unknown, void, unknown> {}
      },
    );
  }
  return liquid;
}

export class SmsTemplateEngine {
  private readonly liquid = createLiquid();

  /** The variable picker's list for a module. Contacts also see their account's fields. */
  variables(module: RecordModule): TemplateVariable[] {
    const own = moduleDefinition(module);
    const list = variableFields(own).map((f) => ({
      name: `${own.variableRoot}.${f.name}`,
      label: f.label,
    }));
    if (module === RecordModule.Contacts) {
      for (const f of variableFields(ACCOUNTS)) {
        list.push({ name: `account.${f.name}`, label: `Account: ${f.label}` });
      }
    }
    return list;
  }

  /** Parses and checks a template body: Liquid syntax first, then every variable it reads. */
  compile(body: string, module: RecordModule, field = 'body'): CompileResult {
    let parsed: Template[];
    try {
      parsed = this.liquid.parse(body);
    } catch (error) {
      return { ok: false, errors: [{ field, message: describeLiquidError(error) }] };
    }
    const allowed = new Set(this.variables(module).map((v) => v.name));
    const used = new Set<string>();
    const errors: ErrorDetail[] = [];
    let analysis;
    try {
      analysis = this.liquid.analyzeSync(parsed, { partials: false });
    } catch (error) {
      return { ok: false, errors: [{ field, message: describeLiquidError(error) }] };
    }
    for (const variables of Object.values(analysis.globals)) {
      for (const variable of variables) {
        const path = variable.segments;
        const where = `line ${variable.location.row}, column ${variable.location.col}`;
        const name = path.every((s) => typeof s === 'string') ? path.join('.') : String(variable);
        if (path.length === 2 && allowed.has(name)) {
          used.add(name);
          continue;
        }
        const hint =
          path.length === 1 && (name === 'contact' || name === 'account')
            ? ` (pick a field such as ${name}.${name === 'contact' ? 'first_name' : 'name'})`
            : '';
        errors.push({
          field,
          message: `unknown variable '${name}' at ${where}${hint}; available for ${module}: see /api/sms-templates/variables?module=${module}`,
        });
      }
    }
    if (errors.length > 0) {
      return { ok: false, errors };
    }
    return {
      ok: true,
      template: { module, parsed, variables: [...used], plain: plainParts(parsed) },
    };
  }

  /** Renders a compiled template over plain data (see buildTemplateData). */
  render(template: CompiledTemplate, data: TemplateData): string {
    if (template.plain) {
      const text = renderPlain(template.plain, data);
      if (text !== null) {
        return text;
      }
    }
    return this.liquid.renderSync(template.parsed, data) as string;
  }
}

/** `{{ contact.first_name }}` with no filter: what the variable picker inserts. */
const PLAIN_VARIABLE = /^\s*([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*$/;

/**
 * Most SMS templates are text and picked variables. Rendering those through liquidjs costs
 * about 7 µs a message (a campaign of a million: 7 s of CPU); concatenating the same parts
 * gives the same text (the values are strings, output unescaped, as liquidjs does with these
 * options) — test/unit/sms-template-engine.test.ts renders both ways and compares. Anything
 * else (a filter, a tag) goes through liquidjs.
 */
function plainParts(parsed: Template[]): PlainPart[] | null {
  const parts: PlainPart[] = [];
  for (const template of parsed) {
    // Every parsed template (liquidjs's TemplateImpl) carries its token; the Template
    // interface does not declare it.
    const token = (
      template as unknown as { token: { kind: number; content?: string; getContent(): string } }
    ).token;
    if (token.kind === TokenKind.HTML) {
      parts.push(token.getContent());
      continue;
    }
    const variable =
      token.kind === TokenKind.Output ? PLAIN_VARIABLE.exec(token.content ?? '') : null;
    if (!variable) {
      return null;
    }
    parts.push([variable[1], variable[2]]);
  }
  return parts;
}

/** Null when a value is missing or not a string: liquidjs then renders (and reports) it. */
function renderPlain(parts: PlainPart[], data: TemplateData): string | null {
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const scope = Object.prototype.hasOwnProperty.call(data, part[0]) ? data[part[0]] : undefined;
    const value =
      scope && Object.prototype.hasOwnProperty.call(scope, part[1]) ? scope[part[1]] : undefined;
    if (typeof value !== 'string') {
      return null;
    }
    text += value;
  }
  return text;
}

/** Builds the plain data for one record: only allow-listed fields, nulls as empty strings. */
export function buildTemplateData(
  module: RecordModule,
  record: object,
  account?: object | null,
): TemplateData {
  const data: TemplateData = {};
  const own = moduleDefinition(module);
  data[own.variableRoot] = pickStrings(
    record,
    variableFields(own).map((f) => f.name),
  );
  if (module === RecordModule.Contacts) {
    data.account = pickStrings(
      account ?? {},
      variableFields(ACCOUNTS).map((f) => f.name),
    );
  }
  return data;
}

function pickStrings(source: object, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = source as Record<string, unknown>;
  for (const name of names) {
    // Own properties only: a template must never reach the prototype chain.
    const value = Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : null;
    out[name] = value == null ? '' : String(value);
  }
  return out;
}

const SYNTAX_ERRORS = new Set(['ParseError', 'TokenizationError']);

export function describeLiquidError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // liquidjs appends ", line:1, col:5" to parse errors; say it the way a person reads it.
  const where = /line:(\d+), col:(\d+)/.exec(message);
  const head = message.split(', line:')[0].replace(/^\w+Error: /, '');
  const name = error instanceof Error ? error.name : '';
  const kind = SYNTAX_ERRORS.has(name) ? 'Liquid syntax error' : 'Liquid error';
  return where ? `${kind} at line ${where[1]}, column ${where[2]}: ${head}` : head;
}
