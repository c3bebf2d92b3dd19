/**
 * Test support: run code on the mock engine and look up what it registered.
 * Every test awaits outputs through `resolveOutput` and asserts outside `apply`.
 */
import { RecordedResource } from "../../engine/mocks";
import { RunOptions, RunResult, resolveOutput, runOnMocks } from "../../engine/run";

export { RecordedResource, resolveOutput, runOnMocks };
export type { RunOptions, RunResult };

/** Lookups over the resources one run recorded. */
export class Recorded {
    constructor(readonly all: readonly RecordedResource[]) {}

    /** Every resource of a type token, e.g. `aws:lb/listener:Listener`. */
    ofType(type: string): RecordedResource[] {
        return this.all.filter((r) => r.type === type);
    }

    /** The one resource of `type` (optionally with logical `name`); fails if there is not exactly one. */
    one(type: string, name?: string): RecordedResource {
        const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ") || "none"}`);
        }
        return found[0];
    }

    /** The resource with this logical name (any type); fails unless exactly one. */
    named(name: string): RecordedResource {
        const found = this.all.filter((r) => r.name === name);
        if (found.length !== 1) {
            throw new Error(`expected exactly one resource named ${name}, found ${found.length}`);
        }
        return found[0];
    }

    /** Direct children of a resource. */
    childrenOf(parent: RecordedResource): RecordedResource[] {
        return this.all.filter((r) => r.parent === parent.urn);
    }

    /** Count of resources by type, for exact-count contracts. */
    countByType(): Record<string, number> {
        const counts: Record<string, number> = {};
        for (const r of this.all) {
            counts[r.type] = (counts[r.type] ?? 0) + 1;
        }
        return counts;
    }
}

/** Runs `build` on a fresh mock engine and returns its value plus lookups over what it registered. */
export async function record<T>(build: () => T, options: RunOptions = {}): Promise<{ value: T; resources: Recorded; result: RunResult<T> }> {
    const result = await runOnMocks(build, options);
    return { value: result.value, resources: new Recorded(result.resources), result };
}

/** Parses a JSON policy document input (string) for assertions. */
export function policyDocument(value: unknown): { Version: string; Statement: Record<string, unknown>[] } {
    if (typeof value !== "string") {
        throw new Error(`expected a JSON policy string, got ${typeof value}`);
    }
    return JSON.parse(value) as { Version: string; Statement: Record<string, unknown>[] };
}
