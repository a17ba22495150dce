import type { DetectorApp } from "../../src/app/detector-app.js";

/** Polls `check` until it returns true or the timeout passes (then fails with `what`). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Reads a counter from the app's registry (sum over labels). */
export async function counter(app: DetectorApp, name: string): Promise<number> {
  const metric = app.metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

/** Waits until the app's counter `name` (summed over labels) reaches `atLeast`. */
export async function waitForCount(
  app: DetectorApp,
  name: string,
  atLeast: number,
  timeoutMs?: number,
): Promise<void> {
  await waitFor(
    `${name} >= ${atLeast}`,
    async () => (await counter(app, name)) >= atLeast,
    timeoutMs,
  );
}

/** Reads one labelled series of a counter from the app's registry. */
export async function counterWith(
  app: DetectorApp,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = app.metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return match?.value ?? 0;
}
