/**
 * The typed client for internal apps: `createKabarClient({ url, token })`. Only *types* come from
 * the server (the router's shape, generated into app-router.ts), so an app installs @trpc/client and
 * eventsource, never server code.
 */
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { EventSource } from "eventsource";
import type { AppRouter } from "./app-router.js";

export interface KabarClientOptions {
  /** Where Kabar runs, e.g. http://localhost:3000 (the client adds /trpc). */
  url: string;
  /** An API token from the panel's "API Tokens" page. */
  token: string;
}

// The return type is written out so the declaration file names only @trpc/client's public types.
export function createKabarClient({ url, token }: KabarClientOptions): TRPCClient<AppRouter> {
  const endpoint = `${url.replace(/\/+$/, "")}/trpc`;
  const authorization = `Bearer ${token}`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        // Node 20 has no global EventSource; this one also lets us send the Authorization header.
        true: httpSubscriptionLink({
          url: endpoint,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, authorization } }),
          },
        }),
        // The server refuses to batch its public calls (health, login, setup) and batches over 20;
        // messages.sendMedia goes alone so a large base64 file never shares a body with other calls.
        false: splitLink({
          condition: (operation) =>
            operation.path === "health" ||
            operation.path.startsWith("auth.") ||
            operation.path === "messages.sendMedia",
          true: httpLink({ url: endpoint, headers: { authorization } }),
          false: httpBatchLink({ url: endpoint, headers: { authorization }, maxItems: 20 }),
        }),
      }),
    ],
  });
}

export type KabarClient = ReturnType<typeof createKabarClient>;
export type KabarInputs = inferRouterInputs<AppRouter>;
export type KabarOutputs = inferRouterOutputs<AppRouter>;
export type { AppRouter };
