/** The WhatsApp simulator's loopback control API, as the test (playing the phone) uses it. */
export interface ReceivedMessage {
  id: string;
  text: string;
  from: string;
  /** An image or document the contact downloaded, checked and decrypted. */
  media?: {
    type: string;
    mimeType: string;
    fileName?: string;
    caption?: string;
    size: number;
    sha256: string;
  };
}

export function simulatorControl(controlUrl: string) {
  async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${controlUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator ${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
  return {
    scan: (qr: string) => call<unknown>("POST", "/phone/scan", { qr }),
    logout: () => call<unknown>("POST", "/phone/logout"),
    setOnWhatsApp: (number: string, onWhatsApp: boolean) =>
      call<unknown>("POST", "/contacts", { number, onWhatsApp }),
    /** Another client logs in as this device: the product's socket gets the conflict (440). */
    replaceConnection: () => call<unknown>("POST", "/faults/stream-error", { kind: "conflict" }),
    addColdContact: (number: string) =>
      call<unknown>("POST", "/contacts", { number, onWhatsApp: true, cold: true }),
    contactWrites: (number: string, text: string) =>
      call<unknown>("POST", `/contacts/${number}/send`, { text }),
    /** Off: contacts send delivered/read only when `receipts` asks them to. */
    setAutoReceipts: (enabled: boolean) => call<unknown>("POST", "/contacts/auto-receipts", { enabled }),
    receipts: (number: string, type: "delivered" | "read", ids: string[]) =>
      call<unknown>("POST", `/contacts/${number}/${type}`, { ids }),
    messagesOf: async (number: string) =>
      (await call<{ messages: ReceivedMessage[] }>("GET", `/contacts/${number}/messages`)).messages,
  };
}
