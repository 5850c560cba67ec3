/** Links the session the way an app sees it: the client's status subscription, from QR to connected. */
import type { KabarClient } from "@kabar/client";

/**
 * Creates the session, connects once the subscription has started, hands the first QR to `scan`
 * (the simulated phone) and resolves with every state seen, ending at "connected".
 */
export async function linkThroughClient(
  client: KabarClient,
  scan: (qr: string) => Promise<unknown>,
): Promise<string[]> {
  await client.session.create.mutate({ name: "Panitia Lari", sessionId: "panitia_lari" });
  const seen: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let hasScanned = false;
    const subscription = client.session.onStatusChange.subscribe(undefined, {
      onData: ({ data }) => {
        seen.push(data.state);
        if (seen.length === 1) client.session.connect.mutate().catch(reject);
        if (data.state === "waiting_qr" && data.qr && !hasScanned) {
          hasScanned = true;
          scan(data.qr.value).catch(reject);
        }
        if (data.state === "connected") {
          subscription.unsubscribe();
          resolve();
        }
      },
      onError: reject,
    });
  });
  return seen;
}
