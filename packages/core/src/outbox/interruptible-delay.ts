/** A wait of `ms` that `cut()` ends early: a backoff must not hold up close(). */
export function interruptibleDelay(ms: number): { done: Promise<void>; cut: () => void } {
  let cut = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    cut = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, cut };
}
