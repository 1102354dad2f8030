/** Long synchronous loops call this every so often so a cancelled run stops promptly. */
export function checkAborted(signal: AbortSignal | undefined, i = 0, every = 1000): void {
  if (signal && i % every === 0) signal.throwIfAborted();
}
