/** The editor's icons: 16px strokes that take the text colour. */
import type { SVGProps } from "react";

const PATHS = {
  undo: "M4 7h7a3.5 3.5 0 0 1 0 7H8M4 7l3-3M4 7l3 3",
  redo: "M12 7H5a3.5 3.5 0 0 0 0 7h3M12 7 9 4M12 7l-3 3",
  layout: "M2.5 3.5h4v3h-4zM9.5 3.5h4v3h-4zM6 10.5h4v3H6zM4.5 6.5v2h7v-2M8 8.5v2",
  fit: "M2.5 6V2.5H6M10 2.5h3.5V6M13.5 10v3.5H10M6 13.5H2.5V10",
  history: "M2.5 8a5.5 5.5 0 1 0 1.6-3.9M2.5 2.5v2.5H5M8 5v3.2l2 1.3",
  download: "M8 2.5v8M4.5 7 8 10.5 11.5 7M3 13.5h10",
  upload: "M8 10.5v-8M4.5 6 8 2.5 11.5 6M3 13.5h10",
  sparkles: "M6 2.5l1.2 3.3L10.5 7 7.2 8.2 6 11.5 4.8 8.2 1.5 7l3.3-1.2zM12 9.5l.6 1.4 1.4.6-1.4.6-.6 1.4-.6-1.4-1.4-.6 1.4-.6z",
  save: "M3 2.5h8l2.5 2.5v8.5h-10.5zM5.5 2.5v3h5v-3M5 13.5v-4h6v4",
  plus: "M8 3v10M3 8h10",
  search: "M7 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM10.6 10.6 14 14",
  grip: "M6 4h.01M10 4h.01M6 8h.01M10 8h.01M6 12h.01M10 12h.01",
  trash: "M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 9h5.8l.6-9",
  close: "M4 4l8 8M12 4l-8 8",
  alert: "M8 2.5 14 13H2zM8 6.5v3M8 11.2v.1",
  check: "M3 8.5 6.5 12 13 4.5",
  copy: "M5.5 5.5h7v8h-7zM3.5 10.5v-8h7",
  chevronDown: "M4 6l4 4 4-4",
  chevronUp: "M4 10l4-4 4 4",
  chevronLeft: "M10 4 6 8l4 4",
  chevronRight: "M6 4l4 4-4 4",
  keyboard: "M2 4.5h12v7H2zM4.5 7h.01M7 7h.01M9.5 7h.01M12 7h.01M5 9.5h6",
  link: "M6.5 9.5l3-3M7 4.5l1-1a2.8 2.8 0 0 1 4 4l-1 1M9 11.5l-1 1a2.8 2.8 0 0 1-4-4l1-1",
  input: "M2.5 8h7M7 5l3 3-3 3M10.5 3h3v10h-3",
  shield: "M8 2 13 4v4c0 3-2.2 5-5 6-2.8-1-5-3-5-6V4z",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16, ...rest }: { name: IconName; size?: number } & SVGProps<SVGSVGElement>) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" {...rest}>
      <path d={PATHS[name]} />
    </svg>
  );
}
