import { z } from "zod";

/** The text an LLM action reads; capped so one step cannot send a whole book to the provider. */
export const InputText = z.string().min(1).max(200_000).describe("the text to work on (plain text, up to 200,000 characters)");

export const countWords = (text: string) => (text.trim() === "" ? 0 : text.trim().split(/\s+/).length);
