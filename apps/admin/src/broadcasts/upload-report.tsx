import { format, useI18n } from "../i18n/i18n";
import type { UploadResult } from "./broadcast-form";

/** What the upload found: counts, the first rendered messages and every row with a problem. */
export function UploadReport({ result }: { result: UploadResult }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="broadcast-check-title" data-broadcast-check={result.id}>
      <h2 id="broadcast-check-title">
        {format(t.broadcasts.summary, { rows: result.rows, valid: result.valid, invalid: result.invalid })}
      </h2>
      <h3>{t.broadcasts.preview}</h3>
      <ol className="plain-list" data-testid="broadcast-preview">
        {result.preview.map((item) => (
          <li key={item.line}>
            <span className="muted small">
              {t.broadcasts.line} {item.line} · +{item.to}
            </span>
            <p>{item.text}</p>
          </li>
        ))}
      </ol>
      {result.errors.length === 0 ? null : (
        <>
          <h3>{t.broadcasts.errors}</h3>
          <table className="table" data-testid="broadcast-errors">
            <thead>
              <tr>
                <th>{t.broadcasts.line}</th>
                <th>{t.broadcasts.column}</th>
                <th>{t.broadcasts.problem}</th>
              </tr>
            </thead>
            <tbody>
              {result.errors.map((error) => (
                <tr key={`${error.line}-${error.column}-${error.problem}`}>
                  <td>{error.line}</td>
                  <td>{error.column}</td>
                  <td title={error.message}>{t.broadcasts.problems[error.problem]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
