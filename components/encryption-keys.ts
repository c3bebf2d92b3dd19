/**
 * EncryptionKeys: the customer-managed KMS keys every other component encrypts with.
 *
 * Per-domain keys rather than one key: a key policy can then name exactly the AWS services that
 * use that key (least privilege at the key), a compromised grant on one domain does not expose
 * the others, and CloudTrail shows usage per domain. Five keys cost $5/month: cheap for that.
 *   logs      CloudWatch Logs (flow logs, service, API, WAF, database and cache logs)
 *   data      Aurora storage and Performance Insights, Secrets Manager, DynamoDB, ElastiCache
 *   messaging SQS, SNS, EventBridge (the AWS-managed aws/sqs and aws/sns keys cannot be used when
 *             EventBridge or SNS publishes)
 *   storage   S3 buckets that can use SSE-KMS (mTLS truststore)
 *   app       client-side envelope encryption by services (GenerateDataKey/Decrypt only, granted
 *             per service with an encryption-context condition, through task roles)
 * The CDN site bucket has its own key inside EdgeCdn, because that key policy must name the
 * distribution's ARN. ALB access logs use SSE-S3 (ELB log delivery does not support SSE-KMS).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../config/problems";
import { PolicyStatement } from "../lib/iam";
import { AWS_PARTITION_REGION } from "../lib/naming";

export type KeyPurpose = "logs" | "data" | "messaging" | "storage" | "app";
export const KEY_PURPOSES: readonly KeyPurpose[] = ["logs", "data", "messaging", "storage", "app"];

export interface EncryptionKeysArgs {
    /** AWS Region of the stack; key policies name Regional service endpoints. */
    readonly region: string;
    /** Alias prefix, e.g. `platform-prod` gives `alias/platform-prod-logs`. */
    readonly aliasPrefix: string;
    /**
     * Waiting period (days) before a scheduled key deletion takes effect.
     * @default 30
     */
    readonly deletionWindowInDays?: number;
    /**
     * Create keys with `protect` and `retainOnDelete`: destroying a key destroys every byte it encrypted.
     * @default false
     */
    readonly protect?: boolean;
}

const DEFAULTS = {
    deletionWindowInDays: 30,
    protect: false,
} as const;

/** Services whose Regional endpoints may use the data key on behalf of account principals. */
const DATA_SERVICES = ["rds", "secretsmanager", "dynamodb", "elasticache"] as const;
const MESSAGING_VIA_SERVICES = ["sqs", "sns"] as const;
const MESSAGING_PUBLISHERS = ["events.amazonaws.com", "sns.amazonaws.com", "cloudwatch.amazonaws.com"] as const;

/** Encryption-context key that names the calling service on the app key (task roles condition on it). */
export const APP_KEY_CONTEXT_KEY = "service";

/** Cryptographic operations the app key refuses to everyone: only GenerateDataKey and Decrypt remain. */
const APP_KEY_DENIED_OPERATIONS = [
    "kms:Encrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
];

const KEY_USAGE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"];

export function validateEncryptionKeysArgs(args: EncryptionKeysArgs): Problems {
    const problems = new Problems();
    const window = args.deletionWindowInDays ?? DEFAULTS.deletionWindowInDays;
    problems.check(
        Number.isInteger(window) && window >= 7 && window <= 30,
        "EncryptionKeysArgs.deletionWindowInDays",
        window,
        "must be an integer from 7 to 30 (KMS pending-deletion window)",
        "use 30 unless you have a reason",
    );
    problems.check(
        /^[a-zA-Z0-9/_-]{1,200}$/.test(args.aliasPrefix) && !args.aliasPrefix.startsWith("aws"),
        "EncryptionKeysArgs.aliasPrefix",
        args.aliasPrefix,
        "must be letters, digits, / _ - and must not start with aws",
        "use <project>-<environment>",
    );
    problems.check(
        AWS_PARTITION_REGION.test(args.region),
        "EncryptionKeysArgs.region",
        args.region,
        "must be a Region of the aws partition (key policies name arn:aws principals and amazonaws.com endpoints)",
        "pass the stack's aws:region, e.g. eu-west-1",
    );
    return problems;
}

/**
 * The statements of one key's policy. Every key keeps the account-root administration statement:
 * without it a key can be locked out of management. Service statements follow per purpose.
 */
export function keyPolicyStatements(purpose: KeyPurpose, accountId: string, region: string): PolicyStatement[] {
    const root: PolicyStatement = {
        Sid: "EnableAccountRootAdministration",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ["kms:*"],
        Resource: ["*"],
    };
    switch (purpose) {
        case "logs":
            return [
                root,
                {
                    Sid: "AllowCloudWatchLogsForThisAccount",
                    Effect: "Allow",
                    Principal: { Service: `logs.${region}.amazonaws.com` },
                    Action: KEY_USAGE,
                    Resource: ["*"],
                    Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:log-group:*` } },
                },
            ];
        case "data":
            return [
                root,
                {
                    Sid: "AllowDataServicesOnBehalfOfAccount",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
                    Action: [...KEY_USAGE, "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                    Resource: ["*"],
                    Condition: {
                        StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": DATA_SERVICES.map((s) => `${s}.${region}.amazonaws.com`) },
                    },
                },
            ];
        case "messaging":
            return [
                root,
                {
                    Sid: "AllowPublishingServices",
                    Effect: "Allow",
                    Principal: { Service: [...MESSAGING_PUBLISHERS] },
                    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: ["*"],
                    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                },
                {
                    // A CMK-encrypted event bus and its archive: EventBridge also describes the key
                    // and re-encrypts when it archives and replays events.
                    Sid: "AllowEventBridgeBusAndArchive",
                    Effect: "Allow",
                    Principal: { Service: "events.amazonaws.com" },
                    Action: ["kms:DescribeKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
                    Resource: ["*"],
                    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                },
                {
                    Sid: "AllowQueuesAndTopicsOnBehalfOfAccount",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
                    Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
                    Resource: ["*"],
                    Condition: {
                        StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": MESSAGING_VIA_SERVICES.map((s) => `${s}.${region}.amazonaws.com`) },
                    },
                },
            ];
        case "storage":
            return [
                root,
                {
                    Sid: "AllowS3OnBehalfOfAccount",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
                    Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
                    Resource: ["*"],
                    Condition: { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": `s3.${region}.amazonaws.com` } },
                },
            ];
        case "app":
            // Services get GenerateDataKey/Decrypt through their task roles (IAM, delegated by the root
            // statement), each constrained to its own encryption context: no service principal here.
            // The key policy enforces the envelope pattern for every principal, so that a broad IAM
            // grant elsewhere in the account (an admin or CI role with kms:*) cannot use the key
            // outside it: denies override the root statement's allow, and leave key administration
            // (policy, rotation, deletion) untouched, so the key cannot be locked out.
            return [
                root,
                {
                    Sid: "DenyOperationsOtherThanEnvelopeEncryption",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: APP_KEY_DENIED_OPERATIONS,
                    Resource: ["*"],
                },
                {
                    Sid: "DenyEnvelopeEncryptionWithoutServiceContext",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: ["*"],
                    Condition: { Null: { [`kms:EncryptionContext:${APP_KEY_CONTEXT_KEY}`]: "true" } },
                },
            ];
    }
}

const DESCRIPTIONS: Record<KeyPurpose, string> = {
    logs: "CloudWatch Logs encryption",
    data: "Aurora, Performance Insights, Secrets Manager, DynamoDB and ElastiCache encryption",
    messaging: "SQS, SNS and EventBridge encryption",
    storage: "S3 SSE-KMS encryption",
    app: "Client-side envelope encryption by services",
};

export interface KeyOutputs {
    readonly arn: pulumi.Output<string>;
    readonly keyId: pulumi.Output<string>;
    readonly aliasName: string;
}

export class EncryptionKeys extends pulumi.ComponentResource {
    public readonly keys: Readonly<Record<KeyPurpose, KeyOutputs>>;

    constructor(name: string, args: EncryptionKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:security:EncryptionKeys", name, {}, opts);
        validateEncryptionKeysArgs(args).throwIfAny(`EncryptionKeys ${name}`);

        const deletionWindowInDays = args.deletionWindowInDays ?? DEFAULTS.deletionWindowInDays;
        const protect = args.protect ?? DEFAULTS.protect;
        const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

        const keys = {} as Record<KeyPurpose, KeyOutputs>;
        for (const purpose of KEY_PURPOSES) {
            const key = new aws.kms.Key(
                `${name}-${purpose}`,
                {
                    description: `${args.aliasPrefix}: ${DESCRIPTIONS[purpose]}`,
                    keyUsage: "ENCRYPT_DECRYPT",
                    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                    enableKeyRotation: true,
                    rotationPeriodInDays: 365,
                    deletionWindowInDays,
                    policy: accountId.apply((account) => JSON.stringify({ Version: "2012-10-17", Statement: keyPolicyStatements(purpose, account, args.region) })),
                },
                { parent: this, protect, retainOnDelete: protect },
            );
            const aliasName = `alias/${args.aliasPrefix}-${purpose}`;
            new aws.kms.Alias(`${name}-${purpose}`, { name: aliasName, targetKeyId: key.keyId }, { parent: this });
            keys[purpose] = { arn: key.arn, keyId: key.keyId, aliasName };
        }
        this.keys = keys;

        this.registerOutputs({ keyArns: Object.fromEntries(KEY_PURPOSES.map((p) => [p, keys[p].arn])) });
    }
}
