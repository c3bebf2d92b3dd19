import { PolicyResource } from "@pulumi/policy";
import { typeToken } from "./typed";
import { isUnknownValueError } from "./unknowns";

/*
 * Helpers for stack policies that relate resources to each other (a bucket and its encryption
 * configuration, a cluster and its instances, ...).
 *
 * Relations are found from property values: the reference held by one resource (`bucket`,
 * `clusterIdentifier`, `resourceArn`, ...) must equal one of the identifiers of the other (`id`,
 * `arn`, `bucket`, `name`, ...). Stack policies see outputs under `pulumi up`/`preview` but inputs
 * when evaluated offline, so identifiers are looked up under several keys. The engine's
 * `propertyDependencies` are used as a further signal when present, never as the only one: they
 * are empty in `pulumi stack export` documents and in offline evaluation.
 *
 * Unknown values (preview): a match found on known values counts; when no known value matches and
 * some value was unknown, the policy server's UnknownValueError is rethrown, so the caller (a
 * `UnknownTracker.check` around the check of one resource) neither reports a false violation nor
 * passes silently.
 */

/** The resources whose type is the token of one of `resourceClasses`. */
export function ofClasses(resources: readonly PolicyResource[], ...resourceClasses: object[]): PolicyResource[] {
    const tokens = new Set(resourceClasses.map(typeToken));
    return resources.filter((r) => tokens.has(r.type));
}

/** Reads values, remembering (instead of throwing) the first unknown one. */
class KnownReader {
    unknown: Error | undefined;

    read(r: PolicyResource, key: string): unknown {
        try {
            return r.props[key];
        } catch (e) {
            if (!isUnknownValueError(e)) {
                throw e;
            }
            this.unknown = this.unknown ?? e;
            return undefined;
        }
    }

    string(r: PolicyResource, key: string): string | undefined {
        const value = this.read(r, key);
        return typeof value === "string" && value.length > 0 ? value : undefined;
    }

    /** Throws the remembered unknown-value error, if any. */
    rethrow(): void {
        if (this.unknown) {
            throw this.unknown;
        }
    }
}

/**
 * True when `from.props[propName]` equals one of `to.props[k]` for k in `toKeys`, or when the
 * engine recorded that `from`'s `propName` depends on `to`. See the note on unknown values above.
 */
export function references(from: PolicyResource, propName: string, to: PolicyResource, toKeys: readonly string[]): boolean {
    const dependencies = from.propertyDependencies?.[propName] ?? [];
    if (dependencies.some((d) => d.urn === to.urn)) {
        return true;
    }
    const reader = new KnownReader();
    const value = reader.string(from, propName);
    if (value !== undefined && toKeys.some((k) => reader.string(to, k) === value)) {
        return true;
    }
    reader.rethrow();
    return false;
}

/** Formats a list for messages: `a, b and c`. */
export function listing(items: readonly string[]): string {
    if (items.length <= 1) {
        return items.join("");
    }
    return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
