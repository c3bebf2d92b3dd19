/**
 * Runs Pulumi program code on the mock engine and returns everything it registered.
 * Used by the unit tests (component by component), by the stack tests and by the offline plan.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockEngineOptions, PlatformMocks, RecordedResource, installMockEngine } from "./mocks";

export interface RunOptions {
    readonly project?: string;
    readonly stack?: string;
    /**
     * Region of the mock engine's ARNs and endpoints (default eu-west-1). Also set as `aws:region`
     * config unless `config` is given without `aws:region` (a stack that leaves it unset: the
     * program's validation must see that, as it would under the CLI).
     */
    readonly region?: string;
    /** Full config keys (`platform:vpcCidr`) to their string values, as the engine stores them. */
    readonly config?: Readonly<Record<string, string>>;
    /** Full config keys whose values are secrets. */
    readonly secretKeys?: readonly string[];
    readonly onResource?: (resource: RecordedResource) => void;
}

export interface RunResult<T> {
    /** What `build` returned. */
    readonly value: T;
    readonly resources: readonly RecordedResource[];
    /** The stack outputs, if `build` returned an object of outputs. */
    readonly outputs: Record<string, unknown>;
    readonly mocks: PlatformMocks;
}

/**
 * Installs a fresh mock engine, runs `build` inside a Pulumi stack, waits until every resource
 * registration has completed and disconnects. Runs can follow one another in one process.
 * Errors thrown by `build` (e.g. a config ValidationError) reject the returned promise unchanged.
 * Errors raised while the engine resolves resource inputs (an `apply` callback that throws) reach
 * the SDK only as unhandled promise rejections, which the Pulumi CLI's language host turns into a
 * failed program; here they reject the returned promise too (the first one; the SDK wraps it as
 * `error serializing property "<name>": <message>`), so no such failure passes a test or the plan.
 */
export async function runOnMocks<T>(build: () => T | Promise<T>, options: RunOptions = {}): Promise<RunResult<T>> {
    const engineOptions: MockEngineOptions = {
        project: options.project ?? "platform",
        stack: options.stack ?? "test",
        region: options.region ?? "eu-west-1",
        onResource: options.onResource,
    };
    const mocks = new PlatformMocks(engineOptions);
    const regionConfig: Record<string, string> = options.region !== undefined || options.config === undefined ? { "aws:region": engineOptions.region } : {};
    await installMockEngine(mocks, engineOptions, { ...regionConfig, ...options.config }, [...(options.secretKeys ?? [])]);
    let value: T | undefined;
    let failure: unknown;
    let outputs: Record<string, unknown>;
    const asyncFailures: unknown[] = [];
    const onUnhandled = (reason: unknown) => {
        asyncFailures.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
        const stackOutputs = await pulumi.runtime.runInPulumiStack(async () => {
            try {
                value = await build();
            } catch (err) {
                failure = err;
                return undefined;
            }
            return isOutputBag(value) ? value : undefined;
        });
        outputs = stackOutputs ?? {};
    } finally {
        await pulumi.runtime.disconnect();
        // Rejections are reported after the microtask queue drains: let them arrive, then stop listening.
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onUnhandled);
    }
    if (failure === undefined && asyncFailures.length > 0) {
        failure = asyncFailures[0];
    }
    if (failure !== undefined) {
        // Rethrown unchanged (see above): build() may throw any value, not only an Error.
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a deliberate rethrow of what build() threw
        throw failure;
    }
    return { value: value as T, resources: mocks.resources, outputs, mocks };
}

function isOutputBag(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !(value instanceof pulumi.Resource) && !Array.isArray(value);
}

/** Resolves any Input (Output, promise or plain value) to its value. The one helper tests use to await outputs. */
export function resolveOutput<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise<T>((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}
