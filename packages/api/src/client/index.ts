/**
 * The typed client for internal apps: `createKabarClient({ url, token })`. Only *types* come from
 * the server (import type), so an app bundles @trpc/client and eventsource, never server code.
 */
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { EventSource } from "eventsource";
import type { AppRouter } from "../routers/app-router.js";

export interface KabarClientOptions {
  /** Where Kabar runs, e.g. http://localhost:3000 (the client adds /trpc). */
  url: string;
  /** An API token from the panel's "API Tokens" page. */
  token: string;
}

export function createKabarClient({ url, token }: KabarClientOptions) {
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
        false: httpBatchLink({ url: endpoint, headers: { authorization } }),
      }),
    ],
  });
}

export type KabarClient = ReturnType<typeof createKabarClient>;
export type KabarInputs = inferRouterInputs<AppRouter>;
export type KabarOutputs = inferRouterOutputs<AppRouter>;
export type { AppRouter };
