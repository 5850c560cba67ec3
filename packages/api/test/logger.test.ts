import { expect, it } from "vitest";
import { createLogger } from "../src/logger.js";

it("blanks out passwords, tokens, hashes and auth headers wherever they are logged", () => {
  const lines: string[] = [];
  const logger = createLogger({ LOG_LEVEL: "info" }, { write: (line: string) => lines.push(line) });
  logger.info(
    {
      password: "hunter2-secret",
      input: { password: "nested-secret", token: "kabar_abc" },
      user: { passwordHash: "$argon2id$…" },
      req: { headers: { authorization: "Bearer kabar_live", cookie: "kabar_session=abc" } },
    },
    "login",
  );
  const text = lines.join("");
  for (const secret of [
    "hunter2-secret",
    "nested-secret",
    "kabar_abc",
    "$argon2id",
    "kabar_live",
    "kabar_session=abc",
  ]) {
    expect(text).not.toContain(secret);
  }
  expect(text).toContain("[redacted]");
});
