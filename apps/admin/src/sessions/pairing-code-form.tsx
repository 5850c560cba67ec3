import { type FormEvent, useState } from "react";
import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { Button } from "../components/button";
import { Field } from "../components/field";
import { useI18n } from "../i18n/i18n";

/** Linking by phone number: WhatsApp shows a prompt, the person types the 8-character code. */
export function PairingCodeForm({ defaultPhone, code }: { defaultPhone: string; code: string | null }) {
  const { t } = useI18n();
  const [phoneNumber, setPhoneNumber] = useState(defaultPhone);
  const request = trpc.session.requestPairingCode.useMutation();
  const error = request.error === null ? null : readError(request.error, t);

  function submit(event: FormEvent) {
    event.preventDefault();
    request.mutate({ phoneNumber });
  }

  return (
    <details className="pairing">
      <summary>{t.qr.pairingTitle}</summary>
      <form onSubmit={submit} noValidate>
        <p className="hint">{t.qr.pairingIntro}</p>
        <Field
          label={t.qr.pairingPhone}
          name="phoneNumber"
          inputMode="tel"
          autoComplete="tel"
          value={phoneNumber}
          onValueChange={setPhoneNumber}
          error={error?.fieldErrors.phoneNumber ?? error?.message}
        />
        <Button
          type="submit"
          variant="secondary"
          isLoading={request.isPending}
          loadingLabel={t.qr.pairingRequesting}
        >
          {t.qr.pairingRequest}
        </Button>
        {code === null ? null : (
          <p className="pairing-code">
            <span>{t.qr.pairingCode}</span>
            <output aria-live="polite">{code}</output>
          </p>
        )}
      </form>
    </details>
  );
}
