import { sendMessageInput } from "@kabar/core/schemas";
import { type FormEvent, useState } from "react";
import { trpc } from "../api/trpc";
import { Field } from "../components/field";
import { SubmitRow } from "../components/submit-row";
import { useFormErrors } from "../forms/use-form-errors";
import { useI18n } from "../i18n/i18n";

export function SendTestForm() {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const [to, setTo] = useState("");
  const [message, setMessage] = useState("");
  const send = trpc.messages.send.useMutation({
    onSuccess: async () => {
      setMessage("");
      await utils.messages.list.invalidate();
    },
  });
  const { errorOf, formError, check } = useFormErrors(send.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = check(sendMessageInput, { to, message });
    if (input !== null) send.mutate(input);
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="send-test-title">
      <h2 id="send-test-title">{t.messages.sendTitle}</h2>
      <Field
        label={t.messages.to}
        name="to"
        hint={t.messages.toHint}
        inputMode="tel"
        value={to}
        onValueChange={setTo}
        error={errorOf("to")}
        required
      />
      <Field
        label={t.messages.text}
        name="message"
        multiline
        value={message}
        onValueChange={setMessage}
        error={errorOf("message")}
        required
      />
      <SubmitRow
        error={formError}
        label={t.messages.send}
        loadingLabel={t.messages.sending}
        isPending={send.isPending}
        successNote={send.isSuccess ? t.messages.sent : null}
      />
    </form>
  );
}
