"use client";
/** A modal: Escape or a click outside closes it. */
import { useEffect, type ReactNode } from "react";
import { Icon } from "./icons";
import styles from "./dialogs.module.css";

export function Dialog({ title, subtitle, onClose, children, footer, wide, testId }: {
  title: string;
  subtitle?: ReactNode;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean | "medium";
  testId?: string;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === "Escape") onClose(); };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className={styles.backdrop} onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div role="dialog" aria-modal="true" aria-label={title} className={`${styles.dialog} ${wide === "medium" ? styles.medium : wide ? styles.wide : ""}`} data-testid={testId}>
        <header className={styles.header}>
          <div>
            <h2>{title}</h2>
            {subtitle ? <p className={styles.subtitle}>{subtitle}</p> : null}
          </div>
          <button type="button" className={styles.close} onClick={onClose} aria-label="Close"><Icon name="close" /></button>
        </header>
        <div className={styles.body}>{children}</div>
        {footer ? <footer className={styles.footer}>{footer}</footer> : null}
      </div>
    </div>
  );
}
