/** Small HTTP helpers for the security suite: log in, call tRPC, read an SSE stream with a deadline. */
import { type ApiAnswer, callApi } from "./rest-client.js";

/** The admin cookie (`kabar_session=…`) from a password login. */
export async function logIn(baseUrl: string, password: string, headers: Record<string, string> = {}) {
  const answer = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ password }),
  });
  await answer.body?.cancel();
  return { status: answer.status, cookie: (answer.headers.get("set-cookie") ?? "").split(";")[0] ?? "" };
}

export function trpcCall(
  baseUrl: string,
  kind: "query" | "mutation",
  procedure: string,
  input: unknown,
  headers: Record<string, string>,
): Promise<ApiAnswer> {
  if (kind === "mutation")
    return callApi(baseUrl, "POST", `/trpc/${procedure}`, { headers, body: input ?? {} });
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return callApi(baseUrl, "GET", `/trpc/${procedure}${query}`, { headers });
}

/** tRPC's `result.data` of a successful answer. */
export function dataOf<T>(answer: ApiAnswer): T {
  const body = answer.body as { result?: { data?: T } } | null;
  if (answer.status !== 200 || body?.result?.data === undefined)
    throw new Error(`expected a tRPC result, got ${answer.status}: ${answer.text.slice(0, 300)}`);
  return body.result.data;
}

export interface SseStream {
  /** Resolves with the text read so far once `pattern` appears in it. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with when (performance.now()) the server ended the stream; rejects after timeoutMs. */
  ended(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

/** Opens a tRPC subscription over SSE and reads it in the background, event-driven. */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { ...headers, accept: "text/event-stream" },
    signal: controller.signal,
  });
  const reader = response.body?.getReader();
  if (!reader) throw new Error(`no stream: ${response.status}`);
  let text = "";
  let endedAt: number | null = null;
  const listeners = new Set<() => void>();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        for (const listener of [...listeners]) listener();
      }
    } catch {
      // aborted by close()
    }
    endedAt = performance.now();
    for (const listener of [...listeners]) listener();
  })();
  function until<T>(check: () => T | null, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onChange = () => {
        const result = check();
        if (result === null) return;
        clearTimeout(timer);
        listeners.delete(onChange);
        resolve(result);
      };
      const timer = setTimeout(() => {
        listeners.delete(onChange);
        reject(new Error(`${what} within ${timeoutMs} ms; read so far: ${text.slice(0, 400)}`));
      }, timeoutMs);
      listeners.add(onChange);
      onChange();
    });
  }
  return {
    waitFor: (pattern, timeoutMs = 10_000) =>
      until(() => (pattern.test(text) ? text : null), timeoutMs, `no ${pattern}`),
    ended: (timeoutMs) => until(() => endedAt, timeoutMs, "the stream did not end"),
    async close() {
      controller.abort();
    },
  };
}
