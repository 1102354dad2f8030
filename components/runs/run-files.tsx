"use client";
import { useRef, useState } from "react";
import { ApiRequestError, createClient } from "@/lib/contract/client";
import { MAX_RUN_FILES, MAX_UPLOAD_BYTES, WorkspaceFileName, type Uploaded } from "@/lib/contract/uploads";

const client = createClient();

/** The file's bytes as base64, read in the browser. */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error ?? new Error("the file could not be read"));
    reader.readAsDataURL(file);
  });
}

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/**
 * Files for the run's workspace: chosen here, uploaded at once (POST /api/uploads), and handed
 * to the run when it starts, each at its name, where the plan's file steps read it.
 */
export function RunFiles({ files, onChange, disabled }: { files: Uploaded[]; onChange: (files: Uploaded[]) => void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const add = async (chosen: File[]) => {
    setError(null);
    const problems: string[] = [];
    let next = [...files];
    setBusy(true);
    try {
      for (const file of chosen) {
        if (next.length >= MAX_RUN_FILES) { problems.push(`A run takes at most ${MAX_RUN_FILES} files; ${file.name} was left out.`); continue; }
        if (file.size > MAX_UPLOAD_BYTES) { problems.push(`${file.name} has ${size(file.size)}; a file may have at most ${MAX_UPLOAD_BYTES / 1_000_000} MB.`); continue; }
        const name = WorkspaceFileName.safeParse(file.name);
        if (!name.success) { problems.push(`"${file.name}" cannot be a name in the run's workspace: rename the file (${name.error.issues[0].message}).`); continue; }
        try {
          const uploaded = await client.call("uploadFile", { body: { name: file.name, contentBase64: await base64Of(file) } });
          // A file of the same name replaces the one chosen before.
          next = [...next.filter((f) => f.name !== uploaded.name), uploaded];
          onChange(next);
        } catch (err) {
          problems.push(`${file.name}: ${ApiRequestError.isInstance(err) ? err.message : (err as Error).message}`);
        }
      }
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
    if (problems.length) setError(problems.join(" "));
  };

  return (
    <div className="field" data-testid="run-files">
      <label htmlFor="run-files-input">Files for the run <span className="subtle">· put into its workspace, where steps read them by name (up to {MAX_RUN_FILES}, {MAX_UPLOAD_BYTES / 1_000_000} MB each)</span></label>
      <input ref={input} id="run-files-input" type="file" multiple disabled={disabled || busy} onChange={(e) => void add([...(e.target.files ?? [])])} data-testid="run-files-input" />
      {busy ? <span className="subtle">Uploading…</span> : null}
      {files.length ? (
        <ul className="run-files-list" data-testid="run-files-list">
          {files.map((f) => (
            <li key={f.id} className="row">
              <code>{f.name}</code> <span className="subtle">{size(f.bytes)}</span>
              <button className="button" type="button" onClick={() => onChange(files.filter((x) => x.id !== f.id))} aria-label={`Remove ${f.name}`} data-testid={`run-file-remove-${f.name}`}>Remove</button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? <div className="error-box" role="alert" data-testid="run-files-error">{error}</div> : null}
    </div>
  );
}
