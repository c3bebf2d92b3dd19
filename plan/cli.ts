/**
 * `npm run plan`: the offline plan of a stack. Reads Pulumi.yaml and Pulumi.<stack>.yaml (secure
 * values stay secret placeholders), validates the config, runs the real program on the mock
 * engine, evaluates the policy pack and reports. No AWS credentials, no Pulumi CLI, no network.
 *
 * stdout carries the report (tree, counts, policies, summary line); stderr carries progress and
 * errors, so `npm run plan > plan.txt` keeps a clean report.
 *
 * Start-up cost matters (the command is the first thing run on a fresh machine): options and
 * stack files are checked before the Pulumi SDK, the AWS provider SDK and the policy pack are
 * loaded, so a typo fails in a fraction of a second. Hence the typed `require` calls below:
 * `import()` would stay a real ES-module import under module=node16 and miss ts-node's hook.
 */
import * as fs from "fs";
import * as path from "path";
import { Problem, ValidationError } from "../config/problems";
import type { RecordedResource } from "../engine/mocks";
import type { PolicyConfigFile, PolicyReport } from "../policies/evaluate";
import { StackFileError, loadStackConfig } from "../engine/stack-config";
import { STACK_TYPE, isComponent } from "./model";

/** The repository root: the default project directory (Pulumi.yaml, stack files, policies/config). */
export const REPO_DIR = path.resolve(__dirname, "..");

export const EXIT = { ok: 0, mandatoryViolations: 1, badInput: 2, internalError: 3 } as const;

export const USAGE = `usage: npm run plan [-- [--stack <name>] [--json <file>] [--diagram <file>] [--policy-config <file>] [--project-dir <dir>] [--quiet]]

Offline plan of a stack: validates Pulumi.<stack>.yaml, runs the program on Pulumi's mock engine,
prints the resource tree, counts by type and the policy report, and ends with one summary line:
  plan <stack>: <n> resources (<m> components), <x> mandatory and <y> advisory violations
(resources: every registered resource except the stack itself, which --json also lists;
components: component resources). Relative paths are taken from the directory you ran it in.
No AWS credentials, no Pulumi CLI, no network.

  --stack <name>           stack to plan (Pulumi.<name>.yaml); default: dev
  --json <file>            also write {stack, project, resources, violations} (secrets redacted)
  --diagram <file>         also write the architecture as a Mermaid flowchart; a Markdown file with
                           <!-- plan-diagram:begin ... --> and <!-- plan-diagram:end --> markers gets
                           the mermaid block between them replaced
  --policy-config <file>   policy config; default: <project dir>/policies/config/<stack>.json
  --project-dir <dir>      directory holding Pulumi.yaml and the stack files; default: the repository
  --quiet                  no progress on stderr
  --help                   this help

exit status: 0 no mandatory violation, 1 mandatory violations, 2 bad input (unknown stack, missing
or invalid stack file, invalid config, invalid policy config, bad option), 3 internal error`;

/** Bad input: printed with what to do, exit status 2. */
export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}

export interface PlanOptions {
    readonly stack: string;
    readonly json?: string;
    readonly diagram?: string;
    readonly policyConfig?: string;
    readonly projectDir: string;
    readonly quiet: boolean;
}

const VALUE_OPTIONS = ["--stack", "--json", "--diagram", "--policy-config", "--project-dir"] as const;
const FLAG_OPTIONS = ["--quiet", "--help", "-h"] as const;

/**
 * The directory relative paths are taken from: the one `npm run plan` was started in (npm runs
 * scripts in the package root and passes the caller's directory as INIT_CWD), else the process's.
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
    return env.npm_lifecycle_event === "plan" && env.INIT_CWD ? env.INIT_CWD : cwd;
}

/** Parses the command line. Throws InputError on an unknown option or a missing value. */
export function parseArgs(argv: readonly string[], cwd: string = invocationDir()): PlanOptions | "help" {
    const values = new Map<string, string>();
    let quiet = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") {
            return "help";
        }
        if (arg === "--quiet") {
            quiet = true;
            continue;
        }
        const eq = arg.indexOf("=");
        const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
        const inline = flag === arg ? undefined : arg.slice(eq + 1);
        if (!(VALUE_OPTIONS as readonly string[]).includes(flag)) {
            // Through npm, options before "--" are npm's own: `npm run plan --stack prod` leaves just "prod".
            const hint = arg.startsWith("-") ? "" : ` (to plan a stack: npm run plan -- --stack ${arg}, or node scripts/plan.js --stack ${arg})`;
            throw new InputError(
                `unknown ${arg.startsWith("-") ? "option" : "argument"} "${arg}"${hint}: the options are ${[...VALUE_OPTIONS, ...FLAG_OPTIONS.slice(0, 2)].join(", ")}.`,
            );
        }
        const value = inline ?? argv[i + 1];
        if (inline === undefined) {
            i++;
        }
        if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
            throw new InputError(`${flag} needs a value: ${flag} <${flag === "--stack" ? "name" : flag === "--project-dir" ? "dir" : "file"}>.`);
        }
        if (values.has(flag)) {
            throw new InputError(`${flag} is given twice: pass it once.`);
        }
        values.set(flag, value);
    }
    const stack = values.get("--stack") ?? "dev";
    // Pulumi stack names: letters, digits, hyphens, underscores, periods. Also keeps the name from
    // naming a file outside the project directory.
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stack)) {
        throw new InputError(`--stack "${stack}" is not a stack name: use letters, digits, "-", "_" and "." (e.g. --stack prod).`);
    }
    const resolve = (file: string | undefined) => (file === undefined ? undefined : path.resolve(cwd, file));
    return {
        stack,
        json: resolve(values.get("--json")),
        diagram: resolve(values.get("--diagram")),
        policyConfig: resolve(values.get("--policy-config")),
        projectDir: resolve(values.get("--project-dir")) ?? REPO_DIR,
        quiet,
    };
}

/** Where the streams go; tests and the benchmark run `main` with their own. */
export interface PlanIo {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

const processIo: PlanIo = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
};

function relative(file: string): string {
    const rel = path.relative(process.cwd(), file);
    return rel === "" || rel.startsWith("..") ? file : rel;
}

/** Progress on stderr: each component as it registers, and a count every `every` resources. */
function progressReporter(io: PlanIo, quiet: boolean, every = 50): { onResource: (r: RecordedResource) => void; count: () => number } {
    let count = 0;
    let stackUrn: string | undefined;
    return {
        count: () => count,
        onResource: (r) => {
            if (r.type === STACK_TYPE) {
                stackUrn = r.urn;
                return;
            }
            count++;
            if (quiet) {
                return;
            }
            if (isComponent(r)) {
                io.err(`plan: ${r.parent === stackUrn ? "component" : "  component"} ${r.name} (${r.type})`);
            }
            if (count % every === 0) {
                io.err(`plan: ${count} resources registered`);
            }
        },
    };
}

function seconds(since: bigint): string {
    return `${(Number(process.hrtime.bigint() - since) / 1e9).toFixed(2)} s`;
}

/**
 * Makes stack traces nearly free while the program runs and the policies are evaluated; returns
 * the function that restores them. PLAN_STACK_TRACES=1 keeps full, source-mapped stack traces
 * (for debugging an internal error).
 *
 * Why: the Pulumi SDK captures `new Error().stack` for every promise it tracks (leak diagnostics)
 * and for every resource (its source position, at unlimited depth), and ts-node maps each captured
 * frame through the source maps: for diagnostics the mock engine never reads. Measured on a
 * 167-resource composition of the components: program run 1.45 s with mapped stacks, 0.57 s
 * unmapped, 0.30 s with no frames captured. With
 * `Error.stackTraceLimit = 0` no frame is captured (the SDK raises the limit itself for source
 * positions, which then skip source mapping). The cost: an error raised in this window carries its
 * message but no stack frames.
 */
function withCheapStackTraces(): () => void {
    if (process.env.PLAN_STACK_TRACES === "1") {
        return () => undefined;
    }
    // Through Reflect: @types/node declares prepareStackTrace as always present, but V8 only
    // formats stacks itself when the property is absent.
    const prepareStackTrace: unknown = Reflect.get(Error, "prepareStackTrace");
    const { stackTraceLimit } = Error;
    Reflect.deleteProperty(Error, "prepareStackTrace");
    Error.stackTraceLimit = 0;
    return () => {
        Reflect.set(Error, "prepareStackTrace", prepareStackTrace);
        Error.stackTraceLimit = stackTraceLimit;
    };
}

/** Checks the --diagram target before the (slow) run, so a wrong target fails fast. */
function checkDiagramTarget(file: string, hasMarkers: (markdown: string) => boolean): void {
    if (/\.(md|markdown)$/i.test(file) && fs.existsSync(file) && !hasMarkers(fs.readFileSync(file, "utf8"))) {
        throw new InputError(
            `--diagram ${relative(file)} is a Markdown file without diagram markers: add the lines "<!-- plan-diagram:begin -->" and "<!-- plan-diagram:end -->" where the diagram goes (the file is not overwritten), or pass a .mmd file.`,
        );
    }
    if (!fs.existsSync(path.dirname(file))) {
        throw new InputError(`--diagram ${relative(file)}: directory ${relative(path.dirname(file))} does not exist.`);
    }
}

/** Runs the program on the mock engine, then the policy pack; an exit status on bad input. */
async function runAndEvaluate(
    options: PlanOptions,
    policyConfig: PolicyConfigFile,
    stackFile: string,
    io: PlanIo,
): Promise<{ resources: readonly RecordedResource[]; report: PolicyReport; advisories: readonly Problem[] } | number> {
    const { runStack } = load<typeof import("../engine/run-stack")>("../engine/run-stack");
    const progress = progressReporter(io, options.quiet);
    const runStarted = process.hrtime.bigint();
    let resources: readonly RecordedResource[];
    let advisories: readonly Problem[];
    try {
        const run = await runStack(options.stack, { projectDir: options.projectDir, onResource: progress.onResource });
        resources = run.resources;
        advisories = run.config.advisories;
    } catch (e) {
        if (e instanceof ValidationError) {
            io.err(`error: ${e.message}\n\nFix the values above in ${relative(stackFile)} (or the defaults in Pulumi.yaml) and run the plan again.`);
            return EXIT.badInput;
        }
        if (e instanceof StackFileError) {
            io.err(`error: ${e.message}`);
            return EXIT.badInput;
        }
        throw e;
    }
    if (!options.quiet) {
        io.err(`plan: ${progress.count()} resources registered in ${seconds(runStarted)}; evaluating policies`);
    }

    const evaluate = load<typeof import("../policies/evaluate")>("../policies/evaluate");
    const policyStarted = process.hrtime.bigint();
    const report = await evaluate.evaluatePolicies(
        evaluate.fromRecorded(resources.map((r) => ({ ...r, parent: r.parent, id: r.id, state: r.state, dependencies: [...r.dependencies] }))),
        { config: policyConfig },
    );
    if (!options.quiet) {
        io.err(`plan: ${report.policiesRun} policies evaluated in ${seconds(policyStarted)}`);
    }
    return { resources, report, advisories };
}

/** Runs the plan; resolves to the exit status. */
export async function main(argv: readonly string[], io: PlanIo = processIo): Promise<number> {
    const started = process.hrtime.bigint();
    let options: PlanOptions | "help";
    try {
        options = parseArgs(argv);
    } catch (e) {
        if (e instanceof InputError) {
            io.err(`error: ${e.message}\n\n${USAGE}`);
            return EXIT.badInput;
        }
        throw e;
    }
    if (options === "help") {
        io.out(USAGE);
        return EXIT.ok;
    }
    const { stack, projectDir } = options;
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    const policyConfig = options.policyConfig ?? path.join(projectDir, "policies", "config", `${stack}.json`);

    // --- Cheap checks first: stack files, policy config, output targets ---
    const diagramModule = load<typeof import("./diagram")>("./diagram");
    let project: string;
    try {
        project = loadStackConfig(projectDir, stack).project;
        if (!fs.existsSync(policyConfig)) {
            const known = fs.existsSync(path.dirname(policyConfig)) ? fs.readdirSync(path.dirname(policyConfig)).filter((f) => f.endsWith(".json")) : [];
            throw new InputError(
                `policy config ${relative(policyConfig)} does not exist: create it for stack "${stack}" (e.g. copy ${options.policyConfig === undefined ? "policies/config/prod.json" : "an existing config"}${known.length > 0 ? `; present: ${known.join(", ")}` : ""}) or pass --policy-config <file>.`,
            );
        }
        if (options.diagram !== undefined) {
            checkDiagramTarget(options.diagram, diagramModule.hasDiagramMarkers);
        }
        if (options.json !== undefined && !fs.existsSync(path.dirname(options.json))) {
            throw new InputError(`--json ${relative(options.json)}: directory ${relative(path.dirname(options.json))} does not exist.`);
        }
    } catch (e) {
        if (e instanceof StackFileError || e instanceof InputError) {
            io.err(`error: ${e.message}`);
            return EXIT.badInput;
        }
        throw e;
    }
    // Validated before the run (the policy pack is needed anyway), so a typo fails fast.
    const policies = load<typeof import("../policies/evaluate")>("../policies/evaluate");
    let policyConfigFile: PolicyConfigFile;
    try {
        policyConfigFile = policies.loadPolicyConfig(policyConfig);
    } catch (e) {
        if (e instanceof policies.PolicyConfigError) {
            io.err(
                `error: ${e.message}\nFix ${relative(policyConfig)}: keys are policy names of the pack, levels advisory, mandatory, remediate or disabled, properties as in each policy's configSchema.`,
            );
            return EXIT.badInput;
        }
        throw e;
    }

    // --- Run the program on the mock engine ---
    if (!options.quiet) {
        io.err(`plan: stack ${stack}: ${relative(path.join(projectDir, "Pulumi.yaml"))} + ${relative(stackFile)}, policies ${relative(policyConfig)}`);
    }
    const restoreStackTraces = withCheapStackTraces();
    let outcome: { resources: readonly RecordedResource[]; report: PolicyReport; advisories: readonly Problem[] } | number;
    try {
        outcome = await runAndEvaluate(options, policyConfigFile, stackFile, io);
    } finally {
        restoreStackTraces();
    }
    if (typeof outcome === "number") {
        return outcome;
    }
    const { resources, report, advisories } = outcome;

    // --- Report and files ---
    const { renderReport, planJson } = load<typeof import("./report")>("./report");
    const { renderTree } = load<typeof import("./tree")>("./tree");
    const plan = { stack, project, resources, policies: report, policyConfig: relative(policyConfig), advisories };
    io.out(renderReport(plan, renderTree(resources)));
    try {
        if (options.json !== undefined) {
            fs.writeFileSync(options.json, `${JSON.stringify(planJson(plan), null, 2)}\n`);
        }
        if (options.diagram !== undefined) {
            diagramModule.writeDiagram(options.diagram, diagramModule.renderDiagram(resources));
        }
    } catch (e) {
        if (e instanceof Error && "code" in e) {
            io.err(`error: cannot write the output: ${e.message}`);
            return EXIT.badInput;
        }
        throw e;
    }
    if (!options.quiet) {
        const written = [options.json, options.diagram].filter((f): f is string => f !== undefined).map(relative);
        const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
        const sinceStart = (performance.now() / 1000).toFixed(2);
        io.err(`plan: done in ${seconds(started)} (${sinceStart} s since the process started), peak RSS ${peakMb} MB${written.length > 0 ? `; wrote ${written.join(", ")}` : ""}`);
    }
    return report.violations.some((v) => v.enforcementLevel === "mandatory") ? EXIT.mandatoryViolations : EXIT.ok;
}

/** Entry point of scripts/plan.js: sets the exit status, reports internal errors. */
export function run(argv: readonly string[]): void {
    main(argv).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
            process.stderr.write(
                `error: the plan failed unexpectedly (a bug in the program, a component, the policy pack or the mock engine, not in your input):\n${detail}\n` +
                    (process.env.PLAN_STACK_TRACES === "1" ? "" : "(stack frames are not captured while the program runs; PLAN_STACK_TRACES=1 npm run plan ... shows them)\n"),
            );
            process.exitCode = EXIT.internalError;
        },
    );
}

/**
 * Loads a module when it is first needed: option, stack and config mistakes are rejected in about
 * half a second, before the SDKs, the program and the policy pack are loaded.
 */
function load<T>(id: string): T {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load (see above); `import()` would go through Node's ESM loader, which bypasses the .ts hook
    return require(id) as T;
}
