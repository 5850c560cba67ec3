/**
 * Who may call what: every procedure and REST route needs one of four levels. An API token carries a
 * scope (read, send or admin) and may call what its scope reaches; the admin cookie reaches everything.
 * The API README's "Who may call what" table lists each call's level, and a test walks it.
 */
import { z } from "zod";
import type { Principal } from "./auth-service.js";

export const TOKEN_SCOPES = ["read", "send", "admin"] as const;
export const tokenScopeSchema = z.enum(TOKEN_SCOPES, { error: "scope must be one of read, send, admin" });
export type TokenScope = z.infer<typeof tokenScopeSchema>;

export type Access = "anonymous" | TokenScope;

const RANK: Record<Access, number> = { anonymous: 0, read: 1, send: 2, admin: 3 };

/** Whether this principal may make a call that needs `access`. */
export function mayCall(principal: Principal | null, access: Access): boolean {
  if (access === "anonymous") return true;
  if (!principal) return false;
  if (principal.kind === "admin") return true;
  return RANK[principal.scope] >= RANK[access];
}

export function forbiddenMessage(principal: Principal, access: Access): string {
  const held = principal.kind === "token" ? `this token's scope is ${principal.scope}` : "";
  return `This needs an API token with scope ${access} or the admin logged in to the panel (${held}).`;
}
