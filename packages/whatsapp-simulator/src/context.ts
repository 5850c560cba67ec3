import type { EventEmitter } from "node:events";
import type { DeviceConnection } from "./connection.js";
import type { Faults } from "./faults.js";
import type { ReceivedMessage, SimulatorStore } from "./store.js";

/** Everything the simulator announces; tests wait on these instead of sleeping. */
export interface SimulatorEvents {
  connection: [{ connectionId: number }];
  refused: [{ at: number }];
  "qr-refs": [{ connectionId: number; refs: string[] }];
  paired: [{ deviceJid: string }];
  /** A registering device asked to link by phone number; the phone can now `enterCode`. */
  "pairing-code-requested": [{ connectionId: number; number: string }];
  login: [{ deviceJid: string; connectionId: number }];
  "login-rejected": [{ connectionId: number; reason: string }];
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
}

export interface SimulatorOptions {
  /** Send delivered and read receipts for every message a contact receives. */
  autoReceipts: boolean;
  /** How long after the delivered receipt is acked the contact "reads" the message. */
  readReceiptDelayMs: number;
  /** How many pair-device refs (QR codes) a new device gets before the library gives up with 408. */
  qrRefCount: number;
}

export interface SimulatorContext {
  readonly store: SimulatorStore;
  readonly faults: Faults;
  readonly events: EventEmitter<SimulatorEvents>;
  readonly options: SimulatorOptions;
  readonly connections: Set<DeviceConnection>;
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
