import * as assert from "assert";
import * as path from "path";
import { StackValidationPolicy } from "@pulumi/policy";
import {
    EncryptedSecret,
    EvaluationInputError,
    evaluatePolicies,
    formatReport,
    fromRecorded,
    fromStackExport,
    hasMandatoryViolations,
    PolicyReport,
    RecordedResource,
} from "../../policies/evaluate";
import { allPolicies } from "../../policies/rules";
import { policyNamed, res, secret, UNKNOWN, unknownMessage, urnOf } from "./helpers";

const DEV = path.join(__dirname, "..", "..", "policies", "config", "dev.json");
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/abc";

describe("evaluatePolicies", () => {
    it("unwraps Pulumi secrets before policies read them (as the policy server does)", async () => {
        const queue = res("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: secret("alias/aws/sqs") });
        const role = res("aws:iam/rolePolicy:RolePolicy", "p", { role: "app", policy: secret(JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })) });
        const report = await evaluatePolicies([queue, role], { policies: [policyNamed("sqs-queue-cmk"), policyNamed("iam-no-wildcard-actions")] });
        assert.deepStrictEqual(
            report.violations.map((v) => [v.policy, v.message]),
            [
                [
                    "sqs-queue-cmk",
                    "kmsMasterKeyId is the AWS managed key alias/aws/sqs, which EventBridge and SNS cannot use to deliver messages and whose key policy cannot be changed; use a customer-managed KMS key.",
                ],
                ["iam-no-wildcard-actions", 'statement 1 allows "*": wildcards grant every current and future action; list only the actions the workload needs.'],
            ],
        );
    });

    it("takes enforcement levels from a config file: dev makes Multi-AZ advisory, encryption stays mandatory", async () => {
        const db = res("aws:rds/instance:Instance", "db", { engine: "postgres", storageEncrypted: false, kmsKeyId: KEY, multiAz: false });
        const report = await evaluatePolicies([db], { config: DEV, policies: [policyNamed("rds-instance-multi-az"), policyNamed("rds-instance-encrypted-cmk")] });
        assert.deepStrictEqual(
            report.violations.map((v) => [v.policy, v.enforcementLevel]),
            [
                ["rds-instance-multi-az", "advisory"],
                ["rds-instance-encrypted-cmk", "mandatory"],
            ],
        );
        assert.strictEqual(hasMandatoryViolations(report), true);
    });

    it("skips disabled policies and reports remediate as mandatory (server semantics)", async () => {
        const queue = res("aws:sqs/queue:Queue", "q", {});
        const report = await evaluatePolicies([queue], {
            policies: [policyNamed("sqs-queue-cmk"), policyNamed("sqs-queue-deny-insecure-transport")],
            config: { "sqs-queue-cmk": "remediate", "sqs-queue-deny-insecure-transport": "disabled" },
        });
        assert.strictEqual(report.policiesRun, 1);
        assert.deepStrictEqual(
            report.violations.map((v) => [v.policy, v.enforcementLevel]),
            [["sqs-queue-cmk", "mandatory"]],
        );
    });

    it("reports a policy that throws as a mandatory violation and still runs the others", async () => {
        const boom: StackValidationPolicy = {
            name: "boom",
            description: "Always fails.",
            validateStack: () => {
                throw new Error("kaboom");
            },
        };
        const queue = res("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: KEY });
        const report = await evaluatePolicies([queue], { policies: [boom, policyNamed("sqs-queue-deny-insecure-transport")] });
        assert.deepStrictEqual(report.violations, [
            {
                policy: "boom",
                enforcementLevel: "mandatory",
                urn: "",
                message:
                    "the policy failed with an error (the Pulumi CLI would abort): Error validating resource with policy 'boom' from policy pack 'platform-guardrails@v0.1.0':\nError: kaboom",
            },
            {
                policy: "sqs-queue-deny-insecure-transport",
                enforcementLevel: "mandatory",
                urn: queue.urn,
                message:
                    'queue has no resource policy denying requests without TLS: add an aws.sqs.QueuePolicy with a statement { Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }.',
            },
        ]);
    });

    it("reports known violations of a resource next to the preview advisory for its unknown property", async () => {
        const cluster = res("aws:rds/cluster:Cluster", "db", { engine: "aurora-postgresql", storageEncrypted: false, kmsKeyId: UNKNOWN });
        const report = await evaluatePolicies([cluster], { policies: [policyNamed("rds-cluster-encrypted-cmk")] });
        assert.deepStrictEqual(
            report.violations.map((v) => [v.enforcementLevel, v.message]),
            [
                [
                    "mandatory",
                    "storageEncrypted is not true: the cluster's storage, snapshots and backups are unencrypted, and encryption can only be chosen at creation; set storageEncrypted: true.",
                ],
                ["advisory", unknownMessage("rds-cluster-encrypted-cmk", "kmsKeyId")],
            ],
        );
    });

    it("does not give the stack and provider resources to resource policies", async () => {
        const report = await evaluatePolicies(
            [
                res("pulumi:pulumi:Stack", "platform-test", {}),
                res("pulumi:providers:aws", "default_7_48_0", { region: "eu-west-1" }),
                res("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: KEY }),
            ],
            { policies: [policyNamed("sqs-queue-cmk")] },
        );
        assert.strictEqual(report.resourcesAnalyzed, 1);
        assert.deepStrictEqual(report.violations, []);
    });

    it("rejects properties that cannot be marshalled, naming where", async () => {
        await assert.rejects(
            evaluatePolicies([res("aws:sqs/queue:Queue", "q", { tags: { born: new Date(0) } })], { policies: [policyNamed("sqs-queue-cmk")] }),
            (e: unknown) =>
                e instanceof EvaluationInputError &&
                e.message === `${urnOf("aws:sqs/queue:Queue", "q")}.tags.born is a Date instance; give plain JSON (resolved Outputs, serialized assets)`,
        );
    });

    it("runs the whole pack on a compliant resource set without errors", async () => {
        const report = await evaluatePolicies([res("aws:kms/key:Key", "k", { enableKeyRotation: true }, { protect: true })]);
        assert.strictEqual(report.policiesRun, allPolicies.length);
        assert.deepStrictEqual(report.violations, []);
    });
});

describe("fromRecorded (mock-engine records)", () => {
    const recorded: RecordedResource[] = [
        { urn: urnOf("pulumi:pulumi:Stack", "platform-test"), type: "pulumi:pulumi:Stack", name: "platform-test", custom: false, inputs: {} },
        {
            urn: urnOf("aws:s3/bucket:Bucket", "site"),
            type: "aws:s3/bucket:Bucket",
            name: "site",
            custom: true,
            parent: urnOf("pulumi:pulumi:Stack", "platform-test"),
            inputs: { tags: secret({ team: "web" }) },
            protect: true,
            retainOnDelete: true,
            id: "site-4a1b2c",
        },
        {
            urn: urnOf("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "site-sse"),
            type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name: "site-sse",
            custom: true,
            inputs: { bucket: "site-4a1b2c", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY } }] },
        },
    ];

    it("maps inputs, id, protect and parent", () => {
        const [, bucket] = fromRecorded(recorded);
        assert.deepStrictEqual(bucket, {
            urn: recorded[1].urn,
            type: "aws:s3/bucket:Bucket",
            name: "site",
            props: { tags: secret({ team: "web" }) },
            outputs: undefined,
            id: "site-4a1b2c",
            opts: { protect: true, parent: recorded[0].urn },
            isCustom: true,
            dependencies: undefined,
            propertyDependencies: undefined,
        });
    });

    it("lets stack policies correlate by the recorded id, and reads protect", async () => {
        const report = await evaluatePolicies(fromRecorded(recorded), {
            policies: [policyNamed("s3-bucket-default-encryption"), policyNamed("stateful-resources-protected")],
        });
        assert.deepStrictEqual(report.violations, []);
    });

    it("uses the mock's returned state as outputs when recorded", async () => {
        const withState: RecordedResource[] = [
            { ...recorded[1], id: undefined, state: { bucket: "site-from-state" } },
            { ...recorded[2], inputs: { ...recorded[2].inputs, bucket: "site-from-state" } },
        ];
        const report = await evaluatePolicies(fromRecorded(withState), { policies: [policyNamed("s3-bucket-default-encryption")] });
        assert.deepStrictEqual(report.violations, []);
    });
});

describe("fromStackExport (pulumi stack export documents)", () => {
    const SIG = "4dabf18193072939515e22adb298388d";
    const SECRET = "1b47061264138c4ac30d75fd1eb44270";
    const exportOf = (inputs: Record<string, unknown>) => ({
        version: 3,
        deployment: { resources: [{ urn: urnOf("aws:sqs/queue:Queue", "q"), type: "aws:sqs/queue:Queue", custom: true, id: "https://sqs/q", inputs }] },
    });

    it("decodes --show-secrets plaintext, and turns ciphertext into the unknown value, reporting where it was", () => {
        const found: EncryptedSecret[] = [];
        const [queue] = fromStackExport(exportOf({ kmsMasterKeyId: { [SIG]: SECRET, ciphertext: "v1:abc:def" }, tags: { owner: { [SIG]: SECRET, plaintext: '"team-a"' } } }), (s) =>
            found.push(s),
        );
        assert.deepStrictEqual(queue.props, { kmsMasterKeyId: { [SIG]: SECRET, value: UNKNOWN }, tags: { owner: { [SIG]: SECRET, value: "team-a" } } });
        // Without outputs, stack policies see the inputs: each encrypted value is reported once.
        assert.deepStrictEqual(found, [{ urn: queue.urn, path: "inputs.kmsMasterKeyId" }]);
    });

    it("an encrypted value is reported by the policy that needs it as unknown, not passed and not judged as a placeholder", async () => {
        const resources = fromStackExport(exportOf({ kmsMasterKeyId: { [SIG]: SECRET, ciphertext: "v1:abc:def" } }));
        const report = await evaluatePolicies(resources, { policies: [policyNamed("sqs-queue-cmk")] });
        assert.deepStrictEqual(report.violations, [
            { policy: "sqs-queue-cmk", enforcementLevel: "advisory", urn: resources[0].urn, message: unknownMessage("sqs-queue-cmk", "kmsMasterKeyId") },
        ]);
    });
});

describe("formatReport", () => {
    it("groups violations by level with a summary line", () => {
        const report: PolicyReport = {
            violations: [
                { policy: "vpc-multi-az", enforcementLevel: "advisory", urn: "urn:a", message: "few AZs" },
                { policy: "sqs-queue-cmk", enforcementLevel: "mandatory", urn: "urn:q", message: "line 1\nline 2" },
                { policy: "boom", enforcementLevel: "mandatory", urn: "", message: "failed" },
            ],
            notApplicable: [],
            policiesRun: 52,
            resourcesAnalyzed: 3,
        };
        assert.strictEqual(
            formatReport(report),
            [
                "mandatory violations (2):",
                "  [mandatory] sqs-queue-cmk  urn:q",
                "      line 1",
                "      line 2",
                "  [mandatory] boom  (stack)",
                "      failed",
                "advisory violations (1):",
                "  [advisory] vpc-multi-az  urn:a",
                "      few AZs",
                "52 policies, 3 resources: 2 mandatory and 1 advisory violation(s).",
            ].join("\n"),
        );
    });
});
