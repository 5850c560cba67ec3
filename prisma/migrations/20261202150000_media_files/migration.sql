-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "mediaSha256" TEXT;
ALTER TABLE "OutboxMessage" ADD COLUMN "mediaSize" INTEGER;

-- CreateIndex
CREATE INDEX "OutboxMessage_mediaSha256_idx" ON "OutboxMessage"("mediaSha256");

