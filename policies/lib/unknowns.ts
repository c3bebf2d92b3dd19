import * as policy from "@pulumi/policy";

/**
 * The error the policy server's `unknownCheckingProxy` throws when a policy reads a property whose
 * value is not known yet (a preview of a resource that depends on outputs of resources not created
 * yet). The server turns it into an advisory diagnostic "can't run policy '<name>' from policy pack
 * '<pack>@v<version>' during preview: <type> value at .<path> can't be known during preview".
 *
 * @pulumi/policy 1.21 re-exports the class from a `proxy.d.ts` that is emitted empty (the class is
 * marked @internal), so TypeScript types the import as `any`; pin the one shape relied on here.
 */
export const UnknownValueError = policy.UnknownValueError as new (...args: never[]) => Error;

/** True when `e` is the policy server's "value unknown during preview" error. */
export function isUnknownValueError(e: unknown): e is Error {
    return e instanceof UnknownValueError;
}

/**
 * Runs independent checks of one policy so that a value that is unknown during preview does not
 * hide violations that can already be seen on known values.
 *
 * Each `check` runs; an unknown-value error is remembered instead of aborting the policy. `finish()`
 * rethrows the first one, so the policy server still reports the advisory "can't run ... during
 * preview" diagnostic (the same wording and level it uses for any policy) after the known violations.
 * A policy therefore never passes silently on an unknown value and never crashes on one.
 */
export class UnknownTracker {
    private first: Error | undefined;

    /** Runs `fn`; remembers an unknown-value error, rethrows anything else. */
    check(fn: () => void): void {
        try {
            fn();
        } catch (e) {
            if (!isUnknownValueError(e)) {
                throw e;
            }
            this.first = this.first ?? e;
        }
    }

    /** Like `check`, but returns `fn`'s value, or `undefined` when it read an unknown value. */
    read<T>(fn: () => T): T | undefined {
        let value: T | undefined;
        this.check(() => {
            value = fn();
        });
        return value;
    }

    /** True when some check read an unknown value. */
    get sawUnknown(): boolean {
        return this.first !== undefined;
    }

    /** Rethrows the first unknown-value error, if any. Call once, after every check ran. */
    finish(): void {
        if (this.first) {
            throw this.first;
        }
    }
}
