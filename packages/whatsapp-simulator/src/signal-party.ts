import {
  type AuthenticationCreds,
  baileys,
  type BinaryNode,
  Curve,
  makeLibSignalRepository,
  proto,
  type SignalDataTypeMap,
  type SignalKeyStore,
  type WAProto,
} from "./baileys.js";

const { encodeBigEndian, encodeWAMessage, generateSignalPubKey, initAuthCreds, unpadRandomMax16 } = baileys;

type KeyData = { [T in keyof SignalDataTypeMap]?: Record<string, SignalDataTypeMap[T]> };

/** What a party persists: its Signal identity and every session/pre-key it holds. */
export interface SignalPartyState {
  creds: AuthenticationCreds;
  keys: KeyData;
}

/** A pre-key bundle as the server hands it out in answer to `iq xmlns="encrypt"` `<key>`. */
export interface PreKeyBundle {
  registrationId: number;
  identityKey: Uint8Array;
  signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  /** Absent when the owner's one-time pre-keys ran out: a session from the signed pre-key alone is valid. */
  preKey?: { keyId: number; publicKey: Uint8Array };
}

class MemoryKeyStore implements SignalKeyStore {
  constructor(readonly data: KeyData) {}

  async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
    const bucket: Record<string, SignalDataTypeMap[T]> = this.data[type] ?? {};
    const result: { [id: string]: SignalDataTypeMap[T] } = {};
    for (const id of ids) {
      const value = bucket[id];
      if (value !== undefined) result[id] = value;
    }
    return result;
  }

  async set(update: { [T in keyof SignalDataTypeMap]?: { [id: string]: SignalDataTypeMap[T] | null } }) {
    for (const type of Object.keys(update) as (keyof SignalDataTypeMap)[]) {
      this.setType(type, update[type] ?? {});
    }
  }

  private setType<T extends keyof SignalDataTypeMap>(
    type: T,
    values: { [id: string]: SignalDataTypeMap[T] | null },
  ): void {
    const bucket: Record<string, SignalDataTypeMap[T]> = this.data[type] ?? {};
    for (const [id, value] of Object.entries(values)) {
      if (value === null) delete bucket[id];
      else bucket[id] = value;
    }
    this.data[type] = bucket as KeyData[T];
  }
}

/**
 * A Signal participant the simulator plays: a contact, or the account's phone (device 0). It reuses
 * Baileys' own libsignal repository so encryption is byte-for-byte what the library expects.
 */
export class SignalParty {
  private readonly store: MemoryKeyStore;
  private readonly repository: ReturnType<typeof makeLibSignalRepository>;

  constructor(readonly state: SignalPartyState = { creds: initAuthCreds(), keys: {} }) {
    this.store = new MemoryKeyStore(state.keys);
    this.repository = makeLibSignalRepository({ creds: state.creds, keys: this.store });
  }

  /** Hands out our bundle with a fresh one-time pre-key, as the server would from its pre-key pool. */
  async bundle(): Promise<PreKeyBundle> {
    const { creds } = this.state;
    const keyId = creds.nextPreKeyId;
    creds.nextPreKeyId += 1;
    const preKey = Curve.generateKeyPair();
    await this.store.set({ "pre-key": { [keyId.toString()]: preKey } });
    return {
      registrationId: creds.registrationId,
      identityKey: creds.signedIdentityKey.public,
      signedPreKey: {
        keyId: creds.signedPreKey.keyId,
        publicKey: creds.signedPreKey.keyPair.public,
        signature: creds.signedPreKey.signature,
      },
      preKey: { keyId, publicKey: preKey.public },
    };
  }

  async decrypt(fromJid: string, type: "pkmsg" | "msg", ciphertext: Uint8Array) {
    const plaintext = await this.repository.decryptMessage({ jid: fromJid, type, ciphertext });
    const message = proto.Message.decode(unpadRandomMax16(plaintext));
    return message.deviceSentMessage?.message ?? message;
  }

  /** Encrypts to a device, first building a session from `fetchBundle()` when we have none yet. */
  async encrypt(toJid: string, message: WAProto.IMessage, fetchBundle: () => PreKeyBundle) {
    const address = this.repository.jidToSignalProtocolAddress(toJid);
    const sessions = await this.store.get("session", [address]);
    if (!sessions[address]) {
      const bundle = fetchBundle();
      await injectSession(this.repository, {
        jid: toJid,
        session: {
          registrationId: bundle.registrationId,
          identityKey: generateSignalPubKey(bundle.identityKey),
          signedPreKey: {
            keyId: bundle.signedPreKey.keyId,
            publicKey: generateSignalPubKey(bundle.signedPreKey.publicKey),
            signature: bundle.signedPreKey.signature,
          },
          preKey: bundle.preKey && {
            keyId: bundle.preKey.keyId,
            publicKey: generateSignalPubKey(bundle.preKey.publicKey),
          },
        },
      });
    }
    // encodeWAMessage already appends the random padding the receiver strips
    return this.repository.encryptMessage({ jid: toJid, data: encodeWAMessage(message) });
  }
}

type Repository = ReturnType<typeof makeLibSignalRepository>;
type BundleSession = Omit<Parameters<Repository["injectE2ESession"]>[0]["session"], "preKey"> & {
  preKey: { keyId: number; publicKey: Uint8Array } | undefined;
};

/**
 * Baileys types the one-time pre-key as required, but its libsignal builds a session without one
 * (`session_builder.js` initOutgoing: `device.preKey && …`), as WhatsApp's protocol allows when a
 * device's one-time pre-keys ran out. The method type is bivariant, so this view needs no cast.
 */
interface SessionInjector {
  injectE2ESession(opts: { jid: string; session: BundleSession }): Promise<void>;
}

function injectSession(repository: Repository, opts: { jid: string; session: BundleSession }): Promise<void> {
  const injector: SessionInjector = repository;
  return injector.injectE2ESession(opts);
}

/** The `<user>` node of an `encrypt` key answer. */
export function bundleNode(jid: string, bundle: PreKeyBundle): BinaryNode {
  const content: BinaryNode[] = [
    { tag: "registration", attrs: {}, content: encodeBigEndian(bundle.registrationId) },
    { tag: "type", attrs: {}, content: Buffer.from([5]) },
    { tag: "identity", attrs: {}, content: bundle.identityKey },
    {
      tag: "skey",
      attrs: {},
      content: [
        { tag: "id", attrs: {}, content: encodeBigEndian(bundle.signedPreKey.keyId, 3) },
        { tag: "value", attrs: {}, content: bundle.signedPreKey.publicKey },
        { tag: "signature", attrs: {}, content: bundle.signedPreKey.signature },
      ],
    },
  ];
  if (bundle.preKey) {
    content.push({
      tag: "key",
      attrs: {},
      content: [
        { tag: "id", attrs: {}, content: encodeBigEndian(bundle.preKey.keyId, 3) },
        { tag: "value", attrs: {}, content: bundle.preKey.publicKey },
      ],
    });
  }
  return { tag: "user", attrs: { jid }, content };
}
