-- AlterTable
ALTER TABLE "WhatsAppSession" ADD COLUMN "lastDisconnectCode" TEXT;

