-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "partial" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rejected" BOOLEAN NOT NULL DEFAULT false;

-- The runs stored before: their rows are the projection of their events (lib/core run-state.ts outcomePatch).
UPDATE "Run" SET "rejected" = true WHERE EXISTS (SELECT 1 FROM "RunEvent" e WHERE e."runId" = "Run"."id" AND e."type" = 'step.rejected');
UPDATE "Run" SET "partial" = true WHERE EXISTS (
  SELECT 1 FROM "RunEvent" e WHERE e."runId" = "Run"."id" AND (
    (e."type" = 'step.skipped' AND e."data" ? 'cause' AND NOT e."data" ? 'dryRun')
    OR (e."type" = 'step.failed' AND e."data"->>'usedFallback' = 'true')
  )
);
