-- CreateTable
CREATE TABLE "OutboxMessage" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "sessionId" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'text',
    "text" TEXT,
    "caption" TEXT,
    "fileName" TEXT,
    "mimeType" TEXT,
    "media" BLOB,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "waMessageId" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "deliveredAt" DATETIME,
    "readAt" DATETIME,
    "failedAt" DATETIME
);

-- CreateTable
CREATE TABLE "MessageEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "messageId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "detail" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MessageEvent_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "OutboxMessage" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OnWhatsAppCheck" (
    "number" TEXT NOT NULL PRIMARY KEY,
    "exists" BOOLEAN NOT NULL,
    "checkedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AdminUser" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL DEFAULT 'admin',
    "passwordHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "AdminSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "AdminUser" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "events" TEXT NOT NULL DEFAULT '*',
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "endpointId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "responseCode" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" DATETIME,
    CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_WhatsAppSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "phoneNumber" TEXT,
    "description" TEXT,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "isDefault" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'disconnected',
    "stateReason" TEXT,
    "linkedNumber" TEXT,
    "lastConnectedAt" DATETIME,
    "lastDisconnectAt" DATETIME,
    "lastDisconnectReason" TEXT,
    "reconnectAttempts" INTEGER NOT NULL DEFAULT 0,
    "heartbeatAt" DATETIME
);
-- OneSender rows carry apiKey/baseUrl (its HTTP gateway) and no sessionId. Keep every row and derive
-- sessionId from the name: lowercase, anything outside [a-z0-9_] becomes "_", runs of "_" collapse,
-- 3-56 chars (room for a "_<n>" suffix). Names too short fall back to session_<n>; a clash gets "_<n>".
-- Duplicate names (OneSender allowed them) get " (<n>)" because name is now unique. Timestamps are
-- rewritten in the adapter's ISO format so ordering and comparisons work on one representation.
INSERT INTO "new_WhatsAppSession" ("id", "name", "sessionId", "phoneNumber", "description", "isActive", "isDefault", "createdAt", "updatedAt")
WITH RECURSIVE "slugChars" ("id", "rest", "slug") AS (
    SELECT "id", lower("name"), '' FROM "WhatsAppSession"
    UNION ALL
    SELECT "id", substr("rest", 2), "slug" || CASE
        WHEN instr('abcdefghijklmnopqrstuvwxyz0123456789_', substr("rest", 1, 1)) > 0 THEN substr("rest", 1, 1)
        ELSE '_' END
    FROM "slugChars" WHERE "rest" <> ''
), "slugged" AS (
    SELECT s."id", s."name", s."createdAt",
        rtrim(substr(trim(replace(replace(replace(replace(replace(replace(c."slug",
            '__', '_'), '__', '_'), '__', '_'), '__', '_'), '__', '_'), '__', '_'), '_'), 1, 56), '_') AS "slug"
    FROM "WhatsAppSession" s JOIN "slugChars" c ON c."id" = s."id" AND c."rest" = ''
), "ranked" AS (
    SELECT "id", "name", "slug",
        row_number() OVER (PARTITION BY "slug" ORDER BY "createdAt", "id") AS "slugRank",
        row_number() OVER (PARTITION BY "name" ORDER BY "createdAt", "id") AS "nameRank",
        row_number() OVER (ORDER BY "createdAt", "id") AS "position"
    FROM "slugged"
), "candidates" AS (
    SELECT "id", "position",
        CASE WHEN length("slug") < 3 THEN 'session_' || "position"
            WHEN "slugRank" = 1 THEN "slug" ELSE "slug" || '_' || "slugRank" END AS "sessionId",
        CASE WHEN "nameRank" = 1 THEN "name" ELSE "name" || ' (' || "nameRank" || ')' END AS "name"
    FROM "ranked"
), "unique_candidates" AS (
    SELECT "id",
        CASE WHEN row_number() OVER (PARTITION BY "sessionId" ORDER BY "position") = 1 THEN "sessionId"
            ELSE 'session_' || "position" || '_' || lower(hex(randomblob(3))) END AS "sessionId",
        CASE WHEN row_number() OVER (PARTITION BY "name" ORDER BY "position") = 1 THEN "name"
            ELSE "name" || ' (' || "id" || ')' END AS "name"
    FROM "candidates"
)
SELECT o."id", u."name", u."sessionId", o."phoneNumber", o."description", o."isActive", o."isDefault",
    CASE WHEN typeof(o."createdAt") IN ('integer', 'real')
        THEN strftime('%Y-%m-%dT%H:%M:%f+00:00', o."createdAt" / 1000.0, 'unixepoch')
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%f+00:00', o."createdAt"), o."createdAt") END,
    CASE WHEN typeof(o."updatedAt") IN ('integer', 'real')
        THEN strftime('%Y-%m-%dT%H:%M:%f+00:00', o."updatedAt" / 1000.0, 'unixepoch')
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%f+00:00', o."updatedAt"), o."updatedAt") END
FROM "WhatsAppSession" o JOIN "unique_candidates" u ON u."id" = o."id";
DROP TABLE "WhatsAppSession";
ALTER TABLE "new_WhatsAppSession" RENAME TO "WhatsAppSession";
CREATE UNIQUE INDEX "WhatsAppSession_name_key" ON "WhatsAppSession"("name");
CREATE UNIQUE INDEX "WhatsAppSession_sessionId_key" ON "WhatsAppSession"("sessionId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- The product runs one WhatsApp number. A unique index cannot express "at most one row" (and a OneSender
-- database keeps its extra rows until `pnpm whatsapp:cleanup`), so a trigger refuses every insert while a
-- row exists. SQLite serialises writers, so two concurrent inserts can never both pass this check.
CREATE TRIGGER "WhatsAppSession_only_one" BEFORE INSERT ON "WhatsAppSession"
WHEN EXISTS (SELECT 1 FROM "WhatsAppSession")
BEGIN
    SELECT RAISE(ABORT, 'only one WhatsApp session may exist');
END;

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_id_key" ON "OutboxMessage"("id");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_idempotencyKey_key" ON "OutboxMessage"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_waMessageId_key" ON "OutboxMessage"("waMessageId");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_seq_idx" ON "OutboxMessage"("status", "nextAttemptAt", "seq");

-- CreateIndex
CREATE INDEX "OutboxMessage_to_sentAt_idx" ON "OutboxMessage"("to", "sentAt");

-- CreateIndex
CREATE INDEX "MessageEvent_messageId_id_idx" ON "MessageEvent"("messageId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "AdminUser_username_key" ON "AdminUser"("username");

-- CreateIndex
CREATE UNIQUE INDEX "AdminSession_tokenHash_key" ON "AdminSession"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

