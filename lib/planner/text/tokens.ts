/**
 * Words for lexical retrieval: lower-cased, split at case and punctuation changes, stop words
 * dropped, suffixes stripped, and common English synonyms folded together, so "photos",
 * "picture" and "image" meet, as do "transcription" and "transcribe".
 */

const STOP = new Set(
  ("a an and are as at be been being but by can could did do does done for from had has have having he her here him his how i if in into is it its " +
    "itself just me my myself no nor not of off on once only or other our ours out over own please same she should so some such than that the their " +
    "them then there these they this those through to too under until up very was we were what when where which while who whom why will with would " +
    "you your yours yourself also any each few more most both all again further would could might must shall may can't cannot i'm i've i'd it's " +
    "let's lets like want wanted need needs needed help assist kindly thanks thank hi hello hey okay ok sure via using use used given " +
    "able possible something anything way ways make sure actually really just maybe perhaps well got get gets getting " +
    "named called titled dubbed labelled labeled " +
    // the tails of contractions ("I've", "we'll", "they're") once split at the apostrophe
    "ve ll re"
  ).split(/\s+/),
);

/**
 * General English words that mean the same thing when looking for an action; the first is the
 * canonical form. Only everyday synonyms live here: a catalog's own words (its tool names,
 * descriptions, field names) reach the index through retrieval.ts, and forms of one word
 * (colorize, colorizer, colorized) meet through `stem`.
 */
const SYNONYMS: string[][] = [
  ["image", "picture", "photo", "photograph", "pic", "snapshot", "img"],
  ["video", "clip", "footage", "film"],
  ["audio", "sound", "song"],
  ["speech", "spoken", "speak", "speaking", "talk", "talking", "said"],
  ["transcribe", "transcription", "transcript", "dictation"],
  ["search", "find", "look", "lookup", "seek", "discover", "browse"],
  ["download", "fetch", "retrieve", "grab"],
  ["combine", "merge", "join", "splice", "stitch", "concatenate", "mix", "blend"],
  ["summarize", "summarise", "summary", "condense", "shorten", "digest", "recap"],
  ["translate", "translation"],
  ["remove", "drop", "delete", "omit", "exclude", "strip"],
  ["paraphrase", "rephrase", "reword", "rewrite"],
  ["simplify", "simpler", "simplification"],
  ["expand", "elaborate", "expound", "enrich", "lengthen"],
  ["keyword", "keyphrase"],
  ["topic", "idea", "theme", "brainstorm", "subject"],
  ["sentiment", "emotion", "feeling", "mood", "opinion"],
  ["grammar", "grammatical", "proofread", "spelling", "typo"],
  ["color", "colour", "colorize", "colourize", "colorful"],
  ["stabilize", "stabilise", "shaky", "shake", "steady", "stabilization"],
  ["speed", "playback", "faster", "slower", "accelerate", "pace", "tempo"],
  ["noise", "denoise", "hiss"],
  ["effect", "reverb", "echo", "chorus", "equalization", "equalize"],
  ["narrate", "narration", "narrator"],
  ["synchronize", "sync", "synchronise", "align", "synchronization", "synchronized"],
  ["generate", "create", "produce", "design", "compose", "craft"],
  ["extract", "pull", "isolate"],
  ["visualize", "visualise", "visualization", "visual", "visually"],
  ["slideshow", "slide"],
  ["url", "link", "weblink", "hyperlink", "urls"],
  ["chart", "plot", "graph", "diagram"],
  ["sum", "total", "totals", "add", "addition"],
  ["avg", "average", "mean"],
  ["email", "mail", "e-mail"],
  ["csv", "spreadsheet"],
  ["table", "tabular", "dataset"],
  ["report", "writeup"],
  ["webpage", "website", "page", "site", "web"],
  ["sql", "query", "database"],
];

/** Words whose final s is not a plural: "news" is not "new", "series" not "sery". */
const KEEP_S = new Set(["news", "series", "species", "means", "lens", "gas", "bus", "alias", "atlas", "canvas", "chaos", "bias", "physics", "mathematics", "economics", "politics", "statistics", "analytics", "ethics", "graphics", "electronics", "logistics", "linguistics", "athletics", "tennis", "diabetes", "measles", "thanks", "always", "perhaps", "whereas", "yes", "was", "has", "is", "this", "its", "us", "plus", "minus", "versus", "status", "corpus", "campus", "virus", "census", "focus", "bonus", "chorus", "genus", "radius", "sinus", "onus"]);

/** A light suffix stripper: consistent rather than linguistically exact. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /^\d/.test(w)) return w;
  if (KEEP_S.has(w)) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) w = w.slice(0, -1);
  // Agent nouns and their verbs meet: colorizer → colorize, translator → translate.
  if (w.endsWith("izer") || w.endsWith("iser")) w = w.slice(0, -1);
  else if (w.endsWith("ator") && w.length > 6) w = `${w.slice(0, -2)}e`;

  for (const suffix of ["ingly", "edly", "ing", "ed", "ers", "er", "ly", "ment", "ness"]) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 4) {
      w = w.slice(0, -suffix.length);
      if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
      break;
    }
  }
  if (w.endsWith("e") && w.length > 4) w = w.slice(0, -1);
  return w;
}

const CANON = new Map<string, string>();
for (const group of SYNONYMS) {
  const canon = stem(group[0]);
  for (const w of group) {
    CANON.set(w, canon);
    CANON.set(stem(w), canon);
  }
}

/**
 * Raw words: lower case, split at punctuation and between camelCase parts ("getWeather" → get
 * weather); a single lower-case letter before a capital is part of a name, not a word of its own
 * ("eBay", "iPhone").
 */
export function words(text: string): string[] {
  return text
    .replace(/(?<=[a-z0-9]{2})([A-Z])/g, " $1")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function normalizeWord(w: string): string {
  return CANON.get(w) ?? CANON.get(stem(w)) ?? stem(w);
}

/** Terms for retrieval: words without stop words, stemmed and folded to their synonym group. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOP.has(w) || w.length < 2) continue;
    out.push(normalizeWord(w));
  }
  return out;
}
