-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "createdBy" TEXT;

-- AlterTable
ALTER TABLE "PlanVersion" ADD COLUMN     "createdBy" TEXT;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "startedBy" TEXT;

