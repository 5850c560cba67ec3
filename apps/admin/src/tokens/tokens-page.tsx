import { type FormEvent, useRef, useState } from "react";
import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { Field } from "../components/field";
import { useI18n } from "../i18n/i18n";
import { TokenRow } from "./token-row";

const TOKEN_SCOPES = ["send", "read", "admin"] as const;
type TokenScope = (typeof TOKEN_SCOPES)[number];

function toScope(value: string): TokenScope {
  return TOKEN_SCOPES.find((scope) => scope === value) ?? "send";
}

export function TokensPage() {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const tokens = trpc.tokens.list.useQuery();
  const [name, setName] = useState("");
  const [scope, setScope] = useState<TokenScope>("send");
  const [copyState, setCopyState] = useState<"idle" | "copied" | "failed">("idle");
  const tokenRef = useRef<HTMLElement>(null);
  const create = trpc.tokens.create.useMutation({
    onSuccess: async () => {
      setName("");
      setCopyState("idle");
      await utils.tokens.list.invalidate();
    },
  });
  const createError = create.error === null ? null : readError(create.error, t);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name: name.trim(), scope });
  }

  async function copy(token: string) {
    try {
      // Missing outside a secure context (e.g. the panel opened by LAN address over http).
      await navigator.clipboard.writeText(token);
      setCopyState("copied");
    } catch {
      // Select the token so Ctrl+C / long-press copies it, and say so.
      const selection = window.getSelection();
      if (tokenRef.current !== null && selection !== null) selection.selectAllChildren(tokenRef.current);
      setCopyState("failed");
    }
  }

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t.tokens.title}</h1>
        <p className="muted">{t.tokens.intro}</p>
      </header>
      <form className="card form inline-form" onSubmit={submit} noValidate>
        <Field
          label={t.tokens.name}
          name="name"
          value={name}
          onValueChange={setName}
          error={createError?.fieldErrors.name ?? createError?.message}
          required
        />
        <div className="field">
          <label htmlFor="token-scope">{t.tokens.scope}</label>
          <select
            id="token-scope"
            name="scope"
            value={scope}
            onChange={(event) => setScope(toScope(event.target.value))}
          >
            {TOKEN_SCOPES.map((value) => (
              <option key={value} value={value}>
                {t.tokens.scopes[value]}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" isLoading={create.isPending} loadingLabel={t.tokens.creating}>
          {t.tokens.create}
        </Button>
      </form>
      {create.data === undefined ? null : (
        <div className="card token-once" role="status">
          <p>{t.tokens.createdOnce}</p>
          <div className="token-value">
            <code ref={tokenRef}>{create.data.token}</code>
            <Button variant="secondary" onClick={() => void copy(create.data.token)}>
              {copyState === "copied" ? t.tokens.copied : t.tokens.copy}
            </Button>
          </div>
          {copyState === "failed" ? <p className="hint">{t.tokens.copyManually}</p> : null}
        </div>
      )}
      <section className="card">
        {tokens.isPending ? <p className="muted">{t.app.loading}</p> : null}
        <ErrorText message={tokens.error === null ? null : readError(tokens.error, t).message} />
        {tokens.data?.length === 0 ? <p className="muted">{t.tokens.empty}</p> : null}
        <ul className="token-list">
          {tokens.data?.map((token) => (
            <TokenRow key={token.id} token={token} />
          ))}
        </ul>
      </section>
    </div>
  );
}
