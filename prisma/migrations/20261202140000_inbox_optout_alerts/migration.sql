-- AlterTable
ALTER TABLE "InboundMessage" ADD COLUMN "readAt" DATETIME;

-- CreateTable
CREATE TABLE "OptOut" (
    "phone" TEXT NOT NULL PRIMARY KEY,
    "source" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AutoReply" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "keyword" TEXT NOT NULL,
    "reply" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AutoReplySent" (
    "phone" TEXT NOT NULL,
    "keyword" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,

    PRIMARY KEY ("phone", "keyword")
);

-- CreateIndex
CREATE UNIQUE INDEX "AutoReply_keyword_key" ON "AutoReply"("keyword");

