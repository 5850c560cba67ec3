import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

/**
 * Host names the media host's certificate covers: loopback, and WhatsApp's media hosts as Baileys
 * reaches them (`mmg.whatsapp.net` is its hard-coded download host, `Utils/messages-media.js`
 * DEF_HOST; `media_conn` names upload hosts under `whatsapp.net`).
 */
export const MEDIA_HOST_NAMES = ["localhost", "mmg.whatsapp.net", "*.whatsapp.net", "*.cdn.whatsapp.net"];
const MEDIA_HOST_IPS = ["127.0.0.1", "::1"];

export interface Authority {
  /** PEM of the CA that signed the leaf: what a client must trust. */
  caPem: string;
  keyPem: string;
  certPem: string;
}

// Node generates the RSA keys natively (fast); node-forge only builds and signs the certificates,
// which Node cannot do by itself.
function rsaKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  );
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function validFor(certificate: forge.pki.Certificate, days: number): void {
  certificate.serialNumber = `01${randomBytes(8).toString("hex")}`;
  certificate.validity.notBefore = new Date(Date.now() - 60_000);
  certificate.validity.notAfter = new Date(Date.now() + days * 24 * 3600_000);
}

/** A fresh certificate authority and a leaf for the media host names, made at every start. */
export function createAuthority(): Authority {
  const caKeys = rsaKeys();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  validFor(ca, 365);
  const caName = [{ name: "commonName", value: "Kabar WhatsApp simulator CA" }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const leafKeys = rsaKeys();
  const leaf = forge.pki.createCertificate();
  leaf.publicKey = leafKeys.publicKey;
  validFor(leaf, 365);
  leaf.setSubject([{ name: "commonName", value: "mmg.whatsapp.net" }]);
  leaf.setIssuer(caName);
  leaf.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        ...MEDIA_HOST_NAMES.map((value) => ({ type: 2, value })),
        ...MEDIA_HOST_IPS.map((ip) => ({ type: 7, ip })),
      ],
    },
  ]);
  leaf.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(ca),
    keyPem: forge.pki.privateKeyToPem(leafKeys.privateKey),
    certPem: forge.pki.certificateToPem(leaf),
  };
}
