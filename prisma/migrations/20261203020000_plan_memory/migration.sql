-- CreateTable
CREATE TABLE "ForgottenPlan" (
    "id" TEXT NOT NULL,
    "accountId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ForgottenPlan_pkey" PRIMARY KEY ("id")
);

