/**
 * String formats Trellis checks. Media formats (image, audio, video) mark strings that
 * name a file or URL of that kind; they come from imported tool catalogs such as TaskBench.
 */
const EXT: Record<string, RegExp> = {
  image: /\.(png|jpe?g|gif|bmp|webp|tiff?|svg|heic|ico)$/i,
  audio: /\.(wav|mp3|flac|ogg|m4a|aac|wma|opus)$/i,
  video: /\.(mp4|avi|mov|mkv|webm|flv|wmv|m4v|mpe?g)$/i,
};

const URL_RE = /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i;

export const MEDIA_FORMATS = ["image", "audio", "video"] as const;

/** null when the value fits the format, else a short reason. Unknown formats always fit. */
export function checkFormat(value: string, format: string): string | null {
  switch (format) {
    case "uri":
    case "url":
    case "iri":
      return URL_RE.test(value) ? null : "is not a URL";
    case "email":
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? null : "is not an email address";
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? null : "is not a date (YYYY-MM-DD)";
    case "date-time":
      return !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value) ? null : "is not an ISO date-time";
    case "image":
    case "audio":
    case "video": {
      const clean = value.split(/[?#]/)[0];
      return EXT[format].test(clean) ? null : `is not an ${format === "image" ? "image" : format} file name or URL`;
    }
    default:
      return null;
  }
}

/** The media kind a literal looks like, by extension, else "text". */
export function contentKindOf(value: string): "image" | "audio" | "video" | "text" {
  const clean = value.split(/[?#]/)[0];
  for (const k of MEDIA_FORMATS) if (EXT[k].test(clean)) return k;
  return "text";
}
