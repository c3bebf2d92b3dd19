/**
 * Serves the real policy pack (policies/index.ts) in a child process, the way the Pulumi CLI runs a
 * Node.js policy pack, and talks to it over gRPC like the engine does. Reusable: the stack-
 * compliance tests can check that the served pack and the offline evaluator agree on any resources.
 *
 *   const pack = await servePack();
 *   try { const report = await analyzeViaGrpc(pack, resources, "policies/config/prod.json"); }
 *   finally { await pack.close(); }
 *
 * How the CLI starts a pack: `pulumi-analyzer-policy <engine-address> .` with cwd = the pack
 * directory resolves `@pulumi/pulumi/cmd/run-policy-pack` from there (here: the root
 * node_modules), which registers ts-node (with type checking) and `require`s the directory (its
 * package.json `main`, index.ts). `new PolicyPack(...)` reads package.json's version from the cwd,
 * binds 127.0.0.1:0 and prints the port on stdout. `servePack()` does the same; by default it loads
 * the pack with ts-node in transpile-only mode (about 2 s instead of about 7 s with type checking),
 * `runner: "run-policy-pack"` uses Pulumi's own harness unchanged.
 *
 * What the engine sends is mirrored: GetAnalyzerInfo; Configure with every policy's config (the
 * policy's level and schema defaults from the analyzer info, overridden by the config file, as the
 * CLI's ReconcilePolicyPackConfig does); Analyze for every resource except the stack and provider
 * resources; AnalyzeStack with every resource.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeRequest,
    AnalyzeResponse,
    AnalyzeStackRequest,
    AnalyzerInfo,
    AnalyzerPropertyDependencies,
    AnalyzerResource,
    AnalyzerResourceOptions,
    ConfigureAnalyzerRequest,
    EnforcementLevel as ProtoLevel,
    PolicyConfig,
} from "@pulumi/pulumi/proto/analyzer_pb";
// Types only: requests are built and responses read here, independently of policies/evaluate.ts,
// so a marshalling bug there cannot hide by appearing on both sides of the comparison.
import type { EvaluatedResource, NotApplicable, PolicyConfigFile, PolicyReport, Violation } from "../../policies/evaluate";

const ROOT = path.join(__dirname, "..", "..");
export const POLICY_PACK_DIR = path.join(ROOT, "policies");

/** A running policy pack and a gRPC client connected to it. */
export interface ServedPack {
    readonly port: number;
    readonly client: AnalyzerClient;
    readonly child: ChildProcess;
    /** Closes the client and kills the child (SIGTERM, then SIGKILL after 2 s). Idempotent. */
    close(): Promise<void>;
}

export interface ServeOptions {
    /** "transpile-only" (default, fast) or "run-policy-pack" (Pulumi's harness, type-checks the pack). */
    runner?: "transpile-only" | "run-policy-pack";
    /** Start-up timeout; default 30 s. */
    timeoutMs?: number;
}

const running = new Set<ChildProcess>();
// Never leave a pack server behind, whatever happens to the test process.
process.on("exit", () => {
    for (const child of running) {
        child.kill("SIGKILL");
    }
});

/** Starts policies/index.ts as a policy server and connects to the port it prints. */
export function servePack(options: ServeOptions = {}): Promise<ServedPack> {
    // The engine address is required by run-policy-pack's argument parsing; the pack never dials it.
    const engineAddress = "127.0.0.1:0";
    const args =
        options.runner === "run-policy-pack"
            ? [require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [POLICY_PACK_DIR] }), engineAddress, "."]
            : ["-r", require.resolve("ts-node/register/transpile-only"), "-e", `require(${JSON.stringify(POLICY_PACK_DIR)})`, engineAddress, "."];
    const child = spawn(process.execPath, args, { cwd: POLICY_PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
        stderr += d.toString();
    });

    const kill = (): Promise<void> =>
        new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
                running.delete(child);
                resolve();
                return;
            }
            const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
            child.once("exit", () => {
                clearTimeout(timer);
                running.delete(child);
                resolve();
            });
            child.kill("SIGTERM");
        });

    return new Promise<ServedPack>((resolve, reject) => {
        let stdout = "";
        const fail = (why: string) => {
            clearTimeout(timer);
            void kill().then(() => reject(new Error(`policy pack did not start: ${why}\nstderr:\n${stderr}`)));
        };
        const timer = setTimeout(() => fail(`no port printed within ${options.timeoutMs ?? 30000} ms`), options.timeoutMs ?? 30000);
        child.once("exit", (code) => fail(`exited with ${code}`));
        child.once("error", (e) => fail(e.message));
        child.stdout?.on("data", (d: Buffer) => {
            stdout += d.toString();
            const match = /^(\d+)\s*$/m.exec(stdout);
            if (!match) {
                return;
            }
            clearTimeout(timer);
            child.removeAllListeners("exit");
            const port = Number(match[1]);
            const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
                "grpc.max_receive_message_length": 400 * 1024 * 1024,
            });
            let closed: Promise<void> | undefined;
            resolve({
                port,
                client,
                child,
                close: () => {
                    closed = closed ?? (client.close(), kill());
                    return closed;
                },
            });
        });
    });
}

function unary<TRequest, TResponse>(
    method: (request: TRequest, callback: (error: grpc.ServiceError | null, response: TResponse) => void) => grpc.ClientUnaryCall,
    request: TRequest,
): Promise<TResponse> {
    return new Promise((resolve, reject) => {
        method(request, (error, response) => (error ? reject(error) : resolve(response)));
    });
}

/** GetAnalyzerInfo: the pack's name, version and policies (with levels and config schemas). */
export function getAnalyzerInfo(pack: ServedPack): Promise<AnalyzerInfo> {
    return unary<Empty, AnalyzerInfo>((r, cb) => pack.client.getAnalyzerInfo(r, cb), new Empty());
}

const TO_PROTO: Record<string, ProtoLevel> = {
    advisory: ProtoLevel.ADVISORY,
    mandatory: ProtoLevel.MANDATORY,
    remediate: ProtoLevel.REMEDIATE,
    disabled: ProtoLevel.DISABLED,
};

/**
 * The config the CLI sends with Configure: from the analyzer info, each policy's level and the
 * `default` of each schema property; then the config's "all" level; then its per-policy entries.
 * (Independent of evaluate.ts's resolvePolicyConfig on purpose: it works from what the served pack
 * reports, like the CLI.)
 */
export function reconcileConfig(info: AnalyzerInfo, config: PolicyConfigFile): ConfigureAnalyzerRequest {
    const levels = new Map<string, string>();
    const properties = new Map<string, Record<string, unknown>>();
    const fromProto: Record<number, string> = Object.fromEntries(Object.entries(TO_PROTO).map(([k, v]) => [v, k]));
    for (const p of info.getPoliciesList()) {
        levels.set(p.getName(), fromProto[p.getEnforcementlevel()]);
        const defaults: Record<string, unknown> = {};
        const schema = p.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
        for (const [key, value] of Object.entries(schema)) {
            const propertySchema = value as { default?: unknown };
            if (propertySchema.default !== undefined) {
                defaults[key] = propertySchema.default;
            }
        }
        properties.set(p.getName(), defaults);
    }
    const all = config["all"];
    const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
    if (allLevel) {
        for (const name of levels.keys()) {
            levels.set(name, allLevel);
        }
    }
    for (const [name, entry] of Object.entries(config)) {
        if (name === "all" || !levels.has(name)) {
            continue;
        }
        if (typeof entry === "string") {
            levels.set(name, entry);
        } else {
            const { enforcementLevel, ...rest } = entry;
            if (enforcementLevel) {
                levels.set(name, enforcementLevel);
            }
            Object.assign(properties.get(name) ?? {}, rest);
        }
    }
    const request = new ConfigureAnalyzerRequest();
    const map = request.getPolicyconfigMap();
    for (const [name, level] of levels) {
        const policyConfig = new PolicyConfig();
        policyConfig.setEnforcementlevel(TO_PROTO[level]);
        policyConfig.setProperties(Struct.fromJavaScript((properties.get(name) ?? {}) as Parameters<typeof Struct.fromJavaScript>[0]));
        map.set(name, policyConfig);
    }
    return request;
}

/**
 * Runs `resources` through the served pack as `pulumi up` would (Configure, Analyze per resource,
 * AnalyzeStack) and returns the same report shape as the offline `evaluatePolicies`.
 * `config` is a config object or the path of a config file; default: no config (pack defaults).
 */
export async function analyzeViaGrpc(pack: ServedPack, resources: readonly EvaluatedResource[], config: PolicyConfigFile | string = {}): Promise<PolicyReport> {
    const info = await getAnalyzerInfo(pack);
    const file = typeof config === "string" ? (JSON.parse(fs.readFileSync(config, "utf8")) as PolicyConfigFile) : config;
    const configure = reconcileConfig(info, file);
    await unary<ConfigureAnalyzerRequest, Empty>((r, cb) => pack.client.configure(r, cb), configure);
    const descriptions = new Map(info.getPoliciesList().map((p) => [p.getName(), p.getDescription()]));

    const levels: PolicyConfig[] = [];
    configure.getPolicyconfigMap().forEach((c) => {
        levels.push(c);
    });
    const report: PolicyReport = {
        violations: [],
        notApplicable: [],
        policiesRun: levels.filter((c) => c.getEnforcementlevel() !== ProtoLevel.DISABLED).length,
        resourcesAnalyzed: 0,
    };
    for (const r of resources) {
        // The engine does not analyze its own bookkeeping: the stack and provider resources.
        if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")) {
            continue;
        }
        report.resourcesAnalyzed++;
        const response = await unary<AnalyzeRequest, AnalyzeResponse>((q, cb) => pack.client.analyze(q, cb), analyzeRequest(r));
        const { violations, notApplicable } = readResponse(response, r.urn, descriptions);
        report.violations.push(...violations);
        report.notApplicable.push(...notApplicable);
    }
    const stack = await unary<AnalyzeStackRequest, AnalyzeResponse>((q, cb) => pack.client.analyzeStack(q, cb), analyzeStackRequest(resources));
    const { violations, notApplicable } = readResponse(stack, "", descriptions);
    report.violations.push(...violations);
    report.notApplicable.push(...notApplicable);
    return report;
}

// ------------------------------------------------------------------------------------------------
// Requests and responses, written from the analyzer protocol (pulumi/proto/pulumi/analyzer.proto)
// ------------------------------------------------------------------------------------------------

/** A property bag as the engine sends it: JSON (no undefined; an undefined array element is null). */
function struct(props: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Parameters<typeof Struct.fromJavaScript>[0]);
}

function resourceName(r: EvaluatedResource): string {
    return r.name ?? r.urn.split("::").pop() ?? r.urn;
}

function resourceOptions(r: EvaluatedResource): AnalyzerResourceOptions {
    const options = new AnalyzerResourceOptions();
    options.setProtect(r.opts?.protect === true);
    if (r.opts?.parent) {
        options.setParent(r.opts.parent);
    }
    return options;
}

/** Analyze: one resource's inputs. */
function analyzeRequest(r: EvaluatedResource): AnalyzeRequest {
    const request = new AnalyzeRequest();
    request.setUrn(r.urn);
    request.setType(r.type);
    request.setName(resourceName(r));
    request.setProperties(struct(r.props));
    request.setOptions(resourceOptions(r));
    return request;
}

/** AnalyzeStack: every resource's outputs (EvaluatedResource: `outputs ?? props`, plus `id` when they lack one). */
function analyzeStackRequest(resources: readonly EvaluatedResource[]): AnalyzeStackRequest {
    const request = new AnalyzeStackRequest();
    for (const r of resources) {
        const resource = new AnalyzerResource();
        resource.setUrn(r.urn);
        resource.setType(r.type);
        resource.setName(resourceName(r));
        const outputs = r.outputs ?? r.props;
        resource.setProperties(struct(r.id !== undefined && outputs["id"] === undefined ? { ...outputs, id: r.id } : outputs));
        resource.setOptions(resourceOptions(r));
        if (r.opts?.parent) {
            resource.setParent(r.opts.parent);
        }
        resource.setDependenciesList(r.dependencies ?? []);
        for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
            if (urns.length > 0) {
                resource.getPropertydependenciesMap().set(key, new AnalyzerPropertyDependencies().setUrnsList(urns));
            }
        }
        request.addResources(resource);
    }
    return request;
}

const LEVEL_NAMES: Record<number, Violation["enforcementLevel"]> = {
    [ProtoLevel.ADVISORY]: "advisory",
    [ProtoLevel.MANDATORY]: "mandatory",
    [ProtoLevel.REMEDIATE]: "remediate",
    [ProtoLevel.DISABLED]: "disabled",
};

/**
 * Diagnostics and not-applicable verdicts of a response. The server sends a violation's message as
 * "<policy description>\n<message>" (the CLI prints both); the description is removed here.
 */
function readResponse(response: AnalyzeResponse, urn: string, descriptions: ReadonlyMap<string, string>): { violations: Violation[]; notApplicable: NotApplicable[] } {
    const violations = response.getDiagnosticsList().map((d): Violation => {
        const prefix = `${descriptions.get(d.getPolicyname()) ?? ""}\n`;
        const message = d.getMessage();
        const level = LEVEL_NAMES[d.getEnforcementlevel()];
        if (level === undefined) {
            throw new Error(`diagnostic of ${d.getPolicyname()} has enforcement level ${d.getEnforcementlevel()}`);
        }
        return { policy: d.getPolicyname(), enforcementLevel: level, urn: d.getUrn() || urn, message: message.startsWith(prefix) ? message.slice(prefix.length) : message };
    });
    const notApplicable = response.getNotApplicableList().map((n): NotApplicable => ({ policy: n.getPolicyName(), urn, reason: n.getReason() }));
    return { violations, notApplicable };
}
