/**
 * Which code a run measured: the commit checked out and whether the working tree differed from
 * it, so every results.json can be traced back to the source it ran.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface CommitInfo {
  /** `git rev-parse HEAD`; null outside a git checkout. */
  readonly sha: string | null;
  /** True when `git status --porcelain` lists changes (tracked or untracked files). */
  readonly dirty: boolean | null;
}

/** The commit of the checkout at `dir` (the harness's own by default). */
export async function commitOf(dir = process.cwd()): Promise<CommitInfo> {
  try {
    const [{ stdout: sha }, { stdout: status }] = await Promise.all([
      run("git", ["rev-parse", "HEAD"], { cwd: dir }),
      run("git", ["status", "--porcelain"], { cwd: dir }),
    ]);
    return { sha: sha.trim(), dirty: status.trim() !== "" };
  } catch {
    return { sha: null, dirty: null };
  }
}
