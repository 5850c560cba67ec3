export const ADMIN_COOKIE = "kabar_session";

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator === -1) continue;
    if (part.slice(0, separator).trim() === name) {
      const value = part.slice(separator + 1).trim();
      if (value === "") return null;
      // A cookie we did not write (broken %-encoding) is no cookie at all, not a server error.
      try {
        return decodeURIComponent(value);
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function serializeAdminCookie(
  value: string,
  options: { expiresAt: Date | null; secure: boolean },
): string {
  const parts = [`${ADMIN_COOKIE}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Strict"];
  if (options.expiresAt) {
    const maxAge = Math.max(0, Math.floor((options.expiresAt.getTime() - Date.now()) / 1000));
    parts.push(`Max-Age=${maxAge}`, `Expires=${options.expiresAt.toUTCString()}`);
  } else {
    parts.push("Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  }
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

export function readBearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
