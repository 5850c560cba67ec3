/**
 * The simulated mode's phone: the simulator's loopback control API links the device that shows this QR.
 * The API serves the panel and the simulator on different ports, so the simulator must allow this origin
 * (CORS) or the API must proxy it; see the admin README.
 */
export async function scanWithSimulatedPhone(controlUrl: string, qr: string): Promise<void> {
  const response = await fetch(`${controlUrl.replace(/\/$/, "")}/phone/scan`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ qr }),
  });
  if (!response.ok) {
    const body = await response.text();
    throw new Error(body === "" ? `${response.status} ${response.statusText}` : body);
  }
}
