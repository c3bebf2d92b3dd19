/**
 * Offline evaluation of the policy pack: runs the pack's policies against a list of resources
 * exactly as the policy server does under `pulumi preview --policy-pack policies`, without the
 * Pulumi CLI, the engine or a gRPC server.
 *
 * How it stays faithful to the real thing:
 * - Analysis runs through @pulumi/policy's own `makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun`
 *   (exported from server.js, though marked @internal), fed the same protobuf requests the engine
 *   sends. Deserialisation, secret unwrapping, the unknown-value proxy and its "can't run policy ...
 *   during preview" advisory diagnostic, `notApplicable`, the "description\nmessage" format and the
 *   remediate -> mandatory downgrade are therefore the server's, not a copy.
 * - What the server does NOT export is replicated, each with the reason:
 *   - Policy config: the CLI, not the server, fills in schema defaults and applies the config file
 *     (`ReconcilePolicyPackConfig` in pulumi/pkg/resource/analyzer/config.go), then the server's
 *     `configure` RPC stores it in module state that is not exported. `resolvePolicyConfig` below
 *     mirrors the CLI (defaults <- "all" <- per-policy, then JSON-schema validation) and each policy
 *     is handed its resolved enforcement level and a `getConfig` returning its properties.
 *   - Errors: a policy that throws makes the server fail the whole RPC (and the CLI abort). Each
 *     policy is therefore run in its own RPC call, and a failure becomes a mandatory violation of
 *     that policy instead of hiding every other result.
 *
 * Deliberate differences from the CLI (stricter, to catch mistakes early): a config entry that
 * names an unknown policy or an unknown config property is an error (the CLI ignores it).
 */
import * as fs from "fs";
import * as path from "path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
    AnalyzeRequest,
    AnalyzeResponse,
    AnalyzeStackRequest,
    AnalyzerPropertyDependencies,
    AnalyzerResource,
    AnalyzerResourceOptions,
    EnforcementLevel as ProtoEnforcementLevel,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { EnforcementLevel, PolicyConfigSchema, ResourceValidation, StackValidation } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { allPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME, PackPolicy } from "./rules";

// ------------------------------------------------------------------------------------------------
// Public types
// ------------------------------------------------------------------------------------------------

/** A resource to evaluate. */
export interface EvaluatedResource {
    urn: string;
    /** Type token, e.g. "aws:s3/bucket:Bucket". */
    type: string;
    /** Logical name. Defaults to the last segment of the URN. */
    name?: string;
    /** Inputs: what resource policies see (the engine's Analyze call sends inputs). */
    props: Record<string, unknown>;
    /** Outputs: what stack policies see (AnalyzeStack sends outputs). Defaults to `props`. */
    outputs?: Record<string, unknown>;
    /** Provider-assigned id; added to the stack-policy view as `id` when the outputs lack one. */
    id?: string;
    /** Resource options as the policy server exposes them (`PolicyResourceOptions`). */
    opts?: {
        protect?: boolean;
        parent?: string;
        ignoreChanges?: string[];
        deleteBeforeReplace?: boolean;
        aliases?: string[];
        additionalSecretOutputs?: string[];
        customTimeouts?: { createSeconds?: number; updateSeconds?: number; deleteSeconds?: number };
    };
    /** False for component resources. Informational: the engine analyzes components too. */
    isCustom?: boolean;
    /** URNs this resource depends on (stack policies' `dependencies`). */
    dependencies?: string[];
    /** Per-property dependency URNs (stack policies' `propertyDependencies`). */
    propertyDependencies?: Record<string, string[]>;
}

/** One policy violation. */
export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    /** The violating resource; "" for a stack-level violation without a resource. */
    urn: string;
    message: string;
}

/** A policy that declared itself not applicable to a resource (or to the stack). */
export interface NotApplicable {
    policy: string;
    /** The resource; "" for a stack policy. */
    urn: string;
    reason: string;
}

/** The result of an evaluation. */
export interface PolicyReport {
    violations: Violation[];
    notApplicable: NotApplicable[];
    /** Number of policies run (not disabled). */
    policiesRun: number;
    /** Number of resources given to resource policies. */
    resourcesAnalyzed: number;
}

/** A policy config file's content (`pulumi preview --policy-pack-config` format). */
export type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & { [key: string]: unknown });
export type PolicyConfigFile = Record<string, PolicyConfigEntry>;

/** Config of every policy after defaults and the config file were applied. */
export type ResolvedPolicyConfig = Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;

export interface EvaluateOptions {
    /** A config object, or the path of a config file (policies/config/<env>.json). */
    config?: PolicyConfigFile | string;
    /** Policies to run; defaults to the whole pack. */
    policies?: readonly PackPolicy[];
    /** Which analyses to run; default both (Analyze per resource, then AnalyzeStack). */
    phases?: { resource?: boolean; stack?: boolean };
}

/** The config file or its content is invalid (unknown policy, bad level, schema violation, ...). */
export class PolicyConfigError extends Error {
    constructor(
        readonly problems: string[],
        source?: string,
    ) {
        super(`invalid policy config${source ? ` ${source}` : ""}:\n  - ${problems.join("\n  - ")}`);
        this.name = "PolicyConfigError";
    }
}

/** A resource given to the evaluator cannot be sent to the policy server. */
export class EvaluationInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "EvaluationInputError";
    }
}

// ------------------------------------------------------------------------------------------------
// Pack identity
// ------------------------------------------------------------------------------------------------

/** The pack version, read like the PolicyPack constructor does: from the pack's package.json. */
export const PACK_VERSION: string = (() => {
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(__dirname, "package.json"), "utf8"));
    const version: unknown = typeof manifest === "object" && manifest !== null ? Reflect.get(manifest, "version") : undefined;
    if (typeof version !== "string" || version.length === 0) {
        throw new Error("policies/package.json has no version");
    }
    return version;
})();

export { PACK_NAME, PACK_ENFORCEMENT_LEVEL };

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function isLevel(value: unknown): value is EnforcementLevel {
    return typeof value === "string" && (LEVELS as readonly string[]).includes(value);
}

// ------------------------------------------------------------------------------------------------
// Policy config (mirror of the CLI's ReconcilePolicyPackConfig)
// ------------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates `value` against the subset of JSON Schema the pack's config schemas use. */
function schemaProblems(value: unknown, schema: PolicyConfigJSONSchema, at: string): string[] {
    const problems: string[] = [];
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 0) {
        const actual = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
        const ok = types.some((t) => t === actual || (t === "integer" && typeof value === "number" && Number.isInteger(value)) || (t === "number" && typeof value === "number"));
        if (!ok) {
            return [`${at} must be of type ${types.join(" or ")} (got ${JSON.stringify(value)})`];
        }
    }
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        problems.push(`${at} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")} (got ${JSON.stringify(value)})`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) {
            problems.push(`${at} must be >= ${schema.minimum} (got ${value})`);
        }
        if (schema.maximum !== undefined && value > schema.maximum) {
            problems.push(`${at} must be <= ${schema.maximum} (got ${value})`);
        }
    }
    if (typeof value === "string" && schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
        problems.push(`${at} must match ${schema.pattern} (got ${JSON.stringify(value)})`);
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) {
            problems.push(`${at} must have at least ${schema.minItems} item(s)`);
        }
        const items = schema.items;
        if (isRecord(items)) {
            value.forEach((item, i) => problems.push(...schemaProblems(item, items, `${at}[${i}]`)));
        }
    }
    return problems;
}

function configProblems(policy: PackPolicy, properties: Record<string, unknown>): string[] {
    const schema: PolicyConfigSchema | undefined = policy.configSchema;
    const known = schema?.properties ?? {};
    const problems: string[] = [];
    for (const [key, value] of Object.entries(properties)) {
        const propertySchema = known[key];
        if (!propertySchema) {
            const names = Object.keys(known);
            problems.push(`${policy.name}: unknown config property "${key}" (${names.length > 0 ? `known: ${names.join(", ")}` : "the policy takes no config"})`);
            continue;
        }
        problems.push(...schemaProblems(value, propertySchema, `${policy.name}.${key}`));
    }
    for (const required of schema?.required ?? []) {
        if (!(required in properties)) {
            problems.push(`${policy.name}: config property "${required}" is required`);
        }
    }
    return problems;
}

/** The known name sharing the most words with `name` (prefix match on 5 letters), if it shares two. */
function closestName(name: string, known: readonly string[]): string | undefined {
    const stems = (n: string) => n.split("-").map((w) => w.slice(0, 5));
    const wanted = stems(name);
    let best: { name: string; score: number } | undefined;
    for (const candidate of known) {
        const have = stems(candidate);
        const score = wanted.filter((w) => have.includes(w)).length;
        if (score >= 2 && (!best || score > best.score)) {
            best = { name: candidate, score };
        }
    }
    return best?.name;
}

/**
 * Resolves the config of every policy: schema defaults and the policy's own level (or the pack's)
 * first, then the config's "all" level, then its per-policy entries; validates the result.
 * Throws PolicyConfigError listing every problem.
 */
export function resolvePolicyConfig(config: PolicyConfigFile | undefined, policies: readonly PackPolicy[] = allPolicies, source?: string): ResolvedPolicyConfig {
    const problems: string[] = [];
    const resolved: ResolvedPolicyConfig = {};
    for (const p of policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) {
                properties[key] = structuredClone(schema.default);
            }
        }
        resolved[p.name] = { enforcementLevel: p.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL, properties };
    }
    if (config !== undefined && !isRecord(config)) {
        throw new PolicyConfigError(["the config must be a JSON object whose keys are policy names"], source);
    }
    const entries = Object.entries(config ?? {});
    for (const [name, entry] of entries) {
        if (name !== "all" && !resolved[name]) {
            // A pack policy outside the evaluated subset: valid in the file, nothing to configure.
            if (!allPolicies.some((p) => p.name === name)) {
                const known = [...new Set([...allPolicies, ...policies].map((p) => p.name))];
                const guess = closestName(name, known);
                problems.push(`unknown policy "${name}"${guess ? ` (did you mean "${guess}"?)` : ""}: use a policy name of the pack (the keys of policies/config/prod.json)`);
            }
            continue;
        }
        let level: unknown;
        let properties: Record<string, unknown> = {};
        if (typeof entry === "string") {
            level = entry;
        } else if (isRecord(entry)) {
            const { enforcementLevel, ...rest } = entry;
            level = enforcementLevel;
            properties = rest;
        } else {
            problems.push(`${name}: the value must be an enforcement level string or an object (got ${JSON.stringify(entry)})`);
            continue;
        }
        if (level !== undefined && !isLevel(level)) {
            problems.push(`${name}: "${typeof level === "string" ? level : JSON.stringify(level)}" is not a valid enforcement level (use ${LEVELS.join(", ")})`);
            continue;
        }
        if (name === "all") {
            if (Object.keys(properties).length > 0) {
                problems.push(`all: only "enforcementLevel" may be set for all policies (got ${Object.keys(properties).join(", ")})`);
            }
            continue;
        }
        if (level !== undefined) {
            resolved[name].enforcementLevel = level;
        }
        Object.assign(resolved[name].properties, properties);
    }
    // "all" applies before the per-policy entries, whatever the key order in the file (as in the CLI).
    const all = config?.["all"];
    const allLevel = typeof all === "string" ? all : isRecord(all) ? all["enforcementLevel"] : undefined;
    if (isLevel(allLevel)) {
        for (const [name, value] of Object.entries(resolved)) {
            const own = config?.[name];
            const ownLevel = typeof own === "string" ? own : isRecord(own) ? own["enforcementLevel"] : undefined;
            if (ownLevel === undefined) {
                value.enforcementLevel = allLevel;
            }
        }
    }
    for (const p of policies) {
        problems.push(...configProblems(p, resolved[p.name].properties));
    }
    if (problems.length > 0) {
        throw new PolicyConfigError(problems, source);
    }
    return resolved;
}

/**
 * Validates the parsed content of a policy config file (policies/config/<env>.json format): a JSON
 * object whose values are levels or objects. Throws PolicyConfigError (not an object, bad value,
 * unknown policy, bad level, bad property).
 */
export function parsePolicyConfig(parsed: unknown, source?: string, policies: readonly PackPolicy[] = allPolicies): PolicyConfigFile {
    if (!isRecord(parsed)) {
        throw new PolicyConfigError(["the config must be a JSON object whose keys are policy names"], source);
    }
    const config: PolicyConfigFile = {};
    for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === "string" || isRecord(value)) {
            // Validated by resolvePolicyConfig just below.
            config[key] = value as PolicyConfigEntry;
        } else {
            throw new PolicyConfigError([`${key}: the value must be an enforcement level string or an object (got ${JSON.stringify(value)})`], source);
        }
    }
    resolvePolicyConfig(config, policies, source);
    return config;
}

/**
 * Reads and validates a policy config file (policies/config/<env>.json format).
 * Throws PolicyConfigError (unreadable file, not JSON, unknown policy, bad level, bad property).
 */
export function loadPolicyConfig(file: string, policies: readonly PackPolicy[] = allPolicies): PolicyConfigFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new PolicyConfigError([`cannot read the file: ${e instanceof Error ? e.message : String(e)}`], file);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        throw new PolicyConfigError([`not valid JSON: ${e instanceof Error ? e.message : String(e)}`], file);
    }
    return parsePolicyConfig(parsed, file, policies);
}

// ------------------------------------------------------------------------------------------------
// Protobuf requests (the same ones the engine sends; the gRPC test client builds its own to compare)
// ------------------------------------------------------------------------------------------------

/** Turns a property bag into JSON a google.protobuf.Struct accepts: no undefined, no functions. */
function toPlain(value: unknown, at: string): unknown {
    if (value === null || typeof value === "string" || typeof value === "boolean") {
        return value;
    }
    if (typeof value === "number") {
        if (!Number.isFinite(value)) {
            throw new EvaluationInputError(`${at} is ${value}, which cannot be represented`);
        }
        return value;
    }
    if (Array.isArray(value)) {
        // The engine marshals a missing array element as null.
        return value.map((v, i) => (v === undefined ? null : toPlain(v, `${at}[${i}]`)));
    }
    if (isRecord(value)) {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
            throw new EvaluationInputError(`${at} is a ${value.constructor?.name ?? "class"} instance; give plain JSON (resolved Outputs, serialized assets)`);
        }
        const result: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            if (v !== undefined) {
                result[k] = toPlain(v, `${at}.${k}`);
            }
        }
        return result;
    }
    throw new EvaluationInputError(`${at} is a ${typeof value}, which cannot be sent to the policy server`);
}

function toStruct(props: Record<string, unknown>, urn: string): Struct {
    const plain = toPlain(props, urn);
    if (!isRecord(plain)) {
        throw new EvaluationInputError(`${urn}: properties must be an object`);
    }
    return Struct.fromJavaScript(plain as Parameters<typeof Struct.fromJavaScript>[0]);
}

function nameOf(r: EvaluatedResource): string {
    return r.name ?? r.urn.slice(r.urn.lastIndexOf("::") + 2);
}

function toOptions(r: EvaluatedResource): AnalyzerResourceOptions {
    const opts = r.opts ?? {};
    const result = new AnalyzerResourceOptions();
    result.setProtect(opts.protect === true);
    result.setIgnorechangesList(opts.ignoreChanges ?? []);
    result.setAliasesList(opts.aliases ?? []);
    result.setAdditionalsecretoutputsList(opts.additionalSecretOutputs ?? []);
    const timeouts = new AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(opts.customTimeouts?.createSeconds ?? 0);
    timeouts.setUpdate(opts.customTimeouts?.updateSeconds ?? 0);
    timeouts.setDelete(opts.customTimeouts?.deleteSeconds ?? 0);
    result.setCustomtimeouts(timeouts);
    if (opts.deleteBeforeReplace !== undefined) {
        result.setDeletebeforereplace(opts.deleteBeforeReplace);
        result.setDeletebeforereplacedefined(true);
    }
    if (opts.parent) {
        result.setParent(opts.parent);
    }
    return result;
}

/** The Analyze request the engine sends for `r` (its inputs). */
export function buildAnalyzeRequest(r: EvaluatedResource): AnalyzeRequest {
    const req = new AnalyzeRequest();
    req.setUrn(r.urn);
    req.setType(r.type);
    req.setName(nameOf(r));
    req.setProperties(toStruct(r.props, r.urn));
    req.setOptions(toOptions(r));
    return req;
}

/** The view stack policies get of `r`: outputs (or inputs), with `id` when known. */
function stackProps(r: EvaluatedResource): Record<string, unknown> {
    const props = { ...(r.outputs ?? r.props) };
    if (r.id !== undefined && props["id"] === undefined) {
        props["id"] = r.id;
    }
    return props;
}

/** The AnalyzeStack request the engine sends at the end of an update (outputs of every resource). */
export function buildAnalyzeStackRequest(resources: readonly EvaluatedResource[]): AnalyzeStackRequest {
    const req = new AnalyzeStackRequest();
    req.setResourcesList(
        resources.map((r) => {
            const resource = new AnalyzerResource();
            resource.setUrn(r.urn);
            resource.setType(r.type);
            resource.setName(nameOf(r));
            resource.setProperties(toStruct(stackProps(r), r.urn));
            resource.setOptions(toOptions(r));
            if (r.opts?.parent) {
                resource.setParent(r.opts.parent);
            }
            resource.setDependenciesList(r.dependencies ?? []);
            const dependencyMap = resource.getPropertydependenciesMap();
            for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
                if (urns.length > 0) {
                    dependencyMap.set(key, new AnalyzerPropertyDependencies().setUrnsList(urns));
                }
            }
            return resource;
        }),
    );
    return req;
}

/** True for resources the engine's own bookkeeping creates: the stack and provider resources. */
export function isInternalResource(type: string): boolean {
    return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

// ------------------------------------------------------------------------------------------------
// Responses
// ------------------------------------------------------------------------------------------------

const PROTO_LEVELS: Record<number, EnforcementLevel> = {
    [ProtoEnforcementLevel.ADVISORY]: "advisory",
    [ProtoEnforcementLevel.MANDATORY]: "mandatory",
    [ProtoEnforcementLevel.REMEDIATE]: "remediate",
    [ProtoEnforcementLevel.DISABLED]: "disabled",
};

/**
 * The violations and not-applicable verdicts of an AnalyzeResponse. The server prefixes a reported
 * message with the policy description ("<description>\n<message>"); the prefix is removed so the
 * message is the policy's own text. `urn` is used when the diagnostic names none (resource policies).
 */
export function fromAnalyzeResponse(
    response: AnalyzeResponse,
    urn: string,
    descriptions: ReadonlyMap<string, string>,
): { violations: Violation[]; notApplicable: NotApplicable[] } {
    const violations = response.getDiagnosticsList().map((d) => {
        const description = descriptions.get(d.getPolicyname()) ?? d.getDescription();
        const raw = d.getMessage();
        const message = description && raw.startsWith(`${description}\n`) ? raw.slice(description.length + 1) : raw;
        return {
            policy: d.getPolicyname(),
            enforcementLevel: PROTO_LEVELS[d.getEnforcementlevel()] ?? "advisory",
            urn: d.getUrn() || urn,
            message,
        };
    });
    const notApplicable = response.getNotApplicableList().map((n) => ({ policy: n.getPolicyName(), urn, reason: n.getReason() }));
    return { violations, notApplicable };
}

// ------------------------------------------------------------------------------------------------
// Evaluation through the policy server's own RPC handlers
// ------------------------------------------------------------------------------------------------

type RpcCallback = (err: Error | null | undefined, response?: AnalyzeResponse) => void;
type RpcHandler<TRequest> = (call: { request: TRequest }, callback: RpcCallback) => Promise<void>;

/** The two (internal, but exported) factories of @pulumi/policy/server.js used here. */
interface PolicyServerHandlers {
    makeAnalyzeRpcFun(packName: string, packVersion: string, packLevel: EnforcementLevel, policies: readonly PackPolicy[]): RpcHandler<AnalyzeRequest>;
    makeAnalyzeStackRpcFun(packName: string, packVersion: string, packLevel: EnforcementLevel, policies: readonly PackPolicy[]): RpcHandler<AnalyzeStackRequest>;
}

// server.d.ts is emitted empty (the exports are @internal), hence require + an explicit interface.
// Loading server.js does not start a server: only PolicyPack's constructor calls serve().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = require("@pulumi/policy/server") as PolicyServerHandlers;

function call<TRequest>(handler: RpcHandler<TRequest>, request: TRequest): Promise<{ response?: AnalyzeResponse; error?: Error }> {
    return new Promise((resolve) => {
        void handler({ request }, (err, response) => resolve(err ? { error: err } : { response }));
    });
}

/** Keeps @pulumi/policy's `__pulumiType` tag (its fast not-applicable path) on a wrapped function. */
function sameType<T extends object>(original: object, wrapper: T): T {
    const token: unknown = Reflect.get(original, "__pulumiType");
    return typeof token === "string" ? Object.assign(wrapper, { __pulumiType: token }) : wrapper;
}

/**
 * `p` with its resolved enforcement level and a `getConfig` that returns its resolved properties,
 * i.e. what the server's `configure` RPC would have set up.
 */
function configured(p: PackPolicy, level: EnforcementLevel, properties: Record<string, unknown>): PackPolicy {
    // getConfig<T>() is generic in @pulumi/policy; the properties were validated against the schema.
    const getConfig = <T extends object>(): T => structuredClone(properties) as T;
    if ("validateStack" in p) {
        const validate: StackValidation = p.validateStack;
        return { ...p, enforcementLevel: level, validateStack: sameType(validate, (args, report) => validate({ ...args, getConfig }, report)) };
    }
    const wrap = (v: ResourceValidation): ResourceValidation => sameType(v, (args, report) => v({ ...args, getConfig }, report));
    const validations = p.validateResource;
    return {
        ...p,
        enforcementLevel: level,
        validateResource: validations === undefined ? undefined : Array.isArray(validations) ? validations.map(wrap) : wrap(validations),
    };
}

function errorViolation(policy: string, urn: string, error: Error): Violation {
    // The server's error carries "<context>:\n<stack>"; keep the text up to the stack frames.
    const text = error.message
        .split("\n")
        .filter((line) => !/^\s+at /.test(line))
        .join("\n")
        .trim();
    return {
        policy,
        // The Pulumi CLI aborts the update on a policy error, whatever the policy's level.
        enforcementLevel: "mandatory",
        urn,
        message: `the policy failed with an error (the Pulumi CLI would abort): ${text}`,
    };
}

/**
 * Evaluates the pack against `resources`: every resource policy on each resource's inputs (skipping
 * the stack and provider resources, see `isInternalResource`), then every stack policy on all
 * resources' outputs. Resolves to the violations; rejects on an invalid config (PolicyConfigError)
 * or a resource that cannot be marshalled (EvaluationInputError).
 */
export async function evaluatePolicies(resources: readonly EvaluatedResource[], options: EvaluateOptions = {}): Promise<PolicyReport> {
    const policies = options.policies ?? allPolicies;
    const config = typeof options.config === "string" ? loadPolicyConfig(options.config, policies) : options.config;
    const resolved = resolvePolicyConfig(config, policies, typeof options.config === "string" ? options.config : undefined);
    const descriptions = new Map(policies.map((p) => [p.name, p.description]));
    const active = policies.map((p) => configured(p, resolved[p.name].enforcementLevel, resolved[p.name].properties)).filter((p) => p.enforcementLevel !== "disabled");

    const report: PolicyReport = { violations: [], notApplicable: [], policiesRun: active.length, resourcesAnalyzed: 0 };
    const collect = (result: { response?: AnalyzeResponse; error?: Error }, policy: string, urn: string) => {
        if (result.error) {
            report.violations.push(errorViolation(policy, urn, result.error));
        } else if (result.response) {
            const { violations, notApplicable } = fromAnalyzeResponse(result.response, urn, descriptions);
            report.violations.push(...violations);
            report.notApplicable.push(...notApplicable);
        }
    };

    if (options.phases?.resource !== false) {
        const resourcePolicies = active.filter((p) => !("validateStack" in p));
        // One handler for all policies decodes each request once (the server's own shape). A policy
        // that throws fails the whole call, so on an error the resource is re-run one handler per
        // policy: the failing policy is reported and the others' results are still collected.
        const batch = server.makeAnalyzeRpcFun(PACK_NAME, PACK_VERSION, PACK_ENFORCEMENT_LEVEL, resourcePolicies);
        const handlers = resourcePolicies.map((p) => ({ name: p.name, handler: server.makeAnalyzeRpcFun(PACK_NAME, PACK_VERSION, PACK_ENFORCEMENT_LEVEL, [p]) }));
        for (const r of resources) {
            if (isInternalResource(r.type)) {
                continue;
            }
            report.resourcesAnalyzed++;
            const request = buildAnalyzeRequest(r);
            const all = await call(batch, request);
            if (!all.error) {
                collect(all, "", r.urn);
                continue;
            }
            for (const { name, handler } of handlers) {
                collect(await call(handler, request), name, r.urn);
            }
        }
    }
    if (options.phases?.stack !== false) {
        const request = buildAnalyzeStackRequest(resources);
        const stackPolicies = active.filter((p) => "validateStack" in p);
        const all = await call(server.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, PACK_ENFORCEMENT_LEVEL, stackPolicies), request);
        if (!all.error) {
            collect(all, "", "");
        } else {
            for (const p of stackPolicies) {
                const handler = server.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, PACK_ENFORCEMENT_LEVEL, [p]);
                collect(await call(handler, request), p.name, "");
            }
        }
    }
    return report;
}

/** True when the report has a mandatory violation (what makes `pulumi up` fail). */
export function hasMandatoryViolations(report: PolicyReport): boolean {
    return report.violations.some((v) => v.enforcementLevel === "mandatory");
}

// ------------------------------------------------------------------------------------------------
// Adapters
// ------------------------------------------------------------------------------------------------

// `pulumi stack export` documents: kept in a module that does not load the pack, so the CLI can
// reject a bad file before paying for loading @pulumi/aws.
export { fromStackExport, StackExportError, UNKNOWN_VALUE } from "./lib/stack-export";
export type { EncryptedSecret } from "./lib/stack-export";

/**
 * A resource as recorded from running the program on Pulumi's mock engine (the offline plan and the
 * stack-compliance tests record one per `newResource` call).
 */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    /** False for component resources. */
    custom: boolean;
    /** Parent URN. */
    parent?: string;
    /** Inputs as the mock received them (resolved; secrets may still be wrapped). */
    inputs: Record<string, unknown>;
    protect?: boolean;
    retainOnDelete?: boolean;
    /**
     * Optional: the id the mock returned. Stack policies correlate resources by id (a
     * BucketServerSideEncryptionConfiguration's `bucket` is the bucket's id), so record it.
     */
    id?: string;
    /** Optional: the state the mock returned (outputs); stack policies read it instead of inputs. */
    state?: Record<string, unknown>;
    /** Optional: dependency URNs. */
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

/**
 * Adapts mock-engine records to the evaluator's input: inputs feed resource policies; the mock's
 * returned state (or the inputs) plus the returned id feed stack policies; `protect` and `parent`
 * become the options the policy server exposes. Secret wrappers stay in place: the policy server's
 * deserializer unwraps them, as it does for the engine.
 */
export function fromRecorded(recorded: readonly RecordedResource[]): EvaluatedResource[] {
    return recorded.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        props: r.inputs,
        // A component's recorded state is what the mock stands in for a remote component's provider
        // (awsx:ec2:Vpc: ids, and empty natGateways/subnets lists since the mock creates no
        // children). Its inputs stay visible over those stand-ins, as in the props it registered;
        // stack policies read them only for a component without children (see lib/vpc.ts).
        outputs: r.state ? (r.custom ? { ...r.inputs, ...r.state } : { ...r.state, ...r.inputs }) : undefined,
        id: r.id,
        opts: { protect: r.protect === true, parent: r.parent },
        isCustom: r.custom,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
    }));
}

// ------------------------------------------------------------------------------------------------
// Human-readable report
// ------------------------------------------------------------------------------------------------

/** A report for humans: violations grouped by level, then by resource. */
export function formatReport(report: PolicyReport): string {
    const lines: string[] = [];
    const order: EnforcementLevel[] = ["mandatory", "remediate", "advisory"];
    for (const level of order) {
        const violations = report.violations.filter((v) => v.enforcementLevel === level);
        if (violations.length === 0) {
            continue;
        }
        lines.push(`${level} violations (${violations.length}):`);
        for (const v of violations) {
            lines.push(`  [${level}] ${v.policy}  ${v.urn || "(stack)"}`);
            for (const line of v.message.split("\n")) {
                lines.push(`      ${line}`);
            }
        }
    }
    const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = report.violations.length - mandatory;
    lines.push(`${report.policiesRun} policies, ${report.resourcesAnalyzed} resources: ${mandatory} mandatory and ${advisory} advisory violation(s).`);
    return lines.join("\n");
}
