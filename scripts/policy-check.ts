/**
 * Checks a `pulumi stack export` document against the CrossGuard pack, offline.
 *
 *   npm run policy:check -- --file <export.json> [--policy-config policies/config/prod.json] [--json <out.json>]
 *
 * Resource policies run on each resource's `inputs` (what `pulumi preview` analyzes), stack
 * policies on the `outputs` (what AnalyzeStack sees after an update). The stack resource and
 * provider resources are not given to resource policies (they are engine bookkeeping); stack
 * policies see every resource, as under the CLI. Resources pending deletion are skipped.
 *
 * Encrypted secrets (an export made without --show-secrets) cannot be read: they reach the policies
 * as unknown values, so a policy that needs one reports "can't run policy ... during preview"
 * (advisory) instead of judging a placeholder, and the CLI names them on stderr.
 *
 * Exit status: 0 no mandatory violation, 1 mandatory violations, 2 bad input (unreadable or
 * non-export file, unreadable or invalid policy config, unknown or repeated option, --json not
 * writable: its directory is checked before the run, a failed write after it is still exit 2),
 * 3 internal error (a bug in the pack or this script; the stack trace is printed).
 */
import * as fs from "fs";
import * as path from "path";
import type { EvaluatedResource, PolicyConfigFile, PolicyReport } from "../policies/evaluate";
import { EncryptedSecret, fromStackExport, StackExportError } from "../policies/lib/stack-export";

const USAGE = `usage: npm run policy:check -- --file <export.json> [--policy-config <config.json>] [--json <out.json>]

  --file <path>            a \`pulumi stack export\` document (version 3)
  --policy-config <path>   policy config, e.g. policies/config/prod.json (default: every policy mandatory, default thresholds)
  --json <path>            also write {"violations": [{"policy", "enforcementLevel", "urn", "message"}]} to <path>
  --help                   show this help

exit status: 0 no mandatory violation, 1 mandatory violations, 2 bad input, 3 internal error`;

/** Bad input: printed with its fix, exit status 2. */
class InputError extends Error {}

interface Options {
    file: string;
    policyConfig?: string;
    json?: string;
}

function parseArgs(argv: string[]): Options | "help" {
    const known = ["--file", "--policy-config", "--json"];
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") {
            return "help";
        }
        const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        if (!known.includes(flag)) {
            throw new InputError(`unknown ${arg.startsWith("-") ? "option" : "argument"} "${arg}": the options are ${known.join(", ")} and --help.`);
        }
        const value = inline ?? argv[++i];
        if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
            throw new InputError(`${flag} needs a value: ${flag} <path>.`);
        }
        if (values[flag] !== undefined) {
            throw new InputError(`${flag} is given twice: pass it once.`);
        }
        values[flag] = value;
    }
    if (!values["--file"]) {
        throw new InputError(
            "--file is required: pass a `pulumi stack export` document, e.g. `pulumi stack export --file stack.json` then `npm run policy:check -- --file stack.json`.",
        );
    }
    const json = values["--json"];
    // Checked before the run, so a report with violations is never lost to a bad output path.
    if (json !== undefined) {
        const dir = path.dirname(json);
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
            throw new InputError(`--json ${json}: directory ${dir} does not exist. Create it or write the report elsewhere.`);
        }
        if (fs.existsSync(json) && fs.statSync(json).isDirectory()) {
            throw new InputError(`--json ${json} is a directory: name a file, e.g. ${path.join(json, "violations.json")}.`);
        }
    }
    return { file: values["--file"], policyConfig: values["--policy-config"], json };
}

/** Reads a JSON file named by `flag`; InputError when it cannot be read or parsed. */
function readJson(flag: string, file: string, fix: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(`cannot read ${flag} ${file}: ${e instanceof Error ? e.message : String(e)}. Check the path.`);
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new InputError(`${flag} ${file} is not valid JSON (${e instanceof Error ? e.message : String(e)}): ${fix}`);
    }
}

function readExport(file: string, encrypted: EncryptedSecret[]): EvaluatedResource[] {
    const doc = readJson("--file", file, `produce it with \`pulumi stack export --file ${file}\`.`);
    try {
        return fromStackExport(doc, (secret) => encrypted.push(secret));
    } catch (e) {
        if (e instanceof StackExportError) {
            throw new InputError(`--file ${file} ${e.message}`);
        }
        throw e;
    }
}

async function main(argv: string[]): Promise<number> {
    let options: Options | "help";
    let resources: EvaluatedResource[];
    let configDoc: unknown;
    const encrypted: EncryptedSecret[] = [];
    try {
        options = parseArgs(argv);
        if (options === "help") {
            console.log(USAGE);
            return 0;
        }
        resources = readExport(options.file, encrypted);
        if (options.policyConfig) {
            configDoc = readJson(
                "--policy-config",
                options.policyConfig,
                'it must be a JSON object mapping policy names to an enforcement level or { "enforcementLevel": ..., <property>: ... }, as policies/config/prod.json does.',
            );
        }
    } catch (e) {
        if (e instanceof InputError) {
            console.error(`error: ${e.message}\n\n${USAGE}`);
            return 2;
        }
        throw e;
    }

    // Loaded only now: the pack pulls in @pulumi/aws, which is not needed to reject bad arguments.
    // (require, not import(): under "module": "node16" a dynamic import() in this CommonJS file
    // would be emitted as an ES module import.)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const evaluate = require("../policies/evaluate") as typeof import("../policies/evaluate");
    let config: PolicyConfigFile | undefined;
    try {
        config = options.policyConfig ? evaluate.parsePolicyConfig(configDoc, options.policyConfig) : undefined;
    } catch (e) {
        if (e instanceof evaluate.PolicyConfigError) {
            console.error(
                `error: ${e.message}\nfix: keys must be policy names of the pack (see policies/config/prod.json), levels advisory|mandatory|remediate|disabled, properties as in each policy's configSchema.`,
            );
            return 2;
        }
        throw e;
    }

    let report: PolicyReport;
    try {
        report = await evaluate.evaluatePolicies(resources, { config });
    } catch (e) {
        if (e instanceof evaluate.EvaluationInputError) {
            console.error(`error: --file ${options.file}: ${e.message}`);
            return 2;
        }
        throw e;
    }

    // One entry per resource property (an export holds most values in both inputs and outputs).
    const secrets = [...new Set(encrypted.map((s) => `${s.path.replace(/^(inputs|outputs)\./, "")} of ${s.urn}`))];
    if (secrets.length > 0) {
        console.error(
            `note: ${secrets.length} encrypted secret value(s) in --file cannot be read (${secrets.slice(0, 3).join("; ")}${secrets.length > 3 ? "; ..." : ""}): policies see them as unknown and report "can't run policy" where they need one. Export with \`pulumi stack export --show-secrets\` to check them.`,
        );
    }
    if (resources.length === 0) {
        console.error(`note: --file ${options.file} holds no resources (an empty stack): no resource policy had anything to check.`);
    }
    console.log(`Policy pack platform-guardrails on ${options.file}${options.policyConfig ? ` with ${options.policyConfig}` : ""}`);
    console.log(evaluate.formatReport(report));
    if (options.json) {
        const violations = report.violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, urn: v.urn, message: v.message }));
        try {
            fs.writeFileSync(options.json, JSON.stringify({ violations }, null, 2) + "\n");
        } catch (e) {
            console.error(`error: cannot write --json ${options.json}: ${e instanceof Error ? e.message : String(e)}`);
            return 2;
        }
    }
    return evaluate.hasMandatoryViolations(report) ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (e) => {
        // Not bad input (that is handled above, exit 2): a bug in the pack or this script.
        console.error(`internal error (please report it with this trace): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        process.exitCode = 3;
    },
);
