import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { type ReactNode, useState } from "react";
import { isUnauthorized } from "./errors";
import { trpc } from "./trpc";

const trpcUrl = "/trpc";

export function ApiProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // An expired login is not worth retrying; anything else gets one more try.
            retry: (failureCount, error) => !isUnauthorized(error) && failureCount < 1,
            refetchOnWindowFocus: false,
          },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    trpc.createClient({
      links: [
        splitLink({
          condition: (operation) => operation.type === "subscription",
          true: httpSubscriptionLink({ url: trpcUrl, eventSourceOptions: { withCredentials: true } }),
          // The server refuses to batch its public calls (health, login, setup): they go one by one.
          false: splitLink({
            condition: (operation) => operation.path === "health" || operation.path.startsWith("auth."),
            true: httpLink({
              url: trpcUrl,
              fetch: (url, init) => fetch(url, { ...init, credentials: "include" }),
            }),
            false: httpBatchLink({
              url: trpcUrl,
              maxItems: 20,
              fetch: (url, init) => fetch(url, { ...init, credentials: "include" }),
            }),
          }),
        }),
      ],
    }),
  );
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}
