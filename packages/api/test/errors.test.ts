/** How an error a client did not cause reaches it: hidden, except a lost database connection, which says retry. */
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { CONNECTION_LOST_MESSAGE, describeError } from "../src/errors.js";

const asTRPC = (cause: Error) => new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause });

describe("errors a client did not cause", () => {
  it("a database connection ended under the request (PostgreSQL 57P01) is a 503 that says to send again", () => {
    // the shape Prisma's pg adapter gives a query whose backend pg_terminate_backend ended
    const cut = Object.assign(new Error("Error in query"), {
      cause: { kind: "postgres", code: "57P01", message: "terminating connection due to administrator command" },
    });
    expect(describeError(asTRPC(cut))).toEqual({
      status: 503,
      body: { code: "SERVICE_UNAVAILABLE", message: CONNECTION_LOST_MESSAGE },
    });
    const broken = new Error("Connection terminated unexpectedly");
    expect(describeError(asTRPC(broken)).status).toBe(503);
  });

  it("anything else stays a 500 whose message names nothing of the server's internals", () => {
    const described = describeError(asTRPC(new Error('relation "Secret" does not exist at /srv/kabar')));
    expect(described.status).toBe(500);
    expect(described.body.message).not.toContain("Secret");
  });
});
