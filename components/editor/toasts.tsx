"use client";
/** Short messages over the canvas: refused connections and edits, undo and redo, saves. */
import { Icon } from "./icons";
import { useActions, useEditor } from "./store-context";
import styles from "./editor.module.css";

export function Toasts() {
  const toasts = useEditor((s) => s.toasts);
  const { dismissToast } = useActions();
  if (!toasts.length) return null;
  return (
    <div className={styles.toasts} role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`${styles.toast} ${styles[`toast_${t.kind}`]}`} data-testid="toast" data-kind={t.kind}>
          <Icon name={t.kind === "error" ? "alert" : t.kind === "success" ? "check" : "history"} size={14} />
          <span>{t.message}</span>
          <button type="button" onClick={() => dismissToast(t.id)} aria-label="Dismiss"><Icon name="close" size={12} /></button>
        </div>
      ))}
    </div>
  );
}
