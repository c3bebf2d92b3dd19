/**
 * Collects configuration and argument problems so they can be reported all at once
 * (AWS CDK DESIGN_GUIDELINES: validate synchronously, collect every problem, throw once).
 */

/** One problem with one key or argument. */
export interface Problem {
    /** The config key (e.g. `platform:vpcCidr`) or argument path (e.g. `services[1].cpu`). */
    readonly key: string;
    /** The value received, rendered for humans. */
    readonly value: string;
    /** What is allowed. */
    readonly allowed: string;
    /** How to fix it. */
    readonly fix: string;
}

/** A value that must not be echoed (it may be a secret, e.g. another namespace's config). */
export const NOT_SHOWN: unique symbol = Symbol("not shown");

/** Renders a value compactly and unambiguously for an error message. */
export function show(value: unknown): string {
    if (value === undefined) {
        return "(not set)";
    }
    if (value === NOT_SHOWN) {
        return "(value not shown)";
    }
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    try {
        const json = JSON.stringify(value);
        return json.length > 120 ? `${json.slice(0, 117)}...` : json;
    } catch {
        // Last resort for what JSON cannot render (a BigInt, a cycle): the value's own toString().
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- deliberate, see above
        return String(value);
    }
}

export function formatProblem(p: Problem): string {
    return `${p.key} = ${p.value}: ${p.allowed}. Fix: ${p.fix}`;
}

/** Thrown when configuration or component arguments are invalid; lists every problem. */
export class ValidationError extends Error {
    public readonly problems: readonly Problem[];

    constructor(subject: string, problems: readonly Problem[]) {
        const lines = problems.map((p, i) => `  ${i + 1}. ${formatProblem(p)}`);
        super(`${subject}: ${problems.length} problem${problems.length === 1 ? "" : "s"} found:\n${lines.join("\n")}`);
        this.name = "ValidationError";
        this.problems = problems;
    }
}

/** Accumulates problems; `throwIfAny` raises one ValidationError listing them all. */
export class Problems {
    private readonly items: Problem[] = [];

    /** Records a problem. `allowed` says what is valid; `fix` says what to change. */
    add(key: string, value: unknown, allowed: string, fix: string): void {
        this.items.push({ key, value: show(value), allowed, fix });
    }

    /** Records problems another pure validator found (values already rendered), e.g. a component's. */
    addAll(problems: readonly Problem[]): void {
        this.items.push(...problems);
    }

    /** Records a problem when `ok` is false. Returns `ok`. */
    check(ok: boolean, key: string, value: unknown, allowed: string, fix: string): boolean {
        if (!ok) {
            this.add(key, value, allowed, fix);
        }
        return ok;
    }

    /** Whether a problem was recorded under `key` (e.g. so a check does not judge a fallback value). */
    has(key: string): boolean {
        return this.items.some((p) => p.key === key);
    }

    get list(): readonly Problem[] {
        return this.items;
    }

    get count(): number {
        return this.items.length;
    }

    throwIfAny(subject: string): void {
        if (this.items.length > 0) {
            throw new ValidationError(subject, this.items);
        }
    }
}
