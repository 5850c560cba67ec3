import { baileys, Curve, type KeyPair, proto, type WAProto } from "./baileys.js";

const { aesDecryptGCM, aesEncryptGCM, hkdf, sha256, NOISE_MODE, NOISE_WA_HEADER } = baileys;

function ivFor(counter: number): Uint8Array {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setUint32(8, counter);
  return iv;
}

export interface ClientFinish {
  clientStaticKey: Buffer;
  payload: WAProto.ClientPayload;
}

/**
 * The responder side of WhatsApp's Noise_XX handshake, mirroring Baileys' `makeNoiseHandler` step by step.
 * Until `finish()` both directions share ONE counter, because Baileys' decrypt advances its write counter
 * during the handshake; afterwards each direction counts from zero with its own key.
 */
export class NoiseServer {
  private hash: Buffer;
  private salt: Buffer;
  private encKey: Buffer;
  private decKey: Buffer;
  private handshakeCounter = 0;
  private readCounter = 0;
  private writeCounter = 0;
  private isFinished = false;
  private readonly ephemeral: KeyPair = Curve.generateKeyPair();
  private clientEphemeral: Buffer = Buffer.alloc(0);

  constructor(private readonly serverStatic: KeyPair) {
    const mode = Buffer.from(NOISE_MODE);
    this.hash = mode.byteLength === 32 ? mode : sha256(mode);
    this.salt = this.hash;
    this.encKey = this.hash;
    this.decKey = this.hash;
    this.authenticate(NOISE_WA_HEADER);
  }

  get finished(): boolean {
    return this.isFinished;
  }

  /** Answers the client hello with our ephemeral key, encrypted static key and a certificate chain. */
  async serverHello(clientHelloFrame: Uint8Array): Promise<Uint8Array> {
    const { clientHello } = proto.HandshakeMessage.decode(clientHelloFrame);
    const ephemeral = clientHello?.ephemeral;
    if (!ephemeral) throw new Error("client hello without ephemeral key");
    this.clientEphemeral = Buffer.from(ephemeral);
    this.authenticate(this.clientEphemeral);
    this.authenticate(this.ephemeral.public);
    await this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, this.clientEphemeral));
    const staticEncrypted = this.encryptHandshake(this.serverStatic.public);
    await this.mixIntoKey(Curve.sharedKey(this.serverStatic.private, this.clientEphemeral));
    const payload = this.encryptHandshake(this.certificateChain());
    return proto.HandshakeMessage.encode({
      serverHello: { ephemeral: this.ephemeral.public, static: staticEncrypted, payload },
    }).finish();
  }

  async clientFinish(frame: Uint8Array): Promise<ClientFinish> {
    const { clientFinish } = proto.HandshakeMessage.decode(frame);
    if (!clientFinish?.static || !clientFinish.payload) throw new Error("malformed client finish");
    const clientStaticKey = this.decryptHandshake(clientFinish.static);
    await this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientStaticKey));
    const payload = proto.ClientPayload.decode(this.decryptHandshake(clientFinish.payload));
    await this.finish();
    return { clientStaticKey, payload };
  }

  encryptFrame(plaintext: Uint8Array): Buffer {
    const result = aesEncryptGCM(plaintext, this.encKey, ivFor(this.writeCounter), Buffer.alloc(0));
    this.writeCounter += 1;
    return result;
  }

  decryptFrame(ciphertext: Uint8Array): Buffer {
    const result = aesDecryptGCM(ciphertext, this.decKey, ivFor(this.readCounter), Buffer.alloc(0));
    this.readCounter += 1;
    return result;
  }

  private authenticate(data: Uint8Array): void {
    if (!this.isFinished) this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private encryptHandshake(plaintext: Uint8Array): Buffer {
    const result = aesEncryptGCM(plaintext, this.encKey, ivFor(this.handshakeCounter), this.hash);
    this.handshakeCounter += 1;
    this.authenticate(result);
    return result;
  }

  private decryptHandshake(ciphertext: Uint8Array): Buffer {
    const result = aesDecryptGCM(ciphertext, this.decKey, ivFor(this.handshakeCounter), this.hash);
    this.handshakeCounter += 1;
    this.authenticate(ciphertext);
    return result;
  }

  private async mixIntoKey(data: Uint8Array): Promise<void> {
    const key = await hkdf(Buffer.from(data), 64, { salt: this.salt, info: "" });
    this.salt = key.subarray(0, 32);
    this.encKey = key.subarray(32);
    this.decKey = this.encKey;
    this.handshakeCounter = 0;
  }

  private async finish(): Promise<void> {
    const key = await hkdf(new Uint8Array(0), 64, { salt: this.salt, info: "" });
    // The client encrypts with the first half and decrypts with the second; we are its mirror.
    this.decKey = key.subarray(0, 32);
    this.encKey = key.subarray(32);
    this.readCounter = 0;
    this.writeCounter = 0;
    this.isFinished = true;
  }

  /** Baileys checks only the intermediate certificate's issuerSerial (must be 0); nothing is signed. */
  private certificateChain(): Uint8Array {
    const details = proto.CertChain.NoiseCertificate.Details.encode({
      serial: 1,
      issuerSerial: 0,
      key: this.serverStatic.public,
      notBefore: 0,
      notAfter: 4102444800,
    }).finish();
    const certificate = { details, signature: Buffer.alloc(64) };
    return proto.CertChain.encode({ leaf: certificate, intermediate: certificate }).finish();
  }
}

/** Splits the client's byte stream into frames: a 4-byte intro once, then 3-byte length prefixes. */
export class FrameReader {
  private buffered = Buffer.alloc(0);
  private introSeen = false;

  push(data: Buffer): Buffer[] {
    this.buffered = Buffer.concat([this.buffered, data]);
    if (!this.introSeen) {
      if (this.buffered.length < 4) return [];
      // We never send edge routing info, so clients always open with the plain "WA" intro.
      this.buffered = this.buffered.subarray(4);
      this.introSeen = true;
    }
    const frames: Buffer[] = [];
    while (this.buffered.length >= 3) {
      const size = (this.buffered.readUInt8(0) << 16) | this.buffered.readUInt16BE(1);
      if (this.buffered.length < size + 3) break;
      frames.push(this.buffered.subarray(3, size + 3));
      this.buffered = this.buffered.subarray(size + 3);
    }
    return frames;
  }
}

export function frameBytes(payload: Uint8Array): Buffer {
  const frame = Buffer.alloc(3 + payload.byteLength);
  frame.writeUInt8(payload.byteLength >> 16, 0);
  frame.writeUInt16BE(payload.byteLength & 0xffff, 1);
  frame.set(payload, 3);
  return frame;
}
