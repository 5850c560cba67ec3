-- CreateTable
CREATE TABLE "InboundMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "waMessageId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "fromPhone" TEXT,
    "fromLid" TEXT,
    "type" TEXT NOT NULL,
    "text" TEXT,
    "caption" TEXT,
    "mimeType" TEXT,
    "receivedAt" DATETIME NOT NULL,
    "isOffline" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_waMessageId_key" ON "InboundMessage"("waMessageId");

-- CreateIndex
CREATE INDEX "InboundMessage_receivedAt_idx" ON "InboundMessage"("receivedAt");

-- CreateIndex
CREATE INDEX "InboundMessage_fromPhone_receivedAt_idx" ON "InboundMessage"("fromPhone", "receivedAt");

