/**
 * A readiness probe bounded in time. A node can accept a connection and then never answer (a
 * JVM still starting, or starved of CPU); one probe stuck on it would hold `servers start` past
 * its own deadline, which is only checked between probes.
 */

/**
 * How long one probe may take before it counts as "not answering" and is tried again: well over
 * a slow but healthy answer (the client connects in up to 3 s and reads in up to 5 s per request).
 */
export const PROBE_TIMEOUT_MS = 30_000;

/**
 * Resolves what `ask` resolves, or false once `timeoutMs` has passed without an answer. `close`
 * releases the probe's client either way (not awaited: a client stuck on a silent node must not
 * hold the caller).
 */
export async function probeWithin(
  ask: () => Promise<boolean>,
  close: () => Promise<unknown>,
  timeoutMs: number = PROBE_TIMEOUT_MS,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([ask(), expired]);
  } finally {
    clearTimeout(timer);
    close().catch(() => undefined);
  }
}
