-- AlterTable
ALTER TABLE "MessageEvent" ADD COLUMN "code" TEXT;
ALTER TABLE "MessageEvent" ADD COLUMN "params" TEXT;

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "lastErrorCode" TEXT;
ALTER TABLE "OutboxMessage" ADD COLUMN "lastErrorParams" TEXT;

