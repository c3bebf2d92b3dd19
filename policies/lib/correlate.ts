import { PolicyResource } from "@pulumi/policy";
import { typeToken } from "./typed";
import { UnknownTracker } from "./unknowns";

/*
 * Helpers for stack policies that relate resources to each other (a bucket and its encryption
 * configuration, a cluster and its instances, ...).
 *
 * Relations are found from property values: the reference held by one resource (`bucket`,
 * `clusterIdentifier`, `resourceArn`, ...) must equal one of the identifiers of the other (`id`,
 * `arn`, `bucket`, `name`, ...). Stack policies see outputs under `pulumi up`/`preview` but inputs
 * when evaluated offline, so identifiers are looked up under several keys. The engine's
 * `propertyDependencies` are used as a second signal when present, never as the only one: they are
 * empty in exports and in offline evaluation.
 */

/** The resources whose type is the token of one of `resourceClasses`. */
export function ofClasses(resources: readonly PolicyResource[], ...resourceClasses: object[]): PolicyResource[] {
    const tokens = new Set(resourceClasses.map(typeToken));
    return resources.filter(r => tokens.has(r.type));
}

/** `r.props[key]`; an unknown value is recorded on `tracker` and read as `undefined`. */
export function prop(r: PolicyResource, key: string, tracker: UnknownTracker): unknown {
    return tracker.read(() => r.props[key]);
}

/** `r.props[key]` when it is a non-empty string (see `prop`). */
export function stringProp(r: PolicyResource, key: string, tracker: UnknownTracker): string | undefined {
    const value = prop(r, key, tracker);
    return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The non-empty string values of `r.props[k]` for each key in `keys` (see `prop`). */
export function identifiers(r: PolicyResource, keys: readonly string[], tracker: UnknownTracker): string[] {
    const result: string[] = [];
    for (const key of keys) {
        const value = stringProp(r, key, tracker);
        if (value !== undefined) {
            result.push(value);
        }
    }
    return result;
}

/**
 * True when `from.props[propName]` is one of `to`'s identifiers (under `toKeys`), or when the engine
 * recorded that `from`'s `propName` depends on `to`.
 */
export function references(
    from: PolicyResource, propName: string, to: PolicyResource, toKeys: readonly string[], tracker: UnknownTracker,
): boolean {
    const dependencies = from.propertyDependencies?.[propName] ?? [];
    if (dependencies.some(d => d.urn === to.urn)) {
        return true;
    }
    const value = stringProp(from, propName, tracker);
    return value !== undefined && identifiers(to, toKeys, tracker).includes(value);
}

/** Formats a list for messages: `a, b and c`. */
export function listing(items: readonly string[]): string {
    if (items.length <= 1) {
        return items.join("");
    }
    return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
