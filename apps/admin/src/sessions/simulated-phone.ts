/**
 * The simulated mode's phone: the simulator's loopback control API links the device that shows this QR.
 *
 * The simulator accepts only JSON and answers CORS for loopback pages (so no other site can drive it);
 * the panel, opened on localhost, gets its answer and shows the simulator's own error.
 */
export async function scanWithSimulatedPhone(controlUrl: string, qr: string): Promise<void> {
  const response = await fetch(`${controlUrl.replace(/\/$/, "")}/phone/scan`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ qr }),
  });
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    const message =
      typeof body === "object" && body !== null && "error" in body && typeof body.error === "string"
        ? body.error
        : `the simulator answered ${response.status}`;
    throw new Error(message);
  }
}
