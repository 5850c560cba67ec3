/** Where a bad input goes: a REST route or a tRPC procedure, and with which credential. */
export type Credential = "token" | "admin" | "none" | "invalid" | "revoked";

export type Procedure = { route: string; method: "GET" | "POST" | "PUT" | "DELETE"; credential: Credential };
export const trpcMutation = (name: string, credential: Credential = "token"): Procedure => ({
  route: `trpc:${name}`,
  method: "POST",
  credential,
});
export const trpcQuery = (name: string, credential: Credential = "token"): Procedure => ({
  route: `trpc:${name}`,
  method: "GET",
  credential,
});
export const rest = (
  method: Procedure["method"],
  route: string,
  credential: Credential = "token",
): Procedure => ({
  route,
  method,
  credential,
});
