/**
 * How long an on-WhatsApp answer is trusted. A "no" expires fast: the person may install WhatsApp
 * tomorrow, and a stale "no" fails every message to them. A "yes" lasts longer: a number that
 * leaves WhatsApp only costs one failed send before the next check.
 */
import type { OnWhatsAppAnswer, OnWhatsAppAnswerService } from "../contract.js";
import { normalizePhoneNumber } from "../phone/normalize-phone-number.js";
import { onWhatsAppNumberInput } from "../schemas.js";
import { parseInput } from "../session/parse-input.js";
import type { SettingsStore } from "../settings/settings-service.js";
import type { OutboxRepository } from "./outbox-repository.js";

export const ON_WHATSAPP_YES_TTL_MS = 7 * 86_400_000;
export const ON_WHATSAPP_NO_TTL_MS = 86_400_000;

export function onWhatsAppAnswerExpiresAt(answer: { exists: boolean; checkedAt: Date }): Date {
  const ttl = answer.exists ? ON_WHATSAPP_YES_TTL_MS : ON_WHATSAPP_NO_TTL_MS;
  return new Date(answer.checkedAt.getTime() + ttl);
}

export function isOnWhatsAppAnswerFresh(answer: { exists: boolean; checkedAt: Date }, now: number): boolean {
  return onWhatsAppAnswerExpiresAt(answer).getTime() > now;
}

/** The panel's view of the cached answers, and clearing one so the next send looks the number up. */
export function createOnWhatsAppAnswers(
  repository: Pick<OutboxRepository, "listOnWhatsApp" | "clearOnWhatsApp">,
  settings: Pick<SettingsStore, "current">,
): OnWhatsAppAnswerService {
  return {
    async list() {
      const answers = await repository.listOnWhatsApp();
      return answers.map(
        (answer): OnWhatsAppAnswer => ({
          number: answer.number,
          isOnWhatsApp: answer.exists,
          checkedAt: answer.checkedAt.toISOString(),
          expiresAt: onWhatsAppAnswerExpiresAt(answer).toISOString(),
        }),
      );
    },
    async clear(input) {
      const { number } = parseInput(onWhatsAppNumberInput, input);
      const digits = normalizePhoneNumber(number, settings.current().defaultCountry);
      return { cleared: await repository.clearOnWhatsApp(digits) };
    },
  };
}
