/**
 * Templates registered in code. The built-in ones are registered on load; an extension
 * registers its own with `templateRegistry.register(defineTemplate({...}))` before the
 * server handles requests. Saved templates live in the database, not here.
 */
import { builtinTemplates } from "./builtin";
import type { Template } from "./template";

export class TemplateRegistry {
  private readonly byId = new Map<string, Template>();

  constructor(templates: Iterable<Template> = []) {
    for (const t of templates) this.register(t);
  }

  register(template: Template): this {
    if (this.byId.has(template.id)) throw new Error(`a template "${template.id}" is already registered`);
    this.byId.set(template.id, template);
    return this;
  }

  get(id: string): Template | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): Template[] {
    return [...this.byId.values()];
  }
}

export const templateRegistry = new TemplateRegistry(builtinTemplates);
