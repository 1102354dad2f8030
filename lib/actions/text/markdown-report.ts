import { z } from "zod";
import { defineAction } from "@/lib/core/action";

const SLOTS = [1, 2, 3, 4, 5, 6] as const;

const Section = z.object({
  heading: z.string().describe("Section heading"),
  body: z.string().describe("Section content: Markdown text, a Markdown table, or SVG markup (embedded as an image)"),
});

function isSvg(body: string): boolean {
  const t = body.trimStart();
  return t.startsWith("<svg") || (t.startsWith("<?xml") && t.includes("<svg"));
}

function renderBody(body: string, heading: string, embedSvg: "data-uri" | "inline"): string {
  if (!isSvg(body)) return body.trim();
  if (embedSvg === "inline") return body.trim();
  // A data-URI image survives Markdown renderers that strip raw HTML.
  const alt = heading.replace(/[[\]\\]/g, "");
  return `![${alt}](data:image/svg+xml;base64,${Buffer.from(body.trim(), "utf8").toString("base64")})`;
}

const slotFields = Object.fromEntries(
  SLOTS.flatMap((n) => [
    [`heading${n}`, z.string().optional().describe(`Heading of numbered section ${n} (optional)`)],
    [`body${n}`, z.string().optional().describe(`Content of numbered section ${n}: bind a step output here, e.g. a chart's svg or a table's markdown (optional)`)],
  ]),
) as Record<`heading${(typeof SLOTS)[number]}` | `body${(typeof SLOTS)[number]}`, z.ZodOptional<z.ZodString>>;

export const markdownReportAction = defineAction({
  id: "text.markdown_report",
  title: "Assemble a Markdown report",
  description:
    "Assemble a Markdown document: a # title, an optional intro paragraph, then sections each with a ## heading and a body, then an optional footer. " +
    "Sections come from `sections` (a list of { heading, body }) followed by the numbered slots heading1/body1 … heading6/body6, which exist so that " +
    "individual step outputs can be wired in (e.g. body1 = a data.chart_svg output's svg, body2 = a data.to_markdown output's markdown). " +
    "A body that is SVG markup is embedded as an image (a base64 data URI by default, or inline SVG). Sections with an empty body and no heading are skipped. " +
    "Returns { markdown, sectionCount }; save it with files.write.",
  flows: ["text"],
  effect: "pure",
  input: z.object({
    title: z.string().min(1).describe("Report title"),
    intro: z.string().optional().describe("Paragraph under the title (optional)"),
    sections: z.array(Section).default([]).describe("Sections in order (optional)"),
    ...slotFields,
    footer: z.string().optional().describe("Closing text after a horizontal rule (optional)"),
    embedSvg: z.enum(["data-uri", "inline"]).default("data-uri").describe('How SVG bodies are embedded: "data-uri" image (default) or "inline" raw SVG'),
  }),
  output: z.object({
    markdown: z.string().describe("The whole report as Markdown"),
    sectionCount: z.number().int().describe("Number of sections written"),
  }),
  run(input) {
    const slots = SLOTS.map((n) => ({ heading: input[`heading${n}`] ?? "", body: input[`body${n}`] ?? "" }));
    const sections = [...input.sections, ...slots].filter((s) => s.heading.trim() !== "" || s.body.trim() !== "");
    const parts = [`# ${input.title.trim()}`];
    if (input.intro?.trim()) parts.push(input.intro.trim());
    for (const s of sections) {
      if (s.heading.trim()) parts.push(`## ${s.heading.trim()}`);
      if (s.body.trim()) parts.push(renderBody(s.body, s.heading, input.embedSvg));
    }
    if (input.footer?.trim()) parts.push("---", input.footer.trim());
    return { markdown: parts.join("\n\n") + "\n", sectionCount: sections.length };
  },
});
