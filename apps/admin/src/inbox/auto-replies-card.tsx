import { autoReplyInput } from "@kabar/core/schemas";
import { type FormEvent, useState } from "react";
import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { Field } from "../components/field";
import { useFormErrors } from "../forms/use-form-errors";
import { useI18n } from "../i18n/i18n";

/** Keyword → reply, matched on the whole message in any case, once per contact per keyword per hour. */
export function AutoRepliesCard() {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const list = trpc.autoReplies.list.useQuery();
  const [keyword, setKeyword] = useState("");
  const [reply, setReply] = useState("");
  const save = trpc.autoReplies.set.useMutation({
    onSuccess: async () => {
      setKeyword("");
      setReply("");
      await utils.autoReplies.list.invalidate();
    },
  });
  const remove = trpc.autoReplies.remove.useMutation({
    onSuccess: () => utils.autoReplies.list.invalidate(),
  });
  const { errorOf, formError, check } = useFormErrors(save.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = check(autoReplyInput, { keyword, reply });
    if (input !== null) save.mutate(input);
  }

  return (
    <section className="card" aria-labelledby="auto-replies-title">
      <h2 id="auto-replies-title">{t.autoReplies.title}</h2>
      <p className="muted">{t.autoReplies.intro}</p>
      <form className="form" onSubmit={submit} noValidate>
        <Field
          label={t.autoReplies.keyword}
          name="keyword"
          value={keyword}
          onValueChange={setKeyword}
          error={errorOf("keyword")}
          required
        />
        <Field
          label={t.autoReplies.reply}
          name="reply"
          multiline
          value={reply}
          onValueChange={setReply}
          error={errorOf("reply")}
          required
        />
        <ErrorText message={formError} />
        <div className="actions">
          <Button type="submit" isLoading={save.isPending} loadingLabel={t.autoReplies.saving}>
            {t.autoReplies.save}
          </Button>
        </div>
      </form>
      <ErrorText message={list.error === null ? null : readError(list.error, t).message} />
      {list.data?.length === 0 ? <p className="muted">{t.autoReplies.empty}</p> : null}
      <ul className="plain-list">
        {list.data?.map((entry) => (
          <li key={entry.keyword} className="row">
            <strong>{entry.keyword}</strong>
            <span>{entry.reply}</span>
            <Button variant="secondary" onClick={() => remove.mutate({ keyword: entry.keyword })}>
              {t.autoReplies.remove}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
