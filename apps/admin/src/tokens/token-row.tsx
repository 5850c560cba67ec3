import { readError } from "../api/errors";
import { type RouterOutputs, trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { useI18n } from "../i18n/i18n";

type Token = RouterOutputs["tokens"]["list"][number];

export function TokenRow({ token }: { token: Token }) {
  const { t, formatDateTime } = useI18n();
  const utils = trpc.useUtils();
  const revoke = trpc.tokens.revoke.useMutation({ onSuccess: () => utils.tokens.list.invalidate() });
  return (
    <li className="token">
      <div>
        <strong>{token.name}</strong>{" "}
        <span className="tag" data-scope={token.scope}>
          {t.tokens.scopeTags[token.scope]}
        </span>
        <p className="muted small">
          {t.tokens.created}: {formatDateTime(token.createdAt)} · {t.tokens.lastUsed}:{" "}
          {token.lastUsedAt === null ? t.sessions.never : formatDateTime(token.lastUsedAt)}
        </p>
        <ErrorText message={revoke.error === null ? null : readError(revoke.error, t).message} />
      </div>
      {token.revokedAt === null ? (
        <Button
          variant="danger"
          onClick={() => revoke.mutate({ id: token.id })}
          isLoading={revoke.isPending}
          loadingLabel={t.tokens.revoking}
        >
          {t.tokens.revoke}
        </Button>
      ) : (
        <span className="tag">{t.tokens.revoked}</span>
      )}
    </li>
  );
}
