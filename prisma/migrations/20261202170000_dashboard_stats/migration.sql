-- CreateIndex
CREATE INDEX "OutboxMessage_sentAt_deliveredAt_idx" ON "OutboxMessage"("sentAt", "deliveredAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_deliveredAt_sentAt_idx" ON "OutboxMessage"("deliveredAt", "sentAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_readAt_idx" ON "OutboxMessage"("readAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_failedAt_idx" ON "OutboxMessage"("failedAt");

