import { useState } from "react";
import { trpc } from "../api/trpc";
import { useI18n } from "../i18n/i18n";
import { BroadcastForm, type UploadResult } from "./broadcast-form";
import { BroadcastProgress } from "./broadcast-progress";
import { UploadReport } from "./upload-report";

/** "Siaran": upload a list with a template, check it, start or schedule it, and watch it go. */
export function BroadcastsPage() {
  const { t, formatDateTime } = useI18n();
  const utils = trpc.useUtils();
  const list = trpc.broadcasts.list.useQuery();
  const [uploaded, setUploaded] = useState<UploadResult | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  function created(result: UploadResult) {
    setUploaded(result);
    setSelected(result.id);
    void utils.broadcasts.list.invalidate();
  }

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t.broadcasts.title}</h1>
      </header>
      <BroadcastForm onCreated={created} />
      {uploaded === null ? null : <UploadReport result={uploaded} />}
      {selected === null ? null : <BroadcastProgress key={selected} id={selected} />}
      <section className="card" aria-labelledby="broadcast-list-title">
        <h2 id="broadcast-list-title">{t.broadcasts.list}</h2>
        {list.data?.length === 0 ? <p className="muted">{t.broadcasts.empty}</p> : null}
        <ul className="plain-list">
          {list.data?.map((broadcast) => (
            <li key={broadcast.id} className="row">
              <button type="button" className="link-button" onClick={() => setSelected(broadcast.id)}>
                {broadcast.name}
              </button>
              <span className="muted small">
                {t.broadcasts.statuses[broadcast.status]} · {formatDateTime(broadcast.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
