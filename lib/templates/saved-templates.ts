/** Saved templates in the database. Rows are parsed when read, never trusted. */
import { z } from "zod";
import { Plan } from "../core";
import type { Db } from "../store/database";
import { Template, TemplateParam } from "./template";

type Row = { id: string; name: string; description: string; tags: string[]; params: unknown; body: unknown; basedOnPlanId: string | null; createdAt: Date };

/** Where a row that no longer parses is reported (the server's log); default: the console. */
export type Warn = (message: string) => void;
const consoleWarn: Warn = (message) => console.warn(`[trellis] ${message}`);

function toTemplate(row: Row, warn: Warn): Template | null {
  const plan = Plan.safeParse(row.body);
  const params = z.array(TemplateParam).safeParse(row.params);
  if (!plan.success || !params.success) {
    warn(`saved template ${row.id} no longer parses; it is left out`);
    return null;
  }
  return { id: row.id, name: row.name, description: row.description, source: "saved", tags: row.tags, params: params.data, plan: plan.data, basedOnPlanId: row.basedOnPlanId, createdAt: row.createdAt.toISOString() };
}

export async function listSavedTemplates(db: Db, warn: Warn = consoleWarn): Promise<Template[]> {
  const rows = await db.planTemplate.findMany({ orderBy: { createdAt: "desc" }, take: 500 });
  return rows.map((row) => toTemplate(row, warn)).filter((t): t is Template => t !== null);
}

export async function getSavedTemplate(db: Db, id: string, warn: Warn = consoleWarn): Promise<Template | null> {
  const row = await db.planTemplate.findUnique({ where: { id } });
  return row ? toTemplate(row, warn) : null;
}

/** Ids already taken among those given, in one query. */
export async function takenTemplateIds(db: Db, ids: string[]): Promise<Set<string>> {
  const rows = await db.planTemplate.findMany({ where: { id: { in: ids } }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

export async function insertSavedTemplate(db: Db, t: Template): Promise<Template> {
  const row = await db.planTemplate.create({
    data: { id: t.id, name: t.name, description: t.description, tags: t.tags, params: t.params as object[], body: t.plan as object, basedOnPlanId: t.basedOnPlanId ?? null },
  });
  return toTemplate(row, consoleWarn)!;
}

export async function deleteSavedTemplate(db: Db, id: string): Promise<boolean> {
  const { count } = await db.planTemplate.deleteMany({ where: { id } });
  return count > 0;
}
