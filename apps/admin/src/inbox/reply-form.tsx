import { sendMessageInput } from "@kabar/core/schemas";
import { type FormEvent, useState } from "react";
import { trpc } from "../api/trpc";
import { Field } from "../components/field";
import { SubmitRow } from "../components/submit-row";
import { useFormErrors } from "../forms/use-form-errors";
import { useI18n } from "../i18n/i18n";

const replyInput = sendMessageInput.pick({ message: true });

/** The reply box: the text goes through the outbox like any message (pacing, daily cap, opt-out). */
export function ReplyForm({ phone }: { phone: string }) {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const [message, setMessage] = useState("");
  const reply = trpc.inbox.reply.useMutation({
    onSuccess: async () => {
      setMessage("");
      await utils.inbox.thread.invalidate({ phone });
    },
  });
  const { errorOf, formError, check } = useFormErrors(reply.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = check(replyInput, { message });
    if (input !== null) reply.mutate({ phone, message: input.message });
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field
        label={t.inbox.reply}
        name="message"
        multiline
        value={message}
        onValueChange={setMessage}
        error={errorOf("message")}
        required
      />
      <SubmitRow
        error={formError}
        label={t.inbox.send}
        loadingLabel={t.messages.sending}
        isPending={reply.isPending}
        successNote={reply.isSuccess ? t.messages.sent : null}
      />
    </form>
  );
}
