import { type FormEvent, useState } from "react";
import { isUnauthorized, readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { Button } from "../components/button";
import { Field } from "../components/field";
import { useI18n } from "../i18n/i18n";
import { LanguageSwitch } from "../layout/language-switch";

const minPasswordLength = 8;

/** Sign-in, or the first-run setup when the server has no admin yet. */
export function LoginPage({ needsSetup }: { needsSetup: boolean }) {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [setupToken, setSetupToken] = useState("");
  const [clientError, setClientError] = useState<{
    field: "password" | "confirmation";
    message: string;
  } | null>(null);
  // Everything cached belongs to the previous login state; start clean.
  const onSuccess = () => utils.invalidate();
  const login = trpc.auth.login.useMutation({ onSuccess });
  const setup = trpc.auth.setup.useMutation({ onSuccess });
  const mutation = needsSetup ? setup : login;
  // On this form UNAUTHORIZED means a wrong password, not an expired login.
  const serverError =
    mutation.error === null
      ? null
      : isUnauthorized(mutation.error)
        ? t.auth.wrongPassword
        : readError(mutation.error, t).message;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (needsSetup && password.length < minPasswordLength) {
      setClientError({ field: "password", message: t.auth.passwordTooShort });
      return;
    }
    if (needsSetup && password !== confirmation) {
      setClientError({ field: "confirmation", message: t.auth.passwordMismatch });
      return;
    }
    setClientError(null);
    if (needsSetup)
      setup.mutate({ password, ...(setupToken.trim() ? { setupToken: setupToken.trim() } : {}) });
    else login.mutate({ password });
  }

  return (
    <main className="login" id="main">
      <div className="login-top">
        <LanguageSwitch />
      </div>
      <form className="card form login-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <p className="brand">{t.app.name}</p>
        <h1 id="login-title">{needsSetup ? t.auth.setupTitle : t.auth.loginTitle}</h1>
        <p className="muted">{needsSetup ? t.auth.setupIntro : t.app.tagline}</p>
        <Field
          label={t.auth.password}
          name="password"
          type="password"
          autoComplete={needsSetup ? "new-password" : "current-password"}
          value={password}
          onValueChange={(value) => {
            setPassword(value);
            setClientError(null);
          }}
          error={clientError?.field === "password" ? clientError.message : (serverError ?? undefined)}
          required
        />
        {needsSetup ? (
          <Field
            label={t.auth.passwordConfirm}
            name="confirmation"
            type="password"
            autoComplete="new-password"
            value={confirmation}
            onValueChange={(value) => {
              setConfirmation(value);
              setClientError(null);
            }}
            error={clientError?.field === "confirmation" ? clientError.message : undefined}
            required
          />
        ) : null}
        {needsSetup ? (
          <Field
            label={t.auth.setupToken}
            name="setupToken"
            autoComplete="off"
            value={setupToken}
            onValueChange={setSetupToken}
            hint={t.auth.setupTokenHint}
          />
        ) : null}
        <Button
          type="submit"
          isLoading={mutation.isPending}
          loadingLabel={needsSetup ? t.auth.settingUp : t.auth.loggingIn}
        >
          {needsSetup ? t.auth.setup : t.auth.login}
        </Button>
      </form>
    </main>
  );
}
