import { settingsInput } from "@kabar/core/schemas";
import { type FormEvent, useState } from "react";
import { type RouterOutputs, trpc } from "../api/trpc";
import { Field } from "../components/field";
import { SubmitRow } from "../components/submit-row";
import { useFormErrors } from "../forms/use-form-errors";
import { useI18n } from "../i18n/i18n";

type Settings = RouterOutputs["settings"]["get"];

/** The words that opt a contact out and back in, their replies, and the alert e-mails' settings. */
export function ReplyAlertSettingsForm({ initial }: { initial: Settings }) {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const [values, setValues] = useState({
    optOutKeywords: initial.optOutKeywords.join(", "),
    optInKeywords: initial.optInKeywords.join(", "),
    optOutReply: initial.optOutReply,
    optInReply: initial.optInReply,
    alertMinutes: String(initial.alertDisconnectedMs / 60_000),
  });
  const [alertLanguage, setAlertLanguage] = useState(initial.alertLanguage);
  const update = trpc.settings.update.useMutation({
    onSuccess: (saved) => utils.settings.get.setData(undefined, saved),
  });
  const { errorOf, formError, check } = useFormErrors(update.error);
  const words = (text: string) =>
    text
      .split(",")
      .map((word) => word.trim())
      .filter((word) => word !== "");
  const set = (field: keyof typeof values) => (value: string) =>
    setValues((old) => ({ ...old, [field]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const minutes = values.alertMinutes.trim() === "" ? Number.NaN : Number(values.alertMinutes);
    const input = check(settingsInput, {
      optOutKeywords: words(values.optOutKeywords),
      optInKeywords: words(values.optInKeywords),
      optOutReply: values.optOutReply,
      optInReply: values.optInReply,
      alertLanguage,
      alertDisconnectedMs: Math.round(minutes * 60_000),
    });
    if (input !== null) update.mutate(input);
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="reply-alert-title">
      <h2 id="reply-alert-title">{t.replySettings.title}</h2>
      <div className="grid-2">
        <Field
          label={t.replySettings.optOutKeywords}
          name="optOutKeywords"
          hint={t.replySettings.wordsHint}
          value={values.optOutKeywords}
          onValueChange={set("optOutKeywords")}
          error={errorOf("optOutKeywords")}
        />
        <Field
          label={t.replySettings.optInKeywords}
          name="optInKeywords"
          hint={t.replySettings.wordsHint}
          value={values.optInKeywords}
          onValueChange={set("optInKeywords")}
          error={errorOf("optInKeywords")}
        />
      </div>
      <Field
        label={t.replySettings.optOutReply}
        name="optOutReply"
        multiline
        value={values.optOutReply}
        onValueChange={set("optOutReply")}
        error={errorOf("optOutReply")}
      />
      <Field
        label={t.replySettings.optInReply}
        name="optInReply"
        multiline
        value={values.optInReply}
        onValueChange={set("optInReply")}
        error={errorOf("optInReply")}
      />
      <div className="grid-2">
        <label className="select-field">
          <span className="select-label">{t.replySettings.alertLanguage}</span>
          <select
            value={alertLanguage}
            onChange={(event) => setAlertLanguage(event.target.value === "en" ? "en" : "id")}
          >
            <option value="id">Bahasa Indonesia</option>
            <option value="en">English</option>
          </select>
        </label>
        <Field
          label={t.replySettings.alertMinutes}
          name="alertDisconnectedMs"
          inputMode="decimal"
          value={values.alertMinutes}
          onValueChange={set("alertMinutes")}
          error={errorOf("alertDisconnectedMs")}
        />
      </div>
      <SubmitRow
        error={formError}
        label={t.replySettings.save}
        loadingLabel={t.settings.saving}
        isPending={update.isPending}
        successNote={update.isSuccess ? t.settings.saved : null}
      />
    </form>
  );
}
