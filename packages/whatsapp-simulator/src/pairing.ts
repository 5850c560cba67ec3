import { randomBytes, randomInt } from "node:crypto";
import { baileys, childOf, Curve, proto } from "./baileys.js";
import type { DeviceConnection } from "./connection.js";
import { type SimulatorContext, SimulatorError } from "./context.js";
import { accountDeviceLid } from "./lid.js";
import { streamErrorNode } from "./faults.js";
import type { ClientFinish } from "./noise-server.js";
import type { LinkedDevice } from "./store.js";
import { compareWaWebVersions, formatWaWebVersion, type WaWebVersion } from "./wa-web-version.js";

const { hmacSign, unixTimestampSeconds } = baileys;

/** Handles the handshake's payload: a new device gets QR refs, a linked one logs in or is refused. */
export async function handleClientFinish(
  context: SimulatorContext,
  connection: DeviceConnection,
  { payload, clientStaticKey }: ClientFinish,
): Promise<void> {
  // protobuf decodes an absent uint64 as a Long zero, which is truthy: compare its string form
  const username = String(payload.username ?? "0");
  const pairingData = username === "0" ? payload.devicePairingData : undefined;
  // The real server checks the client version before anything else, for logins and registrations alike.
  const announced = announcedVersion(payload);
  const minimum = context.options.minWaVersion;
  if (minimum && compareWaWebVersions(announced, minimum) < 0) {
    refuseLogin(
      context,
      connection,
      405,
      `client too old: ${formatWaWebVersion(announced)} < ${formatWaWebVersion(minimum)}`,
    );
    return;
  }
  const failure = pairingData ? undefined : context.faults.takeLoginFailure();
  if (failure !== undefined) {
    refuseLogin(context, connection, failure, `login-failure fault (${failure})`);
    return;
  }
  if (pairingData) {
    connection.registration = pairingData;
    connection.phase = "pairing";
    connection.refs = Array.from({ length: context.options.qrRefCount }, () =>
      randomBytes(24).toString("base64"),
    );
    connection.send({
      tag: "iq",
      attrs: { id: connection.newTag(), type: "set", from: "s.whatsapp.net", xmlns: "md" },
      content: [
        {
          tag: "pair-device",
          attrs: {},
          content: connection.refs.map((ref) => ({ tag: "ref", attrs: {}, content: Buffer.from(ref) })),
        },
      ],
    });
    context.events.emit("qr-refs", { connectionId: connection.id, refs: [...connection.refs] });
    return;
  }
  const device = context.store.device(Number(payload.device ?? 0));
  const reason = loginRefusal(context, device, username, clientStaticKey);
  if (reason || !device) {
    // `<failure reason="401">` is how the server tells a companion its link is gone: Baileys ends with 401
    refuseLogin(context, connection, 401, reason ?? "unknown device");
    return;
  }
  replaceOtherConnections(context, connection, device);
  connection.deviceId = device.id;
  connection.phase = "ready";
  connection.send({
    tag: "success",
    attrs: {
      t: unixTimestampSeconds().toString(),
      props: "1",
      abprops: "1",
      location: "sim",
      creation: "0",
      // Baileys 6.17.16 stores this as creds.me.lid (Socket/socket.js, CB:success)
      lid: accountDeviceLid(context, device.id),
    },
  });
  context.events.emit("login", { deviceJid: device.jid, connectionId: connection.id });
}

/** Baileys' `CB:failure` ends the socket with the reason as its status code; the server closes soon after. */
function refuseLogin(
  context: SimulatorContext,
  connection: DeviceConnection,
  code: number,
  reason: string,
): void {
  connection.streamError({ tag: "failure", attrs: { reason: String(code), location: "sim" } });
  context.events.emit("login-rejected", { connectionId: connection.id, reason, code });
}

function announcedVersion(payload: ClientFinish["payload"]): WaWebVersion {
  const appVersion = payload.userAgent?.appVersion;
  return [appVersion?.primary ?? 0, appVersion?.secondary ?? 0, appVersion?.tertiary ?? 0];
}

/**
 * One ready connection per device: a new login of the same device replaces the older socket, which
 * gets `<stream:error><conflict type="replaced"/></stream:error>` (Baileys reports 440).
 */
function replaceOtherConnections(
  context: SimulatorContext,
  connection: DeviceConnection,
  device: LinkedDevice,
): void {
  const stillReady = [...context.connections].filter(
    (other) => other !== connection && other.phase === "ready" && other.deviceId === device.id,
  );
  context.conflicts.login(
    device.jid,
    connection.id,
    stillReady.map((other) => other.id),
  );
  for (const other of stillReady) {
    other.streamError(streamErrorNode("conflict"));
    other.phase = "replaced";
    context.events.emit("replaced", {
      connectionId: other.id,
      byConnectionId: connection.id,
      deviceJid: device.jid,
    });
  }
}

function loginRefusal(
  context: SimulatorContext,
  device: LinkedDevice | undefined,
  username: string,
  noiseKey: Buffer,
): string | undefined {
  if (username !== context.store.accountNumber) return `unknown account ${username}`;
  if (!device) return "unknown device";
  if (device.isRemoved) return "device was removed";
  if (!noiseKey.equals(Buffer.from(device.noiseKey))) return "noise key does not match the linked device";
  return undefined;
}

interface ScannedQr {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecret: Buffer;
}

export function parseQr(qr: string): ScannedQr {
  const [ref, noiseKey, identityKey, advSecret, ...rest] = qr.trim().split(",");
  if (!ref || !noiseKey || !identityKey || !advSecret || rest.length > 0) {
    throw new SimulatorError(
      400,
      "qr: expected 'ref,noiseKey,identityKey,advSecret' as the library emits it",
    );
  }
  return {
    ref,
    noiseKey: Buffer.from(noiseKey, "base64"),
    identityKey: Buffer.from(identityKey, "base64"),
    advSecret: Buffer.from(advSecret, "base64"),
  };
}

/** What the phone needs from a companion to link it: from the QR, or from the pairing-code exchange. */
export interface CompanionKeys {
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecret: Buffer;
}

/** The phone scans a QR: it must have been shown by a connected device whose keys it carries. */
export async function scanQr(context: SimulatorContext, qr: string): Promise<{ deviceJid: string }> {
  const scanned = parseQr(qr);
  const connection = [...context.connections].find(
    (candidate) => candidate.phase === "pairing" && candidate.refs.includes(scanned.ref),
  );
  if (!connection)
    throw new SimulatorError(404, "qr: no connected device is showing this QR (expired or unknown)");
  if (!connection.clientStaticKey?.equals(scanned.noiseKey)) {
    throw new SimulatorError(409, "qr: the QR's keys do not match the device that showed it");
  }
  return linkDevice(context, connection, scanned);
}

/**
 * The phone signs a device identity for the companion's identity key, sends `pair-success`, waits for
 * the companion's `pair-device-sign`, then asks it to restart (515) and log in with its new credentials.
 */
export async function linkDevice(
  context: SimulatorContext,
  connection: DeviceConnection,
  companion: CompanionKeys,
): Promise<{ deviceJid: string }> {
  const registration = connection.registration;
  if (!registration) throw new SimulatorError(409, "the device did not register (no pairing data)");
  const { account } = context.store.data;
  const deviceId = account.nextDeviceId;
  account.nextDeviceId += 1;
  const deviceJid = `${account.number}:${deviceId}@s.whatsapp.net`;

  // keyIndex must be set: Baileys echoes it back as the `key-index` attribute of its reply
  const details = proto.ADVDeviceIdentity.encode({
    rawId: randomInt(1, 2 ** 31),
    timestamp: unixTimestampSeconds(),
    keyIndex: deviceId,
  }).finish();
  const accountSignature = Curve.sign(
    account.identityKey.private,
    Buffer.concat([Buffer.from([6, 0]), details, companion.identityKey]),
  );
  const signedIdentity = proto.ADVSignedDeviceIdentity.encode({
    details,
    accountSignatureKey: account.identityKey.public,
    accountSignature,
  }).finish();
  const identityWithHmac = proto.ADVSignedDeviceIdentityHMAC.encode({
    details: signedIdentity,
    hmac: hmacSign(signedIdentity, companion.advSecret),
  }).finish();

  const iqId = connection.newTag();
  const reply = connection.waitForNode((node) => node.tag === "iq" && node.attrs.id === iqId);
  connection.send({
    tag: "iq",
    attrs: { id: iqId, type: "set", from: "s.whatsapp.net", xmlns: "md" },
    content: [
      {
        tag: "pair-success",
        attrs: {},
        content: [
          { tag: "device-identity", attrs: { "key-index": deviceId.toString() }, content: identityWithHmac },
          { tag: "platform", attrs: { name: "android" } },
          // later Baileys versions read `lid` here too (6.17.16 only reads it from <success>)
          { tag: "device", attrs: { jid: deviceJid, lid: accountDeviceLid(context, deviceId) } },
        ],
      },
    ],
  });
  const answer = await reply;
  if (!answer || !childOf(answer, "pair-device-sign")) {
    throw new SimulatorError(502, "the device did not accept pair-success (see its logs)");
  }
  context.store.data.devices[deviceId.toString()] = {
    id: deviceId,
    jid: deviceJid,
    registrationId: Buffer.from(registration.eRegid ?? []).readUInt32BE(0),
    identityKey: Buffer.from(registration.eIdent ?? []),
    noiseKey: companion.noiseKey,
    signedPreKey: {
      keyId: Buffer.from(registration.eSkeyId ?? []).readUIntBE(0, 3),
      publicKey: Buffer.from(registration.eSkeyVal ?? []),
      signature: Buffer.from(registration.eSkeySig ?? []),
    },
    preKeys: {},
    linkedAt: Date.now(),
    isRemoved: false,
    hasAppStateKey: false,
  };
  context.store.save();
  context.events.emit("paired", { deviceJid });
  // the real server makes a freshly paired companion reconnect and log in with its new credentials
  connection.streamError({ tag: "stream:error", attrs: { code: "515" } });
  return { deviceJid };
}
