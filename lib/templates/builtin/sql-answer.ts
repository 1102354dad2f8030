/** A question answered from the sample shop database: LLM-written SQL that a person approves before it runs. */
import { defineTemplate } from "../define-template";

export const sqlAnswer = defineTemplate({
  id: "sql-answer",
  name: "Answer a question with SQL",
  description:
    "Writes one read-only SQL query for a question over the sample shop database (needs an LLM provider), waits for a person to approve the query, runs it and renders the rows as a Markdown table.",
  tags: ["sql", "llm", "approval"],
  params: [
    {
      name: "question",
      title: "Question",
      schema: { type: "string", minLength: 3, examples: ["Top 5 customers by revenue in 2025"] },
      description: "What to ask the shop database, in plain words",
    },
    { name: "max_rows", title: "Most rows", schema: { type: "integer", minimum: 1, maximum: 10000 }, default: 100, bind: "literal", description: "The most rows the query may return" },
  ],
  plan: {
    goal: "Answer {{question}} from the sample shop database with LLM-written SQL, approved before it runs",
    flows: ["sql", "data"],
    steps: [
      { id: "generate", action: "sql.generate", label: "Write the SQL", inputs: { question: "${inputs.question}" } },
      { id: "query", action: "sql.query_generated", label: "Run the approved SQL", inputs: { sql: "${steps.generate.output.sql}", maxRows: "{{max_rows}}" } },
      { id: "answer", action: "data.to_markdown", inputs: { table: "${steps.query.output.table}" } },
    ],
    outputs: { answer: "${steps.answer.output.markdown}", sql: "${steps.generate.output.sql}", explanation: "${steps.generate.output.explanation}" },
  },
});
