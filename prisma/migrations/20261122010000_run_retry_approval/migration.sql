-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "retryOfId" TEXT;

-- AlterTable
ALTER TABLE "StepRun" ADD COLUMN     "approval" JSONB,
ADD COLUMN     "reusedFromRunId" TEXT;

