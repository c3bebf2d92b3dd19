/**
 * EncryptionKeys: five customer-managed keys, each with rotation, an alias and a key policy that
 * keeps account-root administration and names only the AWS services that must use that key.
 * The key policies are asserted statement by statement: they are the platform's trust boundary.
 */
import * as assert from "assert";
import { EncryptionKeys, EncryptionKeysArgs, KEY_PURPOSES, validateEncryptionKeysArgs } from "../../components/encryption-keys";
import { ValidationError, formatProblem } from "../../config/problems";
import { MOCK_ACCOUNT_ID } from "../../engine/mocks";
import { Recorded, policyDocument, record, resolveOutput } from "../support/harness";

const ACCOUNT = MOCK_ACCOUNT_ID;
const ROOT = { AWS: `arn:aws:iam::${ACCOUNT}:root` };
const ARGS: EncryptionKeysArgs = { region: "eu-west-1", aliasPrefix: "platform-prod" };
const KEY_USAGE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"];
const ADMIN = { Sid: "EnableAccountRootAdministration", Effect: "Allow", Principal: ROOT, Action: ["kms:*"], Resource: ["*"] };

/** The exact statements each key's policy must carry. */
const EXPECTED_STATEMENTS: Record<string, unknown[]> = {
    logs: [
        ADMIN,
        {
            Sid: "AllowCloudWatchLogsForThisAccount",
            Effect: "Allow",
            Principal: { Service: "logs.eu-west-1.amazonaws.com" },
            Action: KEY_USAGE,
            Resource: ["*"],
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:*` } },
        },
    ],
    data: [
        ADMIN,
        {
            Sid: "AllowDataServicesOnBehalfOfAccount",
            Effect: "Allow",
            Principal: ROOT,
            Action: [...KEY_USAGE, "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            Resource: ["*"],
            Condition: {
                StringEquals: {
                    "kms:CallerAccount": ACCOUNT,
                    "kms:ViaService": [
                        "rds.eu-west-1.amazonaws.com",
                        "secretsmanager.eu-west-1.amazonaws.com",
                        "dynamodb.eu-west-1.amazonaws.com",
                        "elasticache.eu-west-1.amazonaws.com",
                    ],
                },
            },
        },
    ],
    messaging: [
        ADMIN,
        {
            Sid: "AllowPublishingServices",
            Effect: "Allow",
            Principal: { Service: ["events.amazonaws.com", "sns.amazonaws.com", "cloudwatch.amazonaws.com"] },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: ["*"],
            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
        {
            Sid: "AllowEventBridgeBusAndArchive",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:DescribeKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
            Resource: ["*"],
            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
        {
            Sid: "AllowQueuesAndTopicsOnBehalfOfAccount",
            Effect: "Allow",
            Principal: ROOT,
            Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
            Resource: ["*"],
            Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": ["sqs.eu-west-1.amazonaws.com", "sns.eu-west-1.amazonaws.com"] } },
        },
    ],
    storage: [
        ADMIN,
        {
            Sid: "AllowS3OnBehalfOfAccount",
            Effect: "Allow",
            Principal: ROOT,
            Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
            Resource: ["*"],
            Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
        },
    ],
    app: [
        ADMIN,
        {
            Sid: "DenyOperationsOtherThanEnvelopeEncryption",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: [
                "kms:Encrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:GenerateDataKeyPair",
                "kms:GenerateDataKeyPairWithoutPlaintext",
            ],
            Resource: ["*"],
        },
        {
            Sid: "DenyEnvelopeEncryptionWithoutServiceContext",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: ["*"],
            Condition: { Null: { "kms:EncryptionContext:service": "true" } },
        },
    ],
};

describe("EncryptionKeys", () => {
    let r: Recorded;
    let keys: EncryptionKeys;
    before(async () => {
        const run = await record(() => new EncryptionKeys("keys", ARGS));
        r = run.resources;
        keys = run.value;
    });

    it("creates exactly five keys and five aliases under the component", () => {
        assert.deepStrictEqual(r.countByType(), {
            "pulumi:pulumi:Stack": 1,
            "platform:security:EncryptionKeys": 1,
            "aws:kms/key:Key": 5,
            "aws:kms/alias:Alias": 5,
        });
        const component = r.one("platform:security:EncryptionKeys", "keys");
        for (const child of [...r.ofType("aws:kms/key:Key"), ...r.ofType("aws:kms/alias:Alias")]) {
            assert.strictEqual(child.parent, component.urn, child.name);
        }
    });

    for (const purpose of KEY_PURPOSES) {
        it(`${purpose}: symmetric, rotated yearly, 30-day deletion window, alias, and exactly its policy`, async () => {
            const key = r.one("aws:kms/key:Key", `keys-${purpose}`);
            assert.deepStrictEqual(
                [key.inputs.keyUsage, key.inputs.customerMasterKeySpec, key.inputs.enableKeyRotation, key.inputs.rotationPeriodInDays, key.inputs.deletionWindowInDays],
                ["ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", true, 365, 30],
            );
            assert.deepStrictEqual(policyDocument(key.inputs.policy), { Version: "2012-10-17", Statement: EXPECTED_STATEMENTS[purpose] });
            const alias = r.one("aws:kms/alias:Alias", `keys-${purpose}`);
            assert.deepStrictEqual([alias.inputs.name, alias.inputs.targetKeyId], [`alias/platform-prod-${purpose}`, key.state.keyId]);
            assert.strictEqual(await resolveOutput(keys.keys[purpose].arn), key.state.arn);
            assert.strictEqual(keys.keys[purpose].aliasName, `alias/platform-prod-${purpose}`);
        });
    }

    it("keys are not protected by default; protect: true protects and retains every key (not the aliases)", async () => {
        assert.ok(r.ofType("aws:kms/key:Key").every((k) => !k.protect && !k.retainOnDelete));
        const prod = (await record(() => new EncryptionKeys("keys", { ...ARGS, protect: true, deletionWindowInDays: 7 }))).resources;
        assert.deepStrictEqual(
            prod.ofType("aws:kms/key:Key").map((k) => [k.protect, k.retainOnDelete, k.inputs.deletionWindowInDays]),
            KEY_PURPOSES.map(() => [true, true, 7]),
        );
        assert.ok(prod.ofType("aws:kms/alias:Alias").every((a) => !a.protect));
    });

    it("validates its args, every problem at once, before creating anything", async () => {
        const problems = validateEncryptionKeysArgs({ region: "cn-north-1", aliasPrefix: "aws-keys", deletionWindowInDays: 45 }).list.map(formatProblem);
        assert.deepStrictEqual(problems, [
            "EncryptionKeysArgs.deletionWindowInDays = 45: must be an integer from 7 to 30 (KMS pending-deletion window). Fix: use 30 unless you have a reason",
            'EncryptionKeysArgs.aliasPrefix = "aws-keys": must be letters, digits, / _ - and must not start with aws. Fix: use <project>-<environment>',
            'EncryptionKeysArgs.region = "cn-north-1": must be a Region of the aws partition (key policies name arn:aws principals and amazonaws.com endpoints). Fix: pass the stack\'s aws:region, e.g. eu-west-1',
        ]);
        const registered: string[] = [];
        await assert.rejects(
            record(() => new EncryptionKeys("keys", { ...ARGS, deletionWindowInDays: 3 }), { onResource: (res) => registered.push(res.type) }),
            (err: unknown) => err instanceof ValidationError && err.problems.length === 1,
        );
        // The component registers itself before its constructor validates; no key, no alias.
        assert.deepStrictEqual(registered, ["pulumi:pulumi:Stack", "platform:security:EncryptionKeys"]);
    });
});
