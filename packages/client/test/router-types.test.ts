/**
 * src/app-router.ts is the server's router shape, generated: it must say what the server says. The
 * text check fails when a procedure changed without `pnpm --filter @kabar/client generate`; the type
 * check (run by `tsc --noEmit`, and by vitest through the `true` it assigns) fails when the generator
 * wrote something the server's own types disagree with.
 */
import { readFileSync } from "node:fs";
import type { inferRouterError, inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { expect, it } from "vitest";
// A relative path on purpose: @kabar/client has no dependency on the server, not even a dev one.
import type { AppRouter as ServerRouter } from "../../api/src/routers/app-router.js";
import { GENERATED_FILE, generateRouterTypes } from "../scripts/router-types.js";
import type { AppRouter } from "../src/app-router.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

it("src/app-router.ts is what the generator writes from the server's router today", () => {
  expect(readFileSync(GENERATED_FILE, "utf8")).toBe(generateRouterTypes());
}, 60_000);

it("the generated router has the server's inputs, outputs and error shape", () => {
  const inputs: Same<inferRouterInputs<AppRouter>, inferRouterInputs<ServerRouter>> = true;
  const outputs: Same<inferRouterOutputs<AppRouter>, inferRouterOutputs<ServerRouter>> = true;
  const errors: Same<inferRouterError<AppRouter>, inferRouterError<ServerRouter>> = true;
  expect([inputs, outputs, errors]).toEqual([true, true, true]);
});
