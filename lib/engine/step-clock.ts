/**
 * A step's timeout as a clock that can be held: while what will run the step is not ready (a
 * step worker loading, every worker busy), the clock stands still, so `timeoutMs` measures the
 * step's own work and a busy machine does not time out steps that never started.
 */
export interface StepClock {
  /** stops the clock until the returned function is called (holds nest; each release counts once) */
  hold(): () => void;
  /** the attempt ended: the clock never fires */
  stop(): void;
}

export function stepClock(timeoutMs: number, onTimeout: () => void): StepClock {
  let left = timeoutMs;
  let startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined = setTimeout(onTimeout, left);
  let holds = 0;
  let stopped = false;
  return {
    hold() {
      if (stopped) return () => undefined;
      if (holds++ === 0) {
        clearTimeout(timer);
        timer = undefined;
        left = Math.max(0, left - (Date.now() - startedAt));
      }
      let released = false;
      return () => {
        if (released || stopped) return;
        released = true;
        if (--holds > 0) return;
        startedAt = Date.now();
        timer = setTimeout(onTimeout, left);
      };
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
