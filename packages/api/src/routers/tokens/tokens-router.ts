import { router } from "../../trpc/trpc.js";
import { createToken } from "./create-token.js";
import { listTokens } from "./list-tokens.js";
import { revokeToken } from "./revoke-token.js";

/** Admin only: an API token must not be able to mint or revoke tokens. */
export const tokensRouter = router({ create: createToken, list: listTokens, revoke: revokeToken });
