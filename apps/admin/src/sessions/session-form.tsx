import { createSessionInput, updateSessionInput } from "@kabar/core/schemas";
import { type FormEvent, useState } from "react";
import { type SessionRecord, trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { Field } from "../components/field";
import { useI18n } from "../i18n/i18n";
import { useFormErrors } from "../forms/use-form-errors";

interface SessionFormProps {
  /** Editing this session; creating when absent. */
  session?: SessionRecord;
  onDone: (session: SessionRecord) => void;
  onCancel: () => void;
}

export function SessionForm({ session, onDone, onCancel }: SessionFormProps) {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const [values, setValues] = useState({
    name: session?.name ?? "",
    sessionId: session?.sessionId ?? "",
    phoneNumber: session?.phoneNumber ?? "",
    description: session?.description ?? "",
  });
  const onSuccess = async (saved: SessionRecord) => {
    await Promise.all([utils.session.get.invalidate(), utils.session.status.invalidate()]);
    onDone(saved);
  };
  const create = trpc.session.create.useMutation({ onSuccess });
  const update = trpc.session.update.useMutation({ onSuccess });
  const mutation = session === undefined ? create : update;
  const { errorOf, formError, check } = useFormErrors(mutation.error);
  const set = (field: keyof typeof values) => (value: string) =>
    setValues((old) => ({ ...old, [field]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    // The one session is always active and the default; the panel says so instead of offering a choice.
    const body = {
      ...values,
      phoneNumber: values.phoneNumber.trim() === "" ? null : values.phoneNumber.trim(),
      isActive: true,
      isDefault: true,
    };
    if (session === undefined) {
      if (check(createSessionInput, body) !== null) create.mutate(body);
    } else if (check(updateSessionInput, { ...body, id: session.id }) !== null) {
      update.mutate({ ...body, id: session.id });
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="session-form-title">
      <h2 id="session-form-title">{session === undefined ? t.sessions.addTitle : t.sessions.editTitle}</h2>
      <Field
        label={t.sessions.name}
        name="name"
        value={values.name}
        onValueChange={set("name")}
        error={errorOf("name")}
        required
      />
      <Field
        label={t.sessions.sessionId}
        name="sessionId"
        hint={t.sessions.sessionIdHint}
        autoCapitalize="none"
        spellCheck={false}
        value={values.sessionId}
        onValueChange={set("sessionId")}
        error={errorOf("sessionId")}
        required
      />
      <Field
        label={t.sessions.phoneNumber}
        name="phoneNumber"
        hint={t.sessions.phoneNumberHint}
        inputMode="numeric"
        placeholder="6281234567890"
        value={values.phoneNumber}
        onValueChange={set("phoneNumber")}
        error={errorOf("phoneNumber")}
      />
      <Field
        label={t.sessions.description}
        name="description"
        multiline
        value={values.description}
        onValueChange={set("description")}
        error={errorOf("description")}
      />
      <div className="checkbox">
        <input id="session-active" type="checkbox" checked disabled aria-describedby="session-active-hint" />
        <label htmlFor="session-active">{t.sessions.active}</label>
        <p className="hint" id="session-active-hint">
          {t.sessions.activeHint}
        </p>
      </div>
      <ErrorText message={formError} />
      <div className="actions">
        <Button
          type="submit"
          isLoading={mutation.isPending}
          loadingLabel={session === undefined ? t.sessions.creating : t.sessions.saving}
        >
          {session === undefined ? t.sessions.create : t.sessions.save}
        </Button>
        <Button variant="ghost" onClick={onCancel} disabled={mutation.isPending}>
          {t.sessions.cancel}
        </Button>
      </div>
    </form>
  );
}
