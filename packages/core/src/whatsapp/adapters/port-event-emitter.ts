import type { WhatsAppPortEventName, WhatsAppPortEvents } from "../port.js";

type Listener<E extends WhatsAppPortEventName> = (payload: WhatsAppPortEvents[E]) => void;

/** The typed event half of a WhatsAppPort, shared by the real adapter and the test fakes. */
export class PortEventEmitter {
  private readonly listeners = new Map<WhatsAppPortEventName, Set<Listener<WhatsAppPortEventName>>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  on<E extends WhatsAppPortEventName>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    // The set holds listeners of many event types; each is only ever called with its own payload.
    const stored = listener as Listener<WhatsAppPortEventName>;
    set.add(stored);
    this.listeners.set(event, set);
    return () => set.delete(stored);
  }

  emit<E extends WhatsAppPortEventName>(event: E, payload: WhatsAppPortEvents[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        // One failing listener must not keep the others (or the socket) from hearing the event.
        this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
