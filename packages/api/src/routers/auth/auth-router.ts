import { router } from "../../trpc/trpc.js";
import { getMe } from "./get-me.js";
import { logIn } from "./log-in.js";
import { logOut } from "./log-out.js";
import { setUpAdmin } from "./set-up-admin.js";

export const authRouter = router({ login: logIn, logout: logOut, me: getMe, setup: setUpAdmin });
