import type { DataSource } from 'typeorm';
import { Account } from '../../entities/account.entity';
import type { Contact } from '../../entities/contact.entity';
import { RecordModule } from '../../entities/record-module';
import { countSegments } from '../domain/sms-segments';
import type { SegmentCount } from '../domain/sms-segments';
import { ACCOUNTS, moduleDefinition, variableFields } from '../domain/record-modules';
import type { RecordModuleDefinition } from '../domain/record-modules';
import { buildTemplateData, describeLiquidError } from '../domain/sms-template-engine';
import { fieldError, validationFailed } from '../errors/domain-error';
import type { CrmRecord } from './record.service';
import type { SmsTemplateService } from './sms-template.service';

export interface ComposeInput {
  body?: string;
  template_id?: string;
}

export interface ComposedSms {
  text: string;
  template_id: string | null;
  count: SegmentCount;
}

/**
 * Turns a body or a template into the text one record will receive. A typed body is Liquid too,
 * so a template's text edited in the message form keeps its variables.
 */
export class SmsComposer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly templates: SmsTemplateService,
  ) {}

  /**
   * Renders for a record, or — for "send as test" to a typed number — for a sample record whose
   * fields read as their labels (`[First name]`), so the layout can be checked.
   */
  async compose(
    module: RecordModule,
    record: CrmRecord | null,
    input: ComposeInput,
  ): Promise<ComposedSms> {
    let source: string;
    let field: string;
    let templateId: string | null = null;
    if (input.template_id !== undefined) {
      const template = await this.templates.get(input.template_id).catch(() => {
        throw fieldError('template_id', `SMS template '${input.template_id}' does not exist`);
      });
      if (template.module !== module) {
        throw fieldError(
          'template_id',
          `SMS template '${template.name}' is for ${template.module}, not ${module}`,
        );
      }
      templateId = template.id;
      source = template.body;
      field = 'template_id';
    } else {
      source = '';
      field = 'body';
    }
    if (input.body !== undefined && input.body.trim() !== '') {
      source = input.body;
      field = 'body';
    }
    if (source.trim() === '') {
      throw validationFailed([
        { field: 'body', message: 'a message text (body) or a template (template_id) is required' },
      ]);
    }
    const compiled = this.templates.compile(source, module, field);
    const data = record ? await this.recordData(module, record) : sampleTemplateData(module);
    let text: string;
    try {
      text = this.templates.engine.render(compiled, data);
    } catch (error) {
      throw fieldError(field, describeLiquidError(error));
    }
    if (text.trim() === '') {
      throw fieldError(field, 'the message is empty once rendered for this record');
    }
    return { text, template_id: templateId, count: countSegments(text) };
  }

  private async recordData(module: RecordModule, record: CrmRecord) {
    const account =
      module === RecordModule.Contacts && (record as Contact).account_id
        ? await this.dataSource
            .getRepository(Account)
            .findOne({ where: { id: (record as Contact).account_id as string } })
        : null;
    return buildTemplateData(module, record, account);
  }
}

/** Template data whose every field reads as its label, e.g. `[First name]`. */
export function sampleTemplateData(module: RecordModule) {
  const labelled = (def: RecordModuleDefinition) =>
    Object.fromEntries(variableFields(def).map((f) => [f.name, `[${f.label}]`]));
  return buildTemplateData(
    module,
    labelled(moduleDefinition(module)),
    module === RecordModule.Contacts ? labelled(ACCOUNTS) : null,
  );
}
