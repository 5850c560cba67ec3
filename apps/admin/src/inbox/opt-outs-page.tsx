import { contactInput } from "@kabar/core/schemas";
import { type FormEvent, useState } from "react";
import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { Field } from "../components/field";
import { useFormErrors } from "../forms/use-form-errors";
import { useI18n } from "../i18n/i18n";
import { AutoRepliesCard } from "./auto-replies-card";

/** The opt-out list (numbers that said stop; add and remove) and the keyword auto-replies. */
export function OptOutsPage() {
  const { t, formatDateTime } = useI18n();
  const utils = trpc.useUtils();
  const list = trpc.optOuts.list.useQuery();
  const [phone, setPhone] = useState("");
  const add = trpc.optOuts.add.useMutation({
    onSuccess: async () => {
      setPhone("");
      await utils.optOuts.list.invalidate();
    },
  });
  const remove = trpc.optOuts.remove.useMutation({ onSuccess: () => utils.optOuts.list.invalidate() });
  const { errorOf, formError, check } = useFormErrors(add.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = check(contactInput, { phone });
    if (input !== null) add.mutate(input);
  }

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t.optOuts.title}</h1>
      </header>
      <section className="card" aria-labelledby="opt-outs-title">
        <h2 id="opt-outs-title">{t.optOuts.listTitle}</h2>
        <p className="muted">{t.optOuts.intro}</p>
        <form className="form" onSubmit={submit} noValidate>
          <Field
            label={t.optOuts.phone}
            name="phone"
            inputMode="tel"
            value={phone}
            onValueChange={setPhone}
            error={errorOf("phone")}
            required
          />
          <ErrorText message={formError} />
          <div className="actions">
            <Button type="submit" isLoading={add.isPending} loadingLabel={t.optOuts.adding}>
              {t.optOuts.add}
            </Button>
          </div>
        </form>
        <ErrorText message={list.error === null ? null : readError(list.error, t).message} />
        <ErrorText message={remove.error === null ? null : readError(remove.error, t).message} />
        {list.data?.length === 0 ? <p className="muted">{t.optOuts.empty}</p> : null}
        <ul className="plain-list">
          {list.data?.map((entry) => (
            <li key={entry.phone} className="row">
              <span>+{entry.phone}</span>
              <span className="muted small">
                {entry.source === "keyword" ? t.optOuts.byKeyword : t.optOuts.byAdmin} ·{" "}
                {formatDateTime(entry.createdAt)}
              </span>
              <Button
                variant="secondary"
                isLoading={remove.isPending && remove.variables?.phone === entry.phone}
                onClick={() => remove.mutate({ phone: entry.phone })}
              >
                {t.optOuts.remove}
              </Button>
            </li>
          ))}
        </ul>
      </section>
      <AutoRepliesCard />
    </div>
  );
}
