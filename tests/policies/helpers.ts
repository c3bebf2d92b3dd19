import { EvaluatedResource, evaluatePolicies, PolicyConfigFile, PolicyReport } from "../../policies/evaluate";
import { allPolicies, PackPolicy } from "../../policies/rules";

/**
 * The value the engine sends for a property that is unknown during preview (a computed string, as
 * the Node.js SDK marshals every unknown: @pulumi/pulumi/runtime/rpc `unknownValue`).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Pulumi's secret wrapper, as in engine requests and mock-engine records. */
export function secret(value: unknown): Record<string, unknown> {
    return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

export const STACK = "test";
export const PROJECT = "platform";

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

/** A resource for the evaluator: `res(type, name, inputs, { protect: true })`. */
export function res(type: string, name: string, props: Record<string, unknown>, opts?: EvaluatedResource["opts"]): EvaluatedResource {
    return { urn: urnOf(type, name), type, name, props, opts };
}

export function policyNamed(name: string): PackPolicy {
    const p = allPolicies.find((x) => x.name === name);
    if (!p) {
        throw new Error(`no policy ${name}`);
    }
    return p;
}

/** Runs one policy (every level forced to mandatory unless `config` says otherwise). */
export function runPolicy(name: string, resources: EvaluatedResource[], config?: PolicyConfigFile): Promise<PolicyReport> {
    return evaluatePolicies(resources, { policies: [policyNamed(name)], config: config ?? {} });
}

/**
 * Returns a copy of `base` with `patch` applied: `{ "a.b": 1 }` sets a nested path, a value of
 * `undefined` deletes it. Arrays are addressed with numeric segments (`"ingress.0.fromPort"`).
 */
export function patched(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
    const copy: Record<string, unknown> = structuredClone(base);
    for (const [path, value] of Object.entries(patch)) {
        const keys = path.split(".");
        let target: Record<string, unknown> = copy;
        for (const key of keys.slice(0, -1)) {
            const next = target[key];
            if (typeof next !== "object" || next === null) {
                target[key] = {};
            }
            target = target[key] as Record<string, unknown>;
        }
        const last = keys[keys.length - 1];
        if (value === undefined) {
            delete target[last];
        } else {
            target[last] = value;
        }
    }
    return copy;
}

/** The message the policy server reports when a policy reads an unknown value during preview. */
export function unknownMessage(policy: string, path: string, kind = "string"): string {
    return `can't run policy '${policy}' from policy pack 'platform-guardrails@v0.1.0' during preview: ${kind} value at .${path} can't be known during preview`;
}
