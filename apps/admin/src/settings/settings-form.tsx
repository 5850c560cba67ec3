import { settingsInput } from "@kabar/core/schemas";
import { type FormEvent, useState } from "react";
import { type RouterOutputs, trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { Field } from "../components/field";
import { useFormErrors } from "../forms/use-form-errors";
import { useI18n } from "../i18n/i18n";

type Settings = RouterOutputs["settings"]["get"];
const pacingFields = ["minGapMs", "maxGapMs", "perRecipientGapMs", "dailyCap"] as const;
const retryFields = ["maxAttempts", "holdsBeforePause", "holdsWindowMs"] as const;
const numberFields = [...pacingFields, ...retryFields] as const;

export function SettingsForm({ initial }: { initial: Settings }) {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const [values, setValues] = useState({
    minGapMs: String(initial.minGapMs),
    maxGapMs: String(initial.maxGapMs),
    perRecipientGapMs: String(initial.perRecipientGapMs),
    dailyCap: String(initial.dailyCap),
    maxAttempts: String(initial.maxAttempts),
    holdsBeforePause: String(initial.holdsBeforePause),
    holdsWindowMs: String(initial.holdsWindowMs),
    defaultCountry: initial.defaultCountry,
    timeZone: initial.timeZone,
  });
  const [checkOnWhatsApp, setCheckOnWhatsApp] = useState(initial.checkOnWhatsApp);
  const [linkPreviews, setLinkPreviews] = useState(initial.linkPreviews);
  const update = trpc.settings.update.useMutation({
    onSuccess: (saved) => utils.settings.get.setData(undefined, saved),
  });
  const { errorOf, formError, check } = useFormErrors(update.error);

  function numberGrid(fields: readonly (typeof numberFields)[number][]) {
    return (
      <div className="grid-2">
        {fields.map((field) => (
          <Field
            key={field}
            label={t.settings[field]}
            name={field}
            inputMode="numeric"
            value={values[field]}
            onValueChange={(value) => setValues((old) => ({ ...old, [field]: value }))}
            error={errorOf(field)}
          />
        ))}
      </div>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = {
      // An empty or non-numeric box becomes NaN, which the schema reports as that field's error.
      ...Object.fromEntries(
        numberFields.map((field) => [
          field,
          values[field].trim() === "" ? Number.NaN : Number(values[field]),
        ]),
      ),
      defaultCountry: values.defaultCountry.trim().toUpperCase(),
      timeZone: values.timeZone.trim(),
      checkOnWhatsApp,
      linkPreviews,
    };
    const input = check(settingsInput, body);
    if (input !== null) update.mutate(input);
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="pacing-title">
      <h2 id="pacing-title">{t.settings.pacing}</h2>
      {numberGrid(pacingFields)}
      <h3>{t.settings.retries}</h3>
      {numberGrid(retryFields)}
      <Field
        label={t.settings.defaultCountry}
        name="defaultCountry"
        hint={t.settings.defaultCountryHint}
        maxLength={2}
        value={values.defaultCountry}
        onValueChange={(value) => setValues((old) => ({ ...old, defaultCountry: value }))}
        error={errorOf("defaultCountry")}
      />
      <Field
        label={t.settings.timeZone}
        name="timeZone"
        hint={t.settings.timeZoneHint}
        value={values.timeZone}
        onValueChange={(value) => setValues((old) => ({ ...old, timeZone: value }))}
        error={errorOf("timeZone")}
      />
      <Checkbox
        id="check-on-whatsapp"
        label={t.settings.checkOnWhatsApp}
        checked={checkOnWhatsApp}
        onChange={setCheckOnWhatsApp}
      />
      <Checkbox
        id="link-previews"
        label={t.settings.linkPreviews}
        checked={linkPreviews}
        onChange={setLinkPreviews}
      />
      <ErrorText message={formError} />
      <div className="actions">
        <Button type="submit" isLoading={update.isPending} loadingLabel={t.settings.saving}>
          {t.settings.save}
        </Button>
        {update.isSuccess ? (
          <span className="muted" role="status">
            {t.settings.saved}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function Checkbox(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className="checkbox">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={props.id}>{props.label}</label>
    </div>
  );
}
