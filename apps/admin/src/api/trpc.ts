import { createTRPCReact } from "@trpc/react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@kabar/api";

/** The classic tRPC React hooks the design card names (useQuery / useMutation / useSubscription). */
export const trpc = createTRPCReact<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type SessionStatus = RouterOutputs["session"]["status"];
export type SessionRecord = NonNullable<RouterOutputs["session"]["get"]>;
export type SessionState = SessionStatus["state"];
export type MessageRecord = RouterOutputs["messages"]["list"]["items"][number];
