-- CreateTable
CREATE TABLE "Broadcast" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "columns" TEXT NOT NULL,
    "phoneColumn" TEXT NOT NULL,
    "scheduledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "BroadcastRow" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "broadcastId" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    "phone" TEXT,
    "text" TEXT,
    "status" TEXT NOT NULL,
    "outboxMessageId" TEXT,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "BroadcastRow_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Broadcast_status_scheduledAt_idx" ON "Broadcast"("status", "scheduledAt");

-- CreateIndex
CREATE INDEX "BroadcastRow_broadcastId_line_idx" ON "BroadcastRow"("broadcastId", "line");

-- CreateIndex
CREATE INDEX "BroadcastRow_broadcastId_status_line_idx" ON "BroadcastRow"("broadcastId", "status", "line");

-- CreateIndex
CREATE INDEX "BroadcastRow_broadcastId_phone_idx" ON "BroadcastRow"("broadcastId", "phone");

-- CreateIndex
CREATE INDEX "BroadcastRow_outboxMessageId_idx" ON "BroadcastRow"("outboxMessageId");

