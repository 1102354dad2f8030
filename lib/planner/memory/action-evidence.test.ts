/**
 * Learning from remembered plans: steps aligned to the clauses of their goals, per-action
 * profiles of the words people used, and the offline planner choosing by them when the
 * catalog's words alone choose another action; with no memory, planning is unchanged.
 */
import { describe, expect, it } from "vitest";
import type { Plan } from "@/lib/core/plan";
import { catalogFromToolDesc } from "@/lib/catalogs/tool-desc";
import { planGoal } from "../plan-goal";
import { ActionEvidence, alignSteps } from "./action-evidence";
import { actionEvidence } from "./memory-model";
import type { RememberedPlan } from "./remembered-plan";
import { readFileSync } from "node:fs";
import path from "node:path";
import { templateRegistry } from "@/lib/templates";
import { builtinRegistry } from "@/tests/support/planner-catalogs";

const tools = catalogFromToolDesc("media", {
  nodes: [
    { id: "Audio Converter", desc: "Convert an audio file to another audio format", "input-type": ["audio"], "output-type": ["audio"] },
    { id: "Speech Recognition", desc: "Recognize the speech in an audio file and output it as text", "input-type": ["audio"], "output-type": ["text"] },
    { id: "Text Translator", desc: "Translate text into another language", "input-type": ["text"], "output-type": ["text"] },
    { id: "Image Captioner", desc: "Describe an image in text", "input-type": ["image"], "output-type": ["text"] },
  ],
});
const { catalog } = tools;

const oneStep = (action: string, input: string, value: string): Plan => ({
  goal: "",
  flows: ["media"],
  inputs: [],
  steps: [{ id: "s", action, inputs: { [input]: { kind: "literal", value } } }],
  outputs: { s: { kind: "step", step: "s" } },
});

const remembered = (id: string, goal: string, plan: Plan): RememberedPlan => ({ id: `version:${id}`, goal, plan: { ...plan, goal }, origin: "run" });

/** People ask to "convert a recording into written words" and mean speech recognition. */
const memory: RememberedPlan[] = [
  remembered("a", "Please turn the long recording 'talk.wav' from yesterday's board meeting into written words", oneStep("speech_recognition", "audio", "talk.wav")),
  remembered("b", "Could you turn my voice memo memo.wav about the garden party into written words?", oneStep("speech_recognition", "audio", "memo.wav")),
  remembered("c", "Turn the physics lecture lecture.wav into written words for my exam notes", oneStep("speech_recognition", "audio", "lecture.wav")),
  remembered("d", "Describe the picture cat.jpg for me", oneStep("image_captioner", "image", "cat.jpg")),
];

const GOAL = "Could you turn the audio 'meeting.wav' into written words?";

describe("aligning remembered steps with the clauses of their goal", () => {
  it("keeps goal order and gives each step the clause its action matches", () => {
    const clauses = [["record", "audio"], ["transcribe", "speech"], ["translate", "french"]];
    const match = (a: string, c: readonly string[]) => (a === "asr" && c.includes("transcribe") ? 3 : a === "mt" && c.includes("translate") ? 3 : 0);
    expect(alignSteps(["asr", "mt"], clauses, match)).toEqual([1, 2]);
    // Never going back: of two steps in the other order, only one can have its clause.
    const back = alignSteps(["mt", "asr"], clauses, match);
    expect(back[1]).toBeGreaterThanOrEqual(back[0]);
    // A step nothing matches takes the clause at its place.
    expect(alignSteps(["x", "y", "z"], clauses, () => 0)).toEqual([0, 1, 2]);
  });

  it("profiles an action by the words of the clauses it did, not the rest of the goal", () => {
    const two = remembered("t", "Transcribe the speech in talk.wav, then translate the transcript into French", {
      goal: "",
      flows: ["media"],
      inputs: [],
      steps: [
        { id: "a", action: "speech_recognition", inputs: { audio: { kind: "literal", value: "talk.wav" } } },
        { id: "b", action: "text_translator", inputs: { text: { kind: "step", step: "a" } } },
      ],
      outputs: { b: { kind: "step", step: "b" } },
    });
    const evidence = new ActionEvidence([two], catalog.list());
    const ids = ["speech_recognition", "text_translator"];
    const french = evidence.score("into French", ids).scores;
    expect(french[1]).toBeGreaterThan(0);
    expect(french[0]).toBe(0);
  });
});

describe("the offline planner with learned action evidence", () => {
  it("chooses the action remembered requests worded like this one used, and says which plans chose it", async () => {
    const alone = await planGoal({ goal: GOAL, flows: ["media"], planner: "offline" }, { catalog });
    expect(alone.plan.steps.map((s) => s.action)).toEqual(["audio_converter"]);
    const withMemory = await planGoal({ goal: GOAL, flows: ["media"], planner: "offline" }, { catalog, memory });
    expect(withMemory.valid).toBe(true);
    expect(withMemory.plan.steps.map((s) => s.action)).toEqual(["speech_recognition"]);
    expect(withMemory.memory?.startedFrom).toBeUndefined();
    expect(withMemory.memory?.informedBy?.map((r) => r.id)).toEqual(expect.arrayContaining(["version:a", "version:c"]));
    expect(withMemory.memory?.informedBy?.some((r) => r.id === "version:d")).toBe(false);
    expect(withMemory.memory?.chose?.[0]).toMatch(/^speech_recognition for ".*written words.*" \(instead of audio_converter\)$/);
    expect(withMemory.planning.notes?.some((n) => n.startsWith("remembered plans chose speech_recognition"))).toBe(true);
    // Turning memory off for a request plans as without it.
    const off = await planGoal({ goal: GOAL, flows: ["media"], planner: "offline", memory: false }, { catalog, memory });
    expect(off.plan).toEqual(alone.plan);
  });

  it("does not choose against the data at hand: the notes goal writes its counts as JSON though remembered reports wrote with files.write", async () => {
    // The example report plan ran, and the CSV report template is remembered: both "write" with files.write.
    const example = JSON.parse(readFileSync(path.join(process.cwd(), "examples", "revenue-by-region.json"), "utf8")) as Plan;
    const report = templateRegistry.list().find((t) => t.id === "csv-report")!;
    const memory = [remembered("report", example.goal, example), { ...remembered("csv", "The total of revenue by region in sales.csv, charted and written to a Markdown report", report.plan), id: "template:csv-report", origin: "template" as const }];
    const goal = "Read notes.txt, count words, write the counts to counts.json";
    const r = await planGoal({ goal, planner: "offline" }, { catalog: builtinRegistry().catalog, memory });
    expect(r.plan.steps.map((s) => `${s.id}:${s.action}`)).toEqual(["read:files.read", "count_words:text.count_words", "write_file:data.write_file"]);
    expect(r.memory?.chose).toBeUndefined();
  });

  it("does not make a part of the goal out of what the catalog's words do not ask for", async () => {
    // Memory knows "written words" well, but a goal whose words match no action stays without a plan.
    const r = await planGoal({ goal: "Written words, please.", flows: ["media"], planner: "offline" }, { catalog, memory });
    const alone = await planGoal({ goal: "Written words, please.", flows: ["media"], planner: "offline" }, { catalog });
    expect(r.plan.steps.map((s) => s.action)).toEqual(alone.plan.steps.map((s) => s.action));
    expect(r.status).toBe(alone.status);
  });

  it("gives no step to a sentence worded like the scene-setting of remembered requests", async () => {
    const scenes: RememberedPlan[] = [
      remembered("s1", "My old audio format converter files sit in a.wav from the choir rehearsal. Could you recognize the speech in it as text?", oneStep("speech_recognition", "audio", "a.wav")),
      remembered("s2", "Audio format converter files are all I keep, like b.wav of my grandmother's stories. Please recognize the speech as text.", oneStep("speech_recognition", "audio", "b.wav")),
    ];
    const goal = "My audio converter files fill the disk, like c.wav. Could you recognize the speech in it as text?";
    const alone = await planGoal({ goal, flows: ["media"], planner: "offline" }, { catalog });
    expect(alone.plan.steps.map((s) => s.action)).toEqual(["audio_converter", "speech_recognition"]);
    const r = await planGoal({ goal, flows: ["media"], planner: "offline" }, { catalog, memory: scenes });
    expect(r.memory?.startedFrom).toBeUndefined();
    expect(r.plan.steps.map((s) => s.action)).toEqual(["speech_recognition"]);
    expect(r.status).toBe("ready");
    expect(r.memory?.chose).toEqual(['no step for "My audio converter files fill the disk", which sets the scene (instead of audio_converter)']);
    // The request itself is still the catalog's to match: its part is covered.
    expect(r.coverage.parts.every((p) => !p.uncovered)).toBe(true);
  });

  it("plans exactly as before with an empty memory", async () => {
    for (const goal of [GOAL, "Describe the picture dog.jpg and translate the description into German"]) {
      const a = await planGoal({ goal, flows: ["media"], planner: "offline" }, { catalog });
      const b = await planGoal({ goal, flows: ["media"], planner: "offline" }, { catalog, memory: [] });
      expect(b.plan).toEqual(a.plan);
      expect(b.coverage).toEqual(a.coverage);
      expect(b.memory).toBeUndefined();
    }
  });

  it("learns once per memory list and catalog", () => {
    const specs = catalog.list();
    expect(actionEvidence(memory, specs)).toBe(actionEvidence(memory, specs));
    expect(actionEvidence([...memory], specs)).not.toBe(actionEvidence(memory, specs));
  });
});
