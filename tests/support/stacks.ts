/**
 * The real stacks run on the mock engine, once per process: several test files assert the same
 * stack (stacks, platform, policy pack, plan), and each run takes seconds. Runs are memoized by
 * stack and overrides; callers await one before starting the next (each run installs its own mock
 * engine), which mocha's sequential tests guarantee. The results are shared: do not mutate them.
 */
import { StackRunResult, runStack } from "../../engine/run-stack";

const runs = new Map<string, Promise<StackRunResult>>();

export function recordStack(name: string, overrides?: Readonly<Record<string, string>>): Promise<StackRunResult> {
    const key = `${name}${JSON.stringify(overrides ?? {})}`;
    let run = runs.get(key);
    if (run === undefined) {
        run = runStack(name, { overrides });
        runs.set(key, run);
    }
    return run;
}
