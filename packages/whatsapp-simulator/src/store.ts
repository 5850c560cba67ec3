import { randomBytes, randomInt } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type BinaryNode, BufferJSON, Curve, type KeyPair } from "./baileys.js";
import { SignalParty, type SignalPartyState } from "./signal-party.js";

/** A companion (the library) the phone has linked, with the keys it registered and uploaded. */
export interface LinkedDevice {
  id: number;
  jid: string;
  registrationId: number;
  identityKey: Uint8Array;
  noiseKey: Uint8Array;
  signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  preKeys: Record<string, Uint8Array>;
  linkedAt: number;
  isRemoved: boolean;
  /** Whether the phone already shared the app-state key; Baileys buffers events until it has one. */
  hasAppStateKey: boolean;
}

export interface ReceivedMessage {
  /** The WhatsApp message id the library chose. */
  id: string;
  text: string;
  /** The sending account's number. */
  from: string;
  receivedAt: number;
  /** How many times this id arrived; above 1 means the library sent a duplicate. */
  count: number;
  /** Set when the contact could not decrypt its copy (text is then empty). */
  decryptError?: string;
}

export interface ContactRecord {
  number: string;
  onWhatsApp: boolean;
  /** Set for a contact WhatsApp addresses by LID: its stanzas come from `<lid>@lid` with `sender_pn`. */
  lid?: string;
  /** Never wrote to the account: messages to them get ack error 463 until they do (cold-contacts.ts). */
  cold?: boolean;
  signal: SignalPartyState;
  messages: ReceivedMessage[];
}

/**
 * A stanza the server holds for a linked device that was not connected, delivered at its next login
 * (see offline-queue.ts). Encrypted when queued, as the sender's phone did it then.
 */
export interface QueuedStanza {
  deviceId: number;
  kind: "message" | "receipt";
  /** The stanza id, which is also what the library's ack names. */
  id: string;
  /** The contact it comes from. */
  number: string;
  node: BinaryNode;
  queuedAt: number;
}

export interface SimulatorData {
  version: 1;
  account: {
    number: string;
    /** The phone's identity key, which is also the account signature key in device identities. */
    identityKey: KeyPair;
    phone: SignalPartyState;
    nextDeviceId: number;
    appStateKeyId: Uint8Array;
    appStateKeyData: Uint8Array;
    /** The account's LID (digits), announced in `success` and `pair-success`. */
    lid: string;
  };
  devices: Record<string, LinkedDevice>;
  contacts: Record<string, ContactRecord>;
  offlineQueue: QueuedStanza[];
}

const storedFileSchema = z.object({ version: z.literal(1), account: z.object({ number: z.string() }) });

/**
 * A LID is an opaque number WhatsApp assigns per account, unrelated to the phone number (15 digits
 * in the reports of Baileys #1718 / #2124), so nothing can derive one from the other.
 */
export function newLid(): string {
  return `${randomInt(1, 10)}${randomInt(0, 10 ** 14)
    .toString()
    .padStart(14, "0")}`;
}

function freshData(accountNumber: string): SimulatorData {
  return {
    version: 1,
    account: {
      number: accountNumber,
      identityKey: Curve.generateKeyPair(),
      phone: new SignalParty().state,
      nextDeviceId: 1,
      appStateKeyId: randomBytes(6),
      appStateKeyData: randomBytes(32),
      lid: newLid(),
    },
    devices: {},
    contacts: {},
    offlineQueue: [],
  };
}

/** All simulator state, in memory, optionally mirrored to `<dataDir>/state.json` after each change. */
export class SimulatorStore {
  readonly data: SimulatorData;
  private readonly parties = new Map<string, SignalParty>();

  constructor(
    accountNumber: string,
    private readonly dataDir?: string,
  ) {
    this.data = (dataDir && this.load(dataDir)) || freshData(accountNumber);
    this.save();
  }

  get accountNumber(): string {
    return this.data.account.number;
  }

  get accountJid(): string {
    return `${this.data.account.number}@s.whatsapp.net`;
  }

  phone(): SignalParty {
    return this.party("phone", this.data.account.phone);
  }

  /** Every number is on WhatsApp unless configured otherwise, so unknown numbers become contacts. */
  contact(number: string): ContactRecord {
    const existing = this.data.contacts[number];
    if (existing) return existing;
    const created: ContactRecord = {
      number,
      onWhatsApp: true,
      signal: new SignalParty().state,
      messages: [],
    };
    this.data.contacts[number] = created;
    this.save();
    return created;
  }

  contactParty(number: string): SignalParty {
    return this.party(`contact:${number}`, this.contact(number).signal);
  }

  get accountLid(): string {
    return this.data.account.lid;
  }

  /** The contact a `<number>@s.whatsapp.net` or `<lid>@lid` user part names, if any. */
  contactByLid(lid: string): ContactRecord | undefined {
    return Object.values(this.data.contacts).find((contact) => contact.lid === lid);
  }

  activeDevices(): LinkedDevice[] {
    return Object.values(this.data.devices).filter((device) => !device.isRemoved);
  }

  device(id: number): LinkedDevice | undefined {
    return this.data.devices[id.toString()];
  }

  save(): void {
    if (!this.dataDir) return;
    mkdirSync(this.dataDir, { recursive: true });
    const file = join(this.dataDir, "state.json");
    // write-then-rename so a kill mid-write never leaves a truncated state file
    writeFileSync(`${file}.tmp`, JSON.stringify(this.data, BufferJSON.replacer));
    renameSync(`${file}.tmp`, file);
  }

  private party(key: string, state: SignalPartyState): SignalParty {
    const cached = this.parties.get(key);
    if (cached?.state === state) return cached;
    const party = new SignalParty(state);
    this.parties.set(key, party);
    return party;
  }

  private load(dataDir: string): SimulatorData | undefined {
    let text: string;
    try {
      text = readFileSync(join(dataDir, "state.json"), "utf8");
    } catch {
      return undefined;
    }
    const parsed: unknown = JSON.parse(text, BufferJSON.reviver);
    storedFileSchema.parse(parsed);
    // The file is our own output (checked by version above); its Buffers were revived by BufferJSON.
    const data = parsed as SimulatorData;
    // fields added later: a state file written before them still loads
    data.account.lid ??= newLid();
    data.offlineQueue ??= [];
    return data;
  }
}
