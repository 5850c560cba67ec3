/** CLUSTER_NODE_ID and CLUSTER_LEASE_MS: defaults, and a wrong value is one line naming the variable and the rule. */
import os from "node:os";
import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/env.js";

describe("the cluster variables", () => {
  it("default to <hostname>:<PORT> and a 10 s lease", () => {
    const env = readEnv({ PORT: "3001" });
    expect(env.CLUSTER_NODE_ID).toBe(`${os.hostname()}:3001`);
    expect(env.CLUSTER_LEASE_MS).toBe(10_000);
  });

  it("take a node name and a lease length", () => {
    const env = readEnv({ CLUSTER_NODE_ID: "node-a:3001", CLUSTER_LEASE_MS: "15000" });
    expect(env.CLUSTER_NODE_ID).toBe("node-a:3001");
    expect(env.CLUSTER_LEASE_MS).toBe(15_000);
  });

  it("refuse a lease shorter than the 3 s fencing margin allows, naming the variable and the rule", () => {
    expect(() => readEnv({ CLUSTER_LEASE_MS: "2000" })).toThrow(
      /CLUSTER_LEASE_MS must be at least 5000 \(the owner fences itself 3 s before expiry\)/,
    );
  });

  it("refuse a node name with spaces or quotes (it becomes a connection's application_name)", () => {
    expect(() => readEnv({ CLUSTER_NODE_ID: "node a'" })).toThrow(
      /CLUSTER_NODE_ID must be 1–64 characters: letters, digits, '\.', '_', ':' or '-'/,
    );
  });
});
