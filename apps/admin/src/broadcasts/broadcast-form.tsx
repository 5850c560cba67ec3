import { type FormEvent, useState } from "react";
import { trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { Field } from "../components/field";
import { format, useI18n } from "../i18n/i18n";
import { localInputToInstant } from "./zoned-input";

export interface UploadResult {
  id: string;
  rows: number;
  valid: number;
  invalid: number;
  errors: {
    line: number;
    column: string;
    problem: "bad_number" | "empty_value" | "duplicate_number";
    message: string;
  }[];
  preview: { line: number; to: string; text: string }[];
  status: string;
}

/**
 * The upload goes to REST (`POST /api/broadcasts`, multipart) rather than tRPC: the file streams to the
 * server instead of travelling as one JSON string. The cookie and same-origin make it the admin's.
 */
export function BroadcastForm({ onCreated }: { onCreated: (result: UploadResult) => void }) {
  const { t } = useI18n();
  const settings = trpc.settings.get.useQuery();
  const timeZone = settings.data?.timeZone ?? "Asia/Jakarta";
  const [name, setName] = useState("");
  const [template, setTemplate] = useState("");
  const [scheduledLocal, setScheduledLocal] = useState("");
  const [startNow, setStartNow] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isUploading, setIsUploading] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (file === null) {
      setError(t.broadcasts.noFile);
      return;
    }
    const body = new FormData();
    body.append("name", name);
    body.append("template", template);
    const scheduledAt = scheduledLocal === "" ? null : localInputToInstant(scheduledLocal, timeZone);
    if (scheduledAt !== null) body.append("scheduledAt", scheduledAt);
    if (startNow && scheduledAt === null) body.append("start", "true");
    // the text fields first: the server reads the file as it arrives and needs the template before it
    body.append("csv", file, file.name);
    setIsUploading(true);
    setError(null);
    try {
      const response = await fetch("/api/broadcasts", { method: "POST", body, credentials: "same-origin" });
      const answer: unknown = await response.json();
      if (!response.ok) {
        setError(readRestError(answer) ?? `HTTP ${response.status}`);
        return;
      }
      onCreated(answer as UploadResult);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setIsUploading(false);
    }
  }

  return (
    <section className="card" aria-labelledby="broadcast-new-title">
      <h2 id="broadcast-new-title">{t.broadcasts.newTitle}</h2>
      <p className="muted">{t.broadcasts.intro}</p>
      <form className="form" onSubmit={submit} noValidate>
        <Field label={t.broadcasts.name} name="name" value={name} onValueChange={setName} required />
        <Field
          label={t.broadcasts.template}
          name="template"
          value={template}
          onValueChange={setTemplate}
          hint={t.broadcasts.templateHint}
          multiline
          required
        />
        <div className="field">
          <label htmlFor="broadcast-csv">{t.broadcasts.file}</label>
          <input
            id="broadcast-csv"
            name="csv"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="broadcast-csv-hint"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
          <p className="hint" id="broadcast-csv-hint">
            {t.broadcasts.fileHint}
          </p>
        </div>
        <Field
          label={t.broadcasts.scheduleAt}
          name="scheduledAt"
          type="datetime-local"
          value={scheduledLocal}
          onValueChange={setScheduledLocal}
          hint={format(t.broadcasts.scheduleHint, { zone: timeZone })}
        />
        <label className="checkbox">
          <input type="checkbox" checked={startNow} onChange={(event) => setStartNow(event.target.checked)} />{" "}
          {t.broadcasts.startNow}
        </label>
        <ErrorText message={error} />
        <div className="actions">
          <Button type="submit" isLoading={isUploading} loadingLabel={t.broadcasts.uploading}>
            {t.broadcasts.upload}
          </Button>
        </div>
      </form>
    </section>
  );
}

function readRestError(answer: unknown): string | null {
  if (typeof answer !== "object" || answer === null || !("error" in answer)) return null;
  const { error } = answer;
  if (typeof error !== "object" || error === null || !("message" in error)) return null;
  return String(error.message);
}
