import { recipientSchema, sendMessageInput } from "@kabar/core/schemas";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { z } from "zod";
import { trpc } from "../api/trpc";
import { Field } from "../components/field";
import { SubmitRow } from "../components/submit-row";
import { useFormErrors } from "../forms/use-form-errors";
import { useI18n } from "../i18n/i18n";
import { uploadMedia } from "./upload-media";

const mediaRecipient = z.object({ to: recipientSchema });

export function SendTestForm() {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const fileInputId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [to, setTo] = useState("");
  const [message, setMessage] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const afterSend = async () => {
    setMessage("");
    setFile(null);
    if (fileInput.current) fileInput.current.value = "";
    await utils.messages.list.invalidate();
  };
  const send = trpc.messages.send.useMutation({ onSuccess: afterSend });
  const upload = useMutation({ mutationFn: uploadMedia, onSuccess: afterSend });
  const active = file === null ? send : upload;
  const { errorOf, formError, check } = useFormErrors(active.error);
  const fileError = errorOf("file");

  function submit(event: FormEvent) {
    event.preventDefault();
    if (file === null) {
      const input = check(sendMessageInput, { to, message });
      if (input !== null) send.mutate(input);
      return;
    }
    // The server checks the file itself (type, size, bytes); here only what the form can tell.
    if (check(mediaRecipient, { to }) !== null) upload.mutate({ to, caption: message, file });
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
      <div className="field">
        <label htmlFor={fileInputId}>{t.messages.file}</label>
        <input
          id={fileInputId}
          ref={fileInput}
          name="file"
          type="file"
          accept="image/jpeg,image/png,image/webp,application/pdf,.pdf,.doc,.docx,.xls,.xlsx,.csv,.txt,.zip"
          aria-invalid={fileError !== undefined}
          aria-describedby={`${fileInputId}-hint`}
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
        <p className="hint" id={`${fileInputId}-hint`}>
          {t.messages.fileHint}
        </p>
        {fileError === undefined ? null : (
          <p className="field-error" role="alert">
            {fileError}
          </p>
        )}
      </div>
      <Field
        label={file === null ? t.messages.text : t.messages.caption}
        name="message"
        multiline
        value={message}
        onValueChange={setMessage}
        error={errorOf(file === null ? "message" : "caption")}
        required={file === null}
      />
      <SubmitRow
        error={formError}
        label={t.messages.send}
        loadingLabel={t.messages.sending}
        isPending={active.isPending}
        successNote={active.isSuccess ? t.messages.sent : null}
      />
    </form>
  );
}
