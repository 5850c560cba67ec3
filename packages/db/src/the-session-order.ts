import type { Prisma } from "../generated/client/index.js";

/**
 * Which row is "the" WhatsApp session when an older database still holds several: the default,
 * then the oldest (createdAt, then id). The product (core), `pnpm whatsapp:status` and
 * `pnpm whatsapp:cleanup` all order by this one list, so cleanup keeps the session the product uses.
 */
export const THE_SESSION_ORDER = [
  { isDefault: "desc" },
  { createdAt: "asc" },
  { id: "asc" },
] as const satisfies Prisma.WhatsAppSessionOrderByWithRelationInput[];
