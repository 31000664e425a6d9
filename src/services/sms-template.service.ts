import type { DataSource } from 'typeorm';
import { newId } from '../../entities/columns';
import type { RecordModule } from '../../entities/record-module';
import { SmsTemplate } from '../../entities/sms-template.entity';
import { SmsTemplateEngine } from '../domain/sms-template-engine';
import type { CompiledTemplate } from '../domain/sms-template-engine';
import { notFound, validationFailed } from '../errors/domain-error';
import { definedOnly } from './defined-only';
import { likeContains } from './record-filter';
import { offsetOf } from './pagination';
import type { Page, PageRequest } from './pagination';

export interface TemplateInput {
  name: string;
  module: RecordModule;
  body: string;
}

export class SmsTemplateService {
  constructor(
    private readonly dataSource: DataSource,
    readonly engine: SmsTemplateEngine = new SmsTemplateEngine(),
  ) {}

  private get repo() {
    return this.dataSource.getRepository(SmsTemplate);
  }

  /** Parses and checks a body for a module; throws validation_failed with where it went wrong. */
  compile(body: string, module: RecordModule, field = 'body'): CompiledTemplate {
    const result = this.engine.compile(body, module, field);
    if (!result.ok) {
      throw validationFailed(result.errors);
    }
    return result.template;
  }

  async create(input: TemplateInput, userId: string | null): Promise<SmsTemplate> {
    this.compile(input.body, input.module);
    const now = new Date();
    const template = this.repo.create({
      id: newId(),
      name: input.name.trim(),
      module: input.module,
      body: input.body,
      created_by_user_id: userId,
      created_at: now,
      updated_at: now,
    });
    await this.repo.insert(template);
    return this.get(template.id);
  }

  async get(id: string): Promise<SmsTemplate> {
    const template = await this.repo.findOne({ where: { id } });
    if (!template) {
      throw notFound('SMS template', id);
    }
    return template;
  }

  async list(
    filter: { module?: RecordModule; q?: string },
    page: PageRequest,
  ): Promise<Page<SmsTemplate>> {
    const query = this.repo.createQueryBuilder('t');
    if (filter.module) {
      query.andWhere('t.module = :module', { module: filter.module });
    }
    if (filter.q) {
      query.andWhere("t.name LIKE :q ESCAPE '!'", { q: likeContains(filter.q) });
    }
    const [data, total] = await query
      .orderBy('t.name', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .skip(offsetOf(page))
      .take(page.per_page)
      .getManyAndCount();
    return { data, total, ...page };
  }

  async update(id: string, changes: Partial<TemplateInput>): Promise<SmsTemplate> {
    const current = await this.get(id);
    const given = definedOnly(changes);
    const next = { ...current, ...given };
    if (given.body !== undefined || given.module !== undefined) {
      this.compile(next.body, next.module);
    }
    await this.repo.update(
      { id },
      {
        name: next.name.trim(),
        module: next.module,
        body: next.body,
        updated_at: new Date(),
      },
    );
    return this.get(id);
  }

  /** Soft delete: messages and campaigns made from it keep their template_id. */
  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.repo.softDelete({ id });
  }
}
