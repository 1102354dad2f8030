import type { ReactNode } from "react";

export function EmptyState({ title, children, action, testId }: { title: string; children: ReactNode; action?: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId}>
      <svg width="56" height="56" viewBox="0 0 56 56" fill="none" aria-hidden="true">
        <rect x="4" y="8" width="18" height="12" rx="3" stroke="#cdd3dc" strokeWidth="2" />
        <rect x="34" y="8" width="18" height="12" rx="3" stroke="#cdd3dc" strokeWidth="2" />
        <rect x="19" y="36" width="18" height="12" rx="3" stroke="#2f6f4f" strokeWidth="2" />
        <path d="M13 20v6a4 4 0 0 0 4 4h22a4 4 0 0 0 4-4v-6M28 30v6" stroke="#cdd3dc" strokeWidth="2" />
      </svg>
      <h3>{title}</h3>
      <p>{children}</p>
      {action}
    </div>
  );
}
