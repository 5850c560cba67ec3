/**
 * The simulated mode's phone: the simulator's loopback control API links the device that shows this QR.
 *
 * The simulator listens on its own port and sends no CORS headers, so the panel sends a "simple" request
 * (text/plain body, which the simulator parses as JSON anyway): the browser delivers it without a
 * preflight but hides the answer. Success shows up where it matters, in the live session status; a
 * network failure still rejects. An API proxy (or CORS on the simulator) would let the panel read the
 * simulator's own error; see the admin README.
 */
export async function scanWithSimulatedPhone(controlUrl: string, qr: string): Promise<void> {
  await fetch(`${controlUrl.replace(/\/$/, "")}/phone/scan`, {
    method: "POST",
    mode: "no-cors",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({ qr }),
  });
}
