-- Issue 12: transient failures counted against a limit, and holds of one cold recipient (463).
ALTER TABLE "OutboxMessage" ADD COLUMN "failedAttempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "OutboxMessage" ADD COLUMN "heldAt" DATETIME;
ALTER TABLE "OutboxMessage" ADD COLUMN "holdLink" TEXT;
