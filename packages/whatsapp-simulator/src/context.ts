import type { EventEmitter } from "node:events";
import type { ConflictLog } from "./conflicts.js";
import type { DeviceConnection } from "./connection.js";
import type { Faults } from "./faults.js";
import type { MediaHost } from "./media-host.js";
import type { ReceivedMessage, SimulatorStore } from "./store.js";
import type { WaWebVersion } from "./wa-web-version.js";

/** Everything the simulator announces; tests wait on these instead of sleeping. */
export interface SimulatorEvents {
  connection: [{ connectionId: number }];
  refused: [{ at: number }];
  "qr-refs": [{ connectionId: number; refs: string[] }];
  paired: [{ deviceJid: string }];
  /** A registering device asked to link by phone number; the phone can now `enterCode`. */
  "pairing-code-requested": [{ connectionId: number; number: string }];
  login: [{ deviceJid: string; connectionId: number }];
  /** `code` is the `<failure reason>` the server sent (401 unknown device, 403, 405 client too old, 503). */
  "login-rejected": [{ connectionId: number; reason: string; code: number }];
  /** A second login of a device replaced this connection, which got `<conflict type="replaced"/>`. */
  replaced: [{ connectionId: number; byConnectionId: number; deviceJid: string }];
  /** A frame from the library was swallowed by a blackhole (decrypted to keep the Noise counter, then dropped). */
  "blackholed-frame": [{ connectionId: number; tag: string }];
  /** A WebSocket upgrade arrived during a blackhole: it hangs unanswered until the window ends. */
  "upgrade-held": [{ at: number }];
  /** The phone's app-state key reached the device; from now on the library emits message events. */
  "app-state-key-shared": [{ deviceJid: string }];
  disconnect: [{ connectionId: number; deviceJid?: string }];
  message: [{ number: string; message: ReceivedMessage; isDuplicate: boolean }];
  ack: [{ id: string; to: string; error?: number }];
  "ack-withheld": [{ id: string; to: string }];
  receipt: [{ number: string; id: string; type: "delivered" | "read" }];
  /** A contact could not decrypt its copy and asked the library to send it again. */
  "retry-receipt": [{ number: string; id: string; count: number }];
  "contact-sent": [{ number: string; id: string; text: string }];
  /** The library acknowledged a message a contact sent to it. */
  "contact-message-acked": [{ number: string; id: string }];
  /** A cold contact wrote: the account's devices got (and acked) its privacy_token notification. */
  "privacy-token": [{ number: string }];
  "device-removed": [{ deviceJid: string; by: "phone" | "library" | "fault" }];
  /** The phone changed app state; connected devices were sent `server_sync`. */
  "app-state-changed": [{ action: string; collection: string; version: number }];
  /** The phone sent connected devices a history-sync notification whose blob is at `directPath`. */
  "history-sync-sent": [{ chat: string; directPath: string }];
  /** A request reached the media host; `outcome` says what the media fault let it get. */
  "media-request": [
    { method: string; path: string; outcome: "served" | "uploaded" | "hang" | "fail" | "refused" },
  ];
  /** No device was connected: the server holds a contact's stanza for this device's next login. */
  queued: [{ number: string; id: string; kind: "message" | "receipt"; deviceJid: string }];
  /** The library acked a held stanza flushed at login (it had an `offline` attribute). */
  "offline-delivered": [{ number: string; id: string; kind: "message" | "receipt"; deviceId: number }];
  /** The server told a connected device how few one-time pre-keys it has left (`encrypt` notification). */
  "pre-key-count-sent": [{ deviceJid: string; count: number }];
  /** A device uploaded one-time pre-keys; `total` is how many the server now holds for it. */
  "pre-keys-uploaded": [{ deviceJid: string; uploaded: number; total: number }];
}

export interface SimulatorOptions {
  /** Send delivered and read receipts for every message a contact receives. */
  autoReceipts: boolean;
  /** How long after the delivered receipt is acked the contact "reads" the message. */
  readReceiptDelayMs: number;
  /** How many pair-device refs (QR codes) a new device gets before the library gives up with 408. */
  qrRefCount: number;
  /** Logins and registrations announcing an older `userAgent.appVersion` get `<failure reason="405">`. */
  minWaVersion: WaWebVersion | null;
  /** What `GET /wa-web/sw.js` announces as the current WhatsApp Web version. */
  servedWaWebVersion: WaWebVersion;
}

export interface SimulatorContext {
  readonly store: SimulatorStore;
  readonly faults: Faults;
  readonly events: EventEmitter<SimulatorEvents>;
  readonly options: SimulatorOptions;
  readonly connections: Set<DeviceConnection>;
  readonly media: MediaHost;
  /** Every login that replaced a still-logged-in connection of the same device. */
  readonly conflicts: ConflictLog;
}

/** Connections that completed login as a linked device. */
export function readyConnections(context: SimulatorContext): DeviceConnection[] {
  return [...context.connections].filter((connection) => connection.phase === "ready");
}

/** A caller error the HTTP layer turns into a status code. */
export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "SimulatorError";
  }
}
