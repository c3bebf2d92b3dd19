import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { recordStack } from "../support/stacks";
import { EvaluatedResource, evaluatePolicies, fromRecorded, fromStackExport, PolicyConfigFile, PolicyReport } from "../../policies/evaluate";
import { allPolicies } from "../../policies/rules";
import { analyzeViaGrpc, getAnalyzerInfo, ServedPack, servePack } from "./grpc-client";
import { patched, secret, UNKNOWN, unknownMessage } from "./helpers";

/*
 * Integration: the real pack served over gRPC (as `pulumi preview --policy-pack policies` runs it)
 * and the offline evaluator report the same violations and not-applicable verdicts, on compliant,
 * violating, preview (unknown values) and secret-bearing resources, under each environment config.
 */

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "tests", "fixtures", "policies");
const configFile = (env: string) => path.join(ROOT, "policies", "config", `${env}.json`);
const CONFIGS = ["prod", "staging", "dev"].map(configFile);

function fixture(name: string): EvaluatedResource[] {
    return fromStackExport(JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8")));
}

/** The compliant platform as a preview would see it: some values not known yet, one secret input. */
function previewOf(resources: EvaluatedResource[]): EvaluatedResource[] {
    return resources.map((r) => {
        const name = r.urn.slice(r.urn.lastIndexOf("::") + 2);
        switch (`${r.type}::${name}`) {
            case "aws:sqs/queue:Queue::orders":
                return { ...r, props: patched(r.props, { kmsMasterKeyId: UNKNOWN }) };
            case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::site-sse":
                return { ...r, outputs: patched(r.outputs ?? r.props, { bucket: UNKNOWN }) };
            case "aws:rds/cluster:Cluster::orders-db":
                return { ...r, props: patched(r.props, { masterUserSecretKmsKeyId: secret(UNKNOWN), storageEncrypted: false }) };
            case "aws:iam/rolePolicy:RolePolicy::svc-a-events":
                return { ...r, props: patched(r.props, { policy: secret(JSON.stringify({ Statement: [{ Effect: "Allow", Action: "events:*", Resource: "*" }] })) }) };
            default:
                return r;
        }
    });
}

const comparable = (report: PolicyReport) => ({
    violations: report.violations,
    notApplicable: report.notApplicable,
    policiesRun: report.policiesRun,
    resourcesAnalyzed: report.resourcesAnalyzed,
});

describe("policy pack served over gRPC", function () {
    this.timeout(60000);
    let pack: ServedPack;

    before(async () => {
        pack = await servePack();
    });

    after(async () => {
        await pack?.close();
    });

    it("serves platform-guardrails with every policy and its config schema (GetAnalyzerInfo)", async () => {
        const info = await getAnalyzerInfo(pack);
        assert.strictEqual(info.getName(), "platform-guardrails");
        assert.strictEqual(info.getVersion(), "0.1.0");
        assert.strictEqual(info.getSupportsconfig(), true);
        const policies = info.getPoliciesList();
        assert.deepStrictEqual(
            policies.map((p) => p.getName()),
            allPolicies.map((p) => p.name),
        );
        const backup = policies.find((p) => p.getName() === "rds-backup-retention");
        assert.deepStrictEqual(backup?.getConfigschema()?.getProperties()?.toJavaScript()["minBackupRetentionDays"], {
            type: "integer",
            minimum: 1,
            maximum: 35,
            default: 7,
            description: "Minimum backupRetentionPeriod in days (RDS allows 1-35).",
        });
    });

    const sets: Array<[string, () => EvaluatedResource[]]> = [
        ["the compliant platform export", () => fixture("compliant-stack.json")],
        ["the violating platform export", () => fixture("violating-stack.json")],
        ["a preview with unknown values and secrets", () => previewOf(fixture("compliant-stack.json"))],
    ];
    for (const [what, load] of sets) {
        for (const config of CONFIGS) {
            it(`agrees with the offline evaluator on ${what} under ${path.basename(config)}`, async () => {
                const resources = load();
                const served = await analyzeViaGrpc(pack, resources, config);
                const offline = await evaluatePolicies(resources, { config });
                assert.deepStrictEqual(comparable(served), comparable(offline));
            });
        }
    }

    it("the agreement is not vacuous: violations, advisories and not-applicable verdicts all occur", async () => {
        const violating = await analyzeViaGrpc(pack, fixture("violating-stack.json"), CONFIGS[2]);
        assert.deepStrictEqual([...new Set(violating.violations.map((v) => v.enforcementLevel))].sort(), ["advisory", "mandatory"]);
        const preview = await analyzeViaGrpc(pack, previewOf(fixture("compliant-stack.json")), CONFIGS[0]);
        assert.deepStrictEqual(
            preview.violations.map((v) => [v.policy, v.enforcementLevel, v.message]),
            [
                [
                    "iam-no-wildcard-actions",
                    "mandatory",
                    'statement 1 allows "events:*": wildcards grant every current and future action; list only the actions the workload needs.',
                ],
                [
                    "rds-cluster-encrypted-cmk",
                    "mandatory",
                    "storageEncrypted is not true: the cluster's storage, snapshots and backups are unencrypted, and encryption can only be chosen at creation; set storageEncrypted: true.",
                ],
                ["sqs-queue-cmk", "advisory", unknownMessage("sqs-queue-cmk", "kmsMasterKeyId")],
                ["s3-bucket-default-encryption", "advisory", unknownMessage("s3-bucket-default-encryption", "bucket")],
            ],
        );
        assert.ok(preview.notApplicable.length > 1000);
    });

    it("applies per-policy config sent with Configure (thresholds and levels)", async () => {
        const config: PolicyConfigFile = { all: "advisory", "rds-backup-retention": { enforcementLevel: "mandatory", minBackupRetentionDays: 30 } };
        const resources = fixture("compliant-stack.json");
        const served = await analyzeViaGrpc(pack, resources, config);
        const offline = await evaluatePolicies(resources, { config });
        assert.deepStrictEqual(comparable(served), comparable(offline));
        assert.deepStrictEqual(
            served.violations.map((v) => [v.policy, v.enforcementLevel, v.message]),
            [["rds-backup-retention", "mandatory", "backupRetentionPeriod is 14: at least 30 days of automated backups are required; set backupRetentionPeriod >= 30."]],
        );
    });
});

describe("policy pack served over gRPC agrees with the offline evaluator on the real stacks (mock runner)", function () {
    this.timeout(300000);
    let pack: ServedPack;
    const stacks = new Map<string, EvaluatedResource[]>();

    before(async () => {
        pack = await servePack();
        // Sequentially: each run installs its own mock engine in this process.
        for (const name of ["dev", "staging", "prod"]) {
            const run = await recordStack(name);
            stacks.set(name, fromRecorded(run.resources.map((r) => ({ ...r, dependencies: [...r.dependencies] }))));
        }
    });

    after(async () => {
        await pack?.close();
    });

    const cases: Array<[stack: string, config: string, expectMandatory: boolean]> = [
        ["dev", "dev", false],
        ["staging", "staging", false],
        ["prod", "prod", false],
        // dev judged by prod's config: mandatory violations, so the agreement covers real findings.
        ["dev", "prod", true],
    ];
    for (const [stack, config, expectMandatory] of cases) {
        it(`${stack} under policies/config/${config}.json`, async () => {
            const resources = stacks.get(stack) ?? [];
            assert.ok(resources.length > 100, `${stack} recorded ${resources.length} resources`);
            const served = await analyzeViaGrpc(pack, resources, configFile(config));
            const offline = await evaluatePolicies(resources, { config: configFile(config) });
            assert.deepStrictEqual(comparable(served), comparable(offline));
            assert.strictEqual(
                served.violations.some((v) => v.enforcementLevel === "mandatory"),
                expectMandatory,
            );
            if (stack === "prod") {
                assert.deepStrictEqual(served.violations, []);
            }
        });
    }
});

describe("policy pack started by Pulumi's own run-policy-pack harness (type-checked, as the CLI does)", function () {
    this.timeout(90000);
    let pack: ServedPack;

    before(async () => {
        pack = await servePack({ runner: "run-policy-pack", timeoutMs: 80000 });
    });

    after(async () => {
        await pack?.close();
    });

    it("starts from policies/ with dependencies from the root node_modules, and agrees with the offline evaluator", async () => {
        const info = await getAnalyzerInfo(pack);
        assert.strictEqual(info.getPoliciesList().length, allPolicies.length);
        const resources = fixture("violating-stack.json");
        const served = await analyzeViaGrpc(pack, resources, CONFIGS[0]);
        const offline = await evaluatePolicies(resources, { config: CONFIGS[0] });
        assert.deepStrictEqual(comparable(served), comparable(offline));
        assert.strictEqual(served.violations.length, 8);
    });
});
