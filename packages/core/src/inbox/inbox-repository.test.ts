import { afterEach, expect, it } from "vitest";
import { createTestDatabase, describeOnEachEngine, type TestDatabase } from "../../test/outbox-database.js";
import type { IncomingMessage } from "../whatsapp/port.js";
import { createInboundRepository } from "./inbound-repository.js";
import { createInboxRepository } from "./inbox-repository.js";

function incoming(messageId: string, from: string | null, at: string, text: string): IncomingMessage {
  return {
    sessionId: "panitia_lari",
    messageId,
    from,
    fromLid: from === null ? "123456789012345" : null,
    type: "text",
    text,
    caption: null,
    mimeType: null,
    at: new Date(at),
    isOffline: false,
  };
}

describeOnEachEngine("inbox in the database", {}, (engine) => {
  let database: TestDatabase;
  afterEach(async () => {
    await database.close();
  });

  it("stores a message once, lists contacts with unread counts (a LID-only sender under the LID), and marks read", async () => {
    database = await createTestDatabase("kabar-inbox-", engine);
    const inbound = createInboundRepository(database.db);
    const inbox = createInboxRepository(database.db);
    expect(
      await inbound.storeOnce(incoming("W1", "6281200000001", "2026-12-02T01:00:00.000Z", "halo")),
    ).not.toBeNull();
    // the same WhatsApp id flushed again after a reconnect is the same message
    expect(
      await inbound.storeOnce(incoming("W1", "6281200000001", "2026-12-02T01:00:00.000Z", "halo")),
    ).toBeNull();
    await inbound.storeOnce(incoming("W2", "6281200000001", "2026-12-02T02:00:00.000Z", "jam berapa?"));
    await inbound.storeOnce(incoming("W3", null, "2026-12-02T03:00:00.000Z", "dari LID"));

    const contacts = await inbox.contacts();
    expect(
      contacts.map((contact) => [
        contact.phone,
        contact.isLid,
        contact.messageCount,
        contact.unread,
        contact.lastMessage.text,
      ]),
    ).toEqual([
      ["123456789012345", true, 1, 1, "dari LID"],
      ["6281200000001", false, 2, 2, "jam berapa?"],
    ]);
    const thread = await inbox.thread("6281200000001", 10);
    expect(thread.map((entry) => [entry.direction, entry.at])).toEqual([
      ["in", "2026-12-02T01:00:00.000Z"],
      ["in", "2026-12-02T02:00:00.000Z"],
    ]);

    expect(await inbox.markRead("6281200000001", new Date("2026-12-02T04:00:00.000Z"))).toBe(2);
    expect(await inbox.markRead("6281200000001", new Date())).toBe(0);
    expect((await inbox.contacts()).map((contact) => contact.unread)).toEqual([1, 0]);
  });
});
