/**
 * A real SMTP server (smtp-server) on a free port that keeps every e-mail it accepts, for the alert
 * tests: nodemailer talks SMTP to it exactly as it would to a provider, AUTH included.
 */
import { once } from "node:events";
import { EventEmitter } from "node:events";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
}

export async function startSmtpSink(credentials: { user: string; pass: string }) {
  const mails: ReceivedMail[] = [];
  const arrivals = new EventEmitter();
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.pass) {
        callback(null, { user: auth.username });
      } else callback(new Error("invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        // quoted-printable soft line breaks would split the link; join them back
        const raw = Buffer.concat(chunks)
          .toString("utf8")
          .replace(/=\r?\n/g, "");
        const subject = /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? "";
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          subject,
        });
        arrivals.emit("mail");
        callback();
      });
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    mails,
    /** Resolves once `count` e-mails arrived in all. */
    async waitFor(count: number, timeoutMs = 20_000): Promise<ReceivedMail[]> {
      const deadline = AbortSignal.timeout(timeoutMs);
      while (mails.length < count) await once(arrivals, "mail", { signal: deadline });
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
