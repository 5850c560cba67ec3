import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLinkPreview, isPublicAddress } from "./link-preview.js";

describe("isPublicAddress", () => {
  it.each([
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["172.20.0.1", false],
    ["192.168.1.10", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["::1", false],
    ["::", false],
    ["fd00:ec2::254", false],
    ["fe80::1", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["64:ff9b::a00:1", false],
    ["not an address", false],
    ["8.8.8.8", true],
    ["104.18.32.7", true],
    ["2606:4700:4700::1111", true],
    ["::ffff:8.8.8.8", true],
  ])("%s → %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("buildLinkPreview", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "kabar-link-preview-"));
  let server: Server;
  let port = 0;
  let ca = "";
  let requests: string[] = [];
  const pages: Record<string, (response: import("node:http").ServerResponse) => void> = {
    "/page": (response) =>
      response
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(
          '<html><head><title>Fallback</title><meta property="og:title" content="Lari Pagi &amp; Sehat">' +
            '<meta name="description" content="Race pack Sabtu 07:00"></head></html>',
        ),
    "/huge": (response) =>
      response
        .writeHead(200, { "content-type": "text/html" })
        .end(`<html>${" ".repeat(600 * 1024)}<title>Too far</title></html>`),
    "/hang": () => undefined,
    "/json": (response) => response.writeHead(200, { "content-type": "application/json" }).end("{}"),
  };

  beforeAll(async () => {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=preview.kabar-test.com"]
        .concat(["-addext", "subjectAltName=DNS:preview.kabar-test.com"])
        .concat(["-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")]),
      { stdio: "ignore" },
    );
    ca = readFileSync(path.join(dir, "cert.pem"), "utf8");
    server = createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: ca }, (request, response) => {
      requests.push(request.url ?? "");
      pages[request.url ?? ""]?.(response);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const toLoopback = async () => [{ address: "127.0.0.1", family: 4 }];
  const url = (pathname: string) => `https://preview.kabar-test.com:${port}${pathname}`;
  // The local server stands in for a public host: only these tests allow its loopback address.
  const trusting = { resolve: toLoopback, isAllowedAddress: () => true, ca: "" };

  it("refuses a host that resolves to a loopback or private address, without a request", async () => {
    requests = [];
    expect(await buildLinkPreview(`Lihat ${url("/page")}`, { resolve: toLoopback, ca })).toBeNull();
    const mixed = async () => [
      { address: "8.8.8.8", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ];
    expect(await buildLinkPreview(`Lihat ${url("/page")}`, { resolve: mixed, ca })).toBeNull();
    expect(await buildLinkPreview(`https://127.0.0.1:${port}/page`, { ca })).toBeNull();
    expect(requests).toEqual([]);
  });

  it("reads the title and description of an allowed page", async () => {
    const preview = await buildLinkPreview(`Info: ${url("/page")} ya`, { ...trusting, ca });
    expect(preview).toEqual({
      matchedText: url("/page"),
      canonicalUrl: url("/page"),
      title: "Lari Pagi & Sehat",
      description: "Race pack Sabtu 07:00",
    });
  });

  it("reads no further than the cap, gives up at the timeout, and wants HTML", async () => {
    expect(await buildLinkPreview(url("/huge"), { ...trusting, ca })).toBeNull();
    const started = Date.now();
    expect(await buildLinkPreview(url("/hang"), { ...trusting, ca, timeoutMs: 200 })).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await buildLinkPreview(url("/json"), { ...trusting, ca })).toBeNull();
    expect(await buildLinkPreview("no link here", trusting)).toBeNull();
    expect(await buildLinkPreview("http://plain.kabar-test.com/page", trusting)).toBeNull();
  });
});
