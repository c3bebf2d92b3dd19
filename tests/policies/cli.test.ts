import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/*
 * `npm run policy:check` (scripts/policy-check.ts) on `pulumi stack export` fixtures: exit status,
 * the report on stdout, the --json file, and bad input (exit 2 with a message that says how to fix).
 * Every invocation starts in `before` and they run concurrently, to keep the suite fast.
 */

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = "tests/fixtures/policies";
const PROD = "policies/config/prod.json";
const DEV = "policies/config/dev.json";
const STAGING = "policies/config/staging.json";

/** The parts of a `pulumi stack export` document these tests edit. */
interface StackExport {
    deployment: { resources: { urn: string; inputs: Record<string, unknown>; outputs?: Record<string, unknown> }[] };
}

/** What `--json <file>` writes. */
interface ViolationsReport {
    violations: { policy: string; enforcementLevel: string; urn: string; message: string }[];
}

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

function run(args: string[], viaNpm = false, nodeArgs: string[] = []): Promise<Run> {
    const [command, argv] = viaNpm
        ? ["npm", ["run", "-s", "policy:check", "--", ...args]]
        : [process.execPath, ["-r", "ts-node/register/transpile-only", ...nodeArgs, "scripts/policy-check.ts", ...args]];
    return new Promise((resolve, reject) => {
        const child = spawn(command, argv, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => {
            stdout += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
            stderr += d.toString();
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

const lines = (text: string) => text.split("\n").filter((l) => l.length > 0 && !l.startsWith("npm warn"));

const URN = {
    vpc: "urn:pulumi:prod::platform::awsx:ec2:Vpc::network",
    sg: "urn:pulumi:prod::platform::aws:ec2/securityGroup:SecurityGroup::alb-sg",
    listener: "urn:pulumi:prod::platform::platform:app:InternalAlbService$aws:lb/listener:Listener::http-redirect",
    table: "urn:pulumi:prod::platform::platform:data:DataTier$aws:dynamodb/table:Table::idempotency",
    queue: "urn:pulumi:prod::platform::platform:events:EventBus$aws:sqs/queue:Queue::orders",
    cluster: "urn:pulumi:prod::platform::platform:data:DataTier$aws:rds/cluster:Cluster::orders-db",
    logsBucket: "urn:pulumi:prod::platform::aws:s3/bucket:Bucket::alb-logs",
    rolePolicy: "urn:pulumi:prod::platform::platform:app:InternalAlbService$aws:iam/rolePolicy:RolePolicy::svc-a-events",
    cache: "urn:pulumi:prod::platform::platform:cache:CacheTier$aws:elasticache/replicationGroup:ReplicationGroup::cache",
};

const MESSAGES = {
    nat: 'NAT gateways are in 1 of the 3 AZs with public subnets (eu-west-1a); eu-west-1b and eu-west-1c have none, so private subnets there send egress through another AZ and lose it when that AZ fails: set natGateways: { strategy: "OnePerAz" }.',
    sg: "ingress[1] allows 0.0.0.0/0 on tcp port 22: only tcp port(s) 443 may be open to the internet; restrict the source to a security group or a known CIDR.",
    listener:
        'protocol is HTTP and defaultActions[0] is "forward", not a redirect to HTTPS: plaintext requests are served; use protocol HTTPS, or make the only default action { type: "redirect", redirect: { protocol: "HTTPS", statusCode: "HTTP_301" } }.',
    pitr: "pointInTimeRecovery.enabled is not true: the table cannot be restored to a point in time (it is off unless enabled); set pointInTimeRecovery: { enabled: true }.",
    sqs: "kmsMasterKeyId is the AWS managed key alias/aws/sqs, which EventBridge and SNS cannot use to deliver messages and whose key policy cannot be changed; use a customer-managed KMS key.",
    aurora: "Aurora cluster has 1 instance(s) (aws.rds.ClusterInstance whose clusterIdentifier is this cluster); at least 2 are required so a reader in another AZ can take over on failover.",
    pab: "bucket has no public access block: add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
    protect:
        'aws:dynamodb/table:Table "idempotency" is not protected: set the resource option protect: true (and retainOnDelete) so pulumi destroy or a replacement cannot delete its data.',
};

/** JSON.parse's own message for a file (its wording differs between Node versions). */
function jsonError(file: string): string {
    try {
        JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    }
    throw new Error(`${file} is valid JSON`);
}

const USAGE_FIRST_LINE = "usage: npm run policy:check -- --file <export.json> [--policy-config <config.json>] [--json <out.json>]";

describe("policy-check CLI", function () {
    this.timeout(120000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
    const out = (name: string) => path.join(tmp, name);
    const runs: Record<string, Run> = {};

    before(async () => {
        // An export written with --show-secrets: secrets carry their JSON-encoded plaintext.
        const doc = JSON.parse(fs.readFileSync(path.join(ROOT, FIXTURES, "compliant-stack.json"), "utf8")) as StackExport;
        const queue = doc.deployment.resources.find((r) => r.urn === URN.queue);
        assert.ok(queue, `the fixture has no resource ${URN.queue}`);
        queue.inputs.kmsMasterKeyId = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: '"alias/aws/sqs"' };
        fs.writeFileSync(out("show-secrets.json"), JSON.stringify(doc));
        fs.writeFileSync(out("old-version.json"), JSON.stringify({ ...doc, version: 1 }));
        // An export written without --show-secrets: secrets are ciphertext the CLI cannot read.
        const encrypted = JSON.parse(fs.readFileSync(path.join(ROOT, FIXTURES, "compliant-stack.json"), "utf8")) as StackExport;
        const ciphertext = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:c2FsdA==:Y2lwaGVy" };
        for (const [urn, key] of [
            [URN.queue, "kmsMasterKeyId"],
            [URN.rolePolicy, "policy"],
        ]) {
            const resource = encrypted.deployment.resources.find((r) => r.urn === urn);
            assert.ok(resource?.outputs, `the fixture has no resource ${urn} with outputs`);
            resource.inputs[key] = ciphertext;
            resource.outputs[key] = ciphertext;
        }
        fs.writeFileSync(out("encrypted.json"), JSON.stringify(encrypted));
        fs.writeFileSync(out("empty.json"), JSON.stringify({ ...doc, deployment: { ...doc.deployment, resources: [] } }));
        fs.mkdirSync(out("a-directory"));

        const invocations: Record<string, [string[], boolean?, string[]?]> = {
            compliantProd: [["--file", `${FIXTURES}/compliant-stack.json`, "--policy-config", PROD, "--json", out("compliant.json")]],
            compliantDefault: [["--file", `${FIXTURES}/compliant-stack.json`]],
            violatingProd: [["--file", `${FIXTURES}/violating-stack.json`, "--policy-config", PROD, "--json", out("violating-prod.json")]],
            violatingDev: [[`--file=${FIXTURES}/violating-stack.json`, `--policy-config=${DEV}`, `--json=${out("violating-dev.json")}`]],
            advisoryStaging: [["--file", `${FIXTURES}/advisory-only-stack.json`, "--policy-config", STAGING, "--json", out("advisory.json")]],
            showSecrets: [["--file", out("show-secrets.json"), "--policy-config", PROD]],
            encrypted: [["--file", out("encrypted.json"), "--policy-config", PROD]],
            jsonNotWritable: [["--file", `${FIXTURES}/compliant-stack.json`, "--json", out("no-such-dir/report.json")]],
            configMissing: [["--file", `${FIXTURES}/compliant-stack.json`, "--policy-config", `${FIXTURES}/does-not-exist.json`]],
            configNotJson: [["--file", `${FIXTURES}/compliant-stack.json`, "--policy-config", `${FIXTURES}/not-json.txt`]],
            crash: [["--help"], false, ["-r", "./tests/policies/support/crash-on-output.ts"]],
            notJson: [["--file", `${FIXTURES}/not-json.txt`]],
            notExport: [["--file", `${FIXTURES}/not-an-export.json`]],
            oldVersion: [["--file", out("old-version.json")]],
            missingFile: [["--file", `${FIXTURES}/does-not-exist.json`]],
            unknownPolicy: [["--file", `${FIXTURES}/compliant-stack.json`, "--policy-config", `${FIXTURES}/config-unknown-policy.json`]],
            noFile: [["--policy-config", PROD]],
            unknownOption: [["--file", `${FIXTURES}/compliant-stack.json`, "--stack", "prod"]],
            givenTwice: [["--file", `${FIXTURES}/violating-stack.json`, "--file", `${FIXTURES}/compliant-stack.json`]],
            jsonIsDirectory: [["--file", `${FIXTURES}/compliant-stack.json`, "--json", out("a-directory")]],
            empty: [["--file", out("empty.json")]],
            help: [["--help"], true],
        };
        const results = await Promise.all(Object.entries(invocations).map(async ([name, [args, viaNpm, nodeArgs]]) => [name, await run(args, viaNpm, nodeArgs)] as const));
        for (const [name, result] of results) {
            runs[name] = result;
        }
    });

    after(() => {
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    const json = (name: string) => JSON.parse(fs.readFileSync(out(name), "utf8")) as ViolationsReport;

    it("exits 0 on a compliant export under prod, with an empty --json report", () => {
        const r = runs["compliantProd"];
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(lines(r.stdout), [
            `Policy pack platform-guardrails on ${FIXTURES}/compliant-stack.json with ${PROD}`,
            "54 policies, 50 resources: 0 mandatory and 0 advisory violation(s).",
        ]);
        assert.deepStrictEqual(json("compliant.json"), { violations: [] });
    });

    it("exits 0 on a compliant export with the pack defaults (no --policy-config)", () => {
        const r = runs["compliantDefault"];
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(lines(r.stdout).slice(-1), ["54 policies, 50 resources: 0 mandatory and 0 advisory violation(s)."]);
    });

    it("exits 1 on mandatory violations, prints each one and writes them to --json", () => {
        const r = runs["violatingProd"];
        assert.strictEqual(r.code, 1, r.stderr);
        assert.deepStrictEqual(lines(r.stdout), [
            `Policy pack platform-guardrails on ${FIXTURES}/violating-stack.json with ${PROD}`,
            "mandatory violations (8):",
            `  [mandatory] lb-listener-https-only  ${URN.listener}`,
            `      ${MESSAGES.listener}`,
            `  [mandatory] dynamodb-point-in-time-recovery  ${URN.table}`,
            `      ${MESSAGES.pitr}`,
            `  [mandatory] sqs-queue-cmk  ${URN.queue}`,
            `      ${MESSAGES.sqs}`,
            `  [mandatory] aurora-cluster-min-instances  ${URN.cluster}`,
            `      ${MESSAGES.aurora}`,
            `  [mandatory] vpc-nat-gateway-per-az  ${URN.vpc}`,
            `      ${MESSAGES.nat}`,
            `  [mandatory] s3-bucket-public-access-block  ${URN.logsBucket}`,
            `      ${MESSAGES.pab}`,
            `  [mandatory] security-group-no-public-ingress  ${URN.sg}`,
            `      ${MESSAGES.sg}`,
            `  [mandatory] stateful-resources-protected  ${URN.table}`,
            `      ${MESSAGES.protect}`,
            "54 policies, 46 resources: 8 mandatory and 0 advisory violation(s).",
        ]);
        assert.deepStrictEqual(json("violating-prod.json"), {
            violations: [
                { policy: "lb-listener-https-only", enforcementLevel: "mandatory", urn: URN.listener, message: MESSAGES.listener },
                { policy: "dynamodb-point-in-time-recovery", enforcementLevel: "mandatory", urn: URN.table, message: MESSAGES.pitr },
                { policy: "sqs-queue-cmk", enforcementLevel: "mandatory", urn: URN.queue, message: MESSAGES.sqs },
                { policy: "aurora-cluster-min-instances", enforcementLevel: "mandatory", urn: URN.cluster, message: MESSAGES.aurora },
                { policy: "vpc-nat-gateway-per-az", enforcementLevel: "mandatory", urn: URN.vpc, message: MESSAGES.nat },
                { policy: "s3-bucket-public-access-block", enforcementLevel: "mandatory", urn: URN.logsBucket, message: MESSAGES.pab },
                { policy: "security-group-no-public-ingress", enforcementLevel: "mandatory", urn: URN.sg, message: MESSAGES.sg },
                { policy: "stateful-resources-protected", enforcementLevel: "mandatory", urn: URN.table, message: MESSAGES.protect },
            ],
        });
    });

    it("takes levels from the config: dev keeps encryption/TLS/baseline mandatory and makes HA and teardown blockers advisory", () => {
        const r = runs["violatingDev"];
        assert.strictEqual(r.code, 1, r.stderr);
        assert.deepStrictEqual(
            json("violating-dev.json").violations.map((v) => [v.policy, v.enforcementLevel]),
            [
                ["lb-listener-https-only", "mandatory"],
                ["dynamodb-point-in-time-recovery", "advisory"],
                ["sqs-queue-cmk", "mandatory"],
                ["aurora-cluster-min-instances", "advisory"],
                ["vpc-nat-gateway-per-az", "advisory"],
                ["s3-bucket-public-access-block", "mandatory"],
                ["security-group-no-public-ingress", "mandatory"],
                ["stateful-resources-protected", "advisory"],
            ],
        );
        assert.deepStrictEqual(lines(r.stdout).slice(-1), ["54 policies, 46 resources: 4 mandatory and 4 advisory violation(s)."]);
    });

    it("exits 0 when only advisory violations remain, and skips resources pending deletion", () => {
        const r = runs["advisoryStaging"];
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(lines(r.stdout), [
            `Policy pack platform-guardrails on ${FIXTURES}/advisory-only-stack.json with ${STAGING}`,
            "advisory violations (1):",
            `  [advisory] vpc-nat-gateway-per-az  ${URN.vpc}`,
            `      ${MESSAGES.nat}`,
            "54 policies, 48 resources: 0 mandatory and 1 advisory violation(s).",
        ]);
        assert.deepStrictEqual(json("advisory.json"), { violations: [{ policy: "vpc-nat-gateway-per-az", enforcementLevel: "advisory", urn: URN.vpc, message: MESSAGES.nat }] });
    });

    it("reads secrets of a --show-secrets export (and encrypted ones in the fixtures) without failing", () => {
        const r = runs["showSecrets"];
        assert.strictEqual(r.code, 1, r.stderr);
        assert.deepStrictEqual(lines(r.stdout).slice(1), [
            "mandatory violations (1):",
            `  [mandatory] sqs-queue-cmk  ${URN.queue}`,
            `      ${MESSAGES.sqs}`,
            "54 policies, 50 resources: 1 mandatory and 0 advisory violation(s).",
        ]);
    });

    it("treats encrypted secrets as unknown: a policy that needs one says it cannot check it (not a pass, not a false violation), and the CLI names them", () => {
        const r = runs["encrypted"];
        assert.strictEqual(r.code, 0, r.stderr);
        const unknown = (policy: string, property: string) =>
            `can't run policy '${policy}' from policy pack 'platform-guardrails@v0.1.0' during preview: string value at .${property} can't be known during preview`;
        assert.deepStrictEqual(lines(r.stdout).slice(1), [
            "advisory violations (2):",
            `  [advisory] iam-no-wildcard-actions  ${URN.rolePolicy}`,
            `      ${unknown("iam-no-wildcard-actions", "policy")}`,
            `  [advisory] sqs-queue-cmk  ${URN.queue}`,
            `      ${unknown("sqs-queue-cmk", "kmsMasterKeyId")}`,
            "54 policies, 50 resources: 0 mandatory and 2 advisory violation(s).",
        ]);
        assert.deepStrictEqual(lines(r.stderr), [
            `note: 3 encrypted secret value(s) in --file cannot be read (policy of ${URN.rolePolicy}; authToken of ${URN.cache}; kmsMasterKeyId of ${URN.queue}): policies see them as unknown and report "can't run policy" where they need one. Export with \`pulumi stack export --show-secrets\` to check them.`,
        ]);
    });

    it("exits 2 before running any policy when the --json report could not be written", () => {
        for (const [name, message] of [
            ["jsonNotWritable", `error: --json ${out("no-such-dir/report.json")}: directory ${out("no-such-dir")} does not exist. Create it or write the report elsewhere.`],
            ["jsonIsDirectory", `error: --json ${out("a-directory")} is a directory: name a file, e.g. ${out("a-directory/violations.json")}.`],
        ]) {
            const r = runs[name];
            assert.strictEqual(r.code, 2, r.stdout + r.stderr);
            assert.strictEqual(r.stdout, "", "no report: nothing ran");
            assert.deepStrictEqual(lines(r.stderr).slice(0, 2), [message, USAGE_FIRST_LINE]);
        }
    });

    it("checks an export with no resources, saying that nothing was there to check", () => {
        const r = runs["empty"];
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.deepStrictEqual(lines(r.stdout).slice(-1), ["54 policies, 0 resources: 0 mandatory and 0 advisory violation(s)."]);
        assert.deepStrictEqual(lines(r.stderr), [`note: --file ${out("empty.json")} holds no resources (an empty stack): no resource policy had anything to check.`]);
    });

    it("exits 3 on an internal error (a bug, not bad input), with the stack trace", () => {
        const r = runs["crash"];
        assert.strictEqual(r.code, 3, r.stdout + r.stderr);
        const errors = lines(r.stderr);
        assert.strictEqual(errors[0], "internal error (please report it with this trace): Error: simulated crash");
        assert.match(errors[1], /^\s+at /);
    });

    const badInput: Array<[string, string, string]> = [
        [
            "a file that is not JSON",
            "notJson",
            `error: --file ${FIXTURES}/not-json.txt is not valid JSON (${jsonError(path.join(ROOT, FIXTURES, "not-json.txt"))}): produce it with \`pulumi stack export --file ${FIXTURES}/not-json.txt\`.`,
        ],
        [
            "JSON that is not an export",
            "notExport",
            `error: --file ${FIXTURES}/not-an-export.json is not a \`pulumi stack export\` document: expected {"version": 3, "deployment": {"resources": [...]}} as written by \`pulumi stack export\`.`,
        ],
        [
            "an export of another version",
            "oldVersion",
            `error: --file ${out("old-version.json")} has export version 1: expected {"version": 3, "deployment": {"resources": [...]}} as written by \`pulumi stack export\`; re-export it with a current Pulumi CLI.`,
        ],
        [
            "a missing file",
            "missingFile",
            `error: cannot read --file ${FIXTURES}/does-not-exist.json: ENOENT: no such file or directory, open '${FIXTURES}/does-not-exist.json'. Check the path.`,
        ],
        ["a config naming an unknown policy", "unknownPolicy", `error: invalid policy config ${FIXTURES}/config-unknown-policy.json:`],
        [
            "a --policy-config that cannot be read",
            "configMissing",
            `error: cannot read --policy-config ${FIXTURES}/does-not-exist.json: ENOENT: no such file or directory, open '${FIXTURES}/does-not-exist.json'. Check the path.`,
        ],
        [
            "a --policy-config that is not JSON",
            "configNotJson",
            `error: --policy-config ${FIXTURES}/not-json.txt is not valid JSON (${jsonError(path.join(ROOT, FIXTURES, "not-json.txt"))}): it must be a JSON object mapping policy names to an enforcement level or { "enforcementLevel": ..., <property>: ... }, as policies/config/prod.json does.`,
        ],
        [
            "no --file",
            "noFile",
            "error: --file is required: pass a `pulumi stack export` document, e.g. `pulumi stack export --file stack.json` then `npm run policy:check -- --file stack.json`.",
        ],
        ["an unknown option", "unknownOption", 'error: unknown option "--stack": the options are --file, --policy-config, --json and --help.'],
        ["an option given twice (a second --file would otherwise win silently)", "givenTwice", "error: --file is given twice: pass it once."],
    ];
    for (const [what, name, firstLine] of badInput) {
        it(`exits 2 on ${what}, saying what is wrong and how to fix it`, () => {
            const r = runs[name];
            assert.strictEqual(r.code, 2, r.stdout + r.stderr);
            assert.strictEqual(r.stdout, "");
            const errors = lines(r.stderr);
            assert.strictEqual(errors[0], firstLine);
            if (name === "unknownPolicy") {
                assert.deepStrictEqual(errors.slice(1), [
                    '  - unknown policy "s3-bucket-encrypted" (did you mean "s3-bucket-default-encryption"?): use a policy name of the pack (the keys of policies/config/prod.json)',
                    "fix: keys must be policy names of the pack (see policies/config/prod.json), levels advisory|mandatory|remediate|disabled, properties as in each policy's configSchema.",
                ]);
            } else {
                assert.strictEqual(errors[1], USAGE_FIRST_LINE, "bad arguments print the usage");
            }
        });
    }

    it("npm run policy:check -- --help prints the usage and exits 0", () => {
        const r = runs["help"];
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(lines(r.stdout)[0], USAGE_FIRST_LINE);
    });
});
