import { randomBytes } from "node:crypto";
import { type BinaryNode, baileys, bytesOf, childOf, Curve } from "./baileys.js";
import type { DeviceConnection } from "./connection.js";
import { type SimulatorContext, SimulatorError } from "./context.js";
import { linkDevice } from "./pairing.js";

const { aesDecryptCTR, aesDecryptGCM, aesEncryptCTR, derivePairingCodeKey, hkdf, jidDecode } = baileys;

/** Keeps the companion's `companion_hello`: its ephemeral key, wrapped with the code it displays. */
export function recordPairingCodeRequest(
  context: SimulatorContext,
  connection: DeviceConnection,
  node: BinaryNode,
) {
  if (node.attrs.stage !== "companion_hello") return;
  const wrappedEphemeral = bytesOf(childOf(node, "link_code_pairing_wrapped_companion_ephemeral_pub"));
  const number = jidDecode(node.attrs.jid ?? "")?.user ?? "";
  if (!wrappedEphemeral) return;
  connection.pairingCodeRequest = { number, wrappedEphemeral };
  context.events.emit("pairing-code-requested", { connectionId: connection.id, number });
}

/**
 * The phone types the code the companion displays (Baileys' `requestPairingCode`): both sides unwrap
 * each other's ephemeral keys with it, the companion sends its identity in a key bundle, and the adv
 * secret both derive replaces the QR's; from there linking is the same as after a QR scan.
 */
export async function enterPairingCode(
  context: SimulatorContext,
  typed: string,
): Promise<{ deviceJid: string }> {
  // the phone's keypad shows the code as "ABCD-EFGH"; Baileys derives keys from the bare upper-case form
  const code = typed.replace(/-/g, "").toUpperCase();
  const connection = [...context.connections].find(
    (candidate) => candidate.phase === "pairing" && candidate.pairingCodeRequest,
  );
  const request = connection?.pairingCodeRequest;
  if (!connection || !request || !connection.clientStaticKey) {
    throw new SimulatorError(404, "code: no connected device is waiting for a pairing code");
  }
  if (request.number !== context.store.accountNumber) {
    throw new SimulatorError(
      409,
      `code: the device asked to link ${request.number}, not this phone's number`,
    );
  }
  const companionEphemeral = await unwrap(code, request.wrappedEphemeral);
  const primaryEphemeral = Curve.generateKeyPair();
  const { account } = context.store.data;
  const finish = connection.waitForNode(
    (node) =>
      node.tag === "iq" && childOf(node, "link_code_companion_reg")?.attrs.stage === "companion_finish",
  );
  connection.send({
    tag: "notification",
    attrs: {
      from: "s.whatsapp.net",
      type: "link_code_companion_reg",
      id: connection.newTag(),
      t: `${Date.now()}`,
    },
    content: [
      {
        tag: "link_code_companion_reg",
        attrs: {},
        content: [
          { tag: "link_code_pairing_ref", attrs: {}, content: randomBytes(16) },
          { tag: "primary_identity_pub", attrs: {}, content: account.identityKey.public },
          {
            tag: "link_code_pairing_wrapped_primary_ephemeral_pub",
            attrs: {},
            content: await wrap(code, primaryEphemeral.public),
          },
        ],
      },
    ],
  });
  const finishNode = childOf(await finish, "link_code_companion_reg");
  const bundle = bytesOf(childOf(finishNode, "link_code_pairing_wrapped_key_bundle"));
  if (!bundle) throw new SimulatorError(502, "code: the device did not finish the pairing-code exchange");

  const companionShared = Curve.sharedKey(primaryEphemeral.private, companionEphemeral);
  const bundleKey = await hkdf(companionShared, 32, {
    salt: bundle.subarray(0, 32),
    info: "link_code_pairing_key_bundle_encryption_key",
  });
  let payload: Buffer;
  try {
    payload = aesDecryptGCM(bundle.subarray(44), bundleKey, bundle.subarray(32, 44), Buffer.alloc(0));
  } catch {
    // a wrong code unwraps to a wrong key on both sides, which shows up here first
    throw new SimulatorError(409, "code: does not match the code the device displays");
  }
  const companionIdentity = payload.subarray(0, 32);
  const identityShared = Curve.sharedKey(account.identityKey.private, companionIdentity);
  const advSecret = await hkdf(
    Buffer.concat([companionShared, identityShared, payload.subarray(64, 96)]),
    32,
    {
      info: "adv_secret",
    },
  );
  return linkDevice(context, connection, {
    noiseKey: connection.clientStaticKey,
    identityKey: Buffer.from(companionIdentity),
    advSecret,
  });
}

/** salt(32) ‖ iv(16) ‖ AES-CTR(key), keyed by the code, as Baileys' `generatePairingKey` builds it. */
async function wrap(code: string, publicKey: Uint8Array): Promise<Buffer> {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const key = await derivePairingCodeKey(code, salt);
  return Buffer.concat([salt, iv, aesEncryptCTR(publicKey, key, iv)]);
}

async function unwrap(code: string, wrapped: Buffer): Promise<Buffer> {
  const key = await derivePairingCodeKey(code, wrapped.subarray(0, 32));
  return aesDecryptCTR(wrapped.subarray(48, 80), key, wrapped.subarray(32, 48));
}
