/**
 * The offline plan, run as users run it (`npm run plan -- ...` in a child process): every stack's
 * report, exit status, summary line and JSON document; redaction of secrets; bad input (invalid
 * config, unknown stack, missing policy config, bad options); the diagram files; and the README's
 * architecture diagram being the current render for prod.
 *
 * Spawning ts-node costs a second or more per run, so each stack is planned once, all in
 * parallel, in `before`, and the assertions share the results.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RecordedResource } from "../engine/mocks";
import { recordStack } from "./support/stacks";
import { invocationDir, parseArgs } from "../plan/cli";
import { extractDiagram } from "../plan/diagram";
import { STACK_TYPE } from "../plan/model";
import { PlanJson } from "../plan/report";
import { generatedSecrets, redactInputs } from "../plan/redact";

const ROOT = path.resolve(__dirname, "..");
const STACKS = ["dev", "staging", "prod"] as const;
type StackName = (typeof STACKS)[number];
const SUMMARY = /^plan (\S+): (\d+) resources \((\d+) components\), (\d+) mandatory and (\d+) advisory violations$/;

interface Outcome {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** `npm run plan -- <args>`, as a user types it. */
function plan(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
    return new Promise((resolve, reject) => {
        const child = spawn("npm", ["run", "-s", "plan", "--", ...args], { cwd: ROOT, env: { ...process.env, npm_config_loglevel: "silent", ...env } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}

function lastLine(text: string): string {
    return text.trimEnd().split("\n").pop() ?? "";
}

/** A temporary project directory: Pulumi.yaml plus the given stack files (name -> content). */
function tempProject(stacks: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.symlinkSync(path.join(ROOT, "certs"), path.join(dir, "certs"));
    for (const [name, content] of Object.entries(stacks)) {
        fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), content);
    }
    return dir;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
const files = (stack: StackName) => ({ json: path.join(work, `${stack}.json`), diagram: path.join(work, stack === "prod" ? "README.md" : `${stack}.mmd`) });
const SECURE_CIPHERTEXT = "v1:NOTREALCIPHERTEXT0123456789abcdefghijklmnopqrstuvwxyz==";
const SECURE_CIPHERTEXT_NESTED = "v1:NESTEDNOTREALCIPHERTEXT9876543210zyxwvutsrqponmlkjihgfedcba==";

describe("offline plan: npm run plan", () => {
    const outcomes = new Map<string, Outcome>();
    let secureProject: string;
    let secureOutcome: Outcome;

    before(async function () {
        this.timeout(180_000);
        // The prod plan writes its diagram into a copy of README.md (the marked block is replaced).
        fs.copyFileSync(path.join(ROOT, "README.md"), files("prod").diagram);
        const prodYaml = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
        // prod with platform keys set as secrets (the program reads them as plain values, so the
        // plan refuses them): a whole key, and one nested in a structured key (`--secret --path`).
        const securecfg = prodYaml
            .replace(/^config:\n/m, `config:\n  platform:cdnContentSecurityPolicy:\n    secure: ${SECURE_CIPHERTEXT}\n`)
            .replace(/^( {6}usesDatabase: true\n {6}usesCache: true\n)/m, `      environment:\n        FEATURE_FLAG:\n          secure: ${SECURE_CIPHERTEXT_NESTED}\n$1`);
        assert.ok(securecfg.includes(SECURE_CIPHERTEXT_NESTED), "the nested secure value was inserted into the first service");
        secureProject = tempProject({ securecfg });
        const [secure, ...runs] = await Promise.all([
            plan(["--stack", "securecfg", "--project-dir", secureProject, "--policy-config", "policies/config/prod.json", "--json", path.join(work, "securecfg.json")]),
            ...STACKS.map((stack) => plan(["--stack", stack, "--json", files(stack).json, "--diagram", files(stack).diagram])),
        ]);
        secureOutcome = secure;
        STACKS.forEach((stack, i) => outcomes.set(stack, runs[i]));
    });

    after(() => {
        fs.rmSync(work, { recursive: true, force: true });
        fs.rmSync(secureProject, { recursive: true, force: true });
    });

    function outcome(stack: StackName): Outcome {
        const o = outcomes.get(stack);
        assert.ok(o, `no plan outcome for ${stack}`);
        return o;
    }

    function json(stack: StackName): PlanJson {
        return JSON.parse(fs.readFileSync(files(stack).json, "utf8")) as PlanJson;
    }

    for (const stack of STACKS) {
        describe(`npm run plan -- --stack ${stack}`, () => {
            it("exits 0 and ends with the summary line: no mandatory violation", () => {
                const o = outcome(stack);
                assert.strictEqual(o.status, 0, o.stderr);
                const summary = SUMMARY.exec(lastLine(o.stdout));
                assert.ok(summary, `last line: ${lastLine(o.stdout)}`);
                assert.strictEqual(summary[1], stack);
                assert.strictEqual(summary[4], "0");
            });

            it("the summary counts what the JSON lists: resources (stack excluded), components, violations by level", () => {
                const doc = json(stack);
                const summary = SUMMARY.exec(lastLine(outcome(stack).stdout));
                assert.ok(summary);
                const counted = doc.resources.filter((r) => r.type !== STACK_TYPE);
                assert.deepStrictEqual(
                    [Number(summary[2]), Number(summary[3]), Number(summary[4]), Number(summary[5])],
                    [
                        counted.length,
                        counted.filter((r) => !r.custom).length,
                        doc.violations.filter((v) => v.enforcementLevel === "mandatory").length,
                        doc.violations.filter((v) => v.enforcementLevel === "advisory").length,
                    ],
                );
            });

            it("writes the JSON document with exactly the documented keys", () => {
                const doc = json(stack);
                assert.deepStrictEqual(Object.keys(doc), ["stack", "project", "resources", "violations"]);
                assert.deepStrictEqual([doc.stack, doc.project], [stack, "platform"]);
                assert.ok(doc.resources.length > 1);
                for (const r of doc.resources) {
                    assert.deepStrictEqual(Object.keys(r), ["urn", "type", "name", "custom", "parent", "inputs", "protect"], r.urn);
                    assert.deepStrictEqual(
                        [typeof r.urn, typeof r.type, typeof r.name, typeof r.custom, typeof r.protect, typeof r.inputs],
                        ["string", "string", "string", "boolean", "boolean", "object"],
                    );
                    assert.ok(r.type === STACK_TYPE ? r.parent === null : typeof r.parent === "string", `${r.urn} parent`);
                }
                const urns = new Set(doc.resources.map((r) => r.urn));
                for (const r of doc.resources.filter((x) => x.parent !== null)) {
                    assert.ok(urns.has(r.parent ?? ""), `${r.urn}: parent ${String(r.parent)} is not in the document`);
                }
                for (const v of doc.violations) {
                    assert.deepStrictEqual(Object.keys(v), ["policy", "enforcementLevel", "urn", "message"]);
                }
            });

            it("prints the resource tree with types and [protected] marks, counts by type and the policy report", () => {
                const o = outcome(stack);
                const doc = json(stack);
                assert.match(o.stdout, new RegExp(`^platform-${stack} \\(pulumi:pulumi:Stack\\)$`, "m"));
                for (const r of doc.resources.filter((x) => x.parent !== null)) {
                    const mark = r.protect ? " [protected]" : "";
                    const line = r.custom ? `${r.name}  ${r.type}${mark}` : `${r.name}  ${r.type}`;
                    assert.ok(
                        o.stdout.split("\n").some((l) => l.replace(/^[│├└─ ]+/, "").startsWith(line)),
                        `tree line for ${r.urn}: ${line}`,
                    );
                }
                assert.strictEqual((o.stdout.match(/\[protected\]/g) ?? []).length, doc.resources.filter((r) => r.protect).length);
                const section = o.stdout.split("Resources by type:\n")[1]?.split("\n\n")[0] ?? "";
                const total = section.split("\n").reduce((n, l) => n + Number(/^\s+(\d+)\s/.exec(l)?.[1] ?? 0), 0);
                assert.strictEqual(total, doc.resources.length - 1);
                assert.match(o.stdout, new RegExp(`^Policy pack with policies/config/${stack}\\.json: \\d+ policies on \\d+ resources$`, "m"));
                assert.match(o.stdout, /^mandatory violations: none$/m);
                assert.match(o.stdout, /^advisory violations: (none|\d+)$/m);
            });

            it("says what it cannot show: the children of awsx's Vpc (a remote component), right before the summary", () => {
                const lines = outcome(stack).stdout.trimEnd().split("\n");
                assert.strictEqual(
                    lines[lines.length - 3],
                    "Not shown: the children of 1 remote component, network-vpc (awsx:ec2:Vpc), which its provider creates (e.g. subnets, route tables, NAT gateways): " +
                        "they are not counted or policy-checked offline; pulumi preview with the policy pack checks them.",
                );
            });

            it(stack === "dev" ? "prints dev's Multi-AZ advisories (requireMultiAz is off)" : "prints no Multi-AZ advisory (requireMultiAz is on)", () => {
                const out = outcome(stack).stdout;
                if (stack !== "dev") {
                    assert.doesNotMatch(out, /^Config advisories/m);
                    return;
                }
                const section = out.split("\nConfig advisories")[1]?.split("\n\n")[0] ?? "";
                assert.deepStrictEqual(section.split("\n"), [
                    " (platform:requireMultiAz is false; errors when it is true): 6",
                    ...[0, 1, 2].map(
                        (i) => `  platform:services[${i}].minCount = 1: must be >= 2 when platform:requireMultiAz is true, so tasks run in two AZs. Fix: set minCount to 2 or more`,
                    ),
                    '  platform:natStrategy = "Single": must be OnePerAz when platform:requireMultiAz is true: a single NAT gateway is a single-AZ dependency. Fix: set platform:natStrategy to OnePerAz, or requireMultiAz to false',
                    "  platform:auroraInstanceCount = 1: must be >= 2 when platform:requireMultiAz is true (a writer and a reader in another AZ to fail over to). Fix: set platform:auroraInstanceCount to 2 or 3",
                    "  platform:cacheMultiAz = false: must be true when platform:requireMultiAz is true. Fix: set platform:cacheMultiAz to true",
                ]);
            });

            it("prints progress on stderr, never on stdout", () => {
                const o = outcome(stack);
                assert.match(o.stderr, /^plan: component \S+ \(platform:[a-z]+:[A-Za-z]+\)$/m);
                assert.match(o.stderr, /^plan: \d+ resources registered in [\d.]+ s; evaluating policies$/m);
                assert.doesNotMatch(o.stdout, /^plan: (component|\d+ resources registered)/m);
            });
        });
    }

    describe("plan JSON: secrets are redacted", () => {
        const recorded = new Map<StackName, readonly RecordedResource[]>();
        before(async function () {
            this.timeout(120_000);
            for (const stack of STACKS) {
                recorded.set(stack, (await recordStack(stack)).resources);
            }
        });

        for (const stack of STACKS) {
            it(`${stack}: every secret input is "[secret]", and no generated password appears anywhere`, () => {
                const resources = recorded.get(stack) ?? [];
                const doc = json(stack);
                const byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
                const secretKeys = resources.flatMap((r) => r.secretInputs.map((k) => [r, k] as const));
                assert.ok(secretKeys.length > 0, "the stack has secret inputs (e.g. the cache AUTH token), so this test checks something");
                for (const [r, key] of secretKeys) {
                    assert.strictEqual(byUrn.get(r.urn)?.inputs[key], "[secret]", `${r.urn} input ${key}`);
                }
                const text = fs.readFileSync(files(stack).json, "utf8");
                const passwords = generatedSecrets(resources);
                assert.ok(passwords.length > 0, "the stack generates a password (RandomPassword), so this test checks something");
                for (const secret of passwords) {
                    assert.ok(!text.includes(secret), "a generated password leaked into the JSON");
                    assert.ok(!outcome(stack).stdout.includes(secret), "a generated password leaked into the report");
                }
            });
        }

        it("platform keys set as secrets are refused before the run, each named, and no ciphertext is echoed", () => {
            assert.strictEqual(secureOutcome.status, 2, secureOutcome.stderr);
            assert.strictEqual(secureOutcome.stdout, "");
            assert.ok(!fs.existsSync(path.join(work, "securecfg.json")), "no JSON: nothing ran");
            for (const out of [secureOutcome.stdout, secureOutcome.stderr]) {
                assert.ok(!out.includes(SECURE_CIPHERTEXT), "the ciphertext leaked");
                assert.ok(!out.includes(SECURE_CIPHERTEXT_NESTED), "the nested ciphertext leaked");
            }
            const refused = secureOutcome.stderr.split("\n").filter((l) => / sets 'platform:\w+' as a secret/.test(l));
            assert.deepStrictEqual(
                refused.map((l) => /'(platform:\w+)'/.exec(l)?.[1]),
                ["platform:cdnContentSecurityPolicy", "platform:services"],
            );
            assert.match(refused[0], /platform keys are plain values, and a secret would reach resource inputs and the state unencrypted: set it without --secret/);
        });

        it("redactInputs: secret keys whole, generated values wherever they occur (also inside JSON strings)", () => {
            const password = "Zx9kQ2mLp0RtY7wVb3Nc";
            const base = {
                urn: "u",
                type: "t",
                name: "n",
                custom: true,
                parent: undefined,
                id: "i",
                protect: false,
                retainOnDelete: false,
                ignoreChanges: [],
                dependencies: [],
                provider: undefined,
                deleteBeforeReplace: false,
                aliases: [],
            };
            const generator: RecordedResource = {
                ...base,
                type: "random:index/randomPassword:RandomPassword",
                inputs: { length: 20 },
                secretInputs: [],
                state: { length: 20, result: password, bcryptHash: "$2a$10$abcdefghijklmnopqrstuv" },
            };
            const consumer: RecordedResource = {
                ...base,
                inputs: {
                    authToken: password,
                    secretString: JSON.stringify({ token: password, host: "h" }),
                    nested: [{ url: `redis://:${password}@h:6379` }],
                    short: "abc",
                    plain: "keep",
                },
                secretInputs: ["authToken"],
                state: {},
            };
            const secrets = generatedSecrets([generator, consumer]);
            assert.deepStrictEqual(secrets, ["$2a$10$abcdefghijklmnopqrstuv", password]);
            assert.deepStrictEqual(redactInputs(consumer, secrets), {
                authToken: "[secret]",
                secretString: JSON.stringify({ token: "[secret]", host: "h" }),
                nested: [{ url: "redis://:[secret]@h:6379" }],
                short: "abc",
                plain: "keep",
            });
        });
    });

    describe("npm run plan: exit status 1 and the default stack", () => {
        it("dev judged by prod's policy config: exit 1, the mandatory violations listed by policy and resource, counted alike in the summary and the JSON", async function () {
            this.timeout(60_000);
            const out = path.join(work, "dev-under-prod.json");
            const o = await plan(["--stack", "dev", "--policy-config", "policies/config/prod.json", "--json", out]);
            assert.strictEqual(o.status, 1, o.stderr);
            const doc = JSON.parse(fs.readFileSync(out, "utf8")) as PlanJson;
            const mandatory = doc.violations.filter((v) => v.enforcementLevel === "mandatory");
            assert.strictEqual(doc.violations.length, mandatory.length, "prod's config makes every policy mandatory");
            // dev is single-NAT, single-instance and unprotected: these policies must be among those that fire.
            const fired = new Set(mandatory.map((v) => v.policy));
            for (const policy of ["vpc-nat-gateway-per-az", "rds-deletion-protection", "elasticache-multi-az-failover", "stateful-resources-protected", "ecs-service-min-tasks"]) {
                assert.ok(fired.has(policy), `${policy} did not fire`);
            }
            assert.match(o.stdout, new RegExp(`^mandatory violations: ${mandatory.length}$`, "m"));
            assert.match(o.stdout, /^ {2}vpc-nat-gateway-per-az: network-vpc \(awsx:ec2:Vpc\)$/m);
            assert.match(o.stdout, /^advisory violations: none$/m);
            const summary = SUMMARY.exec(lastLine(o.stdout));
            assert.ok(summary, lastLine(o.stdout));
            assert.deepStrictEqual([summary[1], Number(summary[4]), Number(summary[5])], ["dev", mandatory.length, 0]);
        });

        it("without --stack plans dev; with its caches off (transpile, V8 code) it prints exactly the same", async function () {
            this.timeout(60_000);
            const o = await plan([], { PLAN_TRANSPILE_CACHE: "0", PLAN_COMPILE_CACHE: "0" });
            assert.strictEqual(o.status, 0, o.stderr);
            assert.match(o.stdout, /^Offline plan of stack dev \(project platform\): mock engine, no cloud calls$/m);
            assert.strictEqual(SUMMARY.exec(lastLine(o.stdout))?.[1], "dev");
            assert.deepStrictEqual(o.stdout, outcome("dev").stdout);
        });
    });

    describe("npm run plan: bad input exits 2 with what to do", () => {
        it("invalid config: one message naming every bad key, nothing on stdout", async function () {
            this.timeout(60_000);
            const dir = tempProject({ broken: fs.readFileSync(path.join(__dirname, "fixtures", "plan", "Pulumi.broken.yaml"), "utf8") });
            try {
                const o = await plan(["--stack", "broken", "--project-dir", dir, "--policy-config", "policies/config/dev.json"]);
                assert.strictEqual(o.status, 2, o.stderr);
                assert.strictEqual(o.stdout, "");
                assert.match(o.stderr, /error: Invalid configuration for stack environment "dev": 4 problems found:/);
                for (const expected of [
                    "platform:vpcCidrr = (value not shown): unknown key",
                    'platform:vpcCidr = "10.0.0.0/8": prefix length must be /16 to /24',
                    "platform:availabilityZoneCount = 1: must be 2-6",
                    'platform:natStrategy = "PerSubnet": must be one of None, Single, OnePerAz',
                ]) {
                    assert.ok(o.stderr.includes(expected), `missing: ${expected}\n${o.stderr}`);
                }
                assert.ok(o.stderr.includes(`Fix the values above in ${path.join(dir, "Pulumi.broken.yaml")}`), o.stderr);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("unknown stack: lists the known stacks", async () => {
            const o = await plan(["--stack", "qa"]);
            assert.strictEqual(o.status, 2);
            assert.strictEqual(o.stdout, "");
            assert.match(
                o.stderr,
                /unknown stack "qa": Pulumi\.qa\.yaml does not exist\. Known stacks: dev, prod, staging\. Create the stack file or pass --stack with one of them\./,
            );
        });

        it("missing policy config for the stack: names the file to create", async () => {
            const dir = tempProject({ qa: fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8") });
            try {
                const o = await plan(["--stack", "qa", "--project-dir", dir]);
                assert.strictEqual(o.status, 2);
                assert.ok(o.stderr.includes(`policy config ${path.join(dir, "policies", "config", "qa.json")} does not exist: create it for stack "qa"`), o.stderr);
                assert.match(o.stderr, /or pass --policy-config <file>\./);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("invalid policy config: rejected before the program runs, naming the bad entry", async () => {
            const file = path.join(work, "bad-policies.json");
            fs.writeFileSync(file, JSON.stringify({ "no-such-policy": "mandatory", "kms-key-rotation": "sometimes" }));
            const o = await plan(["--stack", "dev", "--policy-config", file]);
            assert.strictEqual(o.status, 2);
            assert.strictEqual(o.stdout, "");
            assert.ok(o.stderr.includes(`error: invalid policy config ${file}:`), o.stderr);
            assert.match(o.stderr, /unknown policy "no-such-policy"/);
            assert.match(o.stderr, /kms-key-rotation: "sometimes" is not a valid enforcement level/);
            assert.doesNotMatch(o.stderr, /resources registered/);
        });

        it("unknown option, stray argument, missing value: the message names it, then the usage", async () => {
            const [option, stray, missing] = await Promise.all([plan(["--stak", "prod"]), plan(["prod"]), plan(["--stack"])]);
            for (const o of [option, stray, missing]) {
                assert.strictEqual(o.status, 2);
                assert.strictEqual(o.stdout, "");
                assert.match(o.stderr, /usage: npm run plan/);
            }
            assert.match(option.stderr, /^error: unknown option "--stak": the options are --stack, --json, --diagram, --policy-config, --project-dir, --quiet, --help\./m);
            assert.match(stray.stderr, /^error: unknown argument "prod" \(to plan a stack: npm run plan -- --stack prod, or node scripts\/plan\.js --stack prod\)/m);
            assert.match(missing.stderr, /^error: --stack needs a value: --stack <name>\./m);
        });

        it("takes relative paths from the directory npm run plan was started in (INIT_CWD), else the process's", () => {
            const repo = path.join(os.tmpdir(), "repo");
            const sub = path.join(repo, "plan");
            assert.strictEqual(invocationDir({ npm_lifecycle_event: "plan", INIT_CWD: sub }, repo), sub);
            assert.strictEqual(invocationDir({ npm_lifecycle_event: "test", INIT_CWD: sub }, repo), repo, "another npm script spawning the plan keeps its cwd");
            assert.strictEqual(invocationDir({}, repo), repo);
            const options = parseArgs(["--json", "out.json", "--diagram=../d.mmd"], sub);
            assert.ok(options !== "help");
            assert.deepStrictEqual([options.json, options.diagram], [path.join(sub, "out.json"), path.join(repo, "d.mmd")]);
        });

        it("a Markdown --diagram target without markers is refused, not overwritten", async () => {
            const target = path.join(work, "notes.md");
            fs.writeFileSync(target, "# Notes\n");
            const o = await plan(["--stack", "dev", "--diagram", target]);
            assert.strictEqual(o.status, 2);
            assert.match(o.stderr, /is a Markdown file without diagram markers: add the lines "<!-- plan-diagram:begin -->" and "<!-- plan-diagram:end -->"/);
            assert.strictEqual(fs.readFileSync(target, "utf8"), "# Notes\n");
        });
    });

    describe("plan --diagram", () => {
        it("writes a bare Mermaid flowchart to a non-Markdown file", () => {
            const diagram = fs.readFileSync(files("dev").diagram, "utf8");
            assert.match(diagram, /^flowchart LR\n {2}clients\(\["clients"\]\)\n/);
            assert.doesNotMatch(diagram, /```/);
        });

        it("replaces only the block between the markers of a Markdown file", () => {
            const original = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
            const written = fs.readFileSync(files("prod").diagram, "utf8");
            const around = (text: string) => text.replace(/(<!-- plan-diagram:begin[^>]*-->)[\s\S]*?(<!-- plan-diagram:end -->)/, "$1$2");
            assert.strictEqual(around(written), around(original));
            assert.match(extractDiagram(written) ?? "", /^flowchart LR\n/);
        });

        it("draws the request path and the event path from the recorded resources", () => {
            const diagram = extractDiagram(fs.readFileSync(files("prod").diagram, "utf8")) ?? "";
            // Kinds of nodes the prod stack must show, and the flows between them (ids are logical names).
            for (const label of ["CloudFront", "REST API", "internal ALB", "Fargate", "EventBridge bus", "SQS", "Aurora PostgreSQL", "Valkey", "private DNS"]) {
                assert.ok(diagram.includes(label), `diagram has no ${label} node:\n${diagram}`);
            }
            assert.match(diagram, /clients -->\|"HTTPS"\| \w+/);
            assert.match(diagram, /-->\|"async: PutEvents"\|/);
            assert.match(diagram, /-->\|"sync: \d+ routes?"\|/);
            assert.match(diagram, /-->\|"consume(, scale on backlog)?"\|/);
            assert.match(diagram, /-\.->\|"TTL \d+ \/ \d+ s"\|/);
        });

        it("README.md's architecture diagram is the current render for prod (regenerate: npm run plan -- --stack prod --diagram README.md)", () => {
            const readme = extractDiagram(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
            const fresh = extractDiagram(fs.readFileSync(files("prod").diagram, "utf8"));
            assert.ok(fresh, "the prod plan wrote no diagram block");
            assert.strictEqual(readme, fresh);
        });
    });
});
