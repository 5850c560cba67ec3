import type { BinaryNode, WAMessage } from "@whiskeysockets/baileys";
import { describe, expect, it } from "vitest";
import { StanzaDirectory, toIncoming } from "./incoming-messages.js";

const LID = "123456789012345";
const PHONE = "6281277770003";

function textFrom(remoteJid: string, id: string, text = "halo"): WAMessage {
  return {
    key: { remoteJid, fromMe: false, id },
    message: { conversation: text },
    messageTimestamp: 1_780_000_000,
  };
}

function stanza(attrs: Record<string, string>): BinaryNode {
  return { tag: "message", attrs };
}

describe("toIncoming: who sent it", () => {
  it("takes the phone number from sender_pn when the chat is addressed by LID", () => {
    const directory = new StanzaDirectory();
    directory.learn(stanza({ id: "A1", from: `${LID}@lid`, sender_pn: `${PHONE}@s.whatsapp.net` }));
    expect(toIncoming(textFrom(`${LID}@lid`, "A1"), directory, "s")).toMatchObject({
      from: PHONE,
      fromLid: LID,
      type: "text",
      text: "halo",
      isOffline: false,
    });
  });

  it("remembers a LID's number for its later messages, and flags what came offline", () => {
    const directory = new StanzaDirectory();
    directory.learn(stanza({ id: "A1", from: `${LID}@lid`, sender_pn: `${PHONE}@s.whatsapp.net` }));
    directory.learn(stanza({ id: "A2", from: `${LID}@lid`, offline: "1" }));
    expect(toIncoming(textFrom(`${LID}@lid`, "A2"), directory, "s")).toMatchObject({
      from: PHONE,
      fromLid: LID,
      isOffline: true,
    });
  });

  it("never reports a LID as a phone number: unmapped, the number is null", () => {
    const directory = new StanzaDirectory();
    directory.learn(stanza({ id: "B1", from: `${LID}@lid` }));
    expect(toIncoming(textFrom(`${LID}@lid`, "B1"), directory, "s")).toMatchObject({
      from: null,
      fromLid: LID,
    });
  });

  it("reports a phone-addressed sender as it is, and skips own, group and undecrypted messages", () => {
    const directory = new StanzaDirectory();
    expect(toIncoming(textFrom(`${PHONE}@s.whatsapp.net`, "C1"), directory, "s")).toMatchObject({
      from: PHONE,
      fromLid: null,
    });
    const own = textFrom(`${PHONE}@s.whatsapp.net`, "C2");
    own.key.fromMe = true;
    expect(toIncoming(own, directory, "s")).toBeNull();
    expect(toIncoming(textFrom("120363000000000000@g.us", "C3"), directory, "s")).toBeNull();
    const undecrypted: WAMessage = { key: { remoteJid: `${PHONE}@s.whatsapp.net`, fromMe: false, id: "C4" } };
    expect(toIncoming(undecrypted, directory, "s")).toBeNull();
  });

  it("describes images and documents by type, caption and MIME type", () => {
    const directory = new StanzaDirectory();
    const image: WAMessage = {
      key: { remoteJid: `${PHONE}@s.whatsapp.net`, fromMe: false, id: "D1" },
      message: { imageMessage: { caption: "bukti transfer", mimetype: "image/jpeg" } },
    };
    expect(toIncoming(image, directory, "s")).toMatchObject({
      type: "image",
      text: null,
      caption: "bukti transfer",
      mimeType: "image/jpeg",
    });
    const document: WAMessage = {
      key: { remoteJid: `${PHONE}@s.whatsapp.net`, fromMe: false, id: "D2" },
      message: { documentMessage: { mimetype: "application/pdf" } },
    };
    expect(toIncoming(document, directory, "s")).toMatchObject({ type: "document", caption: null });
  });
});
