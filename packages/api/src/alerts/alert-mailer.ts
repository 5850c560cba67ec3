/**
 * Alert e-mails: every `alert` event on the bus (one when an incident starts, one when it clears,
 * which core already de-duplicates) becomes one e-mail to ALERT_EMAIL_TO through SMTP_URL, in the
 * language of the alertLanguage setting, linking to the panel's session page. The SMTP URL carries
 * the password: it is never logged, never returned, and scrubbed from any error text.
 */
import nodemailer from "nodemailer";
import type { Logger } from "pino";
import type { AlertRecord, EventBus, TrackedEvent } from "../kabar.js";
import { alertEmail } from "./alert-text.js";

export interface AlertMailerOptions {
  smtpUrl: string;
  to: string;
  publicUrl: string | undefined;
  logger: Logger;
  language(): Promise<"id" | "en">;
}

export interface AlertMailer {
  /** Where e-mails go, without credentials: what the panel may show. */
  describe(): { to: string; server: string };
  send(alert: AlertRecord): Promise<void>;
  /**
   * Mails each alert event this node published, in order (in a cluster each alert has one publisher,
   * so it is mailed once); the returned stop waits for the e-mail in flight.
   */
  start(events: Pick<EventBus, "onPublished">): () => Promise<void>;
}

export function createAlertMailer(options: AlertMailerOptions): AlertMailer {
  const url = new URL(options.smtpUrl);
  const secrets = [url.password, decodeURIComponent(url.password)].filter((secret) => secret.length > 0);
  const transport = nodemailer.createTransport(options.smtpUrl);
  // a provider usually accepts only its account as the sender; a bare user name gets the SMTP host
  const user = decodeURIComponent(url.username);
  const from = `Kabar <${user.includes("@") ? user : `kabar@${url.hostname}`}>`;
  const scrub = (text: string) => secrets.reduce((result, secret) => result.split(secret).join("***"), text);

  const mailer: AlertMailer = {
    describe: () => ({
      to: options.to,
      server: `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ""}`,
    }),
    async send(alert) {
      const { subject, text } = alertEmail(alert, await options.language(), options.publicUrl);
      try {
        await transport.sendMail({ from, to: options.to, subject, text });
      } catch (error) {
        // nodemailer's messages can quote the server's answer to AUTH; the password stays out
        throw new Error(
          `could not send the alert e-mail: ${scrub(error instanceof Error ? error.message : String(error))}`,
        );
      }
    },
    start(events) {
      let chain: Promise<void> = Promise.resolve();
      const off = events.onPublished(({ event }: TrackedEvent) => {
        // the test alert is mailed by its own request, which reports the outcome to the panel
        if (event.type !== "alert" || event.alert.kind === "test") return;
        const alert = event.alert;
        chain = chain.then(() =>
          mailer
            .send(alert)
            .catch((error: unknown) =>
              options.logger.error(
                { kind: alert.kind, phase: alert.phase, error: String(error) },
                "alert e-mail failed",
              ),
            ),
        );
      });
      return async () => {
        off();
        await chain;
        transport.close();
      };
    },
  };
  return mailer;
}
