import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { stepClock } from "./step-clock";

describe("a step's clock", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("fires after the timeout when nothing holds it", () => {
    const fired = vi.fn();
    stepClock(1000, fired);
    vi.advanceTimersByTime(999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it("stands still while held, then runs for the time that was left", () => {
    const fired = vi.fn();
    const clock = stepClock(1000, fired);
    vi.advanceTimersByTime(400);
    const resume = clock.hold();
    vi.advanceTimersByTime(60_000); // a worker loading on a busy machine
    expect(fired).not.toHaveBeenCalled();
    resume();
    vi.advanceTimersByTime(599);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it("counts nested holds, and a release counts once", () => {
    const fired = vi.fn();
    const clock = stepClock(100, fired);
    const a = clock.hold();
    const b = clock.hold();
    a();
    a();
    vi.advanceTimersByTime(1000);
    expect(fired).not.toHaveBeenCalled();
    b();
    vi.advanceTimersByTime(100);
    expect(fired).toHaveBeenCalledOnce();
  });

  it("never fires once stopped, even when released later", () => {
    const fired = vi.fn();
    const clock = stepClock(100, fired);
    const resume = clock.hold();
    clock.stop();
    resume();
    vi.advanceTimersByTime(1000);
    expect(fired).not.toHaveBeenCalled();
  });
});
