/** TRUST_PROXY: the client is read that many hops from the right of X-Forwarded-For, never the left. */
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientIpOf, isLoopbackAddress, trustProxySchema } from "../../src/http/client-address.js";
import { readEnv } from "../../src/env.js";

function request(peer: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  } as unknown as IncomingMessage;
}

const trust = (value: string) => trustProxySchema.parse(value);

describe("TRUST_PROXY", () => {
  it("unset or false ignores X-Forwarded-For", () => {
    expect(clientIpOf(request("10.0.0.9", "1.2.3.4"), trust("false"))).toBe("10.0.0.9");
    expect(readEnv({}).TRUST_PROXY).toEqual({ hops: 0, addresses: [] });
  });

  it("true is one hop: the entry the proxy appended, not the one the client wrote", () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it saw.
    expect(clientIpOf(request("10.0.0.2", "6.6.6.6, 203.0.113.7"), trust("true"))).toBe("203.0.113.7");
    expect(clientIpOf(request("10.0.0.2", "203.0.113.7"), trust("1"))).toBe("203.0.113.7");
  });

  it("two hops read the second entry from the right; too few entries fall back to the socket", () => {
    expect(clientIpOf(request("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.1"), trust("2"))).toBe("203.0.113.7");
    expect(clientIpOf(request("198.51.100.1", "6.6.6.6"), trust("3"))).toBe("198.51.100.1");
  });

  it("a list of proxy addresses skips exactly those from the right", () => {
    const proxies = trust("10.0.0.1, 10.0.0.2");
    expect(clientIpOf(request("::ffff:10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.1"), proxies)).toBe(
      "203.0.113.7",
    );
    // Not from a listed proxy: the header is the client's own words.
    expect(clientIpOf(request("198.51.100.1", "6.6.6.6"), proxies)).toBe("198.51.100.1");
  });

  it("refuses a value that is none of these, naming the variable", () => {
    expect(() => readEnv({ TRUST_PROXY: "maybe" })).toThrow(/TRUST_PROXY must be false, true \(1 hop\)/);
  });

  it("knows loopback", () => {
    expect(["127.0.0.1", "::1", "::ffff:127.0.0.1"].map(isLoopbackAddress)).toEqual([true, true, true]);
    expect(["10.0.0.1", "203.0.113.7"].map(isLoopbackAddress)).toEqual([false, false]);
  });
});
