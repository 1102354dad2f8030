import { describe, expect, it } from "vitest";
import { contentType, graphFacts, metricToolsFromDesc, pyStr, scoreGraphs } from "./metrics";

// A: text → image, B: image → text, C: (text, text) → nothing
const mediaTools = metricToolsFromDesc({
  nodes: [
    { id: "A", desc: "", "input-type": ["text"], "output-type": ["image"] },
    { id: "B", desc: "", "input-type": ["image"], "output-type": ["text"] },
    { id: "C", desc: "", "input-type": ["text", "text"], "output-type": [] },
    { id: "S", desc: "", "input-type": ["text"], "output-type": ["Image"] },
  ],
});

const nodes = (...n: [string, unknown[]][]) => ({ task_nodes: n.map(([task, args]) => ({ task, arguments: args })) });

describe("TaskBench metrics, media sets", () => {
  it("builds the four sets of a graph", () => {
    const f = graphFacts(nodes(["S", ["cats"]], ["C", ["<node-0>", "example.wav"]], ["B", ["<node-1>"]]), mediaTools);
    expect([...f.nodes]).toEqual(["S", "C", "B"]);
    expect([...f.links]).toEqual([JSON.stringify(["S", "C"]), JSON.stringify(["C", "B"])]);
    // the source's first output type as written ("Image"), "none" for a tool without one
    expect([...f.argNames]).toEqual(["S-text", "C-Image", "C-audio", "B-none"]);
    expect([...f.argValues]).toEqual(["S-text-cats", "C-Image-S", "C-audio-example.wav", "B-none-C"]);
  });

  it("pools counts over samples (self reference, unknown tool, empty prediction, exact match)", () => {
    const pairs = [
      // 1: the prediction's B reads itself: no link, no argument
      { gold: nodes(["A", ["a cat"]], ["B", ["<node-0>"]]), pred: { result: nodes(["A", ["a cat"]], ["B", ["<node-1>"]]) } },
      // 2: an unknown tool Z in the prediction: not a node for n-F1, "other" as argument name
      { gold: nodes(["C", ["x.jpg", "hello"]]), pred: { result: nodes(["Z", ["hello"]], ["C", ["<node-0>", "Hello"]]) } },
      // 3: an empty prediction
      { gold: nodes(["A", ["dog"]]), pred: { result: { task_nodes: [] } } },
      // 4: an exact match
      { gold: nodes(["A", ["t"]], ["B", ["<node-0>"]]), pred: { result: nodes(["A", ["t"]], ["B", ["<node-0>"]]) } },
    ];
    const s = scoreGraphs(pairs, mediaTools);
    expect(s.samples).toBe(4);
    // nodes: TP A,B | C | - | A,B = 5; FN A (3) = 1; Z does not count
    expect(s.nodes).toEqual({ tp: 5, fp: 0, fn: 1 });
    expect(s.n_f1).toBeCloseTo(10 / 11, 10);
    // links: FN (A,B) in 1, FP (Z,C) in 2, TP (A,B) in 4
    expect(s.links).toEqual({ tp: 1, fp: 1, fn: 1 });
    expect(s.e_f1).toBeCloseTo(0.5, 10);
    // t: 1 TP A-text FN B-image | 2 TP C-text FN C-image FP Z-text C-other | 3 FN A-text | 4 TP 2
    expect(s.argNames).toEqual({ tp: 4, fp: 2, fn: 3 });
    expect(s.t_f1).toBeCloseTo(8 / 13, 10);
    // v: 1 TP 1 FN 1 | 2 FN 2 FP 3 (Hello ≠ hello) | 3 FN 1 | 4 TP 2
    expect(s.argValues).toEqual({ tp: 3, fp: 3, fn: 4 });
    expect(s.v_f1).toBeCloseTo(6 / 13, 10);
  });

  it("is 0 when nothing matches, and when there is nothing at all", () => {
    const s = scoreGraphs([{ gold: nodes(["A", ["x"]]), pred: { result: {} } }], mediaTools);
    expect(s).toMatchObject({ n_f1: 0, e_f1: 0, t_f1: 0, v_f1: 0 });
    expect(scoreGraphs([], mediaTools)).toMatchObject({ samples: 0, n_f1: 0, e_f1: 0 });
  });

  it("reads odd arguments the way evaluate.py does, without dropping the sample", () => {
    const f = graphFacts(
      nodes(
        ["A", ["x"]],
        ["Image_Search", [{ from: "A" }]],
        ["B", ["<node-0>[0]", 2, "<node-7>", "see <node-1> and <node-0>"]],
      ),
      mediaTools,
    );
    expect(f.nodes.has("Image Search")).toBe(true); // `_` reads as a space
    expect([...f.argValues]).toEqual([
      "A-text-x",
      "Image Search-text-A", // an object argument is its first value
      "B-image-A", // <node-0>[0] is a reference to node 0
      "B-text-2", // a number is text
      "B-text-<node-7>", // out of range: text
      "B-other-Image Search", // the first reference decides; unknown source → "other"
    ]);
    expect(f.links.has(JSON.stringify(["Image Search", "B"]))).toBe(true);
  });

  it("content type and Python printing", () => {
    expect(contentType("example.jpg")).toBe("image");
    expect(contentType("'a.wav'")).toBe("audio");
    expect(contentType("clip.mp4 and more")).toBe("video");
    expect(contentType("https://example.com")).toBe("text");
    expect(pyStr(true)).toBe("True");
    expect(pyStr({ a: 1, b: [null, "x"] })).toBe("{'a': 1, 'b': [None, 'x']}");
  });
});

describe("TaskBench metrics, dailylifeapis", () => {
  const tools = metricToolsFromDesc({
    nodes: [
      { id: "get_weather", desc: "", parameters: [{ name: "location", type: "string" }, { name: "date", type: "date" }] },
      { id: "send_email", desc: "", parameters: [{ name: "email_address", type: "string" }, { name: "content", type: "string" }] },
    ],
  });

  it("uses named arguments and task_links", () => {
    const gold = {
      task_nodes: [
        { task: "get_weather", arguments: [{ name: "location", value: "NY" }, { name: "date", value: "2023-01-01" }] },
        { task: "send_email", arguments: [{ name: "email_address", value: "a@b.c" }, { name: "content", value: "hi" }] },
      ],
      task_links: [{ source: "get_weather", target: "send_email" }],
    };
    const pred = {
      result: {
        task_nodes: [
          { task: "get_weather", arguments: [{ name: "location", value: "NY" }, { name: "date", value: "tomorrow" }] },
          { task: "send_email", arguments: [{ name: "email_address", value: "a@b.c" }] },
          { task: "not_a_tool", arguments: [] },
        ],
        task_links: [],
      },
    };
    const s = scoreGraphs([{ gold, pred }], tools);
    expect(tools.dependency).toBe("temporal");
    expect(s.nodes).toEqual({ tp: 2, fp: 0, fn: 0 });
    expect(s.links).toEqual({ tp: 0, fp: 0, fn: 1 });
    expect(s.e_f1).toBe(0);
    expect(s.argNames).toEqual({ tp: 3, fp: 0, fn: 1 });
    expect(s.t_f1).toBeCloseTo(6 / 7, 10);
    expect(s.argValues).toEqual({ tp: 2, fp: 1, fn: 2 });
    expect(s.v_f1).toBeCloseTo(4 / 7, 10);
  });
});
