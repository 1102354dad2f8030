-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "slug" TEXT,
ADD COLUMN     "published" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "parentRunId" TEXT,
ADD COLUMN     "parentStepId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Plan_slug_key" ON "Plan"("slug");

-- CreateIndex
CREATE INDEX "Run_parentRunId_parentStepId_idx" ON "Run"("parentRunId", "parentStepId");
