/**
 * A question routed by the LLM: a question about the shop's data is answered with SQL over the
 * sample shop database (the tables it needs confirmed by a person first), any other question is
 * answered directly. One answer comes out either way.
 */
import { defineTemplate } from "../define-template";

const IS_SQL = '${steps.classify.output.label} == "sql"';

export const sqlOrGeneral = defineTemplate({
  id: "sql-or-general",
  name: "Answer a question: SQL or general",
  description:
    "Classifies a question (needs an LLM provider). A question about the sample shop's data lists the tables, picks the ones it needs, asks a person to confirm them, trims the schema to them, writes the SQL, checks that it is one read-only query, runs it and words the answer; any other question is answered directly.",
  tags: ["sql", "llm", "approval", "branches"],
  params: [
    {
      name: "question",
      title: "Question",
      schema: { type: "string", minLength: 3, maxLength: 4000, examples: ["How many orders were shipped to Germany?"] },
      description: "What to ask, in plain words: about the shop's products, customers and orders, or anything else",
    },
    { name: "max_rows", title: "Most rows", schema: { type: "integer", minimum: 1, maximum: 10000 }, default: 100, bind: "literal", description: "The most rows the query may return" },
  ],
  plan: {
    goal: "Answer {{question}}: with SQL over the sample shop database when it asks about its data, else directly",
    flows: ["sql", "data", "text"],
    steps: [
      {
        id: "classify",
        action: "text.classify",
        label: "Classify the question",
        inputs: {
          text: "${inputs.question}",
          labels: ["sql", "general"],
          instructions: "sql: the question asks about data of a shop database (products, categories, customers, orders, order lines, revenue). general: anything else.",
        },
      },
      { id: "tables", action: "sql.list_tables", label: "List the tables", when: IS_SQL, inputs: {} },
      { id: "pick", action: "sql.pick_tables", label: "Pick the tables it needs", inputs: { question: "${inputs.question}", tables: "${steps.tables.output.tables}" } },
      { id: "schema", action: "sql.trim_schema", label: "Confirm the tables; trim the schema to them", approval: true, inputs: { tables: "${steps.pick.output.tables}" } },
      { id: "write", action: "sql.draft_query", label: "Write the SQL", inputs: { question: "${inputs.question}", schema: "${steps.schema.output.schema}" } },
      { id: "check", action: "sql.ensure_read_only", label: "Check it is one read-only query", inputs: { sql: "${steps.write.output.sql}" } },
      { id: "query", action: "sql.query", label: "Run the SQL", inputs: { sql: "${steps.check.output.sql}", maxRows: "{{max_rows}}" } },
      { id: "rows", action: "data.to_markdown", label: "The rows as a table", inputs: { table: "${steps.query.output.table}" } },
      { id: "sql_answer", action: "text.answer", label: "Word the answer from the rows", inputs: { question: "${inputs.question}", context: "${steps.rows.output.markdown}" } },
      { id: "general_answer", action: "text.answer", label: "Answer the general question", when: '${steps.classify.output.label} == "general"', inputs: { question: "${inputs.question}" } },
    ],
    outputs: { answer: { firstOf: ["${steps.sql_answer.output.answer}", "${steps.general_answer.output.answer}"] } },
  },
});
