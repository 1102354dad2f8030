import { describe, expect, it } from "vitest";
import { crashStreaks, quarantinedSteps, quarantineFailures, QUARANTINE_AFTER_CRASHES, type RunStartedEvent } from "./quarantine";

let seq = 0;
const started = (data?: RunStartedEvent["data"]): RunStartedEvent => ({ type: "run.started", seq: ++seq, runId: "r", at: new Date(0).toISOString(), ...(data ? { data } : {}) });

describe("quarantine", () => {
  it("counts the resumes in a row that found a step mid-flight", () => {
    expect(QUARANTINE_AFTER_CRASHES).toBe(2);
    // the first resume after a crash: once
    expect(crashStreaks([started()], ["a"])).toEqual(new Map([["a", 1]]));
    expect(quarantinedSteps([started()], ["a"])).toBeNull();
    // the resume before this one found it too: twice in a row
    const earlier = [started(), started({ resumed: true, interrupted: ["a", "b"] })];
    expect(crashStreaks(earlier, ["a", "c"])).toEqual(new Map([["a", 2], ["c", 1]]));
    expect(quarantinedSteps(earlier, ["a", "c"])).toEqual({ steps: ["a"], crashes: 2 });
  });

  it("a resume that did not find the step mid-flight breaks the streak", () => {
    const earlier = [started(), started({ resumed: true, interrupted: ["a"] }), started({ resumed: true, interrupted: ["b"] })];
    expect(crashStreaks(earlier, ["a"]).get("a")).toBe(1);
    expect(quarantinedSteps(earlier, ["a"])).toBeNull();
    // a resume that found nothing mid-flight (the process stopped between steps) breaks it too
    expect(quarantinedSteps([started({ resumed: true, interrupted: ["a"] }), started({ resumed: true })], ["a"])).toBeNull();
  });

  it("does not count a stop the process was told to make, nor continue a streak across one", () => {
    // this resume follows a planned stop: no crash
    expect(crashStreaks([started({ resumed: true, interrupted: ["a"] })], ["a"], ["a"]).get("a")).toBe(0);
    expect(quarantinedSteps([started({ resumed: true, interrupted: ["a"] })], ["a"], ["a"])).toBeNull();
    // the resume before this one followed a planned stop: this crash is the first in a row
    const earlier = [started(), started({ resumed: true, interrupted: ["a", "b"], planned: ["a"] })];
    expect(crashStreaks(earlier, ["a", "b"])).toEqual(new Map([["a", 1], ["b", 2]]));
    expect(quarantinedSteps(earlier, ["a", "b"])).toEqual({ steps: ["b"], crashes: 2 });
  });

  it("says so in the failures of the step and of the run", () => {
    const f = quarantineFailures({ steps: ["die"], crashes: 2 });
    expect(f.step).toMatchObject({ code: "internal", retryable: false, details: { quarantined: true, steps: ["die"], crashes: 2 } });
    expect(f.step.message).toMatch(/^quarantined: the process stopped 2 times in a row while this step was running/);
    expect(f.run.message).toMatch(/^Quarantined: the process executing this run stopped 2 times in a row while step "die" was running/);
    expect(quarantineFailures({ steps: ["a", "b"], crashes: 3 }).run.message).toContain('steps "a", "b" were running');
  });
});
